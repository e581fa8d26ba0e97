import { describe, expect, it } from "vitest";
import type { RoomListing } from "../src/bindings";
import { all, bootOnline, check, get, problem, q, settle, typeInto } from "./helpers";

const listing = (jid: string, partial: Partial<RoomListing> = {}): RoomListing => ({
  jid, name: null, description: null, occupants: null, membersOnly: false, passwordProtected: false, ...partial,
});

describe("room browser", () => {
  it("lists the rooms of the service, page by page with next", async () => {
    const { mock } = await bootOnline((m) =>
      m.on("list_rooms", ({ args }) =>
        args.after === null
          ? {
            rooms: [
              listing("team@conference.company.com", { name: "Team <b>", description: "Daily work", occupants: 5, passwordProtected: true }),
              listing("club@conference.company.com", { membersOnly: true }),
            ],
            next: "page2",
          }
          : { rooms: [listing("lobby@conference.company.com", { name: "Lobby" })], next: null },
      ),
    );
    get("room-browser-open").click();
    await settle();
    expect(get("room-browser").hidden).toBe(false);
    expect(mock.callsOf("list_rooms")).toEqual([{ args: { service: null, after: null } }]);
    expect(get<HTMLInputElement>("room-browser-service").placeholder).toBe("automatic");
    const rows = all("room-browser-row");
    expect(rows.map((r) => r.dataset.jid)).toEqual(["team@conference.company.com", "club@conference.company.com"]);
    expect(rows[0]!.textContent).toContain("Team <b>");
    expect(rows[0]!.querySelector("b")).toBeNull();
    expect(rows[0]!.textContent).toContain("Daily work");
    expect(get("room-listing-count", "", rows[0]).textContent).toBe("5 present");
    expect(q("room-listing-lock", "", rows[0])).not.toBeNull();
    expect(q("room-listing-lock", "", rows[1])).toBeNull();
    expect(get("room-listing-members", "", rows[1]).textContent).toBe("members only");
    expect(rows[1]!.textContent).toContain("club@conference.company.com");

    get("room-browser-more").click();
    await settle();
    expect(mock.callsOf("list_rooms")[1]).toEqual({ args: { service: null, after: "page2" } });
    expect(all("room-browser-row").map((r) => r.dataset.jid)).toEqual([
      "team@conference.company.com", "club@conference.company.com", "lobby@conference.company.com",
    ]);
    expect(get("room-browser-more").hidden).toBe(true);
  });

  it("asks another service when one is typed, and shows a refusal as text", async () => {
    const { mock } = await bootOnline((m) =>
      m.on("list_rooms", ({ args }) => {
        if (args.service === null) throw problem("noRoomService");
        return { rooms: [listing(`a@${args.service}`)], next: null };
      }),
    );
    get("room-browser-open").click();
    await settle();
    expect(get("room-browser-error").textContent).toContain("This server does not say which service hosts its rooms; enter the service address.");
    typeInto(get<HTMLInputElement>("room-browser-service"), "muc.other.org");
    get("room-browser-list-button").click();
    await settle();
    expect(mock.callsOf("list_rooms")[1]).toEqual({ args: { service: "muc.other.org", after: null } });
    expect(get("room-browser-error").hidden).toBe(true);
    expect(all("room-browser-row").map((r) => r.dataset.jid)).toEqual(["a@muc.other.org"]);
  });

  it("joins a clicked room with our nick, and asks for the password of a protected one", async () => {
    const { mock } = await bootOnline((m) =>
      m.on("list_rooms", () => ({
        rooms: [listing("open@conference.company.com"), listing("secret@conference.company.com", { passwordProtected: true })],
        next: null,
      })),
    );
    get("room-browser-open").click();
    await settle();
    get("room-browser-row", '[data-jid="open@conference.company.com"]').querySelector("button")!.click();
    await settle();
    expect(mock.callsOf("join_room")).toEqual([{ args: { room: "open@conference.company.com", nick: "me", password: null } }]);
    expect(get("room-browser").hidden).toBe(true);
    expect(get("tab", '[data-jid="open@conference.company.com"]').getAttribute("aria-selected")).toBe("true");

    get("room-browser-open").click();
    await settle();
    get("room-browser-row", '[data-jid="secret@conference.company.com"]').querySelector("button")!.click();
    await settle();
    expect(mock.callsOf("join_room")).toHaveLength(1);
    expect(get("join-room-form").hidden).toBe(false);
    expect(get<HTMLInputElement>("join-room-address").value).toBe("secret@conference.company.com");
    expect(get<HTMLInputElement>("join-room-nick").value).toBe("me");
    expect(document.activeElement).toBe(get("join-room-password"));
    typeInto(get<HTMLInputElement>("join-room-password"), "pw");
    get("join-room-submit").click();
    await settle();
    expect(mock.callsOf("join_room")[1]).toEqual({ args: { room: "secret@conference.company.com", nick: "me", password: "pw" } });
  });

  it("creates a room and, when asked, opens its configuration after joining", async () => {
    const { mock } = await bootOnline();
    get("room-browser-open").click();
    await settle();
    get("room-create-open").click();
    typeInto(get<HTMLInputElement>("room-create-address"), "new");
    get("room-create-submit").click();
    await settle();
    expect(get("room-create-error").textContent).toBe("Enter the room address as room@domain, for example team@conference.company.com.");
    typeInto(get<HTMLInputElement>("room-create-address"), "new@conference.company.com");
    check(get<HTMLInputElement>("room-create-configure"), true);
    get("room-create-submit").click();
    await settle();
    expect(mock.callsOf("join_room")).toEqual([{ args: { room: "new@conference.company.com", nick: "me", password: null } }]);
    expect(mock.callsOf("room_config")).toEqual([{ room: "new@conference.company.com" }]);
    expect(get("room-settings-panel").hidden).toBe(false);
    expect(all("form-field").map((f) => f.dataset.var)).toEqual(["muc#roomconfig_roomname", "muc#roomconfig_persistentroom", "muc#roomconfig_membersonly"]);
  });

  it("creates a room without opening the configuration when not asked", async () => {
    const { mock } = await bootOnline();
    get("room-browser-open").click();
    await settle();
    get("room-create-open").click();
    typeInto(get<HTMLInputElement>("room-create-address"), "plain@conference.company.com");
    get("room-create-submit").click();
    await settle();
    expect(mock.callsOf("join_room")).toHaveLength(1);
    expect(mock.callsOf("room_config")).toHaveLength(0);
    expect(get("room-settings-panel").hidden).toBe(true);
    expect(get("room-browser").hidden).toBe(true);
  });
});
