import type { App } from "../app";
import type { ChatMessage } from "../bindings";
import { el, setText, type Disposer } from "../dom";
import { onLangChange, t } from "../i18n";
import type { MessagesChange } from "../state/conversations";
import { relabelMessage, renderMessage } from "./messageItem";

/** Distance from an edge (px) that still counts as "at" it. */
const EDGE = 40;

export interface MessageView {
  readonly root: HTMLOListElement;
  /** The view was put back into the document. */
  attached(): void;
  /** The view is about to be taken out of the document. */
  detaching(): void;
  scrollToEnd(): void;
}

/**
 * The scrollable message list of one conversation. It keeps one element per
 * message id, loads older pages when scrolled to the top (keeping the visible
 * messages in place) and sticks to the bottom when the user is there.
 */
export function createMessageView(app: App, peer: string, disposer: Disposer): MessageView {
  const list = el("ol", { class: "message-list", "data-testid": "message-list", role: "log", tabindex: 0 });
  const status = el("li", { class: "history-status", role: "status" });
  list.append(status);
  const items = new Map<number, HTMLLIElement>();
  let stick = true;
  let savedTop = 0;
  let attached = false;
  /** Messages changed while the view was not shown: rebuild on showing. */
  let stale = false;

  const conv = () => app.convs.get(peer);
  const render = (m: ChatMessage): HTMLLIElement => renderMessage(m, app.rooms.isMention(m));
  const atBottom = (): boolean => list.scrollHeight - list.scrollTop - list.clientHeight < EDGE;
  const scrollToEnd = (): void => {
    stick = true;
    list.scrollTop = list.scrollHeight;
  };

  /**
   * Puts the message elements in conversation order (moves only what is out
   * of place) and drops the elements of messages the conversation no longer
   * keeps (a background tab keeps only its latest messages).
   */
  function sync(): void {
    const keep = new Set((conv()?.messages ?? []).map((m) => m.id));
    for (const [id, item] of items) {
      if (!keep.has(id)) {
        item.remove();
        items.delete(id);
      }
    }
    let cursor = status.nextSibling;
    for (const m of conv()?.messages ?? []) {
      let item = items.get(m.id);
      if (!item) {
        item = render(m);
        items.set(m.id, item);
      }
      if (item === cursor) cursor = cursor.nextSibling;
      else list.insertBefore(item, cursor);
    }
  }

  function onMessages(change: MessagesChange): void {
    if (change.peer !== peer) return;
    // Not shown (a background tab during a flood): no DOM work now, one
    // rebuild when it is shown.
    if (!attached) {
      stale = true;
      return;
    }
    const firstBefore = status.nextSibling;
    const prevHeight = list.scrollHeight;
    const prevTop = list.scrollTop;
    for (const m of change.updated) {
      const old = items.get(m.id);
      if (!old) continue;
      const fresh = render(m);
      old.replaceWith(fresh);
      items.set(m.id, fresh);
    }
    sync();
    if (!attached) return;
    if (stick) scrollToEnd();
    else if (firstBefore !== null && status.nextSibling !== firstBefore) {
      // older messages were prepended: keep what the user was reading in place
      list.scrollTop = prevTop + (list.scrollHeight - prevHeight);
    }
  }

  function renderStatus(): void {
    const c = conv();
    const key = !c
      ? "messages.more"
      : c.loading
        ? "messages.loading"
        : c.historyError
          ? "messages.loadError"
          : c.complete
            ? "messages.start"
            : "messages.more";
    setText(status, t(key));
    status.dataset.status = key.slice("messages.".length);
  }

  function onStatus(changed: string): void {
    if (changed !== peer) return;
    renderStatus();
    fillViewport();
  }

  /** A short history shows no scrollbar, so nobody can scroll up: load more now. */
  function fillViewport(): void {
    const c = conv();
    if (attached && c && !c.loading && !c.complete && !c.historyError && list.clientHeight > 0 && list.scrollHeight <= list.clientHeight) {
      void app.chat.loadOlder(peer);
    }
  }

  list.addEventListener("scroll", () => {
    stick = atBottom();
    if (list.scrollTop < EDGE) void app.chat.loadOlder(peer);
  });

  disposer.add(app.convs.messagesChanged.on(onMessages));
  disposer.add(app.convs.statusChanged.on(onStatus));
  disposer.add(onLangChange(() => {
    renderStatus();
    for (const m of conv()?.messages ?? []) {
      const item = items.get(m.id);
      if (item) relabelMessage(item, m);
    }
  }));
  sync();
  renderStatus();

  return {
    root: list,
    attached: () => {
      attached = true;
      if (stale) {
        stale = false;
        for (const [id, item] of items) {
          const m = conv()?.byId.get(id);
          if (m) {
            const fresh = render(m);
            item.replaceWith(fresh);
            items.set(id, fresh);
          }
        }
        sync();
        renderStatus();
      }
      if (stick) scrollToEnd();
      else list.scrollTop = savedTop;
      fillViewport();
    },
    detaching: () => {
      attached = false;
      savedTop = list.scrollTop;
    },
    scrollToEnd,
  };
}
