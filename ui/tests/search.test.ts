import { describe, expect, it } from "vitest";
import type { ChatMessage } from "../src/bindings";
import { highlighted } from "../src/views/search";
import { all, bootOnline, choose, contact, dblclick, get, msg, press, settle, typeInto } from "./helpers";

const ANNA = "anna@company.com";
const BOB = "bob@company.com";
const roster = { items: [contact(ANNA, "Anna"), contact(BOB, "Bob")], presences: [], requests: { jids: [], more: 0 } };

const panel = () => get("search-panel");
const input = () => get<HTMLInputElement>("search-input");
const summary = () => get("search-summary").textContent;
const results = () => all("search-result");

async function search(query: string): Promise<void> {
  typeInto(input(), query);
  press(input(), "Enter");
  await settle();
}

describe("search", () => {
  it("finds messages in all conversations, newest first, with the match marked and nothing parsed", async () => {
    const hits: ChatMessage[] = [
      msg({ peer: ANNA, id: 7, body: "<b>小明</b>你好吗? <img src=x onerror=alert(1)>", timestamp: 2_000_000 }),
      msg({ peer: BOB, id: 3, body: "你好 Bob", direction: "out", timestamp: 1_000_000 }),
    ];
    const { mock } = await bootOnline((m) => {
      m.on("roster_snapshot", () => roster);
      m.on("search_messages", () => hits);
    });
    expect(panel().hidden).toBe(true);
    // Ctrl+Shift+F: all conversations.
    press(document, "F", { ctrlKey: true, shiftKey: true });
    expect(panel().hidden).toBe(false);
    expect(document.activeElement).toBe(input());
    await search("你好");

    expect(mock.callsOf("search_messages")).toEqual([{ args: { query: "你好", peer: null, limit: 100 } }]);
    expect(results().map((r) => r.dataset.peer)).toEqual([ANNA, BOB]);
    expect(results()[0]!.querySelector(".search-result-peer")!.textContent).toBe("Anna");
    // The body is text: no element from it, shown exactly as sent.
    const body = get("search-result-body");
    expect(body.textContent).toBe(hits[0]!.body);
    expect(body.querySelector("b, img")).toBeNull();
    expect([...body.querySelectorAll("mark")].map((m) => m.textContent)).toEqual(["你好"]);
    expect(results()[1]!.textContent).toContain("You");
    expect(summary()).toBe("2 messages");

    choose(get<HTMLSelectElement>("language-select"), "zh-CN");
    expect(summary()).toBe("2 条消息");
    expect(results()[1]!.textContent).toContain("我");
    choose(get<HTMLSelectElement>("language-select"), "en");

    // Nothing found says so; Escape closes the panel.
    mock.on("search_messages", () => []);
    await search("nothing");
    expect(summary()).toBe("No message matches.");
    expect(results()).toHaveLength(0);
    press(input(), "Escape");
    expect(panel().hidden).toBe(true);
  });

  it("Ctrl+F searches the conversation that is shown", async () => {
    const { mock } = await bootOnline((m) => m.on("roster_snapshot", () => roster));
    dblclick(get("roster-contact", `[data-jid="${ANNA}"]`));
    await settle();
    press(document, "f", { ctrlKey: true });
    expect(get<HTMLSelectElement>("search-scope").value).toBe("here");
    await search("lunch");
    expect(mock.callsOf("search_messages").at(-1)).toEqual({ args: { query: "lunch", peer: ANNA, limit: 100 } });
    // Switching to all conversations searches again, everywhere.
    choose(get<HTMLSelectElement>("search-scope"), "all");
    await settle();
    expect(mock.callsOf("search_messages").at(-1)).toEqual({ args: { query: "lunch", peer: null, limit: 100 } });
  });

  it("waits for a pause in typing and shows only the latest answer", async () => {
    const { mock } = await bootOnline((m) => {
      m.on("roster_snapshot", () => roster);
      m.on("search_messages", ({ args }) => [msg({ peer: ANNA, body: `about ${args.query}` })]);
    });
    get("search-open").click();
    for (const partial of ["m", "me", "mee", "meet"]) typeInto(input(), partial);
    await settle();
    expect(mock.callsOf("search_messages")).toHaveLength(0);
    await new Promise((resolve) => setTimeout(resolve, 200));
    await settle();
    expect(mock.callsOf("search_messages").map((c) => c.args.query)).toEqual(["meet"]);
    expect(get("search-result-body").textContent).toBe("about meet");
  });

  it("opens a result's conversation at that message, with everything after it", async () => {
    const older = Array.from({ length: 60 }, (_, i) => msg({ peer: ANNA, id: 100 + i, body: `m${i}`, timestamp: 1_000_000 + i * 1000 }));
    const hit = older[10]!;
    const { app, mock } = await bootOnline((m) => {
      m.on("roster_snapshot", () => roster);
      // The latest page does not reach the result.
      m.on("history_page", () => ({ messages: older.slice(-20), complete: false }));
      m.on("search_messages", () => [hit]);
      m.on("history_through", ({ args }) => {
        const at = older.findIndex((x) => x.id === args.at.id);
        return { messages: older.slice(Math.max(0, at - args.before)), complete: true };
      });
    });
    dblclick(get("roster-contact", `[data-jid="${ANNA}"]`));
    await settle();
    get("search-open").click();
    await search("m10");
    results()[0]!.click();
    await settle();

    expect(mock.callsOf("history_through")).toEqual([{ args: { peer: ANNA, at: { timestamp: hit.timestamp, id: hit.id }, before: 25 } }]);
    const shown = get("message-list").querySelector<HTMLElement>(`[data-id="${hit.id}"]`);
    expect(shown?.querySelector("[data-testid=message-body]")?.textContent).toBe("m10");
    expect(shown?.classList.contains("revealed")).toBe(true);
    // The tab holds the result and everything after it: no gap.
    expect(app.convs.get(ANNA)!.messages.map((m) => m.body)).toEqual(older.map((m) => m.body));
  });

  it("says why a result cannot be opened", async () => {
    const { mock } = await bootOnline((m) => {
      m.on("roster_snapshot", () => roster);
      m.on("search_messages", () => [
        msg({ peer: "gone@conference.company.com", id: 6, kind: "groupchat", sender: "x", body: "very old too" }),
      ]);
    });
    get("search-open").click();
    await search("old");
    results()[0]!.click();
    await settle();
    expect(summary()).toBe("Join the room to open this message in it.");
    expect(mock.callsOf("history_through")).toHaveLength(0);
  });
});

describe("highlighted", () => {
  it("marks every word, any case, and cuts a long body around the first match", () => {
    const text = (nodes: Node[]) => nodes.map((n) => (n.nodeName === "MARK" ? `[${n.textContent}]` : n.textContent)).join("");
    expect(text(highlighted("Lunch at noon, LUNCH again", ["lunch"]))).toBe("[Lunch] at noon, [LUNCH] again");
    expect(text(highlighted("小明你好吗", ["你好", "明"]))).toBe("小[明][你好]吗");
    const long = `${"a".repeat(300)} needle ${"b".repeat(300)}`;
    const cut = text(highlighted(long, ["needle"]));
    expect(cut.startsWith("…")).toBe(true);
    expect(cut.endsWith("…")).toBe(true);
    expect(cut).toContain("[needle]");
    expect(cut.length).toBeLessThan(200);
  });
});
