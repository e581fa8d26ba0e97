import { describe, expect, it } from "vitest";
import type { HistoryArgs } from "../src/bindings";
import { BACKGROUND_KEEP } from "../src/state/conversations";
import type { App } from "../src/app";
import { all, badgesDrawn, bootOnline, contact, dblclick, get, msg, press, q, settle } from "./helpers";

const ANNA = "anna@company.com";
const BOB = "bob@company.com";
const roster = { items: [contact(ANNA, "Anna"), contact(BOB, "Bob")], presences: [], requests: { jids: [], more: 0 } };

/** 120 messages with Anna; history_page serves them 50 at a time, newest page first. */
function annaHistory() {
  const list = Array.from({ length: 120 }, (_, i) => msg({ peer: ANNA, id: 100 + i, timestamp: 1_700_000_000_000 + i * 60_000 }));
  return (args: HistoryArgs) => {
    const b = args.before;
    const older = b ? list.filter((m) => m.timestamp < b.timestamp || (m.timestamp === b.timestamp && m.id < b.id)) : list;
    const messages = older.slice(-args.limit);
    return { messages, complete: messages.length === older.length };
  };
}

/** The messages drawn (the list is virtualised: only those in and around the viewport). */
const ids = () => all("message").map((m) => Number(m.dataset.id));
/** The messages the tab holds. */
const loaded = (app: App, peer = ANNA) => app.convs.get(peer)!.messages.map((m) => m.id);
const range = (from: number, n: number) => Array.from({ length: n }, (_, i) => from + i);
const openFromRoster = async (jid: string) => {
  dblclick(get("roster-contact", `[data-jid="${jid}"]`));
  await settle();
};
const scrollToTop = async () => {
  const list = get("message-list");
  list.scrollTop = 0;
  list.dispatchEvent(new Event("scroll"));
  await settle();
};

describe("tabs and history", () => {
  it("loads the latest page on open, prepends older pages on scroll-to-top and stops at complete", async () => {
    const { app, mock } = await bootOnline((m) => {
      m.on("roster_snapshot", () => roster);
      m.on("history_page", ({ args }) => annaHistory()(args));
    });
    await openFromRoster(ANNA);
    expect(mock.callsOf("history_page")).toEqual([{ args: { peer: ANNA, before: null, limit: 50 } }]);
    expect(get("tab", `[data-jid="${ANNA}"]`).querySelector(".tab-title")?.textContent).toBe("Anna");
    expect(loaded(app)).toEqual(range(170, 50));
    // At the end of the conversation, and only a window of it is drawn.
    expect(ids().at(-1)).toBe(219);
    expect(ids().length).toBeLessThan(50);
    expect(ids()).toEqual(range(ids()[0]!, ids().length));

    await scrollToTop();
    expect(mock.callsOf("history_page")[1]).toEqual({
      args: { peer: ANNA, before: { timestamp: 1_700_000_000_000 + 70 * 60_000, id: 170 }, limit: 50 },
    });
    expect(loaded(app)).toEqual(range(120, 100));
    // The older page went above: what was at the top (170) is still in view.
    expect(ids()).toContain(170);
    expect(ids()).not.toContain(219);
    expect(get("message-list").scrollTop).toBeGreaterThan(40 * 40);

    await scrollToTop();
    expect(loaded(app)).toEqual(range(100, 120));

    await scrollToTop();
    expect(mock.callsOf("history_page")).toHaveLength(3);
    expect(ids()[0]).toBe(100);
    expect(get("message-list").querySelector(".history-status")?.textContent).toBe("Start of history");
  });

  it("counts unread messages on background tabs, opens tabs for new senders and clears on switch", async () => {
    const { mock } = await bootOnline((m) => m.on("roster_snapshot", () => roster));
    await openFromRoster(ANNA);
    mock.emit("messages-added", [msg({ peer: ANNA, id: 1 }), msg({ peer: BOB, id: 2 }), msg({ peer: BOB, id: 3, direction: "out" })]);
    await settle();

    const bobTab = get("tab", `[data-jid="${BOB}"]`);
    expect(bobTab.getAttribute("aria-selected")).toBe("false");
    expect(get("tab", `[data-jid="${ANNA}"]`).getAttribute("aria-selected")).toBe("true");
    expect(get("tab-unread", "", bobTab).textContent).toBe("1");
    expect(get("tab-unread", "", bobTab).hidden).toBe(false);
    expect(get("tab-unread", "", get("tab", `[data-jid="${ANNA}"]`)).hidden).toBe(true);
    expect(ids()).toEqual([1]);

    mock.emit("messages-added", [msg({ peer: BOB, id: 4 }), msg({ peer: BOB, id: 2 })]); // id 2 is a duplicate
    await badgesDrawn();
    expect(get("tab-unread", "", bobTab).textContent).toBe("2");

    bobTab.click();
    expect(bobTab.getAttribute("aria-selected")).toBe("true");
    expect(get("tab-unread", "", bobTab).hidden).toBe(true);
    expect(ids()).toEqual([2, 3, 4]);
  });

  it("keeps a flooded background tab bounded and still counts every message as unread", async () => {
    const { app, mock } = await bootOnline((m) => m.on("roster_snapshot", () => roster));
    await openFromRoster(BOB);
    const flood = Array.from({ length: 1000 }, (_, i) => msg({ peer: ANNA, id: 1000 + i, timestamp: 1_700_000_000_000 + i }));
    for (let i = 0; i < flood.length; i += 250) mock.emit("messages-added", flood.slice(i, i + 250));
    await settle();
    const anna = app.convs.get(ANNA)!;
    expect(anna.messages.length).toBeLessThanOrEqual(BACKGROUND_KEEP);
    expect(anna.messages[anna.messages.length - 1]!.id).toBe(1999);
    // The badge showed the first batch at once; the rest of the flood is
    // drawn once, at its pace, not once per batch.
    const badge = () => get("tab", `[data-jid="${ANNA}"]`).querySelector("[data-testid=tab-unread]")?.textContent;
    expect(badge()).toBe("250");
    await badgesDrawn();
    expect(badge()).toBe("1000");

    // Shown, the tab holds only the messages it keeps, the newest last.
    get("tab", `[data-jid="${ANNA}"]`).click();
    await settle();
    const shown = all("message-body").map((b) => b.textContent);
    expect(shown.length).toBeLessThanOrEqual(BACKGROUND_KEEP);
    expect(shown[shown.length - 1]).toBe("message 1999");
  });

  it("tells the backend which conversation is shown; a tab that only got counts reads its latest page when shown", async () => {
    const { app, mock } = await bootOnline((m) => {
      m.on("roster_snapshot", () => roster);
      m.on("history_page", ({ args }) => (args.peer === ANNA ? annaHistory()(args) : { messages: [], complete: true }));
    });
    await openFromRoster(ANNA);
    await openFromRoster(BOB);
    expect(mock.callsOf("show_conversations").at(-1)).toEqual({ peers: [BOB] });
    const annaLoads = () => mock.callsOf("history_page").filter((c) => c.args.peer === ANNA);
    expect(annaLoads()).toHaveLength(1);

    const latest = msg({ peer: ANNA, id: 219, body: "the newest" });
    mock.emit("conversation-activity", [{ peer: ANNA, kind: "chat", incoming: 40, mentions: 0, latest, latestMention: null }]);
    await badgesDrawn();
    expect(get("tab-unread", "", get("tab", `[data-jid="${ANNA}"]`)).textContent).toBe("40");
    expect(annaLoads()).toHaveLength(1); // nothing read while hidden

    get("tab", `[data-jid="${ANNA}"]`).click();
    await settle();
    expect(mock.callsOf("show_conversations").at(-1)).toEqual({ peers: [ANNA] });
    expect(annaLoads().at(-1)).toEqual({ args: { peer: ANNA, before: null, limit: 50 } });
    expect(loaded(app)).toEqual(range(170, 50));
    expect(ids().at(-1)).toBe(219);
  });

  it("a page still on its way when a stale tab is shown again does not replace the latest page", async () => {
    const pending: Array<() => void> = [];
    const { app, mock } = await bootOnline((m) => {
      m.on("roster_snapshot", () => roster);
      m.on("history_page", ({ args }) => {
        const page = args.peer === ANNA ? annaHistory()(args) : { messages: [], complete: true };
        // Older pages of Anna's history answer only when the test says so.
        if (args.peer !== ANNA || args.before === null) return page;
        return new Promise((resolve) => pending.push(() => resolve(page)));
      });
    });
    await openFromRoster(ANNA);
    await scrollToTop(); // an older page is requested and waits
    expect(pending).toHaveLength(1);
    await openFromRoster(BOB);
    mock.emit("conversation-activity", [{ peer: ANNA, kind: "chat", incoming: 1, mentions: 0, latest: null, latestMention: null }]);
    get("tab", `[data-jid="${ANNA}"]`).click();
    await settle();

    pending.shift()!();
    await settle();
    const latest = mock.callsOf("history_page").filter((c) => c.args.peer === ANNA).at(-1);
    expect(latest).toEqual({ args: { peer: ANNA, before: null, limit: 50 } });
    expect(loaded(app)).toEqual(range(170, 50));
    expect(ids().at(-1)).toBe(219);
  });

  it("opens a tab for a new sender known only from activity", async () => {
    const { mock } = await bootOnline((m) => {
      m.on("roster_snapshot", () => roster);
      m.on("history_page", ({ args }) => ({ messages: args.peer === ANNA ? [msg({ peer: ANNA, id: 5, body: "hello" })] : [], complete: true }));
    });
    await openFromRoster(BOB);
    mock.emit("conversation-activity", [
      { peer: ANNA, kind: "chat", incoming: 1, mentions: 0, latest: msg({ peer: ANNA, id: 5 }), latestMention: null },
      { peer: "carl@company.com", kind: "chat", incoming: 0, mentions: 0, latest: null, latestMention: null },
    ]);
    await settle();
    expect(all("tab").map((t) => t.dataset.jid)).toEqual([BOB, ANNA]);
    expect(get("tab", `[data-jid="${BOB}"]`).getAttribute("aria-selected")).toBe("true");
    get("tab", `[data-jid="${ANNA}"]`).click();
    await settle();
    expect(all("message-body").map((b) => b.textContent)).toEqual(["hello"]);
  });

  it("closes tabs with ×, middle-click and Ctrl+W and cycles with Ctrl+Tab", async () => {
    await bootOnline((m) => m.on("roster_snapshot", () => ({ ...roster, items: [...roster.items, contact("carl@company.com", "Carl")] })));
    await openFromRoster(ANNA);
    await openFromRoster(BOB);
    await openFromRoster("carl@company.com");
    const selected = () => q("tab", '[aria-selected="true"]')?.dataset.jid;
    expect(selected()).toBe("carl@company.com");

    press(document, "Tab", { ctrlKey: true });
    expect(selected()).toBe(ANNA);
    press(document, "Tab", { ctrlKey: true, shiftKey: true });
    expect(selected()).toBe("carl@company.com");

    const w = press(document, "w", { ctrlKey: true });
    expect(w.defaultPrevented).toBe(true);
    expect(all("tab").map((t) => t.dataset.jid)).toEqual([ANNA, BOB]);
    expect(selected()).toBe(BOB);

    get("tab", `[data-jid="${ANNA}"]`).dispatchEvent(new MouseEvent("auxclick", { button: 1, bubbles: true }));
    expect(all("tab").map((t) => t.dataset.jid)).toEqual([BOB]);
    get("tab-close").click();
    expect(all("tab")).toHaveLength(0);
    expect(q("message-list")).toBeNull();
  });
});
