import { toIpcError } from "../backend";
import type { ChatMessage } from "../bindings";
import type { ChatController, JumpOutcome } from "../chat";
import { Disposer, el, setHidden, setText } from "../dom";
import { problemNodes } from "../errors";
import { getLang, onLangChange, t, tattr, tx } from "../i18n";
import { peerLabel, type PeerNames } from "../peers";
import { toDate } from "../time";
import type { Calls, View } from "./view";

export type SearchContext = PeerNames & {
  readonly backend: Calls<"search_messages" | "history_through">;
  readonly chat: Pick<ChatController, "jumpTo">;
};

/** Results asked for at once (newest first). */
export const SEARCH_LIMIT = 100;
/** Typing pauses this long (ms) before the search runs. */
const TYPING_PAUSE = 150;
/** Characters of a long message shown around the first match. */
const CONTEXT_CHARS = 160;

export interface SearchPanel extends View {
  /** Opens the panel (in the shown conversation when `here`) and focuses the box. */
  open(here: boolean): void;
  close(): void;
}

/** Words of `query` as the body is searched for them (case aside). */
function terms(query: string): string[] {
  return query.split(/\s+/).filter((w) => w !== "").map((w) => w.toLocaleLowerCase());
}

/**
 * The body as text nodes with each occurrence of a term in `<mark>`: no
 * markup from the message is ever parsed. A long body is cut around the
 * first match, so the result shows why it was found.
 */
export function highlighted(body: string, words: string[]): Node[] {
  const lower = body.toLocaleLowerCase();
  // Case folding can change lengths (rare); then the body is shown unmarked.
  const folds = lower.length === body.length;
  const first = folds ? Math.min(...words.map((w) => lower.indexOf(w)).filter((i) => i >= 0)) : Infinity;
  let start = 0;
  let end = body.length;
  if (body.length > CONTEXT_CHARS) {
    start = Number.isFinite(first) ? Math.max(0, first - CONTEXT_CHARS / 4) : 0;
    end = Math.min(body.length, start + CONTEXT_CHARS);
  }
  const nodes: Node[] = [];
  if (start > 0) nodes.push(document.createTextNode("…"));
  let at = start;
  while (folds && at < end) {
    let next = -1;
    let length = 0;
    for (const w of words) {
      const i = lower.indexOf(w, at);
      if (i >= 0 && i < end && (next < 0 || i < next || (i === next && w.length > length))) {
        next = i;
        length = w.length;
      }
    }
    if (next < 0) break;
    if (next > at) nodes.push(document.createTextNode(body.slice(at, next)));
    nodes.push(el("mark", {}, body.slice(next, Math.min(end, next + length))));
    at = next + length;
  }
  if (at < end) nodes.push(document.createTextNode(body.slice(at, end)));
  if (end < body.length) nodes.push(document.createTextNode("…"));
  return nodes;
}

/**
 * Search over the stored messages, in the shown conversation or in all of
 * them (Ctrl+F, Ctrl+Shift+F): results newest first, each with its
 * conversation, time and the text around the match; choosing one opens its
 * conversation at that message. Over the conversation area, so the roster
 * and the tabs stay where they are.
 */
export function createSearchPanel(ctx: SearchContext, shown: () => string | null): SearchPanel {
  const disposer = new Disposer();
  const input = el("input", { type: "search", class: "search-input", "data-testid": "search-input", autocomplete: "off", spellcheck: "false", ...tattr("aria-label", "search.label"), ...tattr("placeholder", "search.placeholder") });
  const scope = el("select", { "data-testid": "search-scope", ...tattr("aria-label", "search.scope") });
  const scopeAll = tx("option", "search.scopeAll", { value: "all" });
  const scopeHere = tx("option", "search.scopeHere", { value: "here" });
  scope.append(scopeAll, scopeHere);
  const summary = el("p", { class: "search-summary", role: "status", "data-testid": "search-summary" });
  const results = el("ol", { class: "search-results", "data-testid": "search-results" });
  const close = tx("button", "search.close", { type: "button", class: "search-close", "data-testid": "search-close", onclick: () => panel.close() });
  const root = el(
    "section",
    { class: "search-panel", "data-testid": "search-panel", role: "search", hidden: true, ...tattr("aria-label", "search.label") },
    el("div", { class: "search-bar" }, input, scope, close),
    summary,
    results,
  );

  /** The conversation searched in, when the scope is "here". */
  let here: string | null = null;
  let found: ChatMessage[] = [];
  let state: "idle" | "searching" | "done" | "error" = "idle";
  let error: unknown = null;
  let note: JumpOutcome | null = null;
  /** Only the answer to the latest search is shown. */
  let asked = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;

  function renderSummary(): void {
    const words = terms(input.value);
    if (note === "roomNotJoined") {
      setText(summary, t("search.roomNotJoined"));
    } else if (state === "error") {
      summary.replaceChildren(t("search.failed"), " ", ...problemNodes(toIpcError(error)));
    } else if (words.length === 0 || state === "idle") {
      setText(summary, "");
    } else if (state === "searching") {
      setText(summary, t("search.searching"));
    } else if (found.length === 0) {
      setText(summary, t("search.none"));
    } else {
      setText(summary, t(found.length >= SEARCH_LIMIT ? "search.newest" : "search.count", { count: found.length }));
    }
  }

  function renderResults(): void {
    const words = terms(input.value);
    const lang = getLang();
    results.replaceChildren(
      ...found.map((m) => {
        const date = toDate(m.timestamp);
        const who = m.kind === "groupchat" ? (m.direction === "out" ? t("search.you") : (m.sender ?? "")) : m.direction === "out" ? t("search.you") : "";
        const item = el(
          "li",
          {},
          el(
            "button",
            { type: "button", class: "search-result", "data-testid": "search-result", "data-id": m.id, "data-peer": m.peer, onclick: () => void jump(m) },
            el(
              "span",
              { class: "search-result-head" },
              el("span", { class: "search-result-peer" }, peerLabel(ctx, m.peer)),
              who === "" ? null : el("span", { class: "search-result-sender" }, who),
              el("time", { datetime: date.toISOString() }, date.toLocaleString(lang, { dateStyle: "medium", timeStyle: "short" })),
            ),
            el("span", { class: "search-result-body", "data-testid": "search-result-body" }, ...highlighted(m.body, words)),
          ),
        );
        return item;
      }),
    );
  }

  async function run(): Promise<void> {
    const query = input.value.trim();
    const ticket = ++asked;
    note = null;
    if (query === "") {
      found = [];
      state = "idle";
      renderSummary();
      renderResults();
      return;
    }
    state = "searching";
    renderSummary();
    try {
      const hits = await ctx.backend.invoke("search_messages", { args: { query, peer: scope.value === "here" ? here : null, limit: SEARCH_LIMIT } });
      if (ticket !== asked) return;
      found = hits;
      state = "done";
    } catch (e) {
      if (ticket !== asked) return;
      found = [];
      state = "error";
      error = e;
    }
    renderSummary();
    renderResults();
  }

  function schedule(): void {
    clearTimeout(timer);
    timer = setTimeout(() => void run(), TYPING_PAUSE);
  }

  async function jump(m: ChatMessage): Promise<void> {
    note = null;
    const outcome = await ctx.chat.jumpTo(m);
    if (outcome === "roomNotJoined") {
      note = outcome;
      renderSummary();
    }
  }

  input.addEventListener("input", schedule);
  scope.addEventListener("change", () => void run());
  root.addEventListener("keydown", (e) => {
    if (e.key === "Escape") {
      e.preventDefault();
      panel.close();
    } else if (e.key === "Enter" && e.target === input) {
      e.preventDefault();
      clearTimeout(timer);
      void run();
    }
  });
  disposer.add(() => clearTimeout(timer));
  disposer.add(onLangChange(() => {
    renderSummary();
    renderResults();
  }));

  const panel: SearchPanel = {
    el: root,
    dispose: () => disposer.dispose(),
    open: (inHere) => {
      here = shown();
      scopeHere.disabled = here === null;
      const wanted = inHere && here !== null ? "here" : "all";
      const changed = scope.value !== wanted;
      scope.value = wanted;
      setHidden(root, false);
      input.focus();
      input.select();
      if (changed && input.value.trim() !== "") void run();
    },
    close: () => {
      setHidden(root, true);
    },
  };
  return panel;
}
