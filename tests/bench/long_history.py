#!/usr/bin/env python3
"""Benchmark: a conversation with a long history in the real window.

A profile whose conversation with bob holds N messages (default 100,000,
written by the app's own store: `seed_history.rs`) is opened in the
release build under Xvfb, driven over WebDriver (tauri-driver +
WebKitWebDriver), logged in to a private demo Prosody. Measured:

- **first paint**: from the double click on bob's roster row to the end of
  the first frame that shows his messages (a requestAnimationFrame poll;
  the time is read in a task queued from the frame that has them, which
  runs after that frame is painted). The tab is closed between
  repetitions, so each opening reads its page from the store again.
- **scroll to the top**: the message list is scrolled up by one screen per
  frame, as a user dragging the scroll bar would, until "Start of history"
  shows (or LIMIT seconds); every frame interval is recorded. Reported:
  frames, median and p95 interval, intervals over 50 ms, the longest, and
  how many messages the tab held at the end.
- **memory**: proportional set size (PSS) of the app and its web
  processes before opening, after opening, and at the top.

Usage (Debian 12, the e2e test's venv and tools; see tests/e2e/run):

    cargo build --release --features custom-protocol
    ~/.cache/hearth/venv/bin/python tests/bench/long_history.py [--messages 100000] [--reps 5]

Prints a table and one JSON line. Every wait is bounded; every process it
starts is ended.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
sys.path.insert(0, str(REPO / "tests/e2e"))
sys.dont_write_bytecode = True

from test_chat import (Failure, Processes, bounded, find_tauri_driver, free_port,  # noqa: E402
                       open_window, port_open, private_env, start_session_bus, start_xvfb,
                       wait_until)

ALICE, BOB = "alice@localhost", "bob@localhost"
SCROLL_LIMIT_S = 300

OPEN_SCRIPT = """
const [jid, done] = [arguments[0], arguments[arguments.length - 1]];
const row = document.querySelector(`[data-testid="roster-contact"][data-jid="${jid}"]`);
if (!row) { done({ error: "no roster row for " + jid }); return; }
const t0 = performance.now();
row.dispatchEvent(new MouseEvent("dblclick", { bubbles: true }));
const deadline = t0 + 20000;
function frame() {
  const panel = document.querySelector('[role="tabpanel"]:not([hidden]) [data-testid="message-list"]');
  const shown = panel ? panel.querySelectorAll('[data-testid="message"]').length : 0;
  if (shown > 0) {
    // This frame has them; a task queued now runs after it is painted.
    setTimeout(() => done({ ms: performance.now() - t0, shown }), 0);
  } else if (performance.now() > deadline) {
    done({ error: "no message shown within 20 s" });
  } else {
    requestAnimationFrame(frame);
  }
}
requestAnimationFrame(frame);
"""

CLOSE_SCRIPT = """
const done = arguments[arguments.length - 1];
const close = document.querySelector('[data-testid="tab"][aria-selected="true"] [data-testid="tab-close"]');
if (close) close.click();
setTimeout(() => done(!document.querySelector('[role="tabpanel"]:not([hidden]) [data-testid="message-list"]')), 300);
"""

SCROLL_SCRIPT = """
const [limitMs, done] = [arguments[0], arguments[arguments.length - 1]];
const list = document.querySelector('[role="tabpanel"]:not([hidden]) [data-testid="message-list"]');
if (!list) { done({ error: "no open conversation" }); return; }
const status = () => list.querySelector('.history-status')?.dataset.status;
const intervals = [];
const t0 = performance.now();
let last = t0;
function frame(now) {
  intervals.push(now - last);
  last = now;
  if (status() === "start" && list.scrollTop === 0) {
    done({ ms: now - t0, intervals, held: list.querySelectorAll('[data-testid="message"]').length });
    return;
  }
  if (now - t0 > limitMs) {
    done({ ms: now - t0, intervals, timedOut: true });
    return;
  }
  list.scrollTop = Math.max(0, list.scrollTop - list.clientHeight);
  requestAnimationFrame(frame);
}
requestAnimationFrame((now) => { last = now; requestAnimationFrame(frame); });
"""


def pss_split_kib(root_pid: int) -> tuple[int, int]:
    """PSS of a process itself and of all its descendants (KiB): the core
    and its web processes."""
    total = pss_kib(root_pid)
    own = 0
    try:
        for line in Path(f"/proc/{root_pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                own = int(line.split()[1])
    except OSError:
        pass
    return own, total - own


def cpu_times() -> list[int]:
    """The host's CPU counters (/proc/stat's cpu line: user … steal)."""
    return [int(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]


def steal_share(before: list[int], after: list[int]) -> float:
    """The share of CPU time the host stole between two readings, in %."""
    delta = [b - a for a, b in zip(before, after)]
    return 100.0 * delta[7] / max(1, sum(delta[:8]))


class Sampler:
    """PSS of the core and its web processes every `every` seconds, from a
    thread, while the page is busy scrolling (bounded by the scroll's own
    limit: it stops when told)."""

    def __init__(self, pid: int, every: float = 15.0):
        self.pid, self.every, self.samples = pid, every, []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._t0 = time.monotonic()
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(self.every):
            core, web = pss_split_kib(self.pid)
            self.samples.append((round(time.monotonic() - self._t0), round(core / 1024, 1), round(web / 1024, 1)))

    def stop(self) -> list[tuple[int, float, float]]:
        self._stop.set()
        self._thread.join(timeout=10)
        return self.samples


def pss_kib(root_pid: int) -> int:
    """PSS of a process and all its descendants (KiB)."""
    children: dict[int, list[int]] = {}
    for d in Path("/proc").iterdir():
        if not d.name.isdigit():
            continue
        try:
            ppid = int((d / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(ppid, []).append(int(d.name))
    total, todo = 0, [root_pid]
    while todo:
        pid = todo.pop()
        todo.extend(children.get(pid, []))
        try:
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total


def app_pid(app: Path) -> int:
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                if os.readlink(d / "exe") == str(app):
                    return int(d.name)
            except OSError:
                pass
    raise Failure(f"no running {app}")


def percentile(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--messages", type=int, default=100_000)
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--app", default=str(REPO / "target/release/hearth"))
    ap.add_argument("--no-scroll", action="store_true", help="measure the first paint only")
    ap.add_argument("--settle", type=float, default=2.0, help="seconds between login and the first PSS reading")
    args = ap.parse_args()
    app = Path(args.app).resolve()
    if not os.access(app, os.X_OK):
        print(f"{app} is missing: cargo build --release --features custom-protocol", file=sys.stderr)
        return 2

    tmp = Path(tempfile.mkdtemp(prefix="hearth-long-history-"))
    server, home, profile = tmp / "server", tmp / "home", tmp / "profile"
    for d in (home / ".config", home / ".local/share", home / ".cache", tmp / "run", profile):
        d.mkdir(parents=True, exist_ok=True)
    os.chmod(tmp / "run", 0o700)
    procs = Processes()
    driver = None
    ok = False
    try:
        r = subprocess.run([str(REPO / "scripts/demo-server"), "start", str(server)],
                           capture_output=True, text=True, timeout=40)
        if r.returncode != 0:
            raise Failure(f"scripts/demo-server start failed:\n{r.stderr}{r.stdout}")
        demo = json.loads((server / "demo.json").read_text())
        profile_json = tmp / "demo-auto.json"
        profile_json.write_text(json.dumps(dict(demo, autoLogin=True)))

        started = time.monotonic()
        subprocess.run(["cargo", "bench", "--profile", "dev", "--bench", "seed_history", "--",
                        str(profile), str(args.messages), ALICE, BOB],
                       cwd=REPO, check=True, timeout=600)
        print(f"seeded in {time.monotonic() - started:.1f} s", flush=True)

        env = private_env(tmp, home, profile)
        env["RUST_LOG"] = "warn"
        env["DISPLAY"] = start_xvfb(procs, tmp)
        start_session_bus(procs, tmp, env)
        wd_port, native_port = free_port(), free_port()
        procs.start("tauri-driver", [find_tauri_driver(), "--port", str(wd_port), "--native-port",
                                     str(native_port), "--native-driver", "/usr/bin/WebKitWebDriver"],
                    tmp / "tauri-driver.log", env=env)
        wait_until("tauri-driver to listen", lambda: port_open(wd_port), 20)
        # tauri-driver starts WebKitWebDriver beside it; a session asked for
        # before that listens is refused.
        wait_until("WebKitWebDriver to listen", lambda: port_open(native_port), 20)

        driver = open_window(app, tmp, wd_port, ["--demo", str(profile_json)], timeout=600)
        driver.set_script_timeout(SCROLL_LIMIT_S + 30)
        wait_until("online", lambda: driver.execute_script(
            "return document.body.dataset.connection || ''") == "online", 60)
        wait_until("bob in the roster", lambda: driver.execute_script(
            f"return !!document.querySelector('[data-testid=\"roster-contact\"][data-jid=\"{BOB}\"]')"), 30)
        time.sleep(args.settle)  # let the start settle
        pid = app_pid(app)
        pss_before = pss_split_kib(pid)
        cpu_start = cpu_times()

        opens = []
        for rep in range(args.reps):
            got = driver.execute_async_script(OPEN_SCRIPT, BOB)
            if "error" in got:
                raise Failure(got["error"])
            opens.append(got["ms"])
            print(f"open {rep + 1}: first paint {got['ms']:.1f} ms ({got['shown']} messages drawn)", flush=True)
            time.sleep(0.5)
            if rep + 1 < args.reps and not driver.execute_async_script(CLOSE_SCRIPT):
                raise Failure("the tab did not close")
            time.sleep(0.5)
        time.sleep(1)
        pss_open = pss_split_kib(pid)

        scroll = None
        pss_top = None
        during: list = []
        if not args.no_scroll:
            sampler = Sampler(pid)
            try:
                scroll = driver.execute_async_script(SCROLL_SCRIPT, SCROLL_LIMIT_S * 1000)
            finally:
                during = sampler.stop()
            if "error" in scroll:
                raise Failure(scroll["error"])
            time.sleep(2)
            pss_top = pss_split_kib(pid)

        mib = lambda kib: round(kib / 1024, 1)  # noqa: E731
        split = lambda p: {"core": mib(p[0]), "web": mib(p[1]), "total": mib(sum(p))}  # noqa: E731
        result = {
            "messages": args.messages,
            "first_paint_ms": [round(x, 1) for x in opens],
            "first_paint_median_ms": round(statistics.median(opens), 1),
            "pss_mib": {"before": split(pss_before), "open": split(pss_open),
                        "top": split(pss_top) if pss_top else None},
            # (seconds into the scroll, core MiB, web MiB)
            "pss_during_scroll_mib": during,
            "cpu_steal_pct": round(steal_share(cpu_start, cpu_times()), 1),
        }
        print(f"\nfirst paint, {args.messages:,} messages: median {result['first_paint_median_ms']} ms "
              f"(all: {result['first_paint_ms']})")
        if scroll:
            iv = scroll["intervals"][1:] or [0.0]
            result["scroll"] = {
                "seconds": round(scroll["ms"] / 1000, 1), "frames": len(iv),
                "median_ms": round(statistics.median(iv), 1), "p95_ms": round(percentile(iv, 95), 1),
                "over_50_ms": sum(1 for x in iv if x > 50), "max_ms": round(max(iv), 1),
                "timed_out": bool(scroll.get("timedOut")),
            }
            s = result["scroll"]
            print(f"scroll to the top: {s['seconds']} s, {s['frames']} frames, median {s['median_ms']} ms, "
                  f"p95 {s['p95_ms']} ms, {s['over_50_ms']} over 50 ms, longest {s['max_ms']} ms"
                  + (" (TIMED OUT)" if s["timed_out"] else ""))
        m = result["pss_mib"]
        for when in ("before", "open", "top"):
            if m[when]:
                print(f"PSS {when}: {m[when]['total']} MiB (core {m[when]['core']}, web {m[when]['web']})")
        if during:
            print("PSS while scrolling (s: core + web MiB): "
                  + ", ".join(f"{t}: {c} + {w}" for t, c, w in during))
        print(f"CPU steal during the run: {result['cpu_steal_pct']} %")
        print(json.dumps(result))
        ok = True
    except (Failure, subprocess.SubprocessError, OSError) as e:
        print(f"FAIL: {e}", file=sys.stderr)
    finally:
        if driver is not None:
            try:
                bounded("closing the WebDriver session", driver.quit, 15)
            except Exception as e:  # noqa: BLE001 - the window may be gone
                print(f"(driver.quit: {e})", file=sys.stderr)
        procs.stop_all()
        subprocess.run([str(REPO / "scripts/demo-server"), "stop", str(server)], capture_output=True, timeout=30)
        if ok:
            shutil.rmtree(tmp, ignore_errors=True)
        else:
            print(f"kept {tmp}", file=sys.stderr)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
