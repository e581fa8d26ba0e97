// XEP-0393 Message Styling (https://xmpp.org/extensions/xep-0393.html):
// *strong*, _emphasis_, ~strike~, `code`, ``` blocks and > quotes, drawn
// as elements around text nodes. Nothing in a body is ever parsed as
// markup: every character of it ends up in a text node, the span and block
// directives included (shown dimmed, so the text reads as sent), except a
// quote's ">", which becomes the quote's bar.

import { shown } from "./bidi";

/** One kind of span, by its directive. */
const SPANS: Readonly<Record<string, keyof HTMLElementTagNameMap>> = { "*": "strong", _: "em", "~": "s", "`": "code" };

const isSpace = (c: string | undefined): boolean => c === undefined || /\s/u.test(c);

function directive(c: string): HTMLSpanElement {
  const span = document.createElement("span");
  span.className = "styling-directive";
  span.textContent = c;
  return span;
}

/**
 * Where the span opened by `line[at]` closes, or -1. The opening directive
 * is at the start or after a space or another opening directive, and is
 * followed by text; the closing one follows text (no space before it) and
 * is the first such on the line. Spans do not cross lines and are never
 * empty.
 */
function closing(line: string, at: number, opened: boolean): number {
  const c = line[at]!;
  if (!(at === 0 || isSpace(line[at - 1]) || opened)) return -1;
  if (isSpace(line[at + 1]) || line[at + 1] === c) return -1;
  for (let i = at + 2; i < line.length; i++) {
    if (line[i] === c && !isSpace(line[i - 1])) return i;
  }
  return -1;
}

/**
 * Addresses a message may link: web pages, mail and XMPP addresses. Other
 * schemes (file:, javascript:, data:, custom handlers) stay text.
 */
const LINK = /\b(?:https?:\/\/|mailto:|xmpp:)[^\s<>"]+/giu;

/** Characters that end a sentence rather than the address before them. */
const TRAILING = /[.,;:!?'"»”’)\]}>。，；：！？、）】》]+$/u;

/**
 * The address a link found in text stands for: its trailing punctuation
 * left out, except a closing bracket that closes one opened inside it
 * (https://en.wikipedia.org/wiki/Rust_(language)).
 */
export function linkEnd(candidate: string): string {
  let url = candidate;
  for (;;) {
    const trail = TRAILING.exec(url);
    if (!trail) return url;
    const last = url[url.length - 1]!;
    const opener = { ")": "(", "]": "[", "}": "{" }[last];
    if (opener && url.split(opener).length > url.split(last).length - 1 && trail[0].length === 1) return url;
    url = url.slice(0, -1);
  }
}

/**
 * Text with its links as `<a class="link">`: the address in `data-url`,
 * the text exactly as sent. A click is handled by the window (opened in
 * the system's browser or mail program, or in Hearth for xmpp:), never
 * followed inside the web view.
 */
export function linkedText(text: string): Node[] {
  const out: Node[] = [];
  let at = 0;
  for (const found of text.matchAll(LINK)) {
    const url = linkEnd(found[0]);
    // "https://" alone is not an address.
    if (/^(?:https?:\/\/|mailto:|xmpp:)$/iu.test(url)) continue;
    const start = found.index;
    if (start > at) out.push(document.createTextNode(text.slice(at, start)));
    const a = document.createElement("a");
    a.className = "link";
    a.href = url;
    a.dataset.url = url;
    a.title = url;
    a.rel = "noreferrer noopener";
    // The address as sent, less any directional override that would
    // make it read as another one.
    a.textContent = shown(url);
    out.push(a);
    at = start + url.length;
  }
  if (at < text.length) out.push(document.createTextNode(text.slice(at)));
  return out;
}

/** The nodes of one line of text with its spans styled and its links linked. */
export function styledLine(line: string): Node[] {
  const out: Node[] = [];
  let text = "";
  const flush = (): void => {
    if (text !== "") out.push(...linkedText(text));
    text = "";
  };
  let i = 0;
  let afterOpening = false;
  while (i < line.length) {
    const c = line[i]!;
    const tag = SPANS[c];
    const end = tag ? closing(line, i, afterOpening) : -1;
    if (tag && end > 0) {
      flush();
      const inner = line.slice(i + 1, end);
      const span = document.createElement(tag);
      span.className = "styled";
      // Code is taken as it is; other spans may hold spans.
      span.append(directive(c), ...(c === "`" ? [document.createTextNode(inner)] : styledLine(inner)), directive(c));
      out.push(span);
      i = end + 1;
      afterOpening = false;
      continue;
    }
    text += c;
    afterOpening = tag !== undefined;
    i++;
  }
  flush();
  return out;
}

/** Lines of `lines` joined back with line breaks, each styled. */
function styledLines(lines: string[]): Node[] {
  const out: Node[] = [];
  lines.forEach((line, n) => {
    if (n > 0) out.push(document.createTextNode("\n"));
    out.push(...styledLine(line));
  });
  return out;
}

/**
 * The body as its sender wrote it, for a message that asks not to be
 * styled (XEP-0393 §6, `<unstyled/>`): no spans or blocks, links still
 * linked (they are not styling).
 */
export function unstyledBody(body: string): Node[] {
  const out: Node[] = [];
  body.split("\n").forEach((line, n) => {
    if (n > 0) out.push(document.createTextNode("\n"));
    out.push(...linkedText(line));
  });
  return out;
}

/**
 * The body as nodes: blocks first (quotes, preformatted blocks, plain
 * lines), then spans inside plain lines and quotes. A block opened with
 * ``` runs to a line that is only ``` or to the end of the message.
 */
export function styledBody(body: string): Node[] {
  const lines = body.split("\n");
  const out: Node[] = [];
  let plain: string[] = [];
  const flushPlain = (): void => {
    if (plain.length === 0) return;
    // After text, a line break; a block (quote, code) breaks the line itself.
    const last = out[out.length - 1];
    if (last && !(last instanceof HTMLPreElement || last instanceof HTMLQuoteElement)) out.push(document.createTextNode("\n"));
    out.push(...styledLines(plain));
    plain = [];
  };
  const block = (node: Node): void => {
    flushPlain();
    out.push(node);
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.startsWith("```")) {
      const close = lines.findIndex((l, j) => j > i && l === "```");
      const end = close < 0 ? lines.length : close;
      const pre = document.createElement("pre");
      pre.className = "styled-pre";
      pre.append(directive(line), document.createTextNode(["", ...lines.slice(i + 1, end)].join("\n")));
      if (close >= 0) pre.append(document.createTextNode("\n"), directive("```"));
      block(pre);
      i = end;
      continue;
    }
    if (line.startsWith(">")) {
      let j = i;
      const quoted: string[] = [];
      while (j < lines.length && lines[j]!.startsWith(">")) {
        const rest = lines[j]!.slice(1);
        quoted.push(rest.startsWith(" ") ? rest.slice(1) : rest);
        j++;
      }
      const quote = document.createElement("blockquote");
      quote.className = "styled-quote";
      // Quotes nest: the quoted lines are a body of their own.
      quote.append(...styledBody(quoted.join("\n")));
      block(quote);
      i = j - 1;
      continue;
    }
    plain.push(line);
  }
  flushPlain();
  return out;
}
