import css from "../src/styles.css?raw";
import { describe, expect, it } from "vitest";
import { boot, bootOnline, choose, get, problem, q, savedLogin, settle } from "./helpers";
import type { HistorySync, Problem } from "../src/bindings";

const running = (messages: number, pages = 1): HistorySync => ({ running: true, pages, messages, problem: null });
const done = (messages: number, p: Problem | null = null): HistorySync => ({ running: false, pages: 3, messages, problem: p });

/** What the user reads in the catch-up line (empty when nothing is shown). */
const line = (): string => get("history-sync").textContent ?? "";

describe("archive catch-up line", () => {
  it("shows progress while catching up, as a polite status, and goes away when done", async () => {
    const { mock } = await bootOnline();
    const region = get("history-sync");
    expect(region.getAttribute("role")).toBe("status");
    expect(region.getAttribute("aria-live")).toBe("polite");
    // It sits with the conversations, under the account.
    expect(region.closest(".sidebar")).not.toBeNull();
    expect(line()).toBe("");

    mock.emit("history-sync", running(250));
    expect(line()).toBe("Fetching messages from the server… 250 messages so far");
    const turn = get("history-sync-spinner").style.transform;
    mock.emit("history-sync", running(500, 2));
    expect(line()).toBe("Fetching messages from the server… 500 messages so far");
    // The ring moves with each page that arrives.
    expect(get("history-sync-spinner").style.transform).not.toBe(turn);

    mock.emit("history-sync", done(612));
    expect(line()).toBe("");
    expect(q("history-sync-running")).toBeNull();
    expect(q("history-sync-problem")).toBeNull();
  });

  it("animates nothing forever: a running animation repaints the window every frame", () => {
    expect(css).not.toMatch(/infinite/);
  });

  it("says “1 message” but “500 messages”", async () => {
    const { mock } = await bootOnline();
    mock.emit("history-sync", running(1));
    expect(line()).toBe("Fetching messages from the server… 1 message so far");
    mock.emit("history-sync", running(500));
    expect(line()).toBe("Fetching messages from the server… 500 messages so far");
  });

  it("shows nothing for a catch-up that fits in one page", async () => {
    const { mock } = await bootOnline();
    mock.emit("history-sync", done(40));
    expect(line()).toBe("");
  });

  it("says why catch-up stopped early, in the user's words, until dismissed", async () => {
    const { mock } = await bootOnline();
    mock.emit("history-sync", running(250));
    mock.emit("history-sync", done(250, problem("timeout")));
    expect(q("history-sync-running")).toBeNull();
    expect(get("history-sync-reason").textContent).toBe(
      "Some messages could not be fetched from the server: The server did not answer in time.",
    );

    get("history-sync-dismiss").click();
    expect(line()).toBe("");
    expect(q("history-sync-problem")).toBeNull();
  });

  it("quotes what the server said, as text only", async () => {
    const { mock } = await bootOnline();
    mock.emit("history-sync", done(0, problem("remoteError", { condition: "service-unavailable", serverText: "<img src=x onerror=alert(1)> archive offline" })));
    const reason = get("history-sync-reason");
    expect(reason.textContent).toContain("Some messages could not be fetched from the server: That service is not available.");
    expect(reason.textContent).toContain("<img src=x onerror=alert(1)> archive offline");
    expect(reason.querySelector("img")).toBeNull();
  });

  it("speaks Chinese and switches language in place", async () => {
    const { mock } = await bootOnline();
    mock.emit("history-sync", running(500, 2));
    choose(get<HTMLSelectElement>("language-select"), "zh-CN");
    expect(line()).toBe("正在从服务器获取消息……已获取 500 条");
    mock.emit("history-sync", running(1, 3));
    expect(line()).toBe("正在从服务器获取消息……已获取 1 条");

    mock.emit("history-sync", done(1, problem("timeout")));
    expect(get("history-sync-reason").textContent).toBe("部分消息未能从服务器获取：服务器未及时响应。");
    expect(get("history-sync-dismiss").textContent).toBe("关闭");
    choose(get<HTMLSelectElement>("language-select"), "en");
    expect(get("history-sync-reason").textContent).toBe(
      "Some messages could not be fetched from the server: The server did not answer in time.",
    );
    expect(get("history-sync-dismiss").textContent).toBe("Dismiss");
  });

  it("drops a catch-up the link took with it, and starts clean on the next session", async () => {
    const { mock, app } = await bootOnline();
    mock.emit("history-sync", running(250));
    // The core abandons a catch-up when the link goes, without a final report.
    mock.emit("connection-state", { state: "reconnecting", reason: problem("connectionLost"), retryInSecs: 5 });
    expect(line()).toBe("");
    mock.emit("connection-state", { state: "online", jid: "me@company.com/hearth", newSessionAfterLoss: true });
    expect(line()).toBe("");
    mock.emit("history-sync", running(250));
    expect(line()).toContain("250 messages so far");
    expect(app.historySync.current.running).toBe(true);
  });

  it("forgets the last report on logout", async () => {
    const { mock, app } = await bootOnline((m) => m.on("saved_login", () => savedLogin({ jid: "me@company.com" })));
    mock.emit("history-sync", done(10, problem("timeout")));
    get("logout").click();
    await settle();
    expect(app.historySync.current).toEqual({ running: false, pages: 0, messages: 0, problem: null });
    expect(q("history-sync")).toBeNull();
  });

  it("starts a new login without the previous login's line", async () => {
    const { mock, app } = await boot((m) =>
      m.on("saved_login", () => savedLogin({ jid: "me@company.com", remember: true, hasPassword: true })),
    );
    // A report left from before (e.g. a session that ended before the line was seen).
    app.historySync.set(done(10, problem("timeout")));
    get("login-submit").click();
    await settle();
    expect(mock.callsOf("login")).toHaveLength(1);
    expect(app.historySync.current.problem).toBeNull();
    mock.emit("connection-state", { state: "online", jid: "me@company.com/hearth", newSessionAfterLoss: false });
    await settle();
    expect(line()).toBe("");
    mock.emit("history-sync", running(1));
    expect(line()).toBe("Fetching messages from the server… 1 message so far");
  });
});
