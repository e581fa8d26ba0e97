import { afterEach, describe, expect, it } from "vitest";
import { ERROR_CODES } from "../src/backend";
import type { ErrorCode, Problem } from "../src/bindings";
import { CONDITIONS, INPUT_FIELDS, problemNodes, problemText } from "../src/errors";
import { setLang } from "../src/i18n";
import { problem } from "./helpers";

afterEach(() => setLang("en"));

/** Every reason the core can send: each code, with each condition or field it may carry. */
function everyReason(): Problem[] {
  const out: Problem[] = [];
  for (const code of ERROR_CODES) {
    out.push(problem(code));
    for (const condition of CONDITIONS[code] ?? []) out.push(problem(code, { condition }));
  }
  for (const field of INPUT_FIELDS) out.push(problem("invalidInput", { field, detail: "x@" }));
  out.push(problem("invalidXml", { limit: 500 }), problem("tooManyRedirects", { limit: 3 }));
  return out;
}

function inBoth(p: Problem): { en: string; zh: string } {
  setLang("en");
  const en = problemText(p);
  setLang("zh-CN");
  const zh = problemText(p);
  setLang("en");
  return { en, zh };
}

describe("reasons", () => {
  it("has a sentence for every code and condition, in English and in Chinese", () => {
    const reasons = everyReason();
    expect(reasons.length).toBeGreaterThan(ERROR_CODES.length + 80);
    for (const p of reasons) {
      const what = `${p.code}/${p.condition ?? p.field ?? ""}`;
      const { en, zh } = inBoth(p);
      expect(en.trim(), what).not.toBe("");
      expect(zh.trim(), what).not.toBe("");
      expect(zh, what).not.toBe(en);
      expect(zh, what).toMatch(/[\u4e00-\u9fff]/);
      expect(zh, what).not.toContain("您");
      // No code, condition or unfilled placeholder shows through (in
      // English a one-word condition such as "aborted" may be a word).
      const raw = (s: string) => /[-A-Z]/.test(s);
      for (const text of [en, zh]) {
        if (text === zh || raw(p.code)) expect(text, what).not.toContain(p.code);
        if (p.condition && (text === zh || raw(p.condition))) expect(text, what).not.toContain(p.condition);
        expect(text, what).not.toMatch(/\{\w+\}/);
        expect(text, what).not.toMatch(/error\.[a-zA-Z]/);
      }
    }
  });

  it("names the condition in context: a taken nickname, a banned user, a password", () => {
    const join = (condition: string) => problemText(problem("roomJoinRefused", { condition }));
    expect(join("conflict")).toBe("That nickname is already taken in this room; choose another.");
    expect(join("forbidden")).toBe("You are banned from this room.");
    expect(join("not-authorized")).toBe("This room needs a password, or the password is wrong.");
    // Without a sentence of its own the refusal still says what the condition means.
    expect(join("resource-constraint")).toBe("The room refused to let you in. The server is too busy.");
    expect(problemText(problem("streamError", { condition: "conflict" }))).toContain("same resource");
    expect(problemText(problem("invalidInput", { field: "room", detail: "lobby" }))).toBe("“lobby” is not a room address (room@conference.example.com).");
  });

  it("says a reason once, with the server's words only when they add something", () => {
    const text = (p: Problem) => problemNodes(p).map((n) => n.textContent).join("");
    // The server repeating Hearth's sentence is not said twice.
    expect(text(problem("authFailed", { serverText: "The server rejected the user name or password." }))).toBe("The server rejected the user name or password.");
    expect(text(problem("authFailed", { serverText: "Invalid username or password" }))).toBe(
      "The server rejected the user name or password. The server said: “Invalid username or password”",
    );
    // A detail the sentence already carries is not repeated.
    expect(text(problem("unknownHost", { detail: "xmpp.company.com" }))).toBe("No server named “xmpp.company.com” was found (DNS).");
    expect(text(problem("network", { detail: "no route to host" }))).toBe("Cannot reach the server. Check your network connection. Details: no route to host");
  });

  it("keeps every code the core knows in the list the UI checks errors against", () => {
    const codes: Record<ErrorCode, true> = Object.fromEntries(ERROR_CODES.map((c) => [c, true])) as Record<ErrorCode, true>;
    expect(Object.keys(codes)).toHaveLength(ERROR_CODES.length);
  });
});
