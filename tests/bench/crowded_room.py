#!/usr/bin/env python3
"""Whole-app benchmark: join a room that holds N occupants from the real
window, and time it until the occupants panel shows them.

A demo Prosody (scripts/demo-server) gets a room with N occupants put in
through its admin shell (instantly; joining them one by one costs Prosody
O(n²) presence broadcasts). The release app runs under Xvfb and is driven
over WebDriver like the end-to-end test: log in, open "Join room", type the
address, then the page itself records the time from the click on "Join" to
the first frame after the occupants panel lists them (a MutationObserver
and requestAnimationFrame, so WebDriver's own latency is not counted).
The room is left and joined again REPS times.

    cargo build --release --features custom-protocol
    ~/.cache/hearth/venv/bin/python tests/bench/crowded_room.py [N] [REPS]

Needs what tests/e2e/run installs (venv, tauri-driver, Xvfb, WebKitWebDriver).
"""
from __future__ import annotations

import json
import os
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tests/e2e"))

import test_chat as e2e  # noqa: E402  (its helpers: Xvfb, session bus, waits)
from selenium import webdriver  # noqa: E402
from selenium.webdriver.common.options import ArgOptions  # noqa: E402
from selenium.webdriver.remote.client_config import ClientConfig  # noqa: E402

ROOM = "crowd@conference.localhost"

FILL = """local st = require "util.stanza"
local muc = prosody.hosts["conference.localhost"].modules.muc
local R = "{room}"
local room = muc.get_room_from_jid(R) or muc.create_room(R)
for i = 1, {n} do
  local real = "u" .. i .. "@localhost/bench"
  local o = room:new_occupant("u" .. i .. "@localhost", R .. "/u" .. i)
  o:set_session(real, st.presence({{ from = real, to = R .. "/u" .. i }}))
  room:save_occupant(o)
end
local count = 0
for _ in room:each_occupant() do count = count + 1 end
return "occupants " .. count"""

MEASURE = """
const [n, done] = [arguments[0], arguments[arguments.length - 1]];
window.__crowd = null;
const rendered = () => {
  const rows = document.querySelectorAll('[data-testid="occupant-row"]').length;
  const count = document.querySelector('[data-testid="occupants-count"]');
  const shown = count ? Number((count.textContent || "").replace(/\\D/g, "")) : 0;
  return rows > 0 && shown >= n ? { rows, shown } : null;
};
const t0 = performance.now();
const observer = new MutationObserver(() => {
  const r = rendered();
  if (!r) return;
  observer.disconnect();
  requestAnimationFrame(() => { window.__crowd = { ms: performance.now() - t0, ...r }; });
});
observer.observe(document.body, { childList: true, subtree: true, characterData: true });
document.querySelector('[data-testid="join-room-submit"]').click();
done(true);
"""


def main() -> int:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    reps = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    app = Path(os.environ.get("HEARTH_BENCH_APP") or REPO / "target/release/hearth")
    if not os.access(app, os.X_OK):
        print(f"{app} is missing: cargo build --release --features custom-protocol", file=sys.stderr)
        return 2
    tmp = Path(tempfile.mkdtemp(prefix="hearth-crowd-"))
    server, home = tmp / "server", tmp / "home"
    for d in (home / ".config", tmp / "run", tmp / "profile"):
        d.mkdir(parents=True, exist_ok=True)
    os.chmod(tmp / "run", 0o700)
    procs = e2e.Processes()
    driver = None
    try:
        r = subprocess.run([str(REPO / "scripts/demo-server"), "start", str(server)],
                           capture_output=True, text=True, timeout=40, check=True)
        port = int(r.stdout.strip().splitlines()[-1])
        demo = server / "demo.json"
        t = time.monotonic()
        out = subprocess.run(["prosodyctl", "--config", str(server / "prosody.cfg.lua"), "shell",
                              "> " + FILL.format(room=ROOM, n=n).replace("\n", " ")],
                             capture_output=True, text=True, timeout=120)
        if f"occupants {n}" not in out.stdout:
            raise e2e.Failure(f"filling the room failed: {out.stdout}{out.stderr}")
        print(f"{ROOM}: {n} occupants put in ({time.monotonic() - t:.1f} s); prosody on {port}")

        env = {k: v for k, v in os.environ.items() if not k.startswith(("DBUS_", "XDG_", "HEARTH_"))}
        env.update({"HOME": str(home), "XDG_CONFIG_HOME": str(home / ".config"),
                    "XDG_RUNTIME_DIR": str(tmp / "run"), "HEARTH_DATA_DIR": str(tmp / "profile"),
                    "RUST_LOG": "warn", "NO_AT_BRIDGE": "1", "GDK_BACKEND": "x11"})
        env["DISPLAY"] = e2e.start_xvfb(procs, tmp)
        e2e.start_session_bus(procs, tmp, env)
        wd_port, native_port = e2e.free_port(), e2e.free_port()
        procs.start("tauri-driver", [e2e.find_tauri_driver(), "--port", str(wd_port), "--native-port",
                                     str(native_port), "--native-driver", "/usr/bin/WebKitWebDriver"],
                    tmp / "tauri-driver.log", env=env)
        e2e.wait_until("tauri-driver", lambda: e2e.port_open(wd_port), 20)
        wrapper = tmp / "hearth-app"
        wrapper.write_text(f"#!/bin/sh\nexec {shlex.quote(str(app))} \"$@\" >>{shlex.quote(str(tmp / 'hearth.log'))} 2>&1\n")
        wrapper.chmod(0o755)
        opts = ArgOptions()
        opts.set_capability("browserName", "wry")
        opts.set_capability("tauri:options", {"application": str(wrapper), "args": ["--demo", str(demo)]})
        driver = webdriver.Remote(command_executor=f"http://127.0.0.1:{wd_port}", options=opts,
                                  client_config=ClientConfig(remote_server_addr=f"http://127.0.0.1:{wd_port}",
                                                             timeout=30))

        def click(testid: str, what: str, timeout: float = 20) -> None:
            sel = e2e.css(testid)
            e2e.wait_until(what, lambda: driver.execute_script(
                "const e = document.querySelector(arguments[0]); if (!e) return false; e.click(); return true;",
                sel), timeout)

        click("login-submit", "the login button", 30)
        e2e.wait_until("online", lambda: e2e.body_state(driver) == "online", 30)
        results = []
        for rep in range(reps):
            click("join-room-open", "the Join room button")
            e2e.set_value(driver.find_element("css selector", e2e.css("join-room-address")), ROOM)
            e2e.set_value(driver.find_element("css selector", e2e.css("join-room-nick")), "alice")
            driver.execute_async_script(MEASURE, n)
            got = e2e.wait_until("the occupants panel", lambda: driver.execute_script("return window.__crowd"), 60)
            results.append(got)
            print(f"rep {rep + 1}: join → {got['shown']} occupants listed ({got['rows']} rows in the DOM) "
                  f"in {got['ms']:.0f} ms")
            click("room-leave", "the Leave button")
            e2e.wait_until("the room tab to close", lambda: not driver.execute_script(
                "return document.querySelector(arguments[0]) !== null", e2e.css("room-leave")), 30)
        ms = [r["ms"] for r in results]
        print(json.dumps({"occupants": n, "reps": reps, "median_ms": round(statistics.median(ms)),
                          "min_ms": round(min(ms)), "max_ms": round(max(ms))}))
        return 0
    finally:
        if driver is not None:
            try:
                driver.quit()
            except Exception:
                pass
        procs.stop_all()
        subprocess.run([str(REPO / "scripts/demo-server"), "stop", str(server)], capture_output=True, timeout=40)


if __name__ == "__main__":
    sys.exit(main())
