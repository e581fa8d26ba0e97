import { afterEach, describe, expect, it, vi } from "vitest";
import { MARK_DISPLAYED_MS, DisplayedMarker } from "../src/markers";
import { MockBackend } from "../src/mockBackend";
import { ConversationStore } from "../src/state/conversations";
import { all, badgesDrawn, bootOnline, contact, dblclick, get, msg, settle } from "./helpers";

const ANNA = "anna@company.com";
const BOB = "bob@company.com";
const roster = { items: [contact(ANNA, "Anna"), contact(BOB, "Bob")], presences: [], requests: { jids: [], more: 0 } };

async function openAnna() {
  const booted = await bootOnline((m) => m.on("roster_snapshot", () => roster));
  dblclick(get("roster-contact", `[data-jid="${ANNA}"]`));
  await settle();
  return booted;
}

describe("read state (displayed markers)", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("shows our message as read, with its own sign and label, once the contact has seen it", async () => {
    const { mock } = await openAnna();
    mock.emit("messages-added", [
      msg({ peer: ANNA, id: 1, direction: "out", state: "delivered" }),
      msg({ peer: ANNA, id: 2, direction: "out", state: "delivered" }),
    ]);
    const state = (i: number) => all("message")[i]?.querySelector(".message-state");
    const delivered = state(0)?.textContent;
    expect(delivered).toBe("✓✓");

    mock.emit("messages-read", { peer: ANNA, ids: [1] });
    await settle();
    expect(all("message")[0]?.dataset.state).toBe("read");
    expect(state(0)?.getAttribute("aria-label")).toBe("Read");
    expect(state(0)?.textContent).not.toBe(delivered);
    // Only the messages named.
    expect(all("message")[1]?.dataset.state).toBe("delivered");
    expect(state(1)?.getAttribute("aria-label")).toBe("Delivered to their device");
  });

  it("clears the unread count of a conversation read on another device, up to the time it was read", async () => {
    const { mock } = await openAnna();
    const badge = () => get("tab-unread", "", get("tab", `[data-jid="${BOB}"]`));
    // Bob's tab is in the background: one batch whole, then counts only.
    mock.emit("messages-added", [msg({ peer: BOB, id: 10, timestamp: 1_000 }), msg({ peer: BOB, id: 11, timestamp: 2_000 })]);
    mock.emit("conversation-activity", [
      { peer: BOB, kind: "chat", incoming: 2, mentions: 0, latest: msg({ peer: BOB, id: 13, timestamp: 4_000 }), latestMention: null },
    ]);
    await badgesDrawn();
    expect(badge().textContent).toBe("4");

    // The phone showed bob's conversation up to the message of 2 000.
    mock.emit("read-elsewhere", { peer: BOB, untilMs: 2_000 });
    await badgesDrawn();
    expect(badge().textContent).toBe("2");
    // Then up to the newest.
    mock.emit("read-elsewhere", { peer: BOB, untilMs: 4_000 });
    await badgesDrawn();
    expect(badge().hidden).toBe(true);
  });

  it("tells the core when a message arrives in the conversation being read, not while the window is in the background", async () => {
    vi.useFakeTimers();
    let focused = true;
    const mock = new MockBackend();
    const convs = new ConversationStore();
    const marker = new DisplayedMarker(mock, convs, { windowFocused: () => focused }, null);
    convs.open(ANNA, true);
    convs.open(BOB, false);

    // A flood while the user reads anna: one call.
    for (let i = 0; i < 50; i++) convs.receive([msg({ peer: ANNA, id: 100 + i })]);
    await vi.advanceTimersByTimeAsync(MARK_DISPLAYED_MS);
    expect(mock.callsOf("mark_displayed")).toEqual([{ peer: ANNA }]);

    // A message in another tab, or our own, is not seen.
    convs.receive([msg({ peer: BOB, id: 200 }), msg({ peer: ANNA, id: 201, direction: "out" })]);
    await vi.advanceTimersByTimeAsync(MARK_DISPLAYED_MS);
    expect(mock.callsOf("mark_displayed")).toHaveLength(1);

    // The window is in the background: nothing, until it gets the focus.
    focused = false;
    convs.receive([msg({ peer: ANNA, id: 300 })]);
    await vi.advanceTimersByTimeAsync(MARK_DISPLAYED_MS * 3);
    expect(mock.callsOf("mark_displayed")).toHaveLength(1);
    focused = true;
    marker.focused();
    await vi.advanceTimersByTimeAsync(MARK_DISPLAYED_MS);
    expect(mock.callsOf("mark_displayed")).toEqual([{ peer: ANNA }, { peer: ANNA }]);

    // Switching to bob's tab, which got a message meanwhile, shows it.
    convs.activate(BOB);
    await vi.advanceTimersByTimeAsync(MARK_DISPLAYED_MS);
    expect(mock.callsOf("mark_displayed")).toEqual([{ peer: ANNA }, { peer: ANNA }, { peer: BOB }]);
    marker.dispose();
  });

  it("never asks to mark a room or a private chat through a room", async () => {
    vi.useFakeTimers();
    const mock = new MockBackend();
    const convs = new ConversationStore();
    const marker = new DisplayedMarker(mock, convs, { windowFocused: () => true }, null);
    convs.open("team@conf.example", true, "room");
    convs.receive([msg({ peer: "team@conf.example", id: 1, kind: "groupchat", sender: "bob" })]);
    convs.open("team@conf.example/bob", true);
    convs.receive([msg({ peer: "team@conf.example/bob", id: 2 })]);
    await vi.advanceTimersByTimeAsync(MARK_DISPLAYED_MS * 2);
    expect(mock.callsOf("mark_displayed")).toEqual([]);
    marker.dispose();
  });
});
