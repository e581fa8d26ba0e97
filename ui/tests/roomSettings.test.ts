import { describe, expect, it } from "vitest";
import type { DataForm, RoomSnapshot } from "../src/bindings";
import type { MockBackend } from "../src/mockBackend";
import { all, bootOnline, check, choose, get, occ, problem, q, settle, typeInto } from "./helpers";

const ROOM = "team@conference.company.com";

function snapshot(ours: Partial<ReturnType<typeof occ>>): RoomSnapshot {
  return { room: ROOM, nick: "me", subject: null, occupants: [occ("me", ours), occ("bob")], moderation: false };
}

async function inRoom(ours: Partial<ReturnType<typeof occ>>, setup?: (m: MockBackend) => void) {
  const booted = await bootOnline((m) => {
    m.on("rooms", () => [snapshot(ours)]);
    setup?.(m);
  });
  get("tab", `[data-jid="${ROOM}"]`).click();
  await settle();
  return booted;
}

const FORM: DataForm = {
  title: "Configure <i>team</i>",
  instructions: "Fill in the form.",
  fields: [
    { var: "FORM_TYPE", kind: "hidden", label: null, desc: null, required: false, values: ["http://jabber.org/protocol/muc#roomconfig"], options: [] },
    { var: null, kind: "fixed", label: null, desc: null, required: false, values: ["Basic settings", "<script>x</script>"], options: [] },
    { var: "name", kind: "textSingle", label: "Room name", desc: "Shown in lists", required: true, values: ["Team"], options: [] },
    { var: "secret", kind: "textPrivate", label: "Password", desc: null, required: false, values: [], options: [] },
    { var: "desc", kind: "textMulti", label: "Description", desc: null, required: false, values: ["line one", "line two"], options: [] },
    { var: "persistent", kind: "boolean", label: "Persistent", desc: null, required: false, values: ["1"], options: [] },
    { var: "public", kind: "boolean", label: "Public", desc: null, required: false, values: ["0"], options: [] },
    { var: "max", kind: "listSingle", label: "Max users", desc: null, required: false, values: ["20"], options: [{ label: "10", value: "10" }, { label: "20", value: "20" }, { label: null, value: "50" }] },
    { var: "whois", kind: "listMulti", label: "Who sees real JIDs", desc: null, required: false, values: ["moderator"], options: [{ label: "Moderators", value: "moderator" }, { label: "Participants", value: "participant" }, { label: "Visitors", value: "visitor" }] },
    { var: "admins", kind: "jidMulti", label: "Admins", desc: null, required: false, values: ["a@x.org"], options: [] },
    { var: "contact", kind: "jidSingle", label: "Contact", desc: null, required: false, values: [], options: [] },
  ],
};

describe("room settings", () => {
  it("is offered to owners and admins only", async () => {
    await inRoom({ affiliation: "member" });
    expect(get("room-settings").hidden).toBe(true);
  });

  it("shows admins the member and ban lists only", async () => {
    await inRoom({ affiliation: "admin", role: "moderator" });
    get("room-settings").click();
    await settle();
    const visible = all("room-settings-tab").filter((t) => !t.hidden).map((t) => t.dataset.tab);
    expect(visible).toEqual(["member", "outcast"]);
    expect(get("affiliation-list").dataset.affiliation).toBe("member");
  });

  it("renders every field kind and saves the values of the visible ones", async () => {
    const { mock } = await inRoom({ affiliation: "owner", role: "moderator" }, (m) => m.on("room_config", () => FORM));
    get("room-settings").click();
    await settle();
    expect(mock.callsOf("room_config")).toEqual([{ room: ROOM }]);
    const form = get("room-config-form");
    expect(form.textContent).toContain("Configure <i>team</i>");
    expect(form.querySelector("i, script")).toBeNull();
    const fields = all("form-field", "", form);
    expect(fields.map((f) => f.dataset.var ?? null)).toEqual([null, "name", "secret", "desc", "persistent", "public", "max", "whois", "admins", "contact"]);
    expect(fields[0]!.querySelectorAll("p")).toHaveLength(2);
    const field = (v: string) => get("form-field", `[data-var="${v}"]`, form);
    const name = field("name").querySelector("input")!;
    expect(name.value).toBe("Team");
    expect(field("name").querySelector(".required")).not.toBeNull();
    expect(field("name").textContent).toContain("Shown in lists");
    expect(field("secret").querySelector("input")!.type).toBe("password");
    const desc = field("desc").querySelector("textarea")!;
    expect(desc.value).toBe("line one\nline two");
    const persistent = field("persistent").querySelector<HTMLInputElement>('input[type="checkbox"]')!;
    expect(persistent.checked).toBe(true);
    const max = field("max").querySelector("select")!;
    expect(max.value).toBe("20");
    expect([...max.options].map((o) => o.textContent)).toEqual(["10", "20", "50"]);
    const whois = [...field("whois").querySelectorAll<HTMLInputElement>('input[type="checkbox"]')];
    expect(whois.map((b) => b.checked)).toEqual([true, false, false]);
    expect(field("admins").querySelector("textarea")!.value).toBe("a@x.org");

    typeInto(desc, "first\nsecond\nthird\n");
    check(persistent, false);
    check(field("public").querySelector<HTMLInputElement>("input")!, true);
    choose(max, "50");
    check(whois[2]!, true);
    typeInto(field("secret").querySelector("input")!, "pw");
    typeInto(field("contact").querySelector("input")!, "boss@x.org");
    get("room-config-save").click();
    await settle();
    expect(mock.callsOf("configure_room")).toEqual([{
      args: {
        room: ROOM,
        values: [
          { var: "name", values: ["Team"] },
          { var: "secret", values: ["pw"] },
          { var: "desc", values: ["first", "second", "third"] },
          { var: "persistent", values: ["0"] },
          { var: "public", values: ["1"] },
          { var: "max", values: ["50"] },
          { var: "whois", values: ["moderator", "visitor"] },
          { var: "admins", values: ["a@x.org"] },
          { var: "contact", values: ["boss@x.org"] },
        ],
      },
    }]);
    expect(get("room-settings-panel").hidden).toBe(true);
  });

  it("keeps the form open with a missing required field or the room's refusal", async () => {
    const { mock } = await inRoom({ affiliation: "owner", role: "moderator" }, (m) => {
      m.on("room_config", () => FORM);
      m.on("configure_room", () => {
        throw problem("remoteError", { condition: "not-acceptable" });
      });
    });
    get("room-settings").click();
    await settle();
    const name = get("form-field", '[data-var="name"]').querySelector("input")!;
    typeInto(name, "");
    get("room-config-save").click();
    await settle();
    expect(mock.callsOf("configure_room")).toHaveLength(0);
    expect(get("room-config-error").textContent).toBe("Fill in every field marked with *.");
    expect(name.getAttribute("aria-invalid")).toBe("true");
    typeInto(name, "Team 2");
    get("room-config-save").click();
    await settle();
    expect(mock.callsOf("configure_room")).toHaveLength(1);
    expect(get("room-config-error").textContent).toBe("The room did not take the configuration. That was not accepted.");
    expect(get("room-settings-panel").hidden).toBe(false);
    get("room-config-cancel").click();
    expect(get("room-settings-panel").hidden).toBe(true);
  });

  it("lists, adds and removes members and bans", async () => {
    const { mock } = await inRoom({ affiliation: "owner", role: "moderator" });
    mock.affiliationLists.set(`${ROOM} member`, [{ jid: "carl@company.com", nick: "carl", reason: null }]);
    get("room-settings").click();
    await settle();
    get("room-settings-tab", '[data-tab="member"]').click();
    await settle();
    const list = get("affiliation-list", '[data-affiliation="member"]');
    expect(mock.callsOf("affiliation_list").at(-1)).toEqual({ args: { room: ROOM, affiliation: "member" } });
    expect(all("affiliation-entry", "", list).map((e) => e.dataset.jid)).toEqual(["carl@company.com"]);

    typeInto(get<HTMLInputElement>("affiliation-add-jid", "", list), "dora@company.com");
    typeInto(get<HTMLInputElement>("affiliation-add-reason", "", list), "new hire");
    get("affiliation-add", "", list).click();
    await settle();
    expect(mock.callsOf("moderate")).toEqual([{ request: { kind: "affiliation", room: ROOM, jid: "dora@company.com", affiliation: "member", reason: "new hire" } }]);
    expect(all("affiliation-entry", "", list).map((e) => e.dataset.jid)).toEqual(["carl@company.com", "dora@company.com"]);

    get("affiliation-remove", '[data-jid="carl@company.com"]', list).click();
    await settle();
    expect(mock.callsOf("moderate")[1]).toEqual({ request: { kind: "affiliation", room: ROOM, jid: "carl@company.com", affiliation: "none", reason: null } });
    expect(all("affiliation-entry", "", list).map((e) => e.dataset.jid)).toEqual(["dora@company.com"]);

    get("room-settings-tab", '[data-tab="outcast"]').click();
    await settle();
    const bans = get("affiliation-list", '[data-affiliation="outcast"]');
    typeInto(get<HTMLInputElement>("affiliation-add-jid", "", bans), "spam@bad.org");
    get("affiliation-add", "", bans).click();
    await settle();
    expect(mock.callsOf("moderate")[2]).toEqual({ request: { kind: "affiliation", room: ROOM, jid: "spam@bad.org", affiliation: "outcast", reason: null } });
    expect(all("affiliation-entry", "", bans).map((e) => e.dataset.jid)).toEqual(["spam@bad.org"]);
  });

  it("shows a refused affiliation change as text", async () => {
    await inRoom({ affiliation: "owner", role: "moderator" }, (m) =>
      m.on("moderate", () => {
        throw problem("remoteError", { condition: "not-allowed" });
      }),
    );
    get("room-settings").click();
    await settle();
    get("room-settings-tab", '[data-tab="admin"]').click();
    await settle();
    typeInto(get<HTMLInputElement>("affiliation-add-jid", "", get("affiliation-list")), "x@company.com");
    get("affiliation-add").click();
    await settle();
    expect(get("affiliation-error").textContent).toContain("The room refused. That is not allowed.");
  });

  it("destroys the room only after confirmation, with the reason", async () => {
    const { mock } = await inRoom({ affiliation: "owner", role: "moderator" });
    get("room-settings").click();
    await settle();
    get("room-settings-tab", '[data-tab="destroy"]').click();
    expect(get("room-destroy-confirm").closest<HTMLElement>("[role=group]")!.hidden).toBe(true);
    get("room-destroy").click();
    expect(mock.callsOf("destroy_room")).toHaveLength(0);
    expect(get("room-destroy-confirm").closest<HTMLElement>("[role=group]")!.hidden).toBe(false);
    get("room-destroy-cancel").click();
    expect(get("room-destroy-confirm").closest<HTMLElement>("[role=group]")!.hidden).toBe(true);
    get("room-destroy").click();
    typeInto(get<HTMLInputElement>("room-destroy-reason"), "moved to #new");
    get("room-destroy-confirm").click();
    await settle();
    expect(mock.callsOf("destroy_room")).toEqual([{ args: { room: ROOM, reason: "moved to #new" } }]);
    expect(q("room-settings-panel")!.hidden).toBe(true);
  });
});
