import { describe, expect, it } from "vitest";
import type { Occupant, RoomSnapshot } from "../src/bindings";
import type { MockBackend } from "../src/mockBackend";
import { all, bootOnline, check, contact, get, occ, press, problem, q, settle, typeInto } from "./helpers";

const ROOM = "team@conference.company.com";

async function inRoom(ours: Partial<Occupant>, others: Occupant[], setup?: (m: MockBackend) => void) {
  const snapshot: RoomSnapshot = { room: ROOM, nick: "me", subject: null, occupants: [occ("me", ours), ...others], moderation: false };
  const booted = await bootOnline((m) => {
    m.on("rooms", () => [snapshot]);
    setup?.(m);
  });
  get("tab", `[data-jid="${ROOM}"]`).click();
  await settle();
  return booted;
}

const row = (nick: string) => get("occupant-row", `[data-nick="${nick}"]`);
const offered = () => all("occupant-menu").flatMap((m) => [...m.querySelectorAll<HTMLElement>("[data-testid^='occupant-action-']")]).map((b) => b.dataset.testid!.replace("occupant-action-", ""));

function openActions(nick: string): void {
  get("occupant-actions", "", row(nick)).click();
}

describe("occupant actions", () => {
  it("offers a participant only a private message, and none on our own row", async () => {
    await inRoom({}, [occ("bob"), occ("vic", { role: "visitor" })]);
    expect(get("occupant-actions", "", row("me")).hidden).toBe(true);
    openActions("bob");
    expect(offered()).toEqual(["message"]);
    openActions("vic");
    expect(offered()).toEqual(["message"]);
  });

  it("offers moderators role changes, owners everything", async () => {
    await inRoom({ role: "moderator", affiliation: "none" }, [occ("bob"), occ("vic", { role: "visitor" }), occ("ann", { role: "moderator", affiliation: "owner" })]);
    openActions("bob");
    expect(offered()).toEqual(["message", "kick", "devoice"]);
    openActions("vic");
    expect(offered()).toEqual(["message", "kick", "voice"]);
    openActions("ann");
    expect(offered()).toEqual(["message"]);
  });

  it("offers an owner affiliation changes too", async () => {
    await inRoom({ role: "moderator", affiliation: "owner" }, [occ("bob", { affiliation: "member" }), occ("mod", { role: "moderator" })]);
    openActions("bob");
    expect(offered()).toEqual(["message", "kick", "ban", "devoice", "moderator", "admin", "owner", "noaffiliation"]);
    openActions("mod");
    expect(offered()).toEqual(["message", "kick", "ban", "unmoderator", "member", "admin", "owner"]);
  });

  it("kicks with the reason typed, and shows a refusal as text", async () => {
    let refuse = true;
    const { mock } = await inRoom({ role: "moderator" }, [occ("bob")], (m) =>
      m.on("moderate", () => {
        if (refuse) throw problem("remoteError", { condition: "not-allowed", serverText: "Only moderators <b>" });
        return null;
      }),
    );
    openActions("bob");
    get("occupant-action-kick").click();
    expect(document.activeElement).toBe(get("moderation-reason"));
    typeInto(get<HTMLInputElement>("moderation-reason"), "spam");
    get("moderation-confirm").click();
    await settle();
    expect(mock.callsOf("moderate")).toEqual([{ request: { kind: "role", room: ROOM, nick: "bob", role: "none", reason: "spam" } }]);
    expect(get("moderation-error").textContent).toBe("The room refused. That is not allowed. The server said: “Only moderators <b>”");
    expect(get("moderation-error").querySelector("b")).toBeNull();
    refuse = false;
    get("moderation-confirm").click();
    await settle();
    expect(mock.callsOf("moderate")).toHaveLength(2);
    expect(get("occupant-menu").hidden).toBe(true);
  });

  it("bans by real JID, and asks for the JID when the room hides it", async () => {
    const { mock } = await inRoom({ role: "moderator", affiliation: "admin" }, [
      occ("bob", { realJid: "bob@company.com/laptop" }),
      occ("anon"),
    ]);
    openActions("bob");
    get("occupant-action-ban").click();
    expect(get("moderation-jid").closest<HTMLElement>(".field")!.hidden).toBe(true);
    get("moderation-confirm").click();
    await settle();
    expect(mock.callsOf("moderate")).toEqual([{ request: { kind: "affiliation", room: ROOM, jid: "bob@company.com", affiliation: "outcast", reason: null } }]);

    openActions("anon");
    get("occupant-action-ban").click();
    expect(get("moderation-jid").closest<HTMLElement>(".field")!.hidden).toBe(false);
    get("moderation-confirm").click();
    await settle();
    expect(mock.callsOf("moderate")).toHaveLength(1);
    expect(get("moderation-error").textContent).toBe("Enter the address as name@domain, for example anna@company.com.");
    typeInto(get<HTMLInputElement>("moderation-jid"), "anon@else.org");
    typeInto(get<HTMLInputElement>("moderation-reason"), "troll");
    get("moderation-confirm").click();
    await settle();
    expect(mock.callsOf("moderate")[1]).toEqual({ request: { kind: "affiliation", room: ROOM, jid: "anon@else.org", affiliation: "outcast", reason: "troll" } });
  });

  it("opens from the Menu key on a row and grants voice", async () => {
    const { mock } = await inRoom({ role: "moderator" }, [occ("vic", { role: "visitor" })]);
    press(row("vic"), "ContextMenu");
    expect(get("occupant-menu").hidden).toBe(false);
    expect(document.activeElement).toBe(get("occupant-action-message"));
    get("occupant-action-voice").click();
    get("moderation-confirm").click();
    await settle();
    expect(mock.callsOf("moderate")).toEqual([{ request: { kind: "role", room: ROOM, nick: "vic", role: "participant", reason: null } }]);
  });

  it("opens a private chat from the menu", async () => {
    await inRoom({}, [occ("bob")]);
    openActions("bob");
    get("occupant-action-message").click();
    await settle();
    expect(get("tab", `[data-jid="${ROOM}/bob"]`).getAttribute("aria-selected")).toBe("true");
  });
});

describe("invitations", () => {
  it("invites someone through the room or directly", async () => {
    const { mock } = await inRoom({}, [], (m) => m.on("roster_snapshot", () => ({ items: [contact("dora@company.com", "Dora")], presences: [], requests: { jids: [], more: 0 } })));
    get("room-invite").click();
    const jid = get<HTMLInputElement>("invite-jid");
    expect(document.getElementById(jid.getAttribute("list")!)?.querySelector("option")?.getAttribute("value")).toBe("dora@company.com");
    typeInto(jid, "dora@company.com");
    typeInto(get<HTMLInputElement>("invite-reason"), "standup");
    get("invite-send").click();
    await settle();
    expect(mock.callsOf("invite")).toEqual([{ args: { room: ROOM, jid: "dora@company.com", reason: "standup", direct: false } }]);
    expect(get("invite-sent").textContent).toContain("dora@company.com");

    typeInto(jid, "eve@company.com");
    check(get<HTMLInputElement>("invite-direct"), true);
    get("invite-send").click();
    await settle();
    expect(mock.callsOf("invite")[1]).toEqual({ args: { room: ROOM, jid: "eve@company.com", reason: null, direct: true } });
  });

  it("shows a refused invitation as text", async () => {
    await inRoom({}, [], (m) =>
      m.on("invite", () => {
        throw problem("notConnected");
      }),
    );
    get("room-invite").click();
    typeInto(get<HTMLInputElement>("invite-jid"), "x");
    get("invite-send").click();
    expect(get("invite-error").textContent).toBe("Enter the address as name@domain, for example anna@company.com.");
    typeInto(get<HTMLInputElement>("invite-jid"), "x@y.org");
    get("invite-send").click();
    await settle();
    expect(get("invite-error").hidden).toBe(false);
    expect(get("invite-error").textContent).toContain("The invitation could not be sent.");
  });

  it("shows an incoming invitation and accepts it with the nick, opening the room", async () => {
    const { mock } = await bootOnline((m) => m.on("roster_snapshot", () => ({ items: [contact("anna@company.com", "Anna")], presences: [], requests: { jids: [], more: 0 } })));
    mock.emit("room-invitation", { id: "i1", room: ROOM, from: "anna@company.com", reason: "<b>come</b>", hasPassword: false, direct: false });
    const notice = get("invitation", `[data-room="${ROOM}"]`);
    expect(notice.textContent).toContain(`Anna invites you to the room ${ROOM}.`);
    expect(get("invitation-reason", "", notice).textContent).toBe("<b>come</b>");
    expect(notice.querySelector("b")).toBeNull();
    const nick = get<HTMLInputElement>("invitation-nick", "", notice);
    expect(nick.value).toBe("me");
    typeInto(nick, "meg");
    get("invitation-accept", "", notice).click();
    await settle();
    expect(mock.callsOf("answer_invitation")).toEqual([{ answer: { id: "i1", accept: "meg", reason: null } }]);
    expect(q("invitation")).toBeNull();
    expect(get("tab", `[data-jid="${ROOM}"]`).getAttribute("aria-selected")).toBe("true");
    expect(get("room-nick-change").textContent).toBe("meg");
  });

  it("declines with a reason (mediated) or without asking one (direct)", async () => {
    const { mock } = await bootOnline();
    mock.emit("room-invitation", { id: "i1", room: ROOM, from: "anna@company.com", reason: null, hasPassword: false, direct: false });
    mock.emit("room-invitation", { id: "i2", room: "other@conference.company.com", from: "bob@company.com", reason: null, hasPassword: true, direct: true });
    expect(all("invitation")).toHaveLength(2);
    const direct = get("invitation", '[data-room="other@conference.company.com"]');
    expect(q("invitation-decline-reason", "", direct)).toBeNull();
    get("invitation-decline", "", direct).click();
    await settle();
    const mediated = get("invitation", `[data-room="${ROOM}"]`);
    typeInto(get<HTMLInputElement>("invitation-decline-reason", "", mediated), "busy");
    get("invitation-decline", "", mediated).click();
    await settle();
    expect(mock.callsOf("answer_invitation")).toEqual([
      { answer: { id: "i2", accept: null, reason: null } },
      { answer: { id: "i1", accept: null, reason: "busy" } },
    ]);
    expect(all("invitation")).toHaveLength(0);
    expect(all("tab")).toHaveLength(0);
  });

  it("keeps the notice with the refusal when joining fails, and joins on the next try", async () => {
    const { mock } = await bootOnline((m) =>
      m.on("answer_invitation", () => {
        throw problem("roomJoinRefused", { condition: "conflict" });
      }),
    );
    mock.emit("room-invitation", { id: "i1", room: ROOM, from: "anna@company.com", reason: null, hasPassword: false, direct: false });
    get("invitation-accept").click();
    await settle();
    expect(get("invitation-error").textContent).toContain("That nickname is already taken in this room; choose another.");
    typeInto(get<HTMLInputElement>("invitation-nick"), "me2");
    get("invitation-accept").click();
    await settle();
    expect(mock.callsOf("join_room")).toEqual([{ args: { room: ROOM, nick: "me2", password: null } }]);
    expect(q("invitation")).toBeNull();
    expect(get("tab", `[data-jid="${ROOM}"]`)).not.toBeNull();
  });
});
