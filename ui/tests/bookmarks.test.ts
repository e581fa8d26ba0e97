import { describe, expect, it } from "vitest";
import type { BookmarkView, RoomSnapshot } from "../src/bindings";
import { all, bootOnline, check, get, occ, problem, q, settle, typeInto } from "./helpers";

const TEAM = "team@conference.company.com";
const LOCKED = "board@conference.company.com";

function bm(jid: string, partial: Partial<BookmarkView> = {}): BookmarkView {
  return { jid, name: null, nick: null, autojoin: false, hasPassword: false, ...partial };
}

function snapshot(room: string, nick = "me"): RoomSnapshot {
  return { room, nick, subject: null, occupants: [occ(nick)], moderation: false };
}

const rowJids = () => all("bookmark-row").map((r) => r.dataset.jid);
const row = (jid: string) => get("bookmark-row", `[data-jid="${jid}"]`);
const button = (testid: string, root: ParentNode = document) => get<HTMLButtonElement>(testid, "", root);
const field = (testid: string, root: ParentNode = document) => get<HTMLInputElement>(testid, "", root);

describe("bookmarks sidebar", () => {
  it("lists the bookmarks of bookmarks-changed sorted by name, with markers, as text", async () => {
    const { mock } = await bootOnline();
    expect(mock.callsOf("bookmarks")).toHaveLength(1);
    expect(get("bookmarks-empty").hidden).toBe(false);

    mock.emit("bookmarks-changed", [
      bm("zeta@conference.company.com", { name: "<b>Alpha</b>" }),
      bm(TEAM, { autojoin: true }),
      bm(LOCKED, { name: "Board", hasPassword: true }),
    ]);
    // By label: the name, else the room's local part.
    expect(rowJids()).toEqual(["zeta@conference.company.com", LOCKED, TEAM]);
    expect(get("bookmarks-empty").hidden).toBe(true);
    const zeta = row("zeta@conference.company.com");
    expect(zeta.querySelector(".bookmark-name")?.textContent).toBe("<b>Alpha</b>");
    expect(zeta.querySelector("b")).toBeNull();
    expect(zeta.querySelector(".bookmark-jid")?.textContent).toBe("zeta@conference.company.com");
    expect(row(TEAM).querySelector(".bookmark-name")?.textContent).toBe("team");
    expect(get("bookmark-autojoin-marker", "", row(TEAM)).hidden).toBe(false);
    expect(get("bookmark-lock", "", row(TEAM)).hidden).toBe(true);
    expect(get("bookmark-autojoin-marker", "", row(LOCKED)).hidden).toBe(true);
    expect(get("bookmark-lock", "", row(LOCKED)).hidden).toBe(false);

    mock.emit("bookmarks-changed", [bm(TEAM)]);
    expect(rowJids()).toEqual([TEAM]);
  });

  it("asks for the bookmarks when the main screen opens online and when back online", async () => {
    const { mock } = await bootOnline((m) => m.on("bookmarks", () => [bm(TEAM, { name: "Team" })]));
    expect(rowJids()).toEqual([TEAM]);
    mock.on("bookmarks", () => [bm(TEAM, { name: "Team" }), bm(LOCKED)]);
    mock.emit("connection-state", { state: "reconnecting", reason: problem("network"), retryInSecs: 3 });
    mock.emit("connection-state", { state: "online", jid: "me@company.com/hearth", newSessionAfterLoss: false });
    await settle();
    expect(mock.callsOf("bookmarks")).toHaveLength(2);
    expect(rowJids()).toEqual([LOCKED, TEAM]);
  });

  it("joins a bookmarked room with its nick (or ours) and focuses it when already joined", async () => {
    const { mock } = await bootOnline((m) => {
      m.bookmarkList = [bm(TEAM, { nick: "captain" }), bm(LOCKED, { name: "Board" })];
      m.on("join_room", ({ args }) => snapshot(args.room, args.nick));
    });
    button("bookmark-join", row(TEAM)).click();
    await settle();
    expect(mock.callsOf("join_room")).toEqual([{ args: { room: TEAM, nick: "captain", password: null } }]);
    expect(get("tab", `[data-jid="${TEAM}"]`).getAttribute("aria-selected")).toBe("true");
    expect(row(TEAM).classList.contains("joined")).toBe(true);

    button("bookmark-join", row(LOCKED)).click();
    await settle();
    expect(mock.callsOf("join_room")[1]).toEqual({ args: { room: LOCKED, nick: "me", password: null } });

    button("bookmark-join", row(TEAM)).click();
    await settle();
    expect(mock.callsOf("join_room")).toHaveLength(2);
    expect(get("tab", `[data-jid="${TEAM}"]`).getAttribute("aria-selected")).toBe("true");
  });

  it("opens the join dialog filled in when the room refuses, so the password can be typed", async () => {
    const { mock } = await bootOnline((m) => {
      m.bookmarkList = [bm(LOCKED, { nick: "boss", hasPassword: true })];
      m.on("join_room", ({ args }) => {
        if (args.password !== "s3cret") throw problem("roomJoinRefused", { condition: "not-authorized" });
        return snapshot(args.room, args.nick);
      });
    });
    expect(get("join-room-form").hidden).toBe(true);
    button("bookmark-join", row(LOCKED)).click();
    await settle();
    expect(get("join-room-form").hidden).toBe(false);
    expect(field("join-room-address").value).toBe(LOCKED);
    expect(field("join-room-nick").value).toBe("boss");
    expect(get("join-room-error").textContent).toBe("Could not join the room. This room needs a password, or the password is wrong.");
    expect(document.activeElement).toBe(field("join-room-password"));

    typeInto(field("join-room-password"), "s3cret");
    button("join-room-submit").click();
    await settle();
    expect(mock.callsOf("join_room")[1]).toEqual({ args: { room: LOCKED, nick: "boss", password: "s3cret" } });
    expect(get("join-room-form").hidden).toBe(true);
    expect(q("tab", `[data-jid="${LOCKED}"]`)).not.toBeNull();
  });
});

describe("bookmark form", () => {
  it("bookmarks the current room from its tab, leaving the password null when untouched", async () => {
    const { mock } = await bootOnline((m) => m.on("rooms", () => [snapshot(TEAM, "meg")]));
    get("tab", `[data-jid="${TEAM}"]`).click();
    const toggle = button("room-bookmark");
    expect(toggle.textContent).toBe("Bookmark");
    toggle.click();
    const header = toggle.closest("header")!;
    const form = get("bookmark-form", "", header);
    expect(form.hidden).toBe(false);
    expect(get("bookmark-room", "", form).textContent).toBe(TEAM);
    expect(get("bookmark-jid", "", form).closest(".field")?.hasAttribute("hidden")).toBe(true);
    expect(field("bookmark-nick", form).value).toBe("meg");
    expect(field("bookmark-password", form).type).toBe("password");
    expect(field("bookmark-password", form).placeholder).toBe("");
    typeInto(field("bookmark-name", form), "  The team  ");
    check(field("bookmark-autojoin", form), true);
    button("bookmark-save", form).click();
    expect(button("bookmark-save", form).disabled).toBe(true);
    await settle();
    expect(mock.callsOf("set_bookmark")).toEqual([
      { bookmark: { jid: TEAM, name: "The team", nick: "meg", autojoin: true, password: null } },
    ]);
    expect(form.hidden).toBe(true);
    // The mock announced the new list.
    expect(rowJids()).toEqual([TEAM]);
    expect(row(TEAM).querySelector(".bookmark-name")?.textContent).toBe("The team");
    expect(toggle.textContent).toBe("Edit bookmark");
  });

  it("edits a bookmark: password null unless typed, empty string when removed", async () => {
    const { mock } = await bootOnline((m) => {
      m.bookmarkList = [bm(LOCKED, { name: "Board", nick: "boss", autojoin: true, hasPassword: true })];
    });
    const sidebarForm = () => get("bookmark-form");
    button("bookmark-edit", row(LOCKED)).click();
    expect(sidebarForm().hidden).toBe(false);
    expect(get("bookmark-form-title").textContent).toBe("Edit bookmark");
    expect(field("bookmark-name").value).toBe("Board");
    expect(field("bookmark-nick").value).toBe("boss");
    expect(field("bookmark-autojoin").checked).toBe(true);
    expect(field("bookmark-password").placeholder).toBe("unchanged");
    expect(field("bookmark-password-remove").closest(".field")?.hasAttribute("hidden")).toBe(false);

    typeInto(field("bookmark-nick"), "");
    check(field("bookmark-autojoin"), false);
    button("bookmark-save").click();
    await settle();
    expect(mock.callsOf("set_bookmark")[0]).toEqual({ bookmark: { jid: LOCKED, name: "Board", nick: null, autojoin: false, password: null } });
    expect(sidebarForm().hidden).toBe(true);

    button("bookmark-edit", row(LOCKED)).click();
    typeInto(field("bookmark-password"), "n3w");
    button("bookmark-save").click();
    await settle();
    expect(mock.callsOf("set_bookmark")[1]?.bookmark.password).toBe("n3w");

    button("bookmark-edit", row(LOCKED)).click();
    expect(field("bookmark-password").value).toBe("");
    typeInto(field("bookmark-password"), "ignored");
    check(field("bookmark-password-remove"), true);
    expect(field("bookmark-password").disabled).toBe(true);
    button("bookmark-save").click();
    await settle();
    expect(mock.callsOf("set_bookmark")[2]?.bookmark.password).toBe("");
    expect(get("bookmark-lock", "", row(LOCKED)).hidden).toBe(true);

    // No stored password any more: no "unchanged" and no remove box.
    button("bookmark-edit", row(LOCKED)).click();
    expect(field("bookmark-password").placeholder).toBe("");
    expect(field("bookmark-password-remove").closest(".field")?.hasAttribute("hidden")).toBe(true);
  });

  it("adds a bookmark by address from the sidebar and shows the backend's refusal", async () => {
    let refuse = true;
    const { mock } = await bootOnline((m) =>
      m.on("set_bookmark", () => {
        if (refuse) throw problem("remoteError", { condition: "not-allowed", serverText: "<not-allowed/>" });
        return null;
      }),
    );
    button("bookmark-add").click();
    expect(get("bookmark-form-title").textContent).toBe("Add bookmark");
    typeInto(field("bookmark-jid"), "team");
    button("bookmark-save").click();
    await settle();
    expect(get("bookmark-error").textContent).toBe("Enter the room address as room@domain, for example team@conference.company.com.");
    expect(mock.callsOf("set_bookmark")).toHaveLength(0);

    typeInto(field("bookmark-jid"), ` ${TEAM} `);
    button("bookmark-save").click();
    await settle();
    expect(mock.callsOf("set_bookmark")).toEqual([{ bookmark: { jid: TEAM, name: null, nick: null, autojoin: false, password: null } }]);
    expect(get("bookmark-error").hidden).toBe(false);
    expect(get("bookmark-error").textContent).toBe("Could not save the bookmark. That is not allowed. The server said: “<not-allowed/>”");
    expect(get("bookmark-form").hidden).toBe(false);
    expect(button("bookmark-save").disabled).toBe(false);

    refuse = false;
    button("bookmark-save").click();
    await settle();
    expect(get("bookmark-form").hidden).toBe(true);
  });
});

describe("removing a bookmark", () => {
  it("asks for confirmation inline, then calls remove_bookmark", async () => {
    const { mock } = await bootOnline((m) => {
      m.bookmarkList = [bm(TEAM), bm(LOCKED)];
    });
    const team = row(TEAM);
    const confirmBox = get("bookmark-remove-confirm", "", team).parentElement!;
    expect(confirmBox.hidden).toBe(true);
    button("bookmark-remove", team).click();
    expect(mock.callsOf("remove_bookmark")).toHaveLength(0);
    expect(confirmBox.hidden).toBe(false);
    expect(confirmBox.textContent).toContain("Remove this bookmark?");

    button("bookmark-remove-cancel", team).click();
    expect(confirmBox.hidden).toBe(true);
    expect(mock.callsOf("remove_bookmark")).toHaveLength(0);

    button("bookmark-remove", team).click();
    button("bookmark-remove-confirm", team).click();
    await settle();
    expect(mock.callsOf("remove_bookmark")).toEqual([{ room: TEAM }]);
    expect(rowJids()).toEqual([LOCKED]);
  });

  it("shows the refusal in the row", async () => {
    const { mock } = await bootOnline((m) => {
      m.bookmarkList = [bm(TEAM)];
      m.on("remove_bookmark", () => {
        throw problem("notConnected");
      });
    });
    button("bookmark-remove", row(TEAM)).click();
    button("bookmark-remove-confirm", row(TEAM)).click();
    await settle();
    expect(mock.callsOf("remove_bookmark")).toHaveLength(1);
    expect(rowJids()).toEqual([TEAM]);
    expect(get("bookmark-row-error", "", row(TEAM)).hidden).toBe(false);
    expect(get("bookmark-row-error", "", row(TEAM)).textContent).toMatch(/^Could not remove the bookmark\. /);
  });
});
