import { describe, expect, it } from "vitest";
import { setLang } from "../src/i18n";
import { STRANGER_TABS } from "../src/state/strangers";
import { STRANGERS_SHOWN } from "../src/views/strangers";
import { all, bootOnline, contact, get, msg, q, settle } from "./helpers";

const ANNA = "anna@company.com";
const stranger = (i: number) => `spam${i}@elsewhere.org`;
const roster = { items: [contact(ANNA, "Anna")], presences: [], requests: { jids: [], more: 0 } };

describe("conversations opened by strangers", () => {
  it("a flood from 1,000 strangers opens 20 tabs and one entry that lists the rest; their histories are not read", async () => {
    const { mock } = await bootOnline((m) => {
      m.on("roster_snapshot", () => roster);
      m.on("history_page", () => ({ messages: [], complete: true }));
    });
    mock.emit("messages-added", [
      ...Array.from({ length: 1000 }, (_, i) => msg({ peer: stranger(i), body: "buy now" })),
      msg({ peer: ANNA, body: "hi" }),
    ]);
    await settle();

    const tabs = all("tab").map((t) => t.dataset.jid);
    expect(tabs).toHaveLength(STRANGER_TABS + 1);
    expect(tabs).toContain(ANNA); // a contact always gets a tab
    expect(mock.callsOf("history_page")).toHaveLength(STRANGER_TABS + 1);
    const more = get("strangers-more");
    expect(get("strangers").hidden).toBe(false);
    expect(more.textContent).toBe("and 980 more conversations from people not in your contacts");

    more.click();
    const listed = all("stranger");
    expect(listed).toHaveLength(STRANGERS_SHOWN);
    expect(listed[0]!.dataset.jid).toBe(stranger(STRANGER_TABS));
    expect(listed[0]!.textContent).toContain("1 new messages");
    expect(get("strangers-unlisted").textContent).toBe(`and ${980 - STRANGERS_SHOWN} more`);

    // Picking one opens that conversation and reads its history then.
    listed[0]!.click();
    await settle();
    expect(get("tab", `[data-jid="${stranger(STRANGER_TABS)}"]`).getAttribute("aria-selected")).toBe("true");
    expect(mock.callsOf("history_page").at(-1)).toEqual({ args: { peer: stranger(STRANGER_TABS), before: null, limit: 50 } });
    expect(get("strangers-more").textContent).toBe("and 979 more conversations from people not in your contacts");
    expect(get("strangers-list").hidden).toBe(true);
  });

  it("counts later messages of a waiting stranger there, and lets a new one in once a stranger tab was read", async () => {
    const { mock } = await bootOnline((m) => {
      m.on("roster_snapshot", () => roster);
      m.on("history_page", () => ({ messages: [], complete: true }));
    });
    mock.emit("messages-added", Array.from({ length: STRANGER_TABS + 1 }, (_, i) => msg({ peer: stranger(i) })));
    await settle();
    const waiting = stranger(STRANGER_TABS);
    expect(q("tab", `[data-jid="${waiting}"]`)).toBeNull();
    // Activity (the page did not get whole messages) counts the same way.
    mock.emit("conversation-activity", [{ peer: waiting, kind: "chat", incoming: 3, mentions: 0, latest: null, latestMention: null }]);
    await settle();
    get("strangers-more").click();
    expect(get("stranger").textContent).toContain("4 new messages");
    expect(mock.callsOf("notify")).toHaveLength(0);

    // The user reads one stranger tab: the next new stranger may open a tab again.
    get("tab", `[data-jid="${stranger(0)}"]`).click();
    mock.emit("messages-added", [msg({ peer: "new@elsewhere.org" })]);
    await settle();
    expect(q("tab", '[data-jid="new@elsewhere.org"]')).not.toBeNull();
    expect(all("stranger").map((s) => s.dataset.jid)).toEqual([waiting]);
  });

  it("says it in Chinese too", async () => {
    const { mock } = await bootOnline((m) => m.on("roster_snapshot", () => roster));
    mock.emit("messages-added", Array.from({ length: STRANGER_TABS + 2 }, (_, i) => msg({ peer: stranger(i) })));
    await settle();
    setLang("zh-CN");
    expect(get("strangers-more").textContent).toBe("还有 2 个来自非联系人的对话");
  });
});

describe("contact requests past the core's list", () => {
  it("says how many more wait, in the user's language, and nothing when none do", async () => {
    // The core lists 100 and counts the rest.
    const listed = Array.from({ length: 100 }, (_, i) => stranger(i));
    const { mock } = await bootOnline((m) => m.on("roster_snapshot", () => ({ items: [], presences: [], requests: { jids: listed, more: 42 } })));
    expect(all("subscription-request")).toHaveLength(100);
    const more = get("subscription-requests-more");
    expect(more.hidden).toBe(false);
    expect(more.textContent).toBe("and 42 more requests waiting");

    mock.emit("subscription-requests", { jids: listed.slice(1), more: 1 });
    await settle();
    expect(more.textContent).toBe("and 1 more request waiting");
    setLang("zh-CN");
    expect(more.textContent).toBe("还有 1 个请求在等待");

    mock.emit("subscription-requests", { jids: listed.slice(2), more: 0 });
    await settle();
    expect(more.hidden).toBe(true);
    expect(all("subscription-request")).toHaveLength(98);
  });

  it("shows the count even when every listed request is answered before the next arrives", async () => {
    const { mock } = await bootOnline((m) => m.on("roster_snapshot", () => ({ items: [], presences: [], requests: { jids: [], more: 0 } })));
    expect(get("subscription-requests").hidden).toBe(true);
    mock.emit("subscription-requests", { jids: [], more: 3 });
    await settle();
    expect(get("subscription-requests").hidden).toBe(false);
    expect(get("subscription-requests-more").textContent).toBe("and 3 more requests waiting");
  });
});
