import { describe, expect, it } from "vitest";
import { parseXmppLink } from "../src/links";
import { linkedText, linkEnd, styledBody } from "../src/styling";
import { bootOnline, choose, contact, dblclick, get, msg, settle } from "./helpers";

const links = (text: string): string[] =>
  linkedText(text)
    .filter((n): n is HTMLAnchorElement => n instanceof HTMLAnchorElement)
    .map((a) => a.dataset.url ?? "");

describe("links in messages", () => {
  it("finds web, mail and xmpp addresses and nothing else", () => {
    expect(links("see https://example.com/a?b=1#c and http://intra.corp/x")).toEqual(["https://example.com/a?b=1#c", "http://intra.corp/x"]);
    expect(links("mail mailto:ops@corp.example or xmpp:room@conference.corp.example?join")).toEqual(["mailto:ops@corp.example", "xmpp:room@conference.corp.example?join"]);
    for (const inert of ["javascript:alert(1)", "file:///etc/passwd", "data:text/html,<b>x</b>", "ftp://x.example", "https://", "www.example.com"]) {
      expect(links(inert), inert).toEqual([]);
    }
  });

  it("leaves out the punctuation that ends a sentence, not a bracket the address opened", () => {
    expect(linkEnd("https://example.com/page.")).toBe("https://example.com/page");
    expect(linkEnd("https://example.com/page).")).toBe("https://example.com/page");
    expect(linkEnd("https://en.wikipedia.org/wiki/Rust_(language)")).toBe("https://en.wikipedia.org/wiki/Rust_(language)");
    expect(links("（见https://example.com/文档）。")).toEqual(["https://example.com/文档"]);
    expect(links("\"https://example.com/q\"")).toEqual(["https://example.com/q"]);
  });

  it("shows a link's text exactly as sent and keeps the rest of the line", () => {
    const nodes = linkedText("go https://例子.测试/路径?q=<b>x</b> now");
    const div = document.createElement("div");
    div.append(...nodes);
    expect(div.textContent).toBe("go https://例子.测试/路径?q=<b>x</b> now");
    expect(div.querySelector("b")).toBeNull();
    const a = div.querySelector("a")!;
    expect(a.textContent).toBe("https://例子.测试/路径?q=");
    expect(a.className).toBe("link");
  });

  it("links inside styled text but not inside code", () => {
    const div = document.createElement("div");
    div.append(...styledBody("*read https://a.example/x* `https://b.example/y`"));
    expect([...div.querySelectorAll("a")].map((a) => a.dataset.url)).toEqual(["https://a.example/x"]);
  });
});

describe("xmpp: addresses (RFC 5122)", () => {
  it("reads the address and what it asks for", () => {
    expect(parseXmppLink("xmpp:Anna@Company.com")).toEqual({ jid: "anna@company.com", action: "" });
    expect(parseXmppLink("xmpp:room@conference.company.com?join")).toEqual({ jid: "room@conference.company.com", action: "join" });
    expect(parseXmppLink("xmpp:bob@x.example?message;body=hi")).toEqual({ jid: "bob@x.example", action: "message" });
    expect(parseXmppLink("xmpp://me@x.example/bob@x.example?roster")).toEqual({ jid: "bob@x.example", action: "roster" });
    expect(parseXmppLink("xmpp:%E5%B0%8F%E6%98%8E@x.example")).toEqual({ jid: "小明@x.example", action: "" });
  });

  it("refuses what names no address", () => {
    for (const bad of ["xmpp:", "xmpp:?join", "xmpp:a@b@c", "xmpp:%E5%B0", "xmpp:has space@x", "https://x.example"]) {
      expect(parseXmppLink(bad), bad).toBeNull();
    }
  });
});

describe("clicking a link in a conversation", () => {
  const ANNA = "anna@company.com";
  const body = "docs https://wiki.corp.example/a, chat xmpp:bob@company.com and xmpp:team@conference.company.com?join";

  async function openAnna() {
    const booted = await bootOnline((m) => {
      m.on("roster_snapshot", () => ({ items: [contact(ANNA, "Anna")], presences: [], requests: { jids: [], more: 0 } }));
      m.on("history_page", () => ({ messages: [msg({ peer: ANNA, id: 1, body })], complete: true }));
    });
    dblclick(get("roster-contact", `[data-jid="${ANNA}"]`));
    await settle();
    return booted;
  }
  const link = (url: string) => get("message-body").querySelector<HTMLAnchorElement>(`a[data-url="${url}"]`)!;
  const click = (a: Element, init: MouseEventInit = {}) => {
    const e = new MouseEvent("click", { bubbles: true, cancelable: true, ...init });
    a.dispatchEvent(e);
    return e;
  };

  it("opens a web address outside, and the window goes nowhere", async () => {
    const { mock } = await openAnna();
    const e = click(link("https://wiki.corp.example/a"));
    expect(e.defaultPrevented).toBe(true);
    await settle();
    expect(mock.callsOf("open_link")).toEqual([{ url: "https://wiki.corp.example/a" }]);
  });

  it("opens an xmpp: address in Hearth: a chat, or the join form for a room", async () => {
    const { mock, app } = await openAnna();
    click(link("xmpp:bob@company.com"));
    expect(app.convs.active).toBe("bob@company.com");
    dblclick(get("roster-contact", `[data-jid="${ANNA}"]`));
    await settle();
    click(link("xmpp:team@conference.company.com?join"));
    expect(get<HTMLInputElement>("join-room-address").value).toBe("team@conference.company.com");
    expect(mock.callsOf("open_link")).toEqual([]);
  });

  it("says so when the link could not be opened, in the user's language", async () => {
    const { mock } = await openAnna();
    mock.on("open_link", () => {
      throw { code: "linkNotOpened" };
    });
    click(link("https://wiki.corp.example/a"));
    await settle();
    expect(get("link-error").hidden).toBe(false);
    expect(get("link-error").textContent).toBe("No program on this computer opened the link.");
    choose(get<HTMLSelectElement>("language-select"), "zh-CN");
    expect(get("link-error").textContent).toBe("这台电脑上没有程序打开此链接。");
  });
});
