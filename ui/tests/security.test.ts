import { describe, expect, it } from "vitest";
import indexHtml from "../index.html?raw";

const sources = import.meta.glob<string>(["../src/**/*.ts", "../src/**/*.tsx", "!../src/**/*.test.ts"], {
  query: "?raw",
  import: "default",
  eager: true,
});

describe("markup injection guard", () => {
  it("finds the sources it checks", () => {
    expect(Object.keys(sources)).toContain("../src/dom.ts");
    expect(Object.keys(sources).length).toBeGreaterThan(20);
  });

  it("never uses innerHTML, outerHTML or insertAdjacentHTML in src/", () => {
    const offenders = Object.entries(sources)
      .filter(([, text]) => /innerHTML|outerHTML|insertAdjacentHTML|createContextualFragment|document\.write/.test(text))
      .map(([file]) => file);
    expect(offenders).toEqual([]);
  });

  it("keeps index.html free of inline scripts and styles (strict CSP)", () => {
    expect(indexHtml).not.toMatch(/<style|style=/i);
    for (const tag of indexHtml.match(/<script\b[^>]*>/gi) ?? []) expect(tag).toMatch(/\bsrc=/);
    expect(indexHtml).toMatch(/<script type="module" src="\/src\/main\.ts"><\/script>/);
  });
});
