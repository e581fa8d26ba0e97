import { describe, expect, it } from "vitest";
import { OCCUPANT_ROW_HEIGHT } from "../src/views/occupants";
import { all, bootOnline, get, occ, settle } from "./helpers";

const ROOM = "huge@conference.company.com";
const nick = (i: number) => `user${String(i).padStart(4, "0")}`;
const occupants = Array.from({ length: 2000 }, (_, i) => occ(nick(i), { role: i < 5 ? "moderator" : "participant" }));

async function bigRoom() {
  const booted = await bootOnline((m) => m.on("join_room", ({ args }) => ({ room: args.room, nick: "me", subject: null, occupants, moderation: false })));
  get("join-room-open").click();
  get<HTMLInputElement>("join-room-address").value = ROOM;
  get("join-room-submit").click();
  await settle();
  return booted;
}

describe("occupants list with 2,000 occupants", () => {
  it("renders only the rows in view, with a spacer for the whole height", async () => {
    await bigRoom();
    const rows = all("occupant-row");
    expect(rows.length).toBeGreaterThan(5);
    expect(rows.length).toBeLessThan(100);
    expect(rows.map((r) => r.dataset.nick).slice(0, 6)).toEqual(["user0000", "user0001", "user0002", "user0003", "user0004", "user0005"]);
    const spacer = get("occupants").querySelector<HTMLElement>(".virtual-spacer")!;
    // 2,000 occupants + 2 role headers
    expect(spacer.style.height).toBe(`${2002 * OCCUPANT_ROW_HEIGHT}px`);
    expect(get("occupants-count").textContent).toBe("2000 people");
  });

  it("updates only the changed occupant's row and keeps the other row nodes", async () => {
    const { mock } = await bigRoom();
    const before = all("occupant-row");
    const changed = before[3]!;
    const others = before.filter((r) => r !== changed);

    const records: MutationRecord[] = [];
    const observer = new MutationObserver((list) => records.push(...list));
    observer.observe(get("occupants"), { subtree: true, childList: true, attributes: true, characterData: true });
    mock.emit("occupants-changed", [{ room: ROOM, present: [occ(changed.dataset.nick!, { role: "moderator", show: "away", status: "brb" })], gone: [] }]);
    await settle();
    records.push(...observer.takeRecords());
    observer.disconnect();

    const after = all("occupant-row");
    expect(after).toHaveLength(before.length);
    for (const row of others) expect(after).toContain(row);
    expect(after).toContain(changed);
    expect(changed.dataset.show).toBe("away");
    expect(changed.querySelector(".occupant-detail")?.textContent).toBe("brb");
    // Nothing but that row's data (and the spacer/list geometry) was touched.
    const touched = new Set(records.map((r) => (r.target instanceof Element ? r.target : r.target.parentElement)?.closest('[data-testid="occupant-row"]')));
    touched.delete(null);
    touched.delete(undefined);
    expect([...touched]).toEqual([changed]);
  });

  it("renders other rows when scrolled, reusing row nodes", async () => {
    await bigRoom();
    const before = new Set(all("occupant-row"));
    const viewport = get("occupants").querySelector<HTMLElement>(".occupants-viewport")!;
    viewport.scrollTop = 1000 * OCCUPANT_ROW_HEIGHT;
    viewport.dispatchEvent(new Event("scroll"));
    const rows = all("occupant-row");
    expect(rows.length).toBeLessThan(100);
    expect(rows.map((r) => r.dataset.nick)).toContain(nick(998));
    // the rows that scrolled out were rebound to the occupants that scrolled in
    expect([...before].every((r) => rows.includes(r))).toBe(true);
  });
});
