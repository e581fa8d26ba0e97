#!/usr/bin/env python3
"""End-to-end test of the real Hearth window: log in (trusting the server's
certificate), check that the page may call only the commands its capability
grants, open a chat, send and receive a message, then log in again
through the advanced connection dialog (test connection, fixed server,
resource, console on start) — against a private Prosody and a slixmpp peer.

Run it through tests/e2e/run (venv, tauri-driver, UI and app build). Direct use:

    python3 tests/e2e/test_chat.py

Environment:
    HEARTH_E2E_APP         app binary (default: target/debug/hearth, built
                           with --features custom-protocol)
    HEARTH_E2E_SCREENSHOT  where to save the main window's screenshot
                           (default: docs/screenshot-main.png; "" = none)
    HEARTH_E2E_KEEP=1      keep the temp folder (logs, profile) after success
    TAURI_DRIVER           tauri-driver binary (default: on PATH or ~/.cargo/bin)

Every process it starts runs in its own session and is ended in `finally`;
every wait is bounded. On failure it prints the app/driver, Prosody, Xvfb
and keyring logs and keeps the temp folder.
"""
from __future__ import annotations

import hashlib
import json
import os
import select
import shlex
import ssl
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
sys.path.insert(0, str(HERE))
sys.dont_write_bytecode = True  # no __pycache__ next to peer.py in the work tree

from selenium import webdriver  # noqa: E402
from selenium.common.exceptions import (  # noqa: E402
    StaleElementReferenceException, TimeoutException, WebDriverException)
from selenium.webdriver.common.action_chains import ActionChains  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402
from selenium.webdriver.common.options import ArgOptions  # noqa: E402
from selenium.webdriver.remote.client_config import ClientConfig  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

from peer import Peer  # noqa: E402

ALICE, BOB = "alice@localhost", "bob@localhost"
OUT_BODY = "hello from hearth"
IN_BODY = "hi alice, from slixmpp"
TOTAL_LIMIT = 240  # seconds for the whole test, teardown excluded

T0 = time.monotonic()


def step(msg: str) -> None:
    print(f"[{time.monotonic() - T0:6.1f}s] {msg}", flush=True)


class Failure(Exception):
    pass


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until(what: str, pred, timeout: float, interval: float = 0.1):
    assert timeout <= 60
    deadline = time.monotonic() + timeout
    while True:
        try:
            v = pred()
        except StaleElementReferenceException:
            # WebKitWebDriver may report this while the page re-renders,
            # even from find_elements: look again.
            v = None
        if v:
            return v
        if time.monotonic() >= deadline:
            raise Failure(f"timed out after {timeout:g} s waiting for {what}")
        time.sleep(interval)


def bounded(what: str, fn, timeout: float):
    """fn() in a helper thread: a hung WebDriver call cannot hang the test."""
    result: dict = {}

    def run() -> None:
        try:
            result["value"] = fn()
        except BaseException as e:  # noqa: BLE001 - handed to the caller
            result["error"] = e

    t = threading.Thread(target=run, name=what, daemon=True)
    t.start()
    t.join(timeout)
    if t.is_alive():
        raise Failure(f"{what} did not return within {timeout:g} s (the WebDriver call hangs)")
    if "error" in result:
        raise result["error"]
    return result.get("value")


def x_screenshot(display: str, out: Path, geometry: str | None = None) -> None:
    """The X display's screen (or the WxH+X+Y part of it) as PNG."""
    crop = ["-crop", geometry, "+repage"] if geometry else []
    r = subprocess.run(["import", "-display", display, "-window", "root", *crop, str(out)],
                       capture_output=True, timeout=30)
    if r.returncode != 0 or not out.exists():
        raise Failure(f"import could not take a screenshot of {display}: {r.stderr.decode(errors='replace')}")


def port_open(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


def tail(path: Path, lines: int = 60) -> str:
    try:
        text = path.read_text(errors="replace").splitlines()
    except OSError as e:
        return f"(cannot read {path}: {e})"
    return "\n".join(text[-lines:]) if text else "(empty)"


class Processes:
    """Children started by this test, each in its own session (process group)."""

    def __init__(self) -> None:
        self.procs: list[tuple[str, subprocess.Popen]] = []

    def start(self, name: str, argv: list[str], log: Path, env: dict | None = None, **kw) -> subprocess.Popen:
        f = open(log, "ab")
        try:
            p = subprocess.Popen(argv, stdout=kw.pop("stdout", f), stderr=f, env=env,
                                 start_new_session=True, **kw)
        finally:
            f.close()
        self.procs.append((name, p))
        return p

    def stop_all(self) -> None:
        for name, p in reversed(self.procs):
            if p.poll() is not None:
                continue
            try:
                os.killpg(p.pid, signal.SIGTERM)  # its group: ours alone (new session)
            except ProcessLookupError:
                continue
            try:
                p.wait(5)
            except subprocess.TimeoutExpired:
                print(f"{name} ({p.pid}) ignored SIGTERM, killing it", flush=True)
                try:
                    os.killpg(p.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                p.wait(5)
        self.procs.clear()


def find_tauri_driver() -> str:
    cand = os.environ.get("TAURI_DRIVER") or shutil.which("tauri-driver") \
        or str(Path.home() / ".cargo/bin/tauri-driver")
    if not Path(cand).is_file():
        raise Failure("tauri-driver is missing: cargo install tauri-driver --locked")
    return cand


def private_env(tmp: Path, home: Path, profile: Path) -> dict:
    """The app's environment: nothing touches the developer's HOME, keychain or profile."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("DBUS_SESSION_BUS_ADDRESS", "WAYLAND_DISPLAY", "DISPLAY", "HEARTH_DEMO",
                        "HEARTH_DATA_DIR", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME",
                        "XDG_RUNTIME_DIR", "XDG_STATE_HOME")}
    env.update({
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "XDG_DATA_HOME": str(home / ".local/share"),
        "XDG_CACHE_HOME": str(home / ".cache"),
        "XDG_RUNTIME_DIR": str(tmp / "run"),
        "HEARTH_DATA_DIR": str(profile),
        "RUST_LOG": os.environ.get("RUST_LOG", "info"),
        "NO_AT_BRIDGE": "1",
        "GDK_BACKEND": "x11",
    })
    return env


def open_window(app: Path, tmp: Path, wd_port: int, args: list[str], timeout: float = 20):
    """A WebDriver session on the app's window. WebKitWebDriver drops the
    browser's output, so the app is started through a wrapper that keeps
    its log (tmp/hearth.log). `timeout`: for each WebDriver call."""
    wrapper = tmp / "hearth-app"
    wrapper.write_text(f"#!/bin/sh\nexec {shlex.quote(str(app))} \"$@\" "
                       f">>{shlex.quote(str(tmp / 'hearth.log'))} 2>&1\n")
    wrapper.chmod(0o755)
    opts = ArgOptions()
    opts.set_capability("browserName", "wry")
    opts.set_capability("tauri:options", {"application": str(wrapper), "args": args})
    return bounded("opening the WebDriver session", lambda: webdriver.Remote(
        command_executor=f"http://127.0.0.1:{wd_port}", options=opts,
        client_config=ClientConfig(remote_server_addr=f"http://127.0.0.1:{wd_port}", timeout=timeout)), 60)


def start_xvfb(procs: Processes, tmp: Path) -> str:
    """Xvfb on a display it picks itself (-displayfd); returns ':N'."""
    r, w = os.pipe()
    p = procs.start("Xvfb", ["Xvfb", "-displayfd", str(w), "-screen", "0", "1280x800x24",
                             "-nolisten", "tcp", "-noreset"],
                    tmp / "xvfb.log", stdout=subprocess.DEVNULL, pass_fds=(w,))
    os.close(w)
    buf = b""
    deadline = time.monotonic() + 15
    while not buf.endswith(b"\n"):
        left = deadline - time.monotonic()
        if left <= 0 or p.poll() is not None:
            os.close(r)
            raise Failure(f"Xvfb did not start:\n{tail(tmp / 'xvfb.log')}")
        ready, _, _ = select.select([r], [], [], left)
        if ready:
            chunk = os.read(r, 64)
            if not chunk:
                break
            buf += chunk
    os.close(r)
    return ":" + buf.decode().strip()


def start_session_bus(procs: Processes, tmp: Path, env: dict) -> None:
    """A private D-Bus session bus and an unlocked gnome-keyring (Secret Service)."""
    bus = tmp / "run" / "bus"
    address = f"unix:path={bus}"
    procs.start("dbus-daemon", ["dbus-daemon", "--session", "--nofork", "--nopidfile",
                                f"--address={address}"], tmp / "dbus.log", env=env,
                stdout=subprocess.DEVNULL)
    wait_until("the D-Bus session bus", bus.exists, 10)
    env["DBUS_SESSION_BUS_ADDRESS"] = address
    kr = procs.start("gnome-keyring", ["gnome-keyring-daemon", "--foreground", "--unlock",
                                       "--components=secrets"],
                     tmp / "keyring.log", env=env, stdin=subprocess.PIPE,
                     stdout=subprocess.DEVNULL)
    assert kr.stdin is not None
    kr.stdin.write(b"\n")  # an empty login-keyring password, with the newline it needs
    kr.stdin.close()

    def registered() -> bool:
        r = subprocess.run(["dbus-send", "--session", "--print-reply", "--dest=org.freedesktop.DBus",
                            "/org/freedesktop/DBus", "org.freedesktop.DBus.NameHasOwner",
                            "string:org.freedesktop.secrets"],
                           env=env, capture_output=True, text=True, timeout=5)
        if kr.poll() is not None:
            raise Failure(f"gnome-keyring-daemon exited:\n{tail(tmp / 'keyring.log')}")
        return "boolean true" in r.stdout

    wait_until("gnome-keyring on the session bus", registered, 15, 0.2)


def ask_backend(driver, command: str, summary: str = "r") -> str:
    """Diagnostics: what a backend command returns now, asked from the page."""
    script = f"""
        const done = arguments[arguments.length - 1];
        window.__TAURI_INTERNALS__.invoke({json.dumps(command)}, {{}})
          .then((r) => done(JSON.stringify({summary})), (e) => done("error: " + JSON.stringify(e)));
    """
    try:
        return bounded(command, lambda: driver.execute_async_script(script), 10)
    except Exception as e:
        return f"(cannot ask: {e})"


def invoke_from_page(driver, command: str) -> tuple[str, str]:
    """What the page gets from invoking `command`: ("resolved", the result
    as JSON) or ("rejected", the error as text)."""
    script = f"""
        const done = arguments[arguments.length - 1];
        window.__TAURI_INTERNALS__.invoke({json.dumps(command)}, {{}})
          .then((r) => done(["resolved", JSON.stringify(r)]), (e) => done(["rejected", String(e)]));
    """
    outcome, value = bounded(command, lambda: driver.execute_async_script(script), 10)
    return outcome, value


def only_granted_commands_run(driver) -> None:
    """The window's capability grants Hearth's own commands and nothing
    else, and the app manifest makes Tauri check every call against it: a
    script in the page (say, one slipped in through a rendering bug) can
    reach neither Tauri's own commands nor a command the capability does
    not name."""
    outcome, value = invoke_from_page(driver, "connection_state")
    if outcome != "resolved" or '"state":"online"' not in value:
        raise Failure(f"connection_state, which the capability grants, gave {outcome}: {value}")
    # Core plugin commands the capability does not grant (it has only
    # core:event:default), and a name no capability mentions.
    for command in ("plugin:window|title", "plugin:app|version", "delete_account"):
        outcome, value = invoke_from_page(driver, command)
        if outcome != "rejected" or "not allowed" not in value:
            raise Failure(f"{command} is not granted, yet the page's call {outcome}: {value}")
    step("a command the capability does not grant is refused; a granted one runs")


def backend_roster(driver) -> str:
    return ask_backend(driver, "roster_snapshot", "{items: r.items.map((i) => i.jid), "
                                                  "presences: r.presences.map((p) => p.jid)}")


def css(testid: str, extra: str = "") -> str:
    return f'[data-testid="{testid}"]{extra}'


RESOURCE = "E2E-Desk"
ROOM = "team@conference.localhost"
ROOM_BODY = "hello room, from hearth"


def room_from_bookmark(driver, find, bob) -> None:
    bob.join_room(ROOM, "bob")
    step(f"bob (slixmpp) is in {ROOM}")
    find(css("join-room-open"), "the Join room button").click()
    set_value(find(css("join-room-address"), "the room address"), ROOM)
    set_value(find(css("join-room-nick"), "the nickname"), "alice")
    find(css("join-room-submit"), "the Join button").click()
    find(css("room-bookmark"), "the room's Bookmark button", 20).click()
    # The sidebar has a (hidden) bookmark form too: use the one shown.
    form = wait_until("the room's bookmark form", lambda: next(
        (f for f in driver.find_elements(By.CSS_SELECTOR, css("bookmark-form")) if f.is_displayed()),
        None), 10)
    set_value(form.find_element(By.CSS_SELECTOR, css("bookmark-name")), "Team")
    form.find_element(By.CSS_SELECTOR, css("bookmark-save")).click()
    row_sel = css("bookmark-row", f'[data-jid="{ROOM}"]')
    find(row_sel, "the bookmark in the sidebar", 20)
    step("room joined and bookmarked")
    find(css("room-leave"), "the Leave button").click()
    wait_until("the room tab to close", lambda: not driver.find_elements(
        By.CSS_SELECTOR, css("room-leave")), 15)
    find(row_sel + " " + css("bookmark-join"), "the bookmark's join button").click()
    wait_until("the room's tab", lambda: any(
        e.is_displayed() for e in driver.find_elements(By.CSS_SELECTOR, css("room-leave"))), 20)
    wait_until("the room's occupants to include bob", lambda: driver.find_elements(
        By.CSS_SELECTOR, css("occupant-row", '[data-nick="bob"]')), 20)
    step("room joined again from the bookmark sidebar")

    def room_composer():
        return next((c for c in driver.find_elements(By.CSS_SELECTOR, css("composer-input"))
                     if c.is_displayed()), None)

    for attempt in range(5):  # the tab may re-render as the room's state arrives
        try:
            composer = wait_until("the room's composer", room_composer, 10)
            composer.send_keys(ROOM_BODY)
            composer.send_keys(Keys.ENTER)
            break
        except StaleElementReferenceException:
            time.sleep(0.2)
    else:
        raise Failure("the room's composer keeps being replaced")
    got = bob.wait_room_message(ROOM_BODY, timeout=20)
    assert got.sender == f"{ROOM}/alice", f"bob saw the message from {got.sender!r}"
    step("bob (slixmpp) received alice's room message")

    # bob made the room, so he moderates it: he removes alice's message for
    # everyone (XEP-0425, version 0 as Prosody 0.12's mod_muc_moderation).
    assert got.stanza_id, "the room gave alice's message no id"
    bob.send_xml(f"<iq xmlns='jabber:client' type='set' to='{ROOM}' id='mod-1'>"
                 f"<apply-to xmlns='urn:xmpp:fasten:0' id='{got.stanza_id}'>"
                 "<moderate xmlns='urn:xmpp:message-moderate:0'>"
                 "<retract xmlns='urn:xmpp:message-retract:0'/><reason>off topic</reason>"
                 "</moderate></apply-to></iq>")

    def room_bodies() -> list[str]:
        return [b.text for b in driver.find_elements(By.CSS_SELECTOR, css("message-body")) if b.is_displayed()]

    wait_until("alice's room message removed by bob", lambda: ROOM_BODY not in room_bodies() and any(
        t.is_displayed() for t in driver.find_elements(By.CSS_SELECTOR, css("message-tombstone"))), 20)
    step("bob (slixmpp, moderator) removed alice's room message for everyone")

    # And the other way: bob makes alice a moderator; she removes his message
    # from the window (Remove, confirmed) and the room tells bob.
    bob.send_xml(f"<iq xmlns='jabber:client' type='set' to='{ROOM}' id='role-1'>"
                 "<query xmlns='http://jabber.org/protocol/muc#admin'>"
                 "<item nick='alice' role='moderator'/></query></iq>")
    wait_until("alice a moderator in the occupant list", lambda: driver.find_elements(
        By.CSS_SELECTOR, css("occupant-row", '[data-nick="alice"][data-role="moderator"]')), 20)
    bob.send_xml(f"<message xmlns='jabber:client' to='{ROOM}' type='groupchat' id='bob-spam-1'>"
                 "<body>buy cheap watches</body></message>")
    spam = bob.wait_room_message("buy cheap watches", timeout=20)
    assert spam.stanza_id, "the room gave bob's message no id"
    shown = wait_until("bob's message in the room", lambda: message_with(driver, "buy cheap watches", "in"), 20)
    ActionChains(driver).move_to_element(shown).perform()
    remove = shown.find_element(By.CSS_SELECTOR, css("message-moderate"))
    remove.click()
    remove.click()
    bob.wait_removed(spam.stanza_id)
    wait_until("bob's message removed in the window",
               lambda: message_with(driver, "buy cheap watches", "in") is None, 20)
    step("alice (moderator) removed bob's room message; bob (slixmpp) was told")

    # While the room is shown, bob writes to alice: the chat tab in the
    # background counts them, and shows them once opened.
    later = ["are you in the room?", "ping me when you are back"]
    for body in later:
        bob.send(ALICE, body)
    bob_tab = css("tab", f'[data-jid="{BOB}"]')

    def badge() -> str:
        tabs = driver.find_elements(By.CSS_SELECTOR, bob_tab)
        marks = tabs[0].find_elements(By.CSS_SELECTOR, css("tab-unread")) if tabs else []
        return marks[0].text if marks and marks[0].is_displayed() else ""

    wait_until("bob's background tab to count 2 unread", lambda: badge() == "2", 20)
    step("bob's background tab counts 2 unread messages")
    for attempt in range(5):
        try:
            find(bob_tab, "bob's tab").click()
            break
        except StaleElementReferenceException:
            time.sleep(0.2)

    def shown_bodies() -> list[str]:
        return [b.text for b in driver.find_elements(By.CSS_SELECTOR, css("message-body"))]

    wait_until("bob's new messages in his tab", lambda: shown_bodies()[-2:] == later, 20)
    step("opened, bob's tab shows the messages that came while it was hidden")


LINK = "https://example.com/hearth-e2e?q=1"


def link_opens_outside(driver, bob, opened: Path) -> None:
    page = driver.current_url
    bob.send(ALICE, f"the plan: {LINK}.")

    def link():
        found = driver.find_elements(By.CSS_SELECTOR, f'{css("message-body")} a.link[data-url="{LINK}"]')
        return found[0] if found else None

    wait_until("the link in bob's message", link, 20).click()
    wait_until(f"xdg-open to be asked for {LINK}", lambda: opened.exists()
               and LINK in opened.read_text().splitlines(), 10)
    time.sleep(0.5)
    assert driver.current_url == page, f"the window went to {driver.current_url!r}"
    assert opened.read_text().splitlines() == [LINK], f"opened {opened.read_text()!r}"
    step("a link opened outside the window (xdg-open), the window stayed")


def search_finds_and_opens(driver, find, tmp: Path, display: str) -> None:
    find(css("search-open"), "the search button").click()
    box = find(css("search-input"), "the search box")
    box.send_keys("plan")
    box.send_keys(Keys.ENTER)

    def result():
        found = driver.find_elements(By.CSS_SELECTOR, css("search-result"))
        return found[0] if found and "the plan" in found[0].text else None

    hit = wait_until("a search result for 'plan'", result, 10)
    marks = [m.text for m in hit.find_elements(By.CSS_SELECTOR, "mark")]
    assert marks == ["plan"], f"marked {marks!r}"
    x_screenshot(display, tmp / "search.png")
    hit.click()
    wait_until("the found message pointed out", lambda: driver.find_elements(
        By.CSS_SELECTOR, css("message", ".revealed")), 10)
    box.send_keys(Keys.ESCAPE)
    wait_until("the search panel to close", lambda: not driver.find_elements(
        By.CSS_SELECTOR, css("search-panel", ":not([hidden])")), 5)
    step("search found bob's message and opened it")


def message_with(driver, body: str, direction: str):
    """The message in the open tab whose text is exactly `body`."""
    for m in driver.find_elements(By.CSS_SELECTOR, css("message", f'[data-direction="{direction}"]')):
        shown = m.find_elements(By.CSS_SELECTOR, css("message-body"))
        if shown and shown[0].text == body:
            return m
    return None


def corrections_and_retractions_both_ways(driver, find, bob) -> None:
    """XEP-0308 and XEP-0424 with slixmpp: bob's correction and retraction
    change his message in the window; ours reach him naming our message."""
    def raw(body: str, extra: str, sid: str) -> str:
        return (f"<message xmlns='jabber:client' to='{ALICE}' type='chat' id='{sid}'>"
                f"<body>{body}</body><origin-id xmlns='urn:xmpp:sid:0' id='{sid}'/>{extra}</message>")

    bob.send_xml(raw("meet at 3", "", "bob-plan-1"))
    wait_until("bob's 'meet at 3'", lambda: message_with(driver, "meet at 3", "in"), 20)
    bob.send_xml(raw("meet at 4", "<replace xmlns='urn:xmpp:message-correct:0' id='bob-plan-1'/>", "bob-plan-2"))
    fixed = wait_until("bob's message corrected to 'meet at 4'",
                       lambda: message_with(driver, "meet at 4", "in"), 20)
    assert fixed.find_elements(By.CSS_SELECTOR, css("message-edited")), "not marked edited"
    assert message_with(driver, "meet at 3", "in") is None, "the old text is still a message"
    bob.send_xml(raw("This person attempted to retract a previous message",
                     "<retract xmlns='urn:xmpp:message-retract:1' id='bob-plan-1'/>", "bob-plan-3"))
    wait_until("bob's message removed", lambda: message_with(driver, "meet at 4", "in") is None
               and driver.find_elements(By.CSS_SELECTOR, css("message-tombstone")), 20)
    assert not any("attempted to retract" in b.text
                   for b in driver.find_elements(By.CSS_SELECTOR, css("message-body"))), "fallback shown"
    step("bob's correction and retraction (slixmpp) changed his message in the window")

    ours = wait_until(f"our {OUT_BODY!r}", lambda: message_with(driver, OUT_BODY, "out"), 10)
    original = bob.wait_message(body=OUT_BODY, sender=ALICE)
    # bob names our message: his "correction" is a message of his, ours stays.
    bob.send_xml(raw("you never said that", f"<replace xmlns='urn:xmpp:message-correct:0' id='{original.id}'/>",
                     "bob-spoof-1"))
    wait_until("bob's forged correction shown as his own message",
               lambda: message_with(driver, "you never said that", "in"), 20)
    assert message_with(driver, OUT_BODY, "out"), "our message was changed by bob"
    step("bob's correction of our message (slixmpp) is a message of his; ours is unchanged")
    ActionChains(driver).move_to_element(ours).perform()
    ours.find_element(By.CSS_SELECTOR, css("message-edit")).click()
    composer = find(css("composer-input"), "the composer")
    wait_until("the composer to hold our message", lambda: composer.get_attribute("value") == OUT_BODY, 5)
    set_value(composer, "hello again from hearth")
    composer.send_keys(Keys.ENTER)
    got = bob.wait_message(body="hello again from hearth", sender=ALICE, replaces=original.id)
    wait_until("our message shown corrected",
               lambda: message_with(driver, "hello again from hearth", "out"), 10)
    step(f"bob got our correction naming {got.replaces!r}")
    ours = message_with(driver, "hello again from hearth", "out")
    ActionChains(driver).move_to_element(ours).perform()
    delete = ours.find_element(By.CSS_SELECTOR, css("message-retract"))
    delete.click()
    delete.click()
    bob.wait_message(sender=ALICE, retracts=original.id)
    wait_until("our message removed", lambda: message_with(driver, "hello again from hearth", "out") is None, 10)
    step("bob got our retraction")


def chat_states_and_styling(driver, find, bob) -> None:
    """XEP-0085 both ways with slixmpp: bob typing shows in the header until
    he pauses; our typing reaches him. XEP-0393: bob's *strong* is drawn
    strong, unless his message asks not to be styled."""
    states = "http://jabber.org/protocol/chatstates"
    bob.send_xml(f"<message xmlns='jabber:client' to='{ALICE}' type='chat'><composing xmlns='{states}'/></message>")

    def typing_line():
        lines = [e for e in driver.find_elements(By.CSS_SELECTOR, css("typing")) if e.is_displayed()]
        return lines[0] if lines and "typing" in lines[0].text else None

    typing = wait_until("bob is typing… in the header", typing_line, 20)
    assert "bob" in typing.text.lower(), f"the typing line says {typing.text!r}"
    bob.send_xml(f"<message xmlns='jabber:client' to='{ALICE}' type='chat'><paused xmlns='{states}'/></message>")
    wait_until("the typing line cleared when bob paused", lambda: typing_line() is None, 20)
    composer = find(css("composer-input"), "the composer")
    composer.send_keys("let me think")
    bob.wait_chat_state("composing", ALICE)
    composer.clear()
    step("chat states both ways with bob (slixmpp)")

    def shown(body: str):
        return message_with(driver, body, "in")

    bob.send_xml(f"<message xmlns='jabber:client' to='{ALICE}' type='chat' id='bob-s-1'>"
                 "<body>this is *urgent*</body></message>")
    styled = wait_until("bob's styled message", lambda: shown("this is *urgent*"), 20)
    strong = styled.find_elements(By.CSS_SELECTOR, "strong")
    assert strong and "urgent" in strong[0].text, "*urgent* is not drawn strong"
    bob.send_xml(f"<message xmlns='jabber:client' to='{ALICE}' type='chat' id='bob-s-2'>"
                 "<body>the file is *.txt, not *.doc</body><unstyled xmlns='urn:xmpp:styling:0'/></message>")
    plain = wait_until("bob's unstyled message", lambda: shown("the file is *.txt, not *.doc"), 20)
    assert not plain.find_elements(By.CSS_SELECTOR, "strong"), "an unstyled message was styled"
    step("bob's styling shown, and not where he asked for none")


def replies_both_ways(driver, find, bob) -> None:
    """XEP-0461 with slixmpp: bob's reply shows the message it answers above
    its text (without the quote his fallback carries); ours names his."""
    bob.send_xml("<message xmlns='jabber:client' to='%s' type='chat' id='bob-q-1'>"
                 "<body>which room?</body><origin-id xmlns='urn:xmpp:sid:0' id='bob-q-1'/></message>" % ALICE)
    question = wait_until("bob's question", lambda: message_with(driver, "which room?", "in"), 20)
    bob.send_xml("<message xmlns='jabber:client' to='%s' type='chat' id='bob-q-2'>"
                 "<body>&gt; which room?\nthe big one</body>"
                 "<reply xmlns='urn:xmpp:reply:0' to='%s' id='bob-q-1'/>"
                 "<fallback xmlns='urn:xmpp:fallback:0' for='urn:xmpp:reply:0'>"
                 "<body start='0' end='14'/></fallback></message>" % (ALICE, BOB))
    answer = wait_until("bob's reply shown without the quote",
                        lambda: message_with(driver, "the big one", "in"), 20)
    quote = answer.find_element(By.CSS_SELECTOR, css("message-quote"))
    assert "which room?" in quote.text, f"the quote says {quote.text!r}"
    step("bob's reply (slixmpp) shows the message it answers")

    ActionChains(driver).move_to_element(question).perform()
    question.find_element(By.CSS_SELECTOR, css("message-reply")).click()
    composer = find(css("composer-input"), "the composer")
    set_value(composer, "thanks")
    composer.send_keys(Keys.ENTER)
    got = bob.wait_message(body="> which room?\nthanks", sender=ALICE, reply_to="bob-q-1")
    step(f"bob got our reply naming {got.reply_to!r}")

    # XEP-0444 both ways: bob reacts to our reply, we react to his question.
    bob.send_xml("<message xmlns='jabber:client' to='%s' type='chat' id='bob-r-1'>"
                 "<reactions xmlns='urn:xmpp:reactions:0' id='%s'><reaction>\U0001F44D</reaction>"
                 "</reactions><store xmlns='urn:xmpp:hints'/></message>" % (ALICE, got.id))

    def chip():
        ours = message_with(driver, "thanks", "out")
        found = ours.find_elements(By.CSS_SELECTOR, css("reaction")) if ours else []
        return found[0] if found else None

    shown = wait_until("bob's reaction under our reply", chip, 20)
    assert shown.text == "\U0001F44D 1", f"the reaction reads {shown.text!r}"
    question = message_with(driver, "which room?", "in")
    ActionChains(driver).move_to_element(question).perform()
    question.find_element(By.CSS_SELECTOR, css("message-react")).click()
    pick = [b for b in question.find_elements(By.CSS_SELECTOR, css("emoji-choice"))
            if b.get_attribute("data-emoji") == "\U0001F389"]
    assert pick, "no picker"
    pick[0].click()
    got = bob.wait_message(sender=ALICE, reacts_to="bob-q-1")
    assert got.reactions == ("\U0001F389",), f"bob got {got.reactions!r}"
    step("reactions both ways with bob (slixmpp)")


def body_state(driver) -> str:
    return driver.execute_script("return document.body.dataset.connection || ''")


def set_value(el, value: str) -> None:
    el.clear()
    el.send_keys(value)


def advanced_dialog(driver, find, bob, port: int, password: str) -> None:
    find(css("logout"), "the log-out button").click()
    jid = find(css("login-jid"), "the login form after logging out")
    wait_until("the session to end", lambda: body_state(driver) == "offline", 15)
    toggle = find(css("login-server-toggle"), "the connection settings")
    details = driver.execute_script("return arguments[0].closest('details')", toggle)
    if not details.get_property("open"):
        toggle.click()
    find(css("login-server-fixed"), "the fixed-server choice").click()
    set_value(find(css("login-host"), "the host field"), "127.0.0.1")
    set_value(find(css("login-port"), "the port field"), str(port))
    set_value(find(css("login-resource"), "the resource field"), RESOURCE)
    console_box = find(css("login-open-console"), "the console-on-start box")
    if not console_box.is_selected():
        console_box.click()
    assert jid.get_property("value") == ALICE
    set_value(find(css("login-password"), "the password field"), password)

    find(css("test-connection"), "the Test connection button").click()

    def outcomes():
        rows = driver.find_elements(By.CSS_SELECTOR, css("connection-report") + " [data-outcome]")
        got = {r.get_attribute("data-testid"): r.get_attribute("data-outcome") for r in rows}
        return got if got.get("connection-step-auth") in ("ok", "failed") else None

    got = wait_until("the connection test's report", outcomes, 30)
    expected = {f"connection-step-{s}": "ok" for s in ("dns", "tcp", "tls", "auth")}
    assert got == expected, f"connection test: {got}; report: " + \
        find(css("connection-report"), "the report").text
    step("connection test: DNS, TCP, TLS and login ok")

    find(css("login-submit"), "the login button").click()
    wait_until("online with the dialog's settings", lambda: body_state(driver) == "online", 30)
    bob.wait_available(f"{ALICE}/{RESOURCE}", timeout=20)
    panel = find(css("console-panel"), "the XML console")
    wait_until("the XML console to open on start", lambda: panel.is_displayed(), 10)
    step(f"logged in as {ALICE}/{RESOURCE} with the XML console open")

    # Logged out, the form shows what the last login used.
    find(css("logout"), "the log-out button").click()
    find(css("login-jid"), "the login form")
    wait_until("the session to end", lambda: body_state(driver) == "offline", 15)
    shown = {
        "fixed": find(css("login-server-fixed"), "the fixed-server choice").is_selected(),
        "host": find(css("login-host"), "host").get_property("value"),
        "port": find(css("login-port"), "port").get_property("value"),
        "resource": find(css("login-resource"), "resource").get_property("value"),
        "console": find(css("login-open-console"), "console box").is_selected(),
    }
    assert shown == {"fixed": True, "host": "127.0.0.1", "port": str(port), "resource": RESOURCE,
                     "console": True}, f"the form after logging out shows {shown}"
    step("the next login is prefilled with the saved settings")


def click_close_button(display_name: str, pids: set[int]) -> None:
    """What a window manager does when the user clicks the close button:
    a WM_DELETE_WINDOW request to the app's top-level window."""
    from Xlib import X, display
    from Xlib.protocol import event

    d = display.Display(display_name)
    try:
        pid_atom = d.intern_atom("_NET_WM_PID")
        protocols = d.intern_atom("WM_PROTOCOLS")
        delete = d.intern_atom("WM_DELETE_WINDOW")
        for w in d.screen().root.query_tree().children:
            prop = w.get_full_property(pid_atom, X.AnyPropertyType)
            if not prop or prop.value[0] not in pids or w.get_wm_name() != "Hearth":
                continue
            w.send_event(event.ClientMessage(window=w, client_type=protocols,
                                             data=(32, [delete, X.CurrentTime, 0, 0, 0])))
            d.flush()
            return
        raise Failure("no Hearth window to close")
    finally:
        d.close()


def closing_the_window_signs_out(driver, find, bob, password: str, app: Path, display: str) -> None:
    """Closing the window ends the session the way logging out does: the
    contact sees us leave at once, not when the server gives up on a silent
    connection (minutes with stream management), and the process ends."""
    with bob._cond:
        bob.available.clear()
        bob.unavailable.clear()
    set_value(find(css("login-password"), "the password field"), password)
    find(css("login-submit"), "the login button").click()
    wait_until("online again", lambda: body_state(driver) == "online", 30)
    bob.wait_available(f"{ALICE}/{RESOURCE}", timeout=20)
    pids = subprocess.run(["pgrep", "-f", str(app)], capture_output=True, text=True).stdout.split()
    assert pids, "the app process is not running"
    click_close_button(display, {int(p) for p in pids})
    t = time.monotonic()
    try:
        bob.wait_unavailable(f"{ALICE}/{RESOURCE}", timeout=8)
    except TimeoutError:
        # Open defect: about one run in four right after a build, the window
        # (there, responsive) does not act on the first WM_DELETE_WINDOW sent
        # without a window manager; a second request closes it. Said loudly
        # here, and the step still fails if the second is ignored too.
        print("WARNING: the window ignored the first close request; asking again", flush=True)
        click_close_button(display, {int(p) for p in pids})
        bob.wait_unavailable(f"{ALICE}/{RESOURCE}", timeout=8)
    step(f"closing the window: bob saw alice leave after {time.monotonic() - t:.1f} s")

    def app_running() -> bool:
        return subprocess.run(["pgrep", "-f", str(app)], capture_output=True).returncode == 0

    wait_until("the app process to end", lambda: not app_running(), 10)
    step("the app process ended")


def main() -> int:
    app = Path(os.environ.get("HEARTH_E2E_APP") or REPO / "target/debug/hearth")
    if not os.access(app, os.X_OK):
        print(f"FAIL: {app} is missing: cargo build --features custom-protocol", file=sys.stderr)
        return 2
    shot_env = os.environ.get("HEARTH_E2E_SCREENSHOT")
    screenshot = None if shot_env == "" else Path(shot_env or REPO / "docs/screenshot-main.png")
    tauri_driver = find_tauri_driver()

    tmp = Path(tempfile.mkdtemp(prefix="hearth-e2e-"))
    server = tmp / "server"
    home = tmp / "home"
    for d in (home, tmp / "run", tmp / "profile", home / ".config", home / ".local/share", home / ".cache"):
        d.mkdir(parents=True, exist_ok=True)
    os.chmod(tmp / "run", 0o700)
    step(f"temp folder {tmp}")

    procs = Processes()
    env: dict = {}
    driver = None
    bob: Peer | None = None
    server_started = False
    ok = False

    def on_alarm(*_):
        raise Failure(f"the test took longer than {TOTAL_LIMIT} s")

    signal.signal(signal.SIGALRM, on_alarm)
    signal.alarm(TOTAL_LIMIT)
    try:
        # 1. A fresh demo server.
        step("starting the demo server")
        r = subprocess.run([str(REPO / "scripts/demo-server"), "start", str(server)],
                           capture_output=True, text=True, timeout=40)
        server_started = True
        if r.returncode != 0:
            raise Failure(f"scripts/demo-server start failed:\n{r.stderr}{r.stdout}")
        demo_json = server / "demo.json"
        demo = json.loads(demo_json.read_text())
        port = int(r.stdout.strip().splitlines()[-1])
        assert demo["port"] == port, (demo["port"], port)
        step(f"prosody on 127.0.0.1:{port}")
        # The app gets the demo account without its certificate pinned, as
        # for a company server with a self-signed certificate: the user must
        # see the certificate check and trust it.
        server_fingerprint = ":".join(f"{b:02X}" for b in hashlib.sha256(
            ssl.PEM_cert_to_DER_cert(demo["certificatePem"])).digest())
        app_profile = tmp / "demo-unpinned.json"
        app_profile.write_text(json.dumps(dict(demo, certificatePem="")))

        env = private_env(tmp, home, tmp / "profile")
        env["HEARTH_DEMO"] = str(app_profile)

        # 2. Xvfb.
        display = start_xvfb(procs, tmp)
        env["DISPLAY"] = display
        step(f"Xvfb on {display}")

        # The system's "open this address" program (xdg-open, which the
        # app's opener runs): a stand-in that writes down what it was given.
        opened = tmp / "opened.txt"
        fake_bin = tmp / "bin"
        fake_bin.mkdir()
        (fake_bin / "xdg-open").write_text(f'#!/bin/sh\nprintf "%s\\n" "$@" >> "{opened}"\n')
        (fake_bin / "xdg-open").chmod(0o755)
        env["PATH"] = f"{fake_bin}:{env.get('PATH', '/usr/bin:/bin')}"

        # Keychain (the app keeps passwords in the Secret Service).
        start_session_bus(procs, tmp, env)
        step("session bus and keyring up")

        # 3. tauri-driver.
        wd_port, native_port = free_port(), free_port()
        td = procs.start("tauri-driver", [tauri_driver, "--port", str(wd_port), "--native-port",
                                          str(native_port), "--native-driver", "/usr/bin/WebKitWebDriver"],
                         tmp / "tauri-driver.log", env=env)

        def driver_up() -> bool:
            if td.poll() is not None:
                raise Failure(f"tauri-driver exited with {td.returncode}")
            return port_open(wd_port)

        wait_until("tauri-driver to listen", driver_up, 20)
        step(f"tauri-driver on {wd_port} (native {native_port})")

        # 4. The peer, bob.
        bob = Peer(BOB, "bob", demo["host"], port, cert_pem=demo["certificatePem"]).start(timeout=20)
        step("bob online (slixmpp)")

        # 5. The app's window.
        driver = open_window(app, tmp, wd_port, ["--demo", str(app_profile)])
        step("WebDriver session open")

        def find(sel: str, what: str, timeout: float = 20):
            try:
                return WebDriverWait(driver, timeout, 0.1,
                                     ignored_exceptions=(StaleElementReferenceException,)).until(
                    lambda d: d.find_element(By.CSS_SELECTOR, sel))
            except TimeoutException:
                raise Failure(f"timed out after {timeout:g} s waiting for {what} ({sel})") from None

        # 6. Log in with the prefilled demo account.
        def login_form():
            url = driver.current_url or ""
            if url.startswith("http://localhost:1420"):
                raise Failure(f"{app} loads the dev server ({url}): it is a plain `cargo build`; "
                              "build it with `cargo build --features custom-protocol`")
            found = driver.find_elements(By.CSS_SELECTOR, css("login-jid"))
            return found[0] if found else None

        jid = wait_until("the login form", login_form, 30)
        password = find(css("login-password"), "the password field")
        wait_until("the login form to be prefilled", lambda: jid.get_property("value"), 10)
        assert jid.get_property("value") == ALICE, f"login-jid is {jid.get_property('value')!r}"
        assert password.get_property("value"), "login-password is not prefilled"
        find(css("login-submit"), "the login button").click()
        step("login submitted")

        # The certificate check: the server's self-signed certificate is shown
        # with its fingerprint; trusting it pins it and connects.
        def cert_panel():
            found = driver.find_elements(By.CSS_SELECTOR, css("cert-panel", ":not([hidden])"))
            return found[0] if found else None

        wait_until("the certificate check", cert_panel, 30)
        shown = find(css("cert-fingerprint"), "the certificate fingerprint").text.strip()
        assert shown == server_fingerprint, f"fingerprint shown {shown!r}, server has {server_fingerprint!r}"
        find(css("cert-trust"), "the trust button").click()
        step("certificate checked and trusted")
        # Trusting starts the same login again; until it has, the page still
        # shows the refusal it is answering.
        wait_until("the login to start again", lambda: not cert_panel() and driver.execute_script(
            "return document.body.dataset.connection || ''") in ("connecting", "online"), 20)

        def online():
            state = driver.execute_script("return document.body.dataset.connection || ''")
            if state == "online":
                return True
            errors = driver.find_elements(By.CSS_SELECTOR, css("login-error", ":not([hidden])"))
            if errors and errors[0].text.strip() and state == "offline":
                raise Failure(f"login failed: {errors[0].text.strip()}")
            return False

        try:
            wait_until('<body data-connection="online">', online, 30)
        except Failure as e:
            raise Failure(f"{e}; the UI shows {driver.execute_script('return document.body.dataset.connection')!r}, "
                          f"the backend's connection_state says: {ask_backend(driver, 'connection_state')}") from None
        step("online")
        only_granted_commands_run(driver)

        bob_row = css("roster-contact", f'[data-jid="{BOB}"]')
        for attempt in range(5):  # the roster may re-render under our feet (stale rows)
            try:
                row = find(bob_row, "bob in the roster")
            except Failure as e:
                rows = [r.get_attribute("data-jid") for r in
                        driver.find_elements(By.CSS_SELECTOR, css("roster-contact"))]
                raise Failure(f"{e}; the roster shows {rows or 'no contacts'} although the server "
                              f"has {BOB} in alice's roster (group Team); the backend's "
                              f"roster_snapshot says: {backend_roster(driver)}") from None
            try:
                ActionChains(driver).double_click(row).perform()
                break
            except StaleElementReferenceException:
                step("bob's row was re-rendered; finding it again")
                time.sleep(0.2)
        else:
            raise Failure("bob's roster row keeps being replaced; cannot double-click it")
        # Double-clicking a contact is how a user opens the conversation:
        # it must work by itself.
        composer = find(css("composer-input"), "the composer after double-clicking bob's row", 5)
        step("conversation with bob open")

        composer.send_keys(OUT_BODY)
        composer.send_keys(Keys.ENTER)
        got = bob.wait_message(sender=ALICE, timeout=20)
        assert got.body == OUT_BODY, f"bob received {got.body!r}, expected {OUT_BODY!r}"
        time.sleep(0.3)
        from_alice = [m.body for m in bob.messages if m.sender.split("/")[0] == ALICE]
        assert from_alice == [OUT_BODY], f"bob received {from_alice!r}, expected exactly [{OUT_BODY!r}]"
        step(f"bob received {got.body!r}")

        bob.send(ALICE, IN_BODY)

        def incoming():
            for m in driver.find_elements(By.CSS_SELECTOR, css("message", '[data-direction="in"]')):
                body = m.find_elements(By.CSS_SELECTOR, css("message-body"))
                if body and body[0].text == IN_BODY:
                    return m
            return None

        wait_until(f"the incoming message {IN_BODY!r} in the open tab", incoming, 20)
        step("incoming message shown")

        def outgoing_state() -> str:
            for m in driver.find_elements(By.CSS_SELECTOR, css("message", '[data-direction="out"]')):
                body = m.find_elements(By.CSS_SELECTOR, css("message-body"))
                if body and body[0].text == OUT_BODY:
                    return m.get_attribute("data-state") or "?"
            return "(not shown)"

        # The test server has stream management (XEP-0198): the server's
        # acknowledgement must reach the message the user sees.
        try:
            wait_until('the outgoing message to be "acked"', lambda: outgoing_state() == "acked", 20)
        except Failure:
            raise Failure(f'the outgoing message stays in state {outgoing_state()!r}, expected "acked"') from None
        step("outgoing message acked")

        # 7. Screenshot of the main window.
        if screenshot:
            # No focus ring, and the pointer away from the roster row (its tooltip).
            driver.execute_script("document.activeElement && document.activeElement.blur()")
            ActionChains(driver).move_to_element(
                driver.find_element(By.CSS_SELECTOR, css("message-list"))).perform()
            time.sleep(0.5)
            try:
                rect = bounded("reading the window's geometry", driver.get_window_rect, 10)
                geometry = f"{rect['width']}x{rect['height']}+{max(rect['x'], 0)}+{max(rect['y'], 0)}"
            except Exception:
                geometry = "1100x720+0+0"
            raw = tmp / "screenshot-raw.png"
            # The X server's picture of the window: WebKitWebDriver's own
            # screenshot command has been seen to hang.
            x_screenshot(display, raw, geometry)
            screenshot.parent.mkdir(parents=True, exist_ok=True)
            # Recompress (and shrink if needed) to stay well under ~300 KB.
            subprocess.run(["convert", str(raw), "-strip", "-define", "png:compression-level=9",
                            "-resize", "1100x720>", str(raw.with_name("screenshot.png"))],
                           check=True, timeout=30)
            shutil.copyfile(raw.with_name("screenshot.png"), screenshot)
            size = screenshot.stat().st_size
            dims = subprocess.run(["identify", "-format", "%wx%h", str(screenshot)],
                                  capture_output=True, text=True, timeout=10).stdout
            step(f"screenshot {screenshot} ({dims}, {size // 1024} KB)")
            assert size < 300 * 1024, f"screenshot is {size} bytes"

        # 7b. A link in a message opens in the system's browser, and the
        # window stays on its page.
        link_opens_outside(driver, bob, opened)
        search_finds_and_opens(driver, find, tmp, env["DISPLAY"])
        corrections_and_retractions_both_ways(driver, find, bob)
        chat_states_and_styling(driver, find, bob)
        replies_both_ways(driver, find, bob)

        # 8. Group chat: bookmark a room, leave it, come back from the
        # bookmark sidebar, and talk to the slixmpp occupant.
        room_from_bookmark(driver, find, bob)

        # 9. The advanced connection dialog: settings saved with a login are
        # used by it and shown again for the next one.
        advanced_dialog(driver, find, bob, port, demo["password"])

        # 10. Closing the window signs out (last: the window is gone after it).
        closing_the_window_signs_out(driver, find, bob, demo["password"], app, env["DISPLAY"])

        ok = True
        step("PASS")
        noisy = [ln for ln in tail(tmp / "hearth.log", 10_000).splitlines()
                 if any(w in ln for w in (" ERROR ", " WARN ", "panicked"))]
        if noisy:
            print(f"note: the app logged {len(noisy)} warning/error line(s):\n  " + "\n  ".join(noisy[:20]))
    except (Failure, AssertionError, WebDriverException, TimeoutError, RuntimeError,
            subprocess.SubprocessError, OSError) as e:
        print(f"\nFAIL: {type(e).__name__}: {e}", file=sys.stderr, flush=True)
        if not isinstance(e, (Failure, AssertionError)):
            traceback.print_exc()
        signal.alarm(0)
        if "DISPLAY" in env:
            try:
                x_screenshot(env["DISPLAY"], tmp / "failure.png")
                print(f"failure screenshot: {tmp / 'failure.png'}", file=sys.stderr)
            except Exception as e2:
                print(f"(no failure screenshot: {e2})", file=sys.stderr)
        if driver is not None:
            try:
                html = bounded("reading the DOM", lambda: driver.execute_script(
                    "return document.documentElement.outerHTML"), 15)
                (tmp / "failure.html").write_text(html)
                print(f"DOM at failure: {tmp / 'failure.html'}", file=sys.stderr)
            except Exception as e2:  # the window may be gone
                print(f"(no DOM: {e2})", file=sys.stderr)
    finally:
        signal.alarm(0)
        if driver is not None:
            try:
                bounded("closing the WebDriver session", driver.quit, 15)
            except Exception as e:
                print(f"(driver.quit: {e})", file=sys.stderr)
        if bob is not None:
            bob.stop()
        procs.stop_all()
        if server_started:
            subprocess.run([str(REPO / "scripts/demo-server"), "stop", str(server)],
                           capture_output=True, timeout=30)
        if not ok:
            for name, path in [("app", tmp / "hearth.log"),
                               ("tauri-driver", tmp / "tauri-driver.log"),
                               ("prosody", server / "prosody.log"),
                               ("prosody errors", server / "prosody.err"),
                               ("Xvfb", tmp / "xvfb.log"),
                               ("keyring", tmp / "keyring.log")]:
                print(f"\n----- {name}: {path}\n{tail(path)}", file=sys.stderr)
            print(f"\nkept {tmp}", file=sys.stderr)
        elif os.environ.get("HEARTH_E2E_KEEP") == "1":
            print(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    print(f"{'PASS' if ok else 'FAIL'} in {time.monotonic() - T0:.1f} s", flush=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
