// Demo data for running the UI in a plain browser (`npm run dev`). Not used in the app.
import type { ChatMessage, ContactPresence, HistoryCursor, Occupant, PresenceShow, RoomListing, RoomSnapshot, RosterItem } from "./bindings";
import { problemOf } from "./errors";
import { MockBackend } from "./mockBackend";
import { fallbackConnectionSettings } from "./settingsDefaults";

const DOMAIN = "hearth.example";
const PEOPLE: Array<[string, string | null, string[]]> = [
  ["anna", "Anna Schmidt", ["Engineering"]],
  ["bo", "王博", ["Engineering", "Management"]],
  ["carla", "Carla Diaz", ["Sales"]],
  ["dmitri", null, ["Sales"]],
  ["eve", "Eve (Security)", []],
  ["feng", "李锋", ["Engineering"]],
];
const SHOWS: PresenceShow[] = ["available", "away", "dnd", "xa", "chat", "offline"];

function roster(): RosterItem[] {
  const many = new URLSearchParams(location.search).has("many") ? 5000 : 0;
  // Two who do not share their presence with us, to try "Ask to see their status".
  const items: RosterItem[] = PEOPLE.map(([local, name, groups]) => ({
    jid: `${local}@${DOMAIN}`, name, groups, subscription: local === "dmitri" ? "none" : local === "eve" ? "from" : "both", pendingOut: false,
  }));
  for (let i = 0; i < many; i++) {
    items.push({ jid: `user${i}@${DOMAIN}`, name: `User ${i}`, groups: [`Dept ${i % 25}`], subscription: "both", pendingOut: false });
  }
  return items;
}

function presence(jid: string, i: number): ContactPresence {
  const show = SHOWS[i % SHOWS.length]!;
  return {
    jid,
    resources: show === "offline" ? [] : [{ resource: "desktop", show, status: i % 2 ? "In a meeting" : null, priority: 5 }],
  };
}

const ROOM = `lobby@conference.${DOMAIN}`;
/** A bookmarked room with a password ("hearth"), to try the join dialog after a refusal. */
const LOCKED_ROOM = `design@conference.${DOMAIN}`;
const ROOM_PEOPLE: Array<[string, Occupant["role"], Occupant["affiliation"], PresenceShow]> = [
  ["anna", "moderator", "owner", "available"],
  ["bo", "moderator", "admin", "dnd"],
  ["carla", "participant", "member", "away"],
  ["dmitri", "participant", "none", "available"],
  ["feng", "participant", "member", "xa"],
  ["guest42", "visitor", "none", "available"],
];

function occupant(nick: string, role: Occupant["role"], affiliation: Occupant["affiliation"], show: PresenceShow): Occupant {
  return { nick, role, affiliation, show, realJid: role === "visitor" ? null : `${nick}@${DOMAIN}`, status: show === "dnd" ? "Focus time" : null };
}

/** The demo room; `?many` fills it with 2,000 more occupants to try the virtualised list. */
function roomSnapshot(nick: string): RoomSnapshot {
  const occupants = ROOM_PEOPLE.map(([n, role, aff, show]) => occupant(n, role, aff, show));
  // An admin here, to try the occupant actions and the member and ban lists.
  occupants.push(occupant(nick, "moderator", "admin", "available"));
  if (new URLSearchParams(location.search).has("many")) {
    for (let i = 0; i < 2000; i++) occupants.push(occupant(`user${i}`, i % 10 === 0 ? "visitor" : "participant", "none", SHOWS[i % SHOWS.length]!));
  }
  occupants.sort((a, b) => (a.nick < b.nick ? -1 : 1));
  return { room: ROOM, nick, subject: "Welcome to the Hearth demo lobby · be kind", occupants, moderation: true };
}

/** The demo's conference service directory: two pages. */
const LISTED: RoomListing[][] = [
  [
    { jid: ROOM, name: "Demo lobby", description: "Say hello here.", occupants: 7, membersOnly: false, passwordProtected: false },
    { jid: LOCKED_ROOM, name: "Design review", description: "Password: hearth", occupants: 3, membersOnly: false, passwordProtected: true },
    { jid: `board@conference.${DOMAIN}`, name: "Board", description: null, occupants: null, membersOnly: true, passwordProtected: false },
  ],
  [
    { jid: `random@conference.${DOMAIN}`, name: "Random", description: "Anything goes (you own this one: try the room settings)", occupants: 1, membersOnly: false, passwordProtected: false },
  ],
];

export function createDemoBackend(): MockBackend {
  const mock = new MockBackend();
  let nextId = 1;
  const now = Date.now();
  const message = (peer: string, i: number, partial: Partial<ChatMessage> = {}): ChatMessage => ({
    id: nextId++, peer, direction: i % 3 === 0 ? "out" : "in", kind: "chat",
    body: `Message ${i} with ${peer}`, subject: null, timestamp: now - (200 - i) * 60_000,
    stanzaId: null, originId: null, state: "acked", error: null, sender: null, mentionsMe: false, edited: null, retracted: false, reply: null, reactions: [], unstyled: false, ...partial,
  });
  const histories = new Map<string, ChatMessage[]>();
  const roomLines = ["Morning all!", "Has anyone seen the new build?", "demo, can you check the release notes?", "Looks good to me.", "Lunch at 12?"];
  const roomMessage = (i: number, partial: Partial<ChatMessage> = {}): ChatMessage => {
    const [nick] = ROOM_PEOPLE[i % ROOM_PEOPLE.length]!;
    return message(ROOM, i, { kind: "groupchat", direction: "in", state: "received", sender: nick, body: roomLines[i % roomLines.length]!, ...partial });
  };
  const history = (peer: string): ChatMessage[] => {
    let list = histories.get(peer);
    if (!list && peer === ROOM) {
      list = Array.from({ length: 40 }, (_, i) => roomMessage(i));
      histories.set(peer, list);
    }
    if (!list) {
      list = Array.from({ length: 120 }, (_, i) => message(peer, i));
      list.push(message(peer, 120, { direction: "in", body: "<img src=x onerror=alert(1)> stays text.\nSecond line." }));
      histories.set(peer, list);
    }
    return list;
  };
  const later = (ms: number, fn: () => void): void => void setTimeout(fn, ms);

  // One room we are in once logged in (the backend autojoins its bookmark).
  const joined = new Map<string, RoomSnapshot>();
  let online = false;
  mock.on("rooms", () => (online ? [...joined.values()] : []));
  mock.on("join_room", ({ args }) =>
    new Promise((resolve, reject) => later(500, () => {
      if (args.nick.toLowerCase() === "anna") {
        reject({ code: "protocol", message: "That nickname is already taken in this room; choose another." });
        return;
      }
      if (args.room === LOCKED_ROOM && args.password !== "hearth") {
        reject({ code: "protocol", message: "This room needs a password, or the password is wrong." });
        return;
      }
      const snapshot = args.room === ROOM
        ? roomSnapshot(args.nick)
        : { room: args.room, nick: args.nick, subject: null, occupants: [occupant(args.nick, "moderator", "owner", "available")], moderation: true };
      joined.set(args.room, snapshot);
      resolve(snapshot);
    })),
  );
  mock.on("leave_room", ({ room }) => {
    joined.delete(room);
    later(50, () => mock.emit("room-left", { room, reason: null }));
    return null;
  });
  mock.on("send_room_message", ({ args }) => {
    const sent = message(args.room, 0, { kind: "groupchat", direction: "out", body: args.text, timestamp: Date.now(), state: "queued", sender: joined.get(args.room)?.nick ?? null });
    later(300, () => mock.emit("message-updated", { ...sent, state: "acked" }));
    return sent;
  });
  mock.on("set_room_subject", ({ args }) => {
    later(200, () => mock.emit("room-subject", { room: args.room, subject: args.text, by: joined.get(args.room)?.nick ?? null }));
    return null;
  });
  mock.on("change_room_nick", ({ args }) => {
    const snapshot = joined.get(args.room);
    if (!snapshot) throw problemOf("notInRoom");
    if (args.text.toLowerCase() === "anna") {
      // The room refuses while we stay in it.
      later(200, () => mock.emit("room-problem", { room: args.room, problem: { ...problemOf("roomJoinRefused"), condition: "conflict" } }));
      return null;
    }
    const old = snapshot.nick;
    snapshot.nick = args.text;
    snapshot.occupants = snapshot.occupants.map((o) => (o.nick === old ? { ...o, nick: args.text } : o)).sort((a, b) => (a.nick < b.nick ? -1 : 1));
    later(200, () => mock.emit("room-joined", structuredClone(snapshot)));
    return null;
  });

  // Room directory, administration and invitations.
  mock.on("list_rooms", ({ args }) =>
    new Promise((resolve, reject) => later(400, () => {
      const service = args.service?.trim() || `conference.${DOMAIN}`;
      if (service !== `conference.${DOMAIN}`) {
        reject({ code: "protocol", message: `The service ${service} refused to list its rooms: item-not-found` });
        return;
      }
      const page = args.after === "2" ? 1 : 0;
      resolve({ rooms: LISTED[page]!, next: page === 0 ? "2" : null });
    })),
  );
  mock.roomConfigForm = {
    title: "Room configuration",
    instructions: "Changes apply to everybody in the room.",
    fields: [
      { var: "FORM_TYPE", kind: "hidden", label: null, desc: null, required: false, values: ["http://jabber.org/protocol/muc#roomconfig"], options: [] },
      { var: null, kind: "fixed", label: null, desc: null, required: false, values: ["General"], options: [] },
      { var: "muc#roomconfig_roomname", kind: "textSingle", label: "Room name", desc: null, required: true, values: ["Random"], options: [] },
      { var: "muc#roomconfig_roomdesc", kind: "textMulti", label: "Description", desc: "Shown in room lists", required: false, values: ["Anything goes"], options: [] },
      { var: "muc#roomconfig_persistentroom", kind: "boolean", label: "Keep the room when the last person leaves", desc: null, required: false, values: ["1"], options: [] },
      { var: "muc#roomconfig_passwordprotectedroom", kind: "boolean", label: "Password protected", desc: null, required: false, values: ["0"], options: [] },
      { var: "muc#roomconfig_roomsecret", kind: "textPrivate", label: "Password", desc: null, required: false, values: [], options: [] },
      { var: "muc#roomconfig_maxusers", kind: "listSingle", label: "Maximum people", desc: null, required: false, values: ["50"], options: [{ label: "10", value: "10" }, { label: "50", value: "50" }, { label: "No limit", value: "0" }] },
      { var: "muc#roomconfig_presencebroadcast", kind: "listMulti", label: "Announce the presence of", desc: null, required: false, values: ["moderator", "participant"], options: [{ label: "Moderators", value: "moderator" }, { label: "Participants", value: "participant" }, { label: "Visitors", value: "visitor" }] },
      { var: "muc#roomconfig_roomadmins", kind: "jidMulti", label: "Admins", desc: null, required: false, values: [`anna@${DOMAIN}`], options: [] },
    ],
  };
  mock.affiliationLists.set(`${ROOM} member`, [{ jid: `carla@${DOMAIN}`, nick: "carla", reason: null }, { jid: `feng@${DOMAIN}`, nick: "feng", reason: null }]);
  mock.affiliationLists.set(`${ROOM} outcast`, [{ jid: `spam@bad.example`, nick: null, reason: "Spam" }]);
  mock.on("moderate", ({ request }) => {
    if (request.kind === "role" && request.nick === "anna") {
      throw { code: "protocol", message: "The room refused to change that role: not-allowed" };
    }
    const snapshot = joined.get(request.room);
    if (request.kind === "role" && snapshot) {
      const o = snapshot.occupants.find((x) => x.nick === request.nick);
      if (o && request.role === "none") {
        snapshot.occupants = snapshot.occupants.filter((x) => x !== o);
        later(200, () => mock.emit("occupants-changed", [{ room: request.room, present: [], gone: [o.nick] }]));
      } else if (o) {
        o.role = request.role;
        later(200, () => mock.emit("occupants-changed", [{ room: request.room, present: [structuredClone(o)], gone: [] }]));
      }
    }
    return mock.byDefault("moderate", { request }); // keeps the affiliation lists
  });
  mock.on("destroy_room", ({ args }) => {
    joined.delete(args.room);
    later(200, () => mock.emit("room-left", { room: args.room, reason: { ...problemOf("roomDestroyed"), serverText: args.reason } }));
    return null;
  });
  mock.on("answer_invitation", ({ answer }) => {
    if (answer.accept === null) return null;
    const snapshot: RoomSnapshot = { room: `party@conference.${DOMAIN}`, nick: answer.accept, subject: "Friday party planning", occupants: [occupant("bo", "moderator", "owner", "available"), occupant(answer.accept, "participant", "member", "available")], moderation: false };
    joined.set(snapshot.room, snapshot);
    return snapshot;
  });

  // Kept by the mock's own set_bookmark / remove_bookmark (which announce bookmarks-changed).
  mock.bookmarkList = [
    { jid: ROOM, name: "Demo lobby", nick: null, autojoin: true, hasPassword: false },
    { jid: LOCKED_ROOM, name: "Design review", nick: null, autojoin: false, hasPassword: true },
  ];

  mock.on("saved_login", () => ({
    jid: `demo@${DOMAIN}`, remember: true, autoLogin: false, connection: fallbackConnectionSettings(),
    hasPassword: false, hasProxyPassword: false, demoPassword: "demo",
  }));
  mock.on("test_connection", ({ request }) => {
    const fixed = request.connection?.host ?? null;
    const wrong = request.password === "wrong";
    return new Promise((resolve) => later(700, () => resolve({
      steps: [
        fixed
          ? { step: "dns", outcome: "ok", finding: { kind: "fixedServer", servers: [`${fixed}:5222`] }, problem: null }
          : { step: "dns", outcome: "ok", finding: { kind: "srvRecords", domain: DOMAIN, servers: [`xmpp.${DOMAIN}:5222`] }, problem: null },
        { step: "tcp", outcome: "ok", finding: { kind: "connected", server: `xmpp.${DOMAIN}:5222`, proxy: null }, problem: null },
        request.connection?.security === "plainInsecure"
          ? { step: "tls", outcome: "skipped", finding: { kind: "notEncrypted" }, problem: null }
          : { step: "tls", outcome: "ok", finding: { kind: "encrypted" }, problem: null },
        request.password === ""
          ? { step: "auth", outcome: "skipped", finding: { kind: "needsPassword" }, problem: null }
          : wrong
            ? { step: "auth", outcome: "failed", finding: null, problem: { ...problemOf("authFailed"), condition: "not-authorized" } }
            : { step: "auth", outcome: "ok", finding: { kind: "loggedIn", mechanism: "SCRAM-SHA-256" }, problem: null },
      ],
    })));
  });
  mock.on("login", ({ request }) => {
    later(600, () => {
      if (request.password === "wrong") {
        mock.emit("connection-state", { state: "offline", reason: { ...problemOf("authFailed"), condition: "not-authorized" } });
        return;
      }
      online = true;
      joined.set(ROOM, roomSnapshot(request.jid.split("@")[0] ?? "demo"));
      mock.emit("connection-state", { state: "online", jid: `${request.jid}/hearth`, newSessionAfterLoss: false });
      mock.emit("bookmarks-changed", mock.bookmarkList);
      // Catch-up from the archive, a page every 700 ms; `?syncfail` shows
      // one the server cuts short.
      const pages = [250, 500, 750];
      pages.forEach((messages, i) => later(700 * (i + 1), () => {
        if (online) mock.emit("history-sync", { running: true, pages: i + 1, messages, problem: null });
      }));
      later(700 * (pages.length + 1), () => {
        if (!online) return;
        const fail = new URLSearchParams(location.search).has("syncfail");
        mock.emit("history-sync", { running: false, pages: pages.length + 1, messages: fail ? 750 : 812, problem: fail ? problemOf("timeout") : null });
      });
      // `?restart` shows what a lost, unresumable session looks like.
      if (new URLSearchParams(location.search).has("restart")) {
        later(3000, () => mock.emit("connection-state", { state: "online", jid: `${request.jid}/hearth`, newSessionAfterLoss: true }));
      }
      later(1500, () => mock.emit("messages-added", [
        message(`news@${DOMAIN}`, 200, { kind: "headline", subject: "Maintenance", body: "The file server restarts at 18:00.", timestamp: Date.now() }),
        message(`anna@${DOMAIN}`, 201, { direction: "in", body: "Hi! Do you have a minute?", timestamp: Date.now() }),
      ]));
      later(6000, () => mock.emit("room-invitation", {
        id: "demo-invite", room: `party@conference.${DOMAIN}`, from: `bo@${DOMAIN}`, reason: "Help plan the Friday party?", hasPassword: false, direct: false,
      }));
      later(4000, () => {
        const nick = joined.get(ROOM)?.nick ?? "demo";
        mock.emit("messages-added", [roomMessage(202, { body: `${nick}: the room demo works, try clicking an occupant.`, timestamp: Date.now() })]);
        mock.emit("occupants-changed", [{ room: ROOM, present: [occupant("carla", "participant", "member", "available")], gone: ["guest42"] }]);
      });
    });
    return null;
  });
  mock.on("logout", () => {
    online = false;
    joined.clear();
    later(50, () => mock.emit("connection-state", { state: "offline", reason: null }));
    return null;
  });
  // The demo's roster, changed by the contact commands and pushed back as
  // the core does (roster-changed), so editing can be tried in a browser.
  let contacts: RosterItem[] | null = null;
  const contactList = (): RosterItem[] => (contacts ??= roster());
  const setContacts = (next: RosterItem[]): null => {
    contacts = next;
    later(100, () => mock.emit("roster-changed", next));
    return null;
  };
  const changeContact = (jid: string, change: (item: RosterItem) => RosterItem): null =>
    setContacts(contactList().map((item) => (item.jid === jid ? change(item) : item)));
  mock.on("add_contact", ({ args }) =>
    setContacts([
      ...contactList().filter((item) => item.jid !== args.jid),
      // Sharing is a pre-approval, not yet a subscription: they still have to ask.
      { jid: args.jid, name: args.name, groups: args.groups, subscription: "none", pendingOut: true },
    ]),
  );
  mock.on("update_contact", ({ args }) => changeContact(args.jid, (item) => ({ ...item, name: args.name, groups: args.groups })));
  mock.on("remove_contact", ({ args }) => setContacts(contactList().filter((item) => item.jid !== args.jid)));
  // Renames the group for everyone in it; a blank name dissolves it.
  mock.on("regroup", ({ args }) =>
    setContacts(
      contactList().map((item) =>
        item.groups.includes(args.from)
          ? { ...item, groups: [...new Set(item.groups.flatMap((g) => (g !== args.from ? [g] : args.to.trim() === "" ? [] : [args.to.trim()])))] }
          : item,
      ),
    ),
  );
  mock.on("ask_presence", ({ args }) =>
    changeContact(args.jid, (item) =>
      args.ask
        ? { ...item, pendingOut: item.subscription === "none" || item.subscription === "from" }
        : { ...item, pendingOut: false, subscription: item.subscription === "both" ? "from" : item.subscription === "to" ? "none" : item.subscription },
    ),
  );
  mock.on("roster_snapshot", () => {
    const items = contactList();
    return { items, presences: items.flatMap((item, i) => (item.subscription === "both" || item.subscription === "to" ? [presence(item.jid, i)] : [])), requests: { jids: ["carla@hearth.example"], more: 0 } };
  });
  mock.on("history_page", ({ args }) => {
    const all = history(args.peer);
    const before: HistoryCursor | null = args.before;
    const older = before
      ? all.filter((m) => m.timestamp < before.timestamp || (m.timestamp === before.timestamp && m.id < before.id))
      : all;
    const page = older.slice(-args.limit);
    return new Promise((resolve) => later(250, () => resolve({ messages: page, complete: page.length === older.length })));
  });
  mock.on("search_messages", ({ args }) => {
    const words = args.query.toLowerCase().split(/\s+/).filter((w) => w !== "");
    const peers = args.peer === null ? [...contactList().map((r) => r.jid), ROOM] : [args.peer];
    const hits = peers
      .flatMap((peer) => history(peer))
      .filter((m) => words.length > 0 && words.every((w) => m.body.toLowerCase().includes(w)));
    return hits.sort((a, b) => b.timestamp - a.timestamp || b.id - a.id).slice(0, args.limit);
  });
  mock.on("history_through", ({ args }) => {
    const all = history(args.peer);
    const at = all.findIndex((m) => m.id === args.at.id);
    return { messages: at < 0 ? [] : all.slice(Math.max(0, at - args.before)), complete: at >= 0 };
  });
  mock.on("send_message", ({ args }) => {
    const sent = message(args.to, 0, { direction: "out", body: args.body, timestamp: Date.now(), state: "queued" });
    const fail = args.body.toLowerCase().includes("fail");
    later(300, () => mock.emit("message-updated", { ...sent, state: fail ? "failed" : "sent", error: fail ? { ...problemOf("remoteError"), condition: "recipient-unavailable" } : null }));
    if (!fail) later(900, () => mock.emit("message-updated", { ...sent, state: "acked" }));
    return sent;
  });
  return mock;
}
