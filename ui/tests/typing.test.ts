import { afterEach, describe, expect, it, vi } from "vitest";
import { PAUSED_AFTER_MS } from "../src/views/composer";
import { TYPING_EXPIRES_MS } from "../src/state/typing";
import { bootOnline, choose, get, msg, occ, openChat, settle } from "./helpers";

const ANNA = "anna@company.com";
const ROOM = "team@conference.company.com";

const line = () => get("typing");


function typeText(input: HTMLTextAreaElement, value: string): void {
  input.value = value;
  input.dispatchEvent(new Event("input", { bubbles: true }));
}

describe("typing (chat states)", () => {
  afterEach(() => vi.useRealTimers());

  it("says in the header and the tab that a contact is typing until they stop, write or go quiet", async () => {
    const { mock } = await openChat(ANNA, "Anna");
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    expect(line().hidden).toBe(true);
    mock.emit("chat-state", { peer: ANNA, nick: null, state: "composing" });
    expect(line().hidden).toBe(false);
    expect(line().textContent).toBe("Anna is typing…");
    const mark = get("tab-typing");
    expect(mark.hidden).toBe(false);
    expect(mark.getAttribute("aria-label")).toBe("Anna is typing…");
    mock.emit("chat-state", { peer: ANNA, nick: null, state: "paused" });
    expect(line().hidden).toBe(true);
    expect(get("tab-typing").hidden).toBe(true);

    // A message from her ends it.
    mock.emit("chat-state", { peer: ANNA, nick: null, state: "composing" });
    mock.emit("messages-added", [msg({ peer: ANNA, body: "here it is" })]);
    await vi.advanceTimersByTimeAsync(0);
    expect(line().hidden).toBe(true);

    // A client that went away without a word stops typing after a while.
    mock.emit("chat-state", { peer: ANNA, nick: null, state: "composing" });
    vi.advanceTimersByTime(TYPING_EXPIRES_MS - 1);
    expect(line().hidden).toBe(false);
    vi.advanceTimersByTime(1);
    expect(line().hidden).toBe(true);

    choose(get<HTMLSelectElement>("language-select"), "zh-CN");
    mock.emit("chat-state", { peer: ANNA, nick: null, state: "composing" });
    expect(line().textContent).toBe("Anna 正在输入…");
  });

  it("tells the core when we type, pause, clear the text or send, once per change", async () => {
    const { mock } = await openChat(ANNA, "Anna");
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    const input = get<HTMLTextAreaElement>("composer-input");
    const states = () => mock.callsOf("set_chat_state").map((c) => (c as { args: { state: string } }).args.state);
    typeText(input, "h");
    typeText(input, "he");
    typeText(input, "hel");
    expect(states()).toEqual(["composing"]);
    vi.advanceTimersByTime(PAUSED_AFTER_MS);
    expect(states()).toEqual(["composing", "paused"]);
    typeText(input, "hell");
    expect(states()).toEqual(["composing", "paused", "composing"]);
    typeText(input, "");
    expect(states()).toEqual(["composing", "paused", "composing", "active"]);
    typeText(input, "hello");
    input.form!.requestSubmit();
    await vi.advanceTimersByTimeAsync(0);
    // The message itself says we are active: no notice for it, and no pause later.
    vi.advanceTimersByTime(PAUSED_AFTER_MS * 2);
    expect(states()).toEqual(["composing", "paused", "composing", "active", "composing"]);
    expect(mock.callsOf("set_chat_state").every((c) => (c as { args: { peer: string } }).args.peer === ANNA)).toBe(true);
  });

  it("names up to two occupants typing in a room, then counts them", async () => {
    const { mock } = await bootOnline((m) =>
      m.on("join_room", ({ args }) => ({ room: args.room, nick: "me", subject: null, occupants: [occ("me"), occ("Bob"), occ("Carol"), occ("Dan")], moderation: false })),
    );
    get("join-room-open").click();
    get<HTMLInputElement>("join-room-address").value = ROOM;
    get("join-room-submit").click();
    await settle();
    const roomLine = () => document.querySelector<HTMLElement>(`[data-room="${ROOM}"] [data-testid=typing]`)!;
    mock.emit("chat-state", { peer: ROOM, nick: "Bob", state: "composing" });
    expect(roomLine().textContent).toBe("Bob is typing…");
    mock.emit("chat-state", { peer: ROOM, nick: "Carol", state: "composing" });
    expect(roomLine().textContent).toBe("Bob and Carol are typing…");
    mock.emit("chat-state", { peer: ROOM, nick: "Dan", state: "composing" });
    expect(roomLine().textContent).toBe("3 people are typing…");
    // Bob's message ends his typing only.
    mock.emit("messages-added", [msg({ peer: ROOM, kind: "groupchat", sender: "Bob", body: "done" })]);
    await settle();
    expect(roomLine().textContent).toBe("Carol and Dan are typing…");
  });
});
