import { describe, expect, it } from "vitest";
import { completeNick } from "../src/nickCompletion";
import { bootOnline, get, occ, press, settle } from "./helpers";

describe("nick completion", () => {
  const nicks = ["Anna", "andrew", "bob", "小明", "小红"];

  it("completes the word before the cursor, addressing at the start of a message", () => {
    expect(completeNick("an", 2, nicks, null)?.text).toBe("andrew: ");
    expect(completeNick("thanks bo", 9, nicks, null)?.text).toBe("thanks bob ");
    expect(completeNick("小", 1, nicks, null)?.text).toBe("小明: ");
    expect(completeNick("hi xyz", 6, nicks, null)).toBeNull();
    expect(completeNick("hi ", 3, nicks, null)).toBeNull();
    // The rest of the line after the cursor stays.
    const mid = completeNick("bo, look", 2, nicks, null)!;
    expect(mid.text).toBe("bob: , look");
    expect(mid.caret).toBe(5);
  });

  it("offers the next nick that fits on Tab again, then wraps around", () => {
    const first = completeNick("an", 2, nicks, null)!;
    const second = completeNick(first.text, first.caret, nicks, first.completion)!;
    expect(second.text).toBe("Anna: ");
    const third = completeNick(second.text, second.caret, nicks, second.completion)!;
    expect(third.text).toBe("andrew: ");
  });

  it("works in a room's composer with the Tab key, and not in a 1:1 chat", async () => {
    const room = "team@conference.company.com";
    await bootOnline((m) => m.on("join_room", ({ args }) => ({ room: args.room, nick: "me", subject: null, occupants: [occ("me"), occ("Marta"), occ("mallory")], moderation: false })));
    get("join-room-open").click();
    get<HTMLInputElement>("join-room-address").value = room;
    get("join-room-submit").click();
    await settle();
    const input = document.querySelector<HTMLTextAreaElement>(`[data-room="${room}"] [data-testid=composer-input]`)!;
    input.value = "ma";
    input.setSelectionRange(2, 2);
    const tab = press(input, "Tab");
    expect(tab.defaultPrevented).toBe(true);
    expect(input.value).toBe("mallory: ");
    press(input, "Tab");
    expect(input.value).toBe("Marta: ");
    // Our own nick is never offered; nothing fits: Tab is left alone.
    input.value = "me";
    input.setSelectionRange(2, 2);
    press(input, "a");
    expect(press(input, "Tab").defaultPrevented).toBe(false);
  });
});
