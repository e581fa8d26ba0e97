import { describe, expect, it } from "vitest";
import { MESSAGE_ESTIMATE } from "../src/views/messageView";
import { all, bootOnline, contact, dblclick, get, msg, press, settle } from "./helpers";
import { scrollTo, VIEWPORT_HEIGHT } from "./layout";

const ANNA = "anna@company.com";
const ids = () => all("message").map((m) => Number(m.dataset.id));

/** Anna's tab, open and shown, holding `n` messages with ids 1..n. */
async function bigConversation(n: number) {
  const booted = await bootOnline((m) => {
    m.on("roster_snapshot", () => ({ items: [contact(ANNA, "Anna")], presences: [], requests: { jids: [], more: 0 } }));
    m.on("history_page", () => ({ messages: [], complete: true }));
  });
  dblclick(get("roster-contact", `[data-jid="${ANNA}"]`));
  await settle();
  booted.app.convs.merge(ANNA, Array.from({ length: n }, (_, i) => msg({ peer: ANNA, id: i + 1, timestamp: 1_700_000_000_000 + i })));
  await settle();
  return booted;
}

describe("virtualised message list", () => {
  it("draws a window of a 100,000-message conversation, at its end, and the right window when scrolled", async () => {
    await bigConversation(100_000);
    const drawn = ids();
    expect(drawn.length).toBeGreaterThan(VIEWPORT_HEIGHT / MESSAGE_ESTIMATE);
    expect(drawn.length).toBeLessThan(60);
    expect(drawn.at(-1)).toBe(100_000);

    const list = get("message-list");
    // Row 0 is the history status; message k is row k.
    scrollTo(list, 50_000 * MESSAGE_ESTIMATE);
    await settle();
    const middle = ids();
    expect(middle.length).toBeLessThan(60);
    expect(middle).toContain(50_000);
    expect(middle).toContain(50_000 + Math.floor(VIEWPORT_HEIGHT / MESSAGE_ESTIMATE) - 1);
    expect(middle).toEqual(Array.from({ length: middle.length }, (_, i) => middle[0]! + i));
  });

  it("follows a new message at the end, and leaves the reader where they are when scrolled up", async () => {
    const { mock } = await bigConversation(500);
    mock.emit("messages-added", [msg({ peer: ANNA, id: 501, timestamp: 1_800_000_000_000 })]);
    await settle();
    expect(ids().at(-1)).toBe(501);

    const list = get("message-list");
    scrollTo(list, 100 * MESSAGE_ESTIMATE);
    await settle();
    const reading = ids();
    mock.emit("messages-added", [msg({ peer: ANNA, id: 502, timestamp: 1_800_000_001_000 })]);
    await settle();
    expect(ids()).toEqual(reading);
    expect(list.scrollTop).toBe(100 * MESSAGE_ESTIMATE);
  });

  it("moves through 20,000 contacts with the arrow keys, drawing only the rows in view", async () => {
    const items = Array.from({ length: 20_000 }, (_, i) => contact(`c${String(i).padStart(5, "0")}@company.com`, null));
    await bootOnline((m) => m.on("roster_snapshot", () => ({ items, presences: [], requests: { jids: [], more: 0 } })));
    expect(all("roster-contact").length).toBeLessThan(60);
    let row = get("roster-contact", '[data-jid="c00000@company.com"]');
    for (let i = 0; i < 40; i++) {
      row.focus();
      press(row, "ArrowDown");
      row = document.activeElement as HTMLElement;
    }
    expect(row.dataset.jid).toBe("c00040@company.com");
    expect(all("roster-contact").length).toBeLessThan(60);
    expect(all("roster-contact").map((r) => r.dataset.jid)).not.toContain("c00000@company.com");
  });
});
