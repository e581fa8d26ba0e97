import type { ChatController } from "../chat";
import { Disposer, el, setHidden, setText } from "../dom";
import { onLangChange, t } from "../i18n";
import type { StrangerStore } from "../state/strangers";
import { viewOf, type View } from "./view";

/** Waiting strangers the opened list names; the rest are counted under it. */
export const STRANGERS_SHOWN = 50;

export interface StrangersContext {
  readonly strangers: StrangerStore;
  readonly chat: Pick<ChatController, "open">;
}

/**
 * The one entry at the end of the tab strip for people not in the roster
 * whose messages arrived while enough of their tabs already waited: "and
 * N more conversations from people not in your contacts". Clicking it
 * lists them (the first `STRANGERS_SHOWN`, then how many more); picking
 * one opens that conversation and reads its history.
 */
export function createStrangersView(ctx: StrangersContext): View {
  const disposer = new Disposer();
  const toggle = el("button", { type: "button", class: "strangers-toggle", "data-testid": "strangers-more", "aria-expanded": "false" });
  const list = el("ul", { class: "strangers-list", "data-testid": "strangers-list", hidden: true });
  const root = el("div", { class: "strangers", "data-testid": "strangers", hidden: true }, toggle, list);

  function row(peer: string, messages: number): HTMLLIElement {
    const open = el(
      "button",
      { type: "button", class: "stranger", "data-testid": "stranger", "data-jid": peer },
      el("span", { class: "stranger-jid" }, peer),
      el("span", { class: "stranger-count" }, t("strangers.messages", { count: messages })),
    );
    open.addEventListener("click", () => {
      setOpen(false);
      ctx.chat.open(peer, true);
    });
    return el("li", null, open);
  }

  function renderList(): void {
    if (list.hidden) return;
    const listed = ctx.strangers.listed;
    const rows: HTMLLIElement[] = listed.slice(0, STRANGERS_SHOWN).map((s) => row(s.peer, s.messages));
    const unlisted = listed.length - STRANGERS_SHOWN;
    if (unlisted > 0) rows.push(el("li", { class: "strangers-more-line", "data-testid": "strangers-unlisted" }, t("strangers.unlisted", { count: unlisted })));
    if (ctx.strangers.unnamedMessages > 0) {
      rows.push(el("li", { class: "strangers-more-line", "data-testid": "strangers-unnamed" }, t("strangers.unnamed", { count: ctx.strangers.unnamedMessages })));
    }
    list.replaceChildren(...rows);
  }

  function setOpen(open: boolean): void {
    setHidden(list, !open);
    toggle.setAttribute("aria-expanded", String(open));
    if (open) renderList();
    else list.replaceChildren();
  }

  function render(): void {
    setHidden(root, ctx.strangers.empty);
    setText(toggle, t("strangers.more", { count: ctx.strangers.count }));
    if (ctx.strangers.empty) setOpen(false);
    else renderList();
  }

  toggle.addEventListener("click", () => setOpen(list.hidden));
  root.addEventListener("keydown", (e) => {
    if (e.key === "Escape" && !list.hidden) {
      setOpen(false);
      toggle.focus();
    }
  });
  disposer.add(ctx.strangers.changed.on(render));
  disposer.add(onLangChange(render));
  render();
  return viewOf(root, disposer);
}
