import { describe, expect, it } from "vitest";
import type { RoomSnapshot } from "../src/bindings";
import { all, badgesDrawn, bootOnline, get, msg, occ, press, problem, q, settle, typeInto } from "./helpers";

const ROOM = "team@conference.company.com";


function snapshot(partial: Partial<RoomSnapshot> = {}): RoomSnapshot {
  return {
    room: ROOM, nick: "me", subject: "Release planning",
    occupants: [occ("anna", { role: "moderator", affiliation: "owner", realJid: "anna@company.com" }), occ("bob"), occ("me"), occ("zed", { role: "visitor" })],
    moderation: false,
    ...partial,
  };
}

/** Online with the room already joined (restored through rooms() on start). */
async function inRoom(room = snapshot()) {
  const booted = await bootOnline((m) => m.on("rooms", () => [room]));
  get("tab", `[data-jid="${ROOM}"]`).click();
  await settle();
  return booted;
}

const rowNicks = () => all("occupant-row").map((r) => r.dataset.nick);

describe("join room dialog", () => {
  it("validates the address and nick, shows the room's refusal and joins", async () => {
    let refuse = true;
    const { mock } = await bootOnline((m) =>
      m.on("join_room", ({ args }) => {
        if (refuse) throw problem("roomJoinRefused", { condition: "conflict" });
        return snapshot({ room: args.room, nick: args.nick });
      }),
    );
    get("join-room-open").click();
    const address = get<HTMLInputElement>("join-room-address");
    const nick = get<HTMLInputElement>("join-room-nick");
    expect(nick.value).toBe("me"); // the local part of me@company.com

    typeInto(address, "team");
    get("join-room-submit").click();
    await settle();
    expect(get("join-room-error").textContent).toBe("Enter the room address as room@domain, for example team@conference.company.com.");
    expect(address.getAttribute("aria-invalid")).toBe("true");

    typeInto(address, ROOM);
    typeInto(nick, "  ");
    get("join-room-submit").click();
    await settle();
    expect(get("join-room-error").textContent).toBe("Enter a nickname.");
    expect(mock.callsOf("join_room")).toHaveLength(0);

    typeInto(nick, "anna");
    get("join-room-submit").click();
    expect(get<HTMLButtonElement>("join-room-submit").disabled).toBe(true);
    await settle();
    expect(get("join-room-error").textContent).toBe("Could not join the room. That nickname is already taken in this room; choose another.");
    expect(get<HTMLButtonElement>("join-room-submit").disabled).toBe(false);
    expect(q("tab")).toBeNull();

    refuse = false;
    typeInto(nick, "me");
    typeInto(get<HTMLInputElement>("join-room-password"), "secret");
    get("join-room-submit").click();
    await settle();
    expect(mock.callsOf("join_room")[1]).toEqual({ args: { room: ROOM, nick: "me", password: "secret" } });
    expect(address.closest("form")?.hidden).toBe(true);
    const tab = get("tab", `[data-jid="${ROOM}"]`);
    expect(tab.getAttribute("aria-selected")).toBe("true");
    expect(tab.dataset.kind).toBe("room");
    expect(q("tab-room", "", tab)).not.toBeNull();
    expect(mock.callsOf("history_page")).toEqual([{ args: { peer: ROOM, before: null, limit: 50 } }]);
  });
});

describe("room tab", () => {
  it("restores joined rooms on start and shows subject and occupants grouped by role", async () => {
    const { mock } = await inRoom();
    expect(mock.callsOf("rooms")).toHaveLength(1);
    expect(get("room-subject").textContent).toBe("Release planning");
    expect(get("room-nick-change").textContent).toBe("me");
    expect(all("occupant-group").map((g) => g.dataset.role)).toEqual(["moderator", "participant", "visitor"]);
    expect(rowNicks()).toEqual(["anna", "bob", "me", "zed"]);
    const anna = get("occupant-row", '[data-nick="anna"]');
    expect(anna.querySelector(".occupant-badge")?.textContent).toBe("Owner");
    expect(anna.querySelector(".occupant-detail")?.textContent).toBe("anna@company.com");
    expect(anna.title).toContain("anna@company.com");
    expect(anna.querySelector(".dot")?.classList.contains("show-available")).toBe(true);
  });

  it("asks for rooms again when the connection comes back online", async () => {
    const { mock } = await inRoom();
    mock.emit("connection-state", { state: "reconnecting", reason: problem("connectionLost"), retryInSecs: 3 });
    mock.emit("connection-state", { state: "online", jid: "me@company.com/hearth", newSessionAfterLoss: true });
    await settle();
    expect(mock.callsOf("rooms")).toHaveLength(2);
    expect(all("tab")).toHaveLength(1);
  });

  it("shows sender nicks, our messages as outgoing, and sends with send_room_message", async () => {
    const { mock } = await inRoom();
    mock.emit("messages-added", [
      msg({ peer: ROOM, id: 1, kind: "groupchat", sender: "anna", body: "hello all" }),
      msg({ peer: ROOM, id: 2, kind: "groupchat", sender: "me", direction: "out", state: "acked", body: "hi" }),
    ]);
    const [first, second] = all("message");
    expect(get("message-sender", "", first).textContent).toBe("anna");
    expect(second?.dataset.direction).toBe("out");
    expect(q("message-sender", "", second)).toBeNull();

    const composer = get<HTMLTextAreaElement>("composer-input");
    composer.value = "<b>ship it</b>";
    press(composer, "Enter");
    await settle();
    expect(mock.callsOf("send_room_message")).toEqual([{ args: { room: ROOM, text: "<b>ship it</b>" } }]);
    expect(mock.callsOf("send_message")).toHaveLength(0);
    const sent = all("message").at(-1)!;
    expect(sent.dataset.direction).toBe("out");
    expect(get("message-body", "", sent).textContent).toBe("<b>ship it</b>");
  });

  it("counts activity and mentions counted by the backend on a background room tab", async () => {
    const { mock } = await inRoom();
    mock.emit("messages-added", [msg({ peer: "anna@company.com", id: 10 })]);
    get("tab", '[data-jid="anna@company.com"]').click();
    const mention = msg({ peer: ROOM, id: 30, kind: "groupchat", sender: "bob", body: "me: look" });
    mock.emit("conversation-activity", [{ peer: ROOM, kind: "groupchat", incoming: 25, mentions: 1, latest: mention, latestMention: mention }]);
    await badgesDrawn();
    const tab = get("tab", `[data-jid="${ROOM}"]`);
    expect(get("tab-unread", "", tab).textContent).toBe("25");
    expect(get("tab-mention", "", tab).hidden).toBe(false);
  });

  it("counts unread room messages and marks mentions of our nick on a background tab", async () => {
    const { mock } = await inRoom();
    mock.emit("messages-added", [msg({ peer: "anna@company.com", id: 10 })]);
    get("tab", '[data-jid="anna@company.com"]').click();
    mock.emit("messages-added", [
      msg({ peer: ROOM, id: 11, kind: "groupchat", sender: "anna", body: "the memo is ready" }),
      // The core marks a message that names our nick (session/mention.rs).
      msg({ peer: ROOM, id: 12, kind: "groupchat", sender: "bob", body: "ME: can you review?", mentionsMe: true }),
    ]);
    await badgesDrawn();
    const tab = get("tab", `[data-jid="${ROOM}"]`);
    expect(get("tab-unread", "", tab).textContent).toBe("2");
    expect(get("tab-mention", "", tab).hidden).toBe(false);

    tab.click();
    expect(get("tab-mention", "", tab).hidden).toBe(true);
    expect(get("message", '[data-id="11"]').classList.contains("mention")).toBe(false);
    expect(get("message", '[data-id="12"]').classList.contains("mention")).toBe(true);
  });

  it("adds, removes and updates occupant rows on occupants-changed", async () => {
    const { mock } = await inRoom();
    const bob = get("occupant-row", '[data-nick="bob"]');
    mock.emit("occupants-changed", [{
      room: ROOM,
      present: [occ("carl"), occ("bob", { show: "dnd", status: "busy" }), occ("zed", { role: "moderator" })],
      gone: ["anna"],
    }]);
    await settle();
    expect(rowNicks()).toEqual(["zed", "bob", "carl", "me"]);
    expect(get("occupant-row", '[data-nick="bob"]')).toBe(bob);
    expect(bob.querySelector(".dot")?.classList.contains("show-dnd")).toBe(true);
    expect(bob.querySelector(".occupant-detail")?.textContent).toBe("busy");
    expect(all("occupant-group").map((g) => g.dataset.role)).toEqual(["moderator", "participant"]);
    expect(get("occupants-count").textContent).toBe("4 people");
  });

  it("edits the subject and the nick through the backend", async () => {
    const { mock } = await inRoom();
    get("room-subject").click();
    const input = get<HTMLInputElement>("room-subject-input");
    expect(input.value).toBe("Release planning");
    input.value = "Ship Friday";
    press(input, "Enter");
    await settle();
    expect(mock.callsOf("set_room_subject")).toEqual([{ args: { room: ROOM, text: "Ship Friday" } }]);
    mock.emit("room-subject", { room: ROOM, subject: "Ship Friday", by: "me" });
    expect(get("room-subject").textContent).toBe("Ship Friday");

    get("room-nick-change").click();
    const nick = get<HTMLInputElement>("room-nick-change-input");
    nick.value = "meg";
    press(nick, "Enter");
    await settle();
    expect(mock.callsOf("change_room_nick")).toEqual([{ args: { room: ROOM, text: "meg" } }]);
    // The room reports the change as occupants, then the backend sends room-joined with our new nick.
    mock.emit("occupants-changed", [{ room: ROOM, present: [occ("meg")], gone: ["me"] }]);
    expect(get("room-nick-change").textContent).toBe("me");
    const after = snapshot({ nick: "meg", subject: "Ship Friday" });
    mock.emit("room-joined", { ...after, occupants: after.occupants.map((o) => (o.nick === "me" ? occ("meg") : o)) });
    await settle();
    expect(get("room-nick-change").textContent).toBe("meg");
    expect(get("occupant-row", '[data-nick="meg"]').classList.contains("self")).toBe(true);
    expect(q("occupant-row", '[data-nick="me"]')).toBeNull();
    expect(all("tab")).toHaveLength(1);
    expect(get("room-subject").textContent).toBe("Ship Friday");
  });

  it("shows what the room refused while we stay in it, until dismissed or the next action", async () => {
    const { mock } = await inRoom();
    expect(get("room-problem").hidden).toBe(true);
    get("room-nick-change").click();
    const nick = get<HTMLInputElement>("room-nick-change-input");
    nick.value = "anna";
    press(nick, "Enter");
    await settle();
    expect(mock.callsOf("change_room_nick")).toEqual([{ args: { room: ROOM, text: "anna" } }]);
    mock.emit("room-problem", { room: ROOM, problem: problem("roomJoinRefused", { condition: "conflict", serverText: "<b>x</b>" }) });
    expect(get("room-problem").hidden).toBe(false);
    expect(get("room-problem").textContent).toContain("The room refused. That nickname is already taken in this room; choose another. The server said: “<b>x</b>”");
    expect(get("room-problem").querySelector("b")).toBeNull();
    expect(get("room-nick-change").textContent).toBe("me");

    get("room-problem-dismiss").click();
    expect(get("room-problem").hidden).toBe(true);

    // A problem for another room does not show here; the next action clears ours.
    mock.emit("room-problem", { room: "other@conference.company.com", problem: problem("remoteError") });
    expect(get("room-problem").hidden).toBe(true);
    mock.emit("room-problem", { room: ROOM, problem: problem("roomJoinRefused", { condition: "not-acceptable" }) });
    expect(get("room-problem").hidden).toBe(false);
    get("room-subject").click();
    const subject = get<HTMLInputElement>("room-subject-input");
    subject.value = "New";
    press(subject, "Enter");
    await settle();
    expect(get("room-problem").hidden).toBe(true);
  });

  it("shows why we were removed, keeps the history and can join again", async () => {
    const { mock } = await inRoom();
    mock.emit("messages-added", [msg({ peer: ROOM, id: 20, kind: "groupchat", sender: "anna", body: "bye" })]);
    mock.emit("room-left", { room: ROOM, reason: problem("roomKicked", { serverText: "<i>spam</i>" }) });
    await settle();
    expect(get("room-left").hidden).toBe(false);
    expect(get("room-left-reason").textContent).toBe("You are no longer in this room. You were removed from the room. The server said: “<i>spam</i>”");
    expect(get("message-body").textContent).toBe("bye");
    expect(all("occupant-row")).toHaveLength(0);
    expect(get<HTMLTextAreaElement>("composer-input").closest("form")?.hidden).toBe(true);

    get("room-rejoin").click();
    await settle();
    expect(mock.callsOf("join_room")).toEqual([{ args: { room: ROOM, nick: "me", password: null } }]);
    expect(get("room-left").hidden).toBe(true);
    expect(all("tab")).toHaveLength(1);
  });

  it("leaves the room and closes its tab", async () => {
    const { mock } = await inRoom();
    get("room-leave").click();
    await settle();
    expect(mock.callsOf("leave_room")).toEqual([{ room: ROOM }]);
    expect(q("tab")).toBeNull();
  });

  it("opens a private chat with an occupant that sends to room/nick", async () => {
    const { mock } = await inRoom();
    get("occupant-row", '[data-nick="me"]').click();
    expect(all("tab")).toHaveLength(1); // not with ourselves
    get("occupant-row", '[data-nick="bob"]').click();
    await settle();
    const tab = get("tab", `[data-jid="${ROOM}/bob"]`);
    expect(tab.getAttribute("aria-selected")).toBe("true");
    expect(tab.querySelector(".tab-title")?.textContent).toBe(`bob (${ROOM})`);
    expect(q("tab-room", "", tab)).toBeNull();
    const composer = get<HTMLTextAreaElement>("composer-input");
    composer.value = "psst";
    press(composer, "Enter");
    await settle();
    expect(mock.callsOf("send_message")).toEqual([{ args: { to: `${ROOM}/bob`, body: "psst" } }]);
  });
});
