import { afterEach, describe, expect, it } from "vitest";
import { warmUpPolicy } from "../src/views/tabs";
import { all, bootOnline, contact, dblclick, get, settle } from "./helpers";

const ANNA = "anna@company.com";
const frames = (n: number) => new Promise((resolve) => setTimeout(resolve, n * 20));

afterEach(() => {
  warmUpPolicy.delayMs = 1_000;
});

describe("the conversation code is warmed up after login", () => {
  it("out of sight, with nothing asked of the backend and nothing left behind", async () => {
    warmUpPolicy.delayMs = 0;
    // What the page shows while the warm-up draws: its messages are in a
    // shadow root, where no search of the page meets them.
    const seen: number[] = [];
    const watch = new MutationObserver(() => {
      if (document.querySelector(".warm-up")) seen.push(all("message").length + all("composer-input").length);
    });
    watch.observe(document.body, { childList: true, subtree: true });
    const { app, mock } = await bootOnline((m) => {
      m.on("roster_snapshot", () => ({ items: [contact(ANNA, "Anna")], presences: [], requests: { jids: [], more: 0 } }));
    });
    const before = mock.calls.length;
    await frames(10);
    watch.disconnect();
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.every((n) => n === 0)).toBe(true);
    expect(document.querySelector(".warm-up")).toBeNull();
    expect(mock.calls.slice(before)).toEqual([]);
    expect(JSON.stringify(mock.calls)).not.toContain("hearth.invalid");
    expect(app.convs.tabs).toEqual([]);
    expect(all("tab")).toEqual([]);

    // The real conversation opens as ever.
    dblclick(get("roster-contact", `[data-jid="${ANNA}"]`));
    await settle();
    expect(all("tab").length).toBe(1);
    expect(mock.callsOf("history_page").length).toBe(1);
  });

  it("is skipped when a conversation was opened first", async () => {
    warmUpPolicy.delayMs = 30;
    await bootOnline((m) => {
      m.on("roster_snapshot", () => ({ items: [contact(ANNA, "Anna")], presences: [], requests: { jids: [], more: 0 } }));
    });
    dblclick(get("roster-contact", `[data-jid="${ANNA}"]`));
    await frames(3);
    expect(document.querySelector(".warm-up")).toBeNull();
  });
});
