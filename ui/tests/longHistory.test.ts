import { describe, expect, it } from "vitest";
import type { ChatMessage } from "../src/bindings";
import { MAX_LOADED } from "../src/state/conversations";
import { MESSAGE_ESTIMATE } from "../src/views/messageView";
import { bootOnline, contact, dblclick, get, msg, settle } from "./helpers";

const ANNA = "anna@company.com";
const STORED = 6_000;

/** A stored conversation of STORED messages, paged as the store pages it. */
function stored(): ChatMessage[] {
  return Array.from({ length: STORED }, (_, i) => msg({ peer: ANNA, id: i + 1, body: `m${i + 1}`, timestamp: 1_000_000 + i * 1000 }));
}

const list = () => get("message-list");
const shownIds = () => [...list().querySelectorAll<HTMLElement>("[data-testid=message]")].map((m) => Number(m.dataset.id));
async function scroll(top: number): Promise<void> {
  list().scrollTop = top;
  list().dispatchEvent(new Event("scroll"));
  await settle();
}

async function openLong() {
  const history = stored();
  const booted = await bootOnline((m) => {
    m.on("roster_snapshot", () => ({ items: [contact(ANNA, "Anna")], presences: [], requests: { jids: [], more: 0 } }));
    m.on("history_page", ({ args }) => {
      const end = args.before ? history.findIndex((x) => x.id === args.before!.id) : history.length;
      const start = Math.max(0, end - args.limit);
      return { messages: history.slice(start, end), complete: start === 0 };
    });
    m.on("history_after", ({ args }) => {
      const from = history.findIndex((x) => x.id === args.after.id) + 1;
      const page = history.slice(from, from + args.limit);
      return { messages: page, complete: from + args.limit >= history.length };
    });
    m.on("fetch_older", () => ({ messages: [], complete: true }));
  });
  dblclick(get("roster-contact", `[data-jid="${ANNA}"]`));
  await settle();
  return { ...booted, history };
}

// These walk thousands of messages through jsdom, which has no layout and
// builds every row: seconds of work on a loaded 2-core machine. The limit
// guards against a hang, not against slowness.
describe("a conversation with a long history", { timeout: 30_000 }, () => {
  it("keeps a bounded window of it while scrolling to the start and back", async () => {
    const { mock, history } = await openLong();
    expect(shownIds().at(-1)).toBe(STORED);

    // Up to the start: the tab never holds more than MAX_LOADED messages.
    for (let i = 0; i < 200 && list().querySelector<HTMLElement>(".history-status")?.dataset.status !== "start"; i++) {
      await scroll(0);
    }
    expect(list().querySelector<HTMLElement>(".history-status")?.dataset.status).toBe("start");
    expect(shownIds()[0]).toBe(1);
    const spacer = list().querySelector<HTMLElement>(".virtual-spacer")!;
    // Rows keep their estimated heights here (no layout): the list's height counts them.
    expect(Number.parseFloat(spacer.style.height)).toBeLessThanOrEqual(MAX_LOADED * MESSAGE_ESTIMATE + 100);
    expect(mock.callsOf("history_page").length).toBeGreaterThanOrEqual(STORED / 50);

    // A message arriving now is not put after the window (a gap): it is
    // read from history on the way down.
    const live = msg({ peer: ANNA, id: STORED + 1, body: "just now", timestamp: 1_000_000 + STORED * 1000 });
    history.push(live);
    mock.emit("messages-added", [live]);
    await settle();
    expect(shownIds()).not.toContain(STORED + 1);

    // Back down to the newest, page by page after the window's end.
    for (let i = 0; i < 400 && !shownIds().includes(STORED + 1); i++) {
      await scroll(list().scrollHeight);
    }
    expect(shownIds().at(-1)).toBe(STORED + 1);
    expect(mock.callsOf("history_after").length).toBeGreaterThan(0);
    // The start was let go on the way: scrolling up reads it again.
    const pagesBefore = mock.callsOf("history_page").length;
    await scroll(0);
    expect(mock.callsOf("history_page").length).toBe(pagesBefore + 1);
  });

  it("opens a search result far back as a window that reads on to the newest", async () => {
    const { app, mock, history } = await openLong();
    mock.on("history_through", ({ args }) => {
      const at = history.findIndex((x) => x.id === args.at.id);
      const end = at + 500;
      return { messages: history.slice(Math.max(0, at - args.before), end), complete: end >= history.length };
    });
    const hit = history[100]!;
    expect(await app.chat.jumpTo(hit)).toBe("shown");
    await settle();
    expect(shownIds()).toContain(hit.id);
    expect(app.convs.get(ANNA)!.latest).toBe(false);
    for (let i = 0; i < 400 && !shownIds().includes(STORED); i++) {
      await scroll(list().scrollHeight);
    }
    expect(shownIds().at(-1)).toBe(STORED);
    expect(app.convs.get(ANNA)!.latest).toBe(true);
    expect(app.convs.get(ANNA)!.messages.length).toBeLessThanOrEqual(MAX_LOADED);
  });

  it("offers a jump to the newest messages while they are out of view", async () => {
    const { mock } = await openLong();
    const jump = () => get<HTMLButtonElement>("jump-latest");
    expect(jump().hidden).toBe(true);
    for (let i = 0; i < 120; i++) await scroll(0);
    expect(shownIds()).not.toContain(STORED);
    expect(jump().hidden).toBe(false);
    expect(jump().textContent).toBe("Newest messages ↓");
    const pages = mock.callsOf("history_page").length;
    jump().click();
    await settle();
    // The latest page is read again and shown from its end.
    expect(mock.callsOf("history_page").length).toBe(pages + 1);
    expect(mock.callsOf("history_page").at(-1)!.args.before).toBeNull();
    expect(shownIds().at(-1)).toBe(STORED);
    expect(jump().hidden).toBe(true);
  });

  it("goes back to the newest messages when the user sends one from far back", async () => {
    const { mock, history } = await openLong();
    for (let i = 0; i < 120; i++) await scroll(0);
    expect(shownIds()).not.toContain(STORED);
    const sent = msg({ peer: ANNA, id: STORED + 1, body: "hello", direction: "out", state: "acked", timestamp: 1_000_000 + STORED * 1000 });
    mock.on("send_message", () => {
      history.push(sent);
      return sent;
    });
    const composer = get<HTMLTextAreaElement>("composer-input");
    composer.value = "hello";
    composer.dispatchEvent(new KeyboardEvent("keydown", { key: "Enter", bubbles: true, cancelable: true }));
    await settle();
    expect(shownIds().at(-1)).toBe(STORED + 1);
    expect(shownIds()).toContain(STORED);
  });
});
