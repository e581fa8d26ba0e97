import { describe, expect, it } from "vitest";
import { shown } from "../src/bidi";
import { linkedText } from "../src/styling";
import { bootOnline, contact, dblclick, get, settle } from "./helpers";

const RLO = "\u202E";

describe("names and links that would read backwards", () => {
  it("drop the directional overrides and keep everything else", () => {
    expect(shown(`${RLO}evil.exe`)).toBe("evil.exe");
    expect(shown(`report${RLO}fdp.exe`)).toBe("reportfdp.exe");
    expect(shown("مرحبا Anna")).toBe("مرحبا Anna");
    const a = linkedText(`https://example.com/${RLO}gepj.exe`)[0] as HTMLAnchorElement;
    expect(a.textContent).toBe("https://example.com/gepj.exe");
    expect(a.dataset.url).toBe(`https://example.com/${RLO}gepj.exe`);
  });

  it("show a contact's name as it is, in the roster, the tab and the header", async () => {
    const jid = "mallory@company.com";
    await bootOnline((m) => {
      m.on("roster_snapshot", () => ({ items: [contact(jid, `${RLO}evil.exe`)], presences: [], requests: { jids: [], more: 0 } }));
      m.on("history_page", () => ({ messages: [], complete: true }));
    });
    const row = get("roster-contact", `[data-jid="${jid}"]`);
    expect(row.textContent).toContain("evil.exe");
    expect(row.textContent).not.toContain(RLO);
    dblclick(row);
    await settle();
    expect(document.querySelector(".tab-title")?.textContent).toBe("evil.exe");
    expect(document.querySelector(".conversation-title")?.textContent).toBe("evil.exe");
  });
});
