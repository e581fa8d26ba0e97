import { describe, expect, it } from "vitest";
import { styledBody } from "../src/styling";
import { bootOnline, contact, dblclick, get, msg, settle } from "./helpers";

/** The nodes as a compact string: <tag>…</tag> for elements, text as is. */
function shape(nodes: Node[]): string {
  return nodes
    .map((n) => {
      if (n.nodeType === Node.TEXT_NODE) return n.textContent;
      const e = n as HTMLElement;
      if (e.classList.contains("styling-directive")) return `{${e.textContent}}`;
      return `<${e.tagName.toLowerCase()}>${shape([...e.childNodes])}</${e.tagName.toLowerCase()}>`;
    })
    .join("");
}

const styled = (body: string): string => shape(styledBody(body));
const text = (body: string): string => {
  const div = document.createElement("div");
  div.append(...styledBody(body));
  return div.textContent ?? "";
};

describe("message styling (XEP-0393)", () => {
  it("styles spans and keeps their directives", () => {
    expect(styled("*bold* _it_ ~gone~ `x*y*z`")).toBe("<strong>{*}bold{*}</strong> <em>{_}it{_}</em> <s>{~}gone{~}</s> <code>{`}x*y*z{`}</code>");
    expect(styled("*_both_*")).toBe("<strong>{*}<em>{_}both{_}</em>{*}</strong>");
    // An opening directive follows a space or the start.
    expect(styled("中文*粗体*好")).toBe("中文*粗体*好");
    expect(styled("我说 *粗体* 好")).toBe("我说 <strong>{*}粗体{*}</strong> 好");
  });

  it("leaves what is not styling as it is", () => {
    for (const plain of ["2 * 3 * 4", "**", "* not bold*", "*not bold *", "snake_case_name", "a ~ b", "`", "*open only"]) {
      expect(styled(plain), plain).toBe(plain);
    }
    // A span does not run over a line break.
    expect(styled("*one\ntwo*")).toBe("*one\ntwo*");
  });

  it("draws quotes and preformatted blocks, with no styling inside code", () => {
    expect(styled("> quoted *bold*\nreply")).toBe("<blockquote><strong>{*}bold{*}</strong></blockquote>reply".replace("<blockquote>", "<blockquote>quoted "));
    expect(styled(">> deeper\n> outer")).toBe("<blockquote><blockquote>deeper</blockquote>outer</blockquote>");
    // A block starts its own line: the line break before it is the block's.
    expect(styled("before\n```\nlet *x* = 1;\n```\nafter")).toBe("before<pre>{```}\nlet *x* = 1;\n{```}</pre>after");
    expect(styled("```\nunclosed *x*")).toBe("<pre>{```}\nunclosed *x*</pre>");
  });

  it("keeps every character of a body but a quote's marker and the line breaks around blocks", () => {
    const body = "*a* _b_ ~c~ `d`\n```\ne\n```";
    expect(text(body)).toBe("*a* _b_ ~c~ `d````\ne\n```");
    expect(text("> q")).toBe("q");
  });

  it("never turns a body into markup, styled or not", () => {
    const nodes = styledBody("*<img src=x onerror=alert(1)>* `<script>x</script>`\n> <b>q</b>");
    const div = document.createElement("div");
    div.append(...nodes);
    expect(div.querySelector("img, script, b")).toBeNull();
    expect(div.textContent).toContain("<img src=x onerror=alert(1)>");
  });

  it("shows styled messages in a conversation", async () => {
    const anna = "anna@company.com";
    await bootOnline((m) => {
      m.on("roster_snapshot", () => ({ items: [contact(anna, "Anna")], presences: [], requests: { jids: [], more: 0 } }));
      m.on("history_page", () => ({ messages: [msg({ peer: anna, id: 1, body: "the *build* is `green`" })], complete: true }));
    });
    dblclick(get("roster-contact", `[data-jid="${anna}"]`));
    await settle();
    const body = get("message-body");
    expect(body.querySelector("strong")?.textContent).toBe("*build*");
    expect(body.querySelector("code")?.textContent).toBe("`green`");
    expect(body.textContent).toBe("the *build* is `green`");
  });

  it("shows a message that asks not to be styled as written, links still linked (§6)", async () => {
    const anna = "anna@company.com";
    const written = "*not bold* _nor this_\n> not a quote\n```\nhttps://example.com/a_b_c";
    await bootOnline((m) => {
      m.on("roster_snapshot", () => ({ items: [contact(anna, "Anna")], presences: [], requests: { jids: [], more: 0 } }));
      m.on("history_page", () => ({ messages: [msg({ peer: anna, id: 1, body: written, unstyled: true })], complete: true }));
    });
    dblclick(get("roster-contact", `[data-jid="${anna}"]`));
    await settle();
    const body = get("message-body");
    expect(body.querySelector("strong, em, blockquote, pre, code, .styling-directive")).toBeNull();
    expect(body.textContent).toBe(written);
    expect(body.querySelector("a")?.textContent).toBe("https://example.com/a_b_c");
  });
});
