#!/usr/bin/env python3
"""A scriptable XMPP peer (slixmpp) for Hearth's demo and E2E test.

Importable:

    peer = Peer("bob@localhost", "bob", "127.0.0.1", port, cert_pem=pem)
    peer.start()                      # logged in, initial presence sent
    peer.send("alice@localhost", "hi")
    msg = peer.wait_message(body="hello", timeout=20)
    peer.stop()

Runnable (scripts/run uses this as the demo's "bob"):

    python3 peer.py --demo DIR/demo.json --jid bob@localhost --password bob --echo

It connects to the given loopback host/port (no DNS), trusts exactly the demo
server's self-signed certificate (or nothing at all with --insecure), accepts
every subscription request, records received chat messages and, with
--echo, answers each one with "echo: <body>".
"""
from __future__ import annotations

import argparse
import asyncio
import json
import logging
import signal
import ssl
import sys
import threading
import time
from dataclasses import dataclass

import slixmpp
from slixmpp.xmlstream.handler import Callback
from slixmpp.xmlstream.matcher import MatchXPath

log = logging.getLogger("peer")


@dataclass
class Received:
    sender: str  # full JID
    body: str
    type: str
    id: str | None
    at: float
    replaces: str | None = None  # XEP-0308: the id of the message it corrects
    retracts: str | None = None  # XEP-0424: the id of the message it retracts
    reply_to: str | None = None  # XEP-0461: the id of the message it answers
    reacts_to: str | None = None  # XEP-0444: the id of the message its reactions are for
    reactions: tuple[str, ...] = ()
    stanza_id: str | None = None  # XEP-0359: the room's id of a groupchat message


def _named(msg, tag: str) -> str | None:
    """The id attribute of child `tag` ({namespace}name) of the message, if any."""
    child = msg.xml.find(tag)
    return None if child is None else child.get("id")


class _Client(slixmpp.ClientXMPP):
    def __init__(self, peer: "Peer"):
        super().__init__(peer.jid, peer.password)
        self.peer = peer
        self.auto_authorize = True  # accept subscription requests
        self.auto_subscribe = True  # and subscribe back
        self.register_plugin("xep_0030")  # disco
        self.register_plugin("xep_0199")  # ping (answer the client's pings)
        self.register_plugin("xep_0045")  # group chat (an occupant not ours)
        self.add_event_handler("session_start", self._on_session_start)
        self.add_event_handler("message", self._on_message)
        # slixmpp raises "message" only for messages with a body; reactions
        # (XEP-0444) come without one.
        self.register_handler(Callback(
            "reactions", MatchXPath("{jabber:client}message/{urn:xmpp:reactions:0}reactions"),
            self._on_message))
        # Chat states (XEP-0085) without a body: what alice is doing.
        for state in ("active", "composing", "paused", "inactive", "gone"):
            self.register_handler(Callback(
                f"chat state {state}",
                MatchXPath(f"{{jabber:client}}message/{{http://jabber.org/protocol/chatstates}}{state}"),
                lambda msg, state=state: self._on_chat_state(msg, state)))
        # A room's word that a moderator removed a message (XEP-0425, as
        # Prosody 0.12's mod_muc_moderation says it): no body either.
        self.register_handler(Callback(
            "moderation", MatchXPath("{jabber:client}message/{urn:xmpp:fasten:0}apply-to"),
            self._on_removal))
        self.add_event_handler("presence_available", self._on_available)
        self.add_event_handler("presence_unavailable", self._on_unavailable)
        self.add_event_handler("groupchat_message", self._on_groupchat)
        self.add_event_handler("failed_auth", self._on_failed_auth)
        self.add_event_handler("disconnected", self._on_disconnected)
        self.add_event_handler("ssl_invalid_chain", self._on_bad_cert)

    async def _on_session_start(self, _event) -> None:
        try:
            await self.get_roster(timeout=10)
        except Exception as e:  # the roster is nice to have, presence is not
            log.warning("roster fetch failed: %s", e)
        self.send_presence()
        log.info("%s online", self.boundjid)
        self.peer._online.set()

    def _on_message(self, msg) -> None:
        reactions = msg.xml.find("{urn:xmpp:reactions:0}reactions")
        if msg["type"] not in ("chat", "normal") or (not msg["body"] and reactions is None):
            return
        r = Received(str(msg["from"]), msg["body"], msg["type"], msg["id"] or None, time.time(),
                     replaces=_named(msg, "{urn:xmpp:message-correct:0}replace"),
                     retracts=_named(msg, "{urn:xmpp:message-retract:1}retract"),
                     reply_to=_named(msg, "{urn:xmpp:reply:0}reply"),
                     reacts_to=None if reactions is None else reactions.get("id"),
                     reactions=() if reactions is None else tuple(
                         (r.text or "") for r in reactions.findall("{urn:xmpp:reactions:0}reaction")))
        log.info("message from %s: %r", r.sender, r.body)
        with self.peer._cond:
            self.peer.messages.append(r)
            self.peer._cond.notify_all()
        if self.peer.echo:
            self.send_message(mto=msg["from"], mbody=f"echo: {r.body}", mtype="chat")

    def _on_removal(self, msg) -> None:
        target = msg.xml.find("{urn:xmpp:fasten:0}apply-to")
        if target is None or target.find("{urn:xmpp:message-moderate:0}moderated") is None:
            return
        with self.peer._cond:
            self.peer.removed.append(target.get("id"))
            self.peer._cond.notify_all()

    def _on_chat_state(self, msg, state: str) -> None:
        with self.peer._cond:
            self.peer.chat_states.append((str(msg["from"]).split("/")[0], state))
            self.peer._cond.notify_all()

    def _on_groupchat(self, msg) -> None:
        if not msg["body"]:
            return
        room = str(msg["from"]).split("/")[0]
        ids = [e.get("id") for e in msg.xml.findall("{urn:xmpp:sid:0}stanza-id") if e.get("by") == room]
        r = Received(str(msg["from"]), msg["body"], "groupchat", msg["id"] or None, time.time(),
                     stanza_id=ids[0] if ids else None)
        log.info("groupchat from %s: %r", r.sender, r.body)
        with self.peer._cond:
            self.peer.room_messages.append(r)
            self.peer._cond.notify_all()

    def _on_available(self, presence) -> None:
        with self.peer._cond:
            self.peer.available.append(str(presence["from"]))
            self.peer._cond.notify_all()

    def _on_unavailable(self, presence) -> None:
        with self.peer._cond:
            self.peer.unavailable.append(str(presence["from"]))
            self.peer._cond.notify_all()

    def _on_failed_auth(self, _event) -> None:
        self.peer._error = f"authentication failed for {self.peer.jid}"
        log.error(self.peer._error)
        self.peer._online.set()
        self.disconnect()

    def _on_bad_cert(self, _event) -> None:
        self.peer._error = "the server's certificate is not the demo certificate"
        log.error(self.peer._error)
        self.peer._online.set()
        self.disconnect()

    def _on_disconnected(self, _event) -> None:
        log.info("%s disconnected", self.peer.jid)
        self.peer._disconnected.set()


class Peer:
    def __init__(self, jid: str, password: str, host: str, port: int,
                 cert_pem: str | None = None, echo: bool = False, insecure: bool = False):
        self.jid, self.password, self.host, self.port = jid, password, host, int(port)
        self.cert_pem, self.echo, self.insecure = cert_pem, echo, insecure
        self.messages: list[Received] = []
        self.available: list[str] = []  # full JIDs whose available presence arrived
        self.unavailable: list[str] = []  # and whose unavailable presence arrived
        self.room_messages: list[Received] = []
        self.chat_states: list[tuple[str, str]] = []  # (bare JID, state), in arrival order
        self.removed: list[str] = []  # room stanza-ids a moderator removed (XEP-0425)
        self._cond = threading.Condition()
        self._online = threading.Event()
        self._disconnected = threading.Event()
        self._error: str | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._client: _Client | None = None
        self._thread: threading.Thread | None = None

    def _ssl_context(self) -> ssl.SSLContext:
        ctx = ssl.create_default_context(ssl.Purpose.SERVER_AUTH)
        if self.insecure:
            ctx.check_hostname = False
            ctx.verify_mode = ssl.CERT_NONE
            return ctx
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)  # trust only the demo certificate
        ctx.check_hostname = True
        ctx.verify_mode = ssl.CERT_REQUIRED
        if self.cert_pem:
            ctx.load_verify_locations(cadata=self.cert_pem)
        else:
            ctx.load_default_certs()
        ctx.verify_flags |= getattr(ssl, "VERIFY_X509_PARTIAL_CHAIN", 0)
        ctx.verify_flags &= ~getattr(ssl, "VERIFY_X509_STRICT", 0)
        return ctx

    # --- lifecycle -------------------------------------------------------
    def start(self, timeout: float = 20) -> "Peer":
        """Connect in a background thread; return once online (raise otherwise)."""
        ready = threading.Event()

        def run() -> None:
            loop = asyncio.new_event_loop()
            asyncio.set_event_loop(loop)
            self._loop = loop
            client = _Client(self)
            client.loop = loop
            client.ssl_context = self._ssl_context()
            self._client = client
            client.connect(self.host, self.port)
            ready.set()
            try:
                loop.run_until_complete(self._until_disconnected())
            finally:
                # Let slixmpp's own tasks end here; the loop is left open (not
                # closed) because slixmpp's destructor still schedules on it.
                pending = [t for t in asyncio.all_tasks(loop) if not t.done()]
                for t in pending:
                    t.cancel()
                loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
                loop.run_until_complete(loop.shutdown_asyncgens())

        self._thread = threading.Thread(target=run, name=f"peer-{self.jid}", daemon=True)
        self._thread.start()
        ready.wait(5)
        if not self._online.wait(timeout):
            self.stop()
            raise TimeoutError(f"{self.jid} did not come online at {self.host}:{self.port} within {timeout} s")
        if self._error:
            self.stop()
            raise RuntimeError(self._error)
        return self

    async def _until_disconnected(self) -> None:
        while not self._disconnected.is_set():
            await asyncio.sleep(0.1)

    def stop(self, timeout: float = 5) -> None:
        loop, client = self._loop, self._client
        if loop and client and not loop.is_closed() and not self._disconnected.is_set():
            try:
                loop.call_soon_threadsafe(lambda: client.disconnect(wait=1))
            except RuntimeError:
                pass
        self._disconnected.wait(timeout)
        self._disconnected.set()
        if self._thread:
            self._thread.join(timeout)

    # --- actions ---------------------------------------------------------
    def send(self, to: str, body: str) -> None:
        if not (self._loop and self._client and self._online.is_set()):
            raise RuntimeError(f"{self.jid} is not online")
        client = self._client
        done = threading.Event()

        def do() -> None:
            client.send_message(mto=to, mbody=body, mtype="chat")
            done.set()

        self._loop.call_soon_threadsafe(do)
        if not done.wait(5):
            raise TimeoutError(f"{self.jid} could not send a message to {to}")

    def send_xml(self, xml: str) -> None:
        """Send a stanza exactly as written (the caller addresses it)."""
        if not (self._loop and self._client and self._online.is_set()):
            raise RuntimeError(f"{self.jid} is not online")
        client = self._client
        done = threading.Event()

        def do() -> None:
            client.send_raw(xml)
            done.set()

        self._loop.call_soon_threadsafe(do)
        if not done.wait(5):
            raise TimeoutError(f"{self.jid} could not send {xml[:60]!r}")

    def join_room(self, room: str, nick: str, timeout: float = 20) -> None:
        """Enter `room` as `nick` (creating it if needed) and wait until in."""
        assert self._loop is not None and self._client is not None
        client = self._client

        async def join():
            await client.plugin["xep_0045"].join_muc_wait(room, nick, timeout=timeout, maxstanzas=0)
            # A room we created stays locked until configured: accept defaults.
            try:
                form = await client.plugin["xep_0045"].get_room_config(room)
                form["type"] = "submit"
                await client.plugin["xep_0045"].set_room_config(room, form)
            except Exception as e:  # not the owner: the room already existed
                log.info("room config not changed: %s", e)

        asyncio.run_coroutine_threadsafe(join(), self._loop).result(timeout + 10)

    def wait_room_message(self, body: str, timeout: float = 20) -> Received:
        """Until a groupchat message with exactly `body` arrived; returns it."""
        with self._cond:
            if not self._cond.wait_for(lambda: any(m.body == body for m in self.room_messages), timeout):
                raise TimeoutError(f"no groupchat message {body!r}; got {[m.body for m in self.room_messages]}")
            return next(m for m in self.room_messages if m.body == body)

    def wait_available(self, full_jid: str, timeout: float = 20) -> None:
        """Until an available presence from exactly `full_jid` has arrived."""
        with self._cond:
            if not self._cond.wait_for(lambda: full_jid in self.available, timeout):
                raise TimeoutError(f"no presence from {full_jid}; seen: {self.available}")

    def wait_unavailable(self, full_jid: str, timeout: float = 20) -> None:
        """Until an unavailable presence from exactly `full_jid` has arrived."""
        with self._cond:
            if not self._cond.wait_for(lambda: full_jid in self.unavailable, timeout):
                raise TimeoutError(f"no unavailable presence from {full_jid}; seen: {self.unavailable}")

    def wait_removed(self, stanza_id: str, timeout: float = 20) -> None:
        """Until the room says a moderator removed its message `stanza_id`."""
        with self._cond:
            if not self._cond.wait_for(lambda: stanza_id in self.removed, timeout):
                raise TimeoutError(f"no removal of {stanza_id}; got {self.removed}")

    def wait_chat_state(self, state: str, sender: str, timeout: float = 20) -> None:
        """Until `sender` (a bare JID) has sent the chat state `state`."""
        with self._cond:
            if not self._cond.wait_for(lambda: (sender, state) in self.chat_states, timeout):
                raise TimeoutError(f"no {state!r} from {sender}; got {self.chat_states}")

    def wait_message(self, body: str | None = None, sender: str | None = None,
                     timeout: float = 20, replaces: str | None = None,
                     retracts: str | None = None, reply_to: str | None = None,
                     reacts_to: str | None = None) -> Received:
        """The first received message matching body, the sender's bare JID and
        the message it corrects or retracts (each when given)."""
        def match(m: Received) -> bool:
            return (body is None or m.body == body) and \
                   (sender is None or m.sender.split("/")[0] == sender) and \
                   (replaces is None or m.replaces == replaces) and \
                   (retracts is None or m.retracts == retracts) and \
                   (reply_to is None or m.reply_to == reply_to) and \
                   (reacts_to is None or m.reacts_to == reacts_to)

        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                for m in self.messages:
                    if match(m):
                        return m
                left = deadline - time.monotonic()
                if left <= 0:
                    got = [(m.sender, m.body) for m in self.messages]
                    raise TimeoutError(f"{self.jid} got no message body={body!r} from={sender!r} "
                                       f"within {timeout} s; received: {got}")
                self._cond.wait(left)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--demo", help="demo.json written by scripts/demo-server (host, port, certificate)")
    ap.add_argument("--jid", default="bob@localhost")
    ap.add_argument("--password", default="bob")
    ap.add_argument("--host", help="default: from --demo, else 127.0.0.1")
    ap.add_argument("--port", type=int, help="default: from --demo")
    ap.add_argument("--cert", help="PEM file of the server certificate to trust")
    ap.add_argument("--insecure", action="store_true", help="do not verify the server certificate")
    ap.add_argument("--echo", action="store_true", help='answer each message with "echo: <body>"')
    ap.add_argument("--send", metavar="JID=BODY", action="append", default=[],
                    help="send BODY to JID once online (repeatable)")
    ap.add_argument("--exit-after-send", action="store_true")
    ap.add_argument("-v", "--verbose", action="store_true")
    a = ap.parse_args()
    logging.basicConfig(level=logging.DEBUG if a.verbose else logging.INFO,
                        format="%(asctime)s peer %(levelname)s %(message)s")
    if not a.verbose:
        logging.getLogger("slixmpp").setLevel(logging.WARNING)

    host, port, pem = a.host, a.port, None
    if a.demo:
        with open(a.demo) as f:
            demo = json.load(f)
        host = host or demo["host"]
        port = port or demo["port"]
        pem = demo["certificatePem"]
    if a.cert:
        with open(a.cert) as f:
            pem = f.read()
    if not port:
        ap.error("give --port or --demo")

    peer = Peer(a.jid, a.password, host or "127.0.0.1", port, cert_pem=pem, echo=a.echo, insecure=a.insecure)
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    try:
        peer.start()
    except Exception as e:
        log.error("%s", e)
        return 1
    for item in a.send:
        to, _, body = item.partition("=")
        peer.send(to, body)
    if a.exit_after_send:
        time.sleep(1)
    else:
        while not stop.is_set() and not peer._disconnected.is_set():
            stop.wait(0.5)
    lost = peer._disconnected.is_set() and not stop.is_set() and not a.exit_after_send
    peer.stop()
    if lost:
        log.error("connection lost")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
