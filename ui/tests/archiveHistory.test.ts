import { describe, expect, it } from "vitest";
import type { HistoryPage } from "../src/bindings";
import { bootOnline, choose, contact, dblclick, get, msg, problem, settle } from "./helpers";

const ANNA = "anna@company.com";
const roster = { items: [contact(ANNA, "Anna")], presences: [], requests: { jids: [], more: 0 } };

const status = () => get("message-list").querySelector<HTMLElement>(".history-status")!;
const bodies = () => [...document.querySelectorAll("[data-testid=message-body]")].map((b) => b.textContent);
const scrollToTop = async () => {
  const list = get("message-list");
  list.scrollTop = 0;
  list.dispatchEvent(new Event("scroll"));
  await settle();
};

/** A promise the test resolves (or rejects) when it chooses. */
function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe("history past what is stored", () => {
  it("asks the server's archive while saying so, and says when history starts", async () => {
    const answers: ReturnType<typeof deferred<HistoryPage>>[] = [];
    const { mock } = await bootOnline((m) => {
      m.on("roster_snapshot", () => roster);
      // One message stored; nothing older.
      m.on("history_page", ({ args }) => ({
        messages: args.before ? [] : [msg({ peer: ANNA, id: 10, body: "stored", timestamp: 3_000 })],
        complete: true,
      }));
      m.on("fetch_older", () => {
        const answer = deferred<HistoryPage>();
        answers.push(answer);
        return answer.promise;
      });
    });
    dblclick(get("roster-contact", `[data-jid="${ANNA}"]`));
    await settle();

    // Nothing older stored: the archive is asked, and the list says so.
    expect(mock.callsOf("fetch_older")).toEqual([{ args: { peer: ANNA } }]);
    expect(status().dataset.status).toBe("fetching");
    expect(status().textContent).toBe("Loading earlier messages from the server…");
    answers[0]!.resolve({ messages: [msg({ peer: ANNA, id: 11, body: "from the archive", timestamp: 2_000 })], complete: false });
    await settle();
    expect(bodies()).toEqual(["from the archive", "stored"]);
    // Two messages do not fill the list (nothing to scroll): the next page
    // is asked at once.
    expect(mock.callsOf("fetch_older")).toHaveLength(2);
    expect(status().textContent).toBe("Loading earlier messages from the server…");
    answers[1]!.resolve({ messages: [msg({ peer: ANNA, id: 12, body: "the first", timestamp: 1_000 })], complete: true });
    await settle();
    expect(bodies()).toEqual(["the first", "from the archive", "stored"]);
    expect(status().dataset.status).toBe("start");
    expect(status().textContent).toBe("Start of history");
    choose(get<HTMLSelectElement>("language-select"), "zh-CN");
    expect(status().textContent).toBe("没有更早的消息了");
    choose(get<HTMLSelectElement>("language-select"), "en");

    // The start: scrolling up asks nobody.
    await scrollToTop();
    expect(mock.callsOf("fetch_older")).toHaveLength(2);
  });

  it("asks again when a page brought only messages stored already", async () => {
    let calls = 0;
    const { mock } = await bootOnline((m) => {
      m.on("roster_snapshot", () => roster);
      m.on("history_page", () => ({ messages: [], complete: true }));
      m.on("fetch_older", () => {
        calls += 1;
        return calls < 3 ? { messages: [], complete: false } : { messages: [msg({ peer: ANNA, id: 1, body: "older" })], complete: true };
      });
    });
    dblclick(get("roster-contact", `[data-jid="${ANNA}"]`));
    await settle();
    expect(mock.callsOf("fetch_older")).toHaveLength(3);
    expect(bodies()).toEqual(["older"]);
    expect(status().dataset.status).toBe("start");
  });

  it("says why the archive could not be read, in the user's language", async () => {
    await bootOnline((m) => {
      m.on("roster_snapshot", () => roster);
      m.on("history_page", () => ({ messages: [], complete: true }));
      m.on("fetch_older", () => {
        throw problem("notConnected");
      });
    });
    dblclick(get("roster-contact", `[data-jid="${ANNA}"]`));
    await settle();
    expect(status().dataset.status).toBe("loadError");
    expect(status().textContent).toBe("Could not load earlier messages. You are not connected to the server.");
    choose(get<HTMLSelectElement>("language-select"), "zh-CN");
    expect(status().textContent).toBe("无法加载更早的消息。 尚未连接到服务器。");
    choose(get<HTMLSelectElement>("language-select"), "en");
  });
});
