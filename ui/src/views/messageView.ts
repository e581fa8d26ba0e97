import { createSignal } from "solid-js";
import type { ChatMessage } from "../bindings";
import type { ChatController } from "../chat";
import { Disposer, el } from "../dom";
import { problemNodes } from "../errors";
import { getLang, onLangChange, t } from "../i18n";
import type { ConversationStore, MessagesChange } from "../state/conversations";
import type { RoomStore } from "../state/rooms";
import type { MessageActions } from "./messageActions";
import { mountMessage, type MessageRow } from "./messageItem";
import type { View } from "./view";
import { createVirtualList } from "./virtualList";

/** Distance from an edge (px) that still counts as "at" it. */
const EDGE = 40;
/** Height of a message before it is measured (one line of text). */
export const MESSAGE_ESTIMATE = 44;
/** Height of the history status row before it is measured. */
const STATUS_ESTIMATE = 28;
/** Key of the history status row, first in the list (messages are keyed by id). */
const STATUS_KEY = "status";
/** How long a message found by search stays pointed out (ms). */
const REVEAL_MS = 2_000;

export interface MessageViewContext {
  readonly convs: ConversationStore;
  readonly rooms: Pick<RoomStore, "isMention">;
  readonly chat: Pick<ChatController, "loadOlder" | "loadNewer" | "showLatest">;
}

export interface MessageView extends View {
  /** The view was put back into the document. */
  attached(): void;
  /** The view is about to be taken out of the document. */
  detaching(): void;
  scrollToEnd(): void;
}

/**
 * The scrollable message list of one conversation, virtualised: only the
 * messages in (and around) the viewport have elements, so a conversation
 * of 100,000 loaded messages costs the DOM a screenful. The first row is
 * the history status ("loading", "from the server", "start of history"). It
 * loads older pages when scrolled to the top (the messages in view stay in
 * place) and sticks to the bottom when the user is there.
 */
export function createMessageView(ctx: MessageViewContext, peer: string, actions?: MessageActions): MessageView {
  const disposer = new Disposer();
  const scroller = el("div", { class: "message-scroller", "data-testid": "message-list", tabindex: 0 });
  const list = el("ol", { class: "message-list", role: "log" });
  const status = el("li", { class: "history-status", role: "status" });
  /** The mounted messages, by id (only those in the window). */
  const items = new Map<number, MessageRow>();
  // The rows' labels and dates follow this; one language listener for the
  // whole list (below), not one per row.
  const [lang, setLang] = createSignal(getLang());
  let stick = true;
  let savedTop = 0;
  let attached = false;
  /** Messages changed while the view was not shown: redraw on showing. */
  let stale = false;

  const conv = () => ctx.convs.get(peer);
  const messages = (): ChatMessage[] => conv()?.messages ?? [];
  const rowContext = { isMention: (m: ChatMessage) => ctx.rooms.isMention(m), actions, lang };

  /** The row index of message `id` (after the status row), or -1. */
  function indexOf(id: number): number {
    const list = messages();
    const m = conv()?.byId.get(id);
    if (!m) return -1;
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const x = list[mid]!;
      if (x.timestamp - m.timestamp || x.id - m.id) {
        if (x.timestamp < m.timestamp || (x.timestamp === m.timestamp && x.id < m.id)) lo = mid + 1;
        else hi = mid;
      } else return mid + 1;
    }
    return -1;
  }

  const rows = createVirtualList({
    scroller,
    items: list,
    anchor: { indexOf: (key) => indexOf(Number(key)), fixedRows: 1 },
    count: () => messages().length + 1,
    key: (i) => (i === 0 ? STATUS_KEY : (messages()[i - 1]?.id ?? `gone-${i}`)),
    estimate: (i) => (i === 0 ? STATUS_ESTIMATE : MESSAGE_ESTIMATE),
    row: (i) => {
      if (i === 0) return status;
      const m = messages()[i - 1]!;
      let item = items.get(m.id);
      if (!item) {
        item = mountMessage(m, rowContext);
        items.set(m.id, item);
      }
      return item.el;
    },
    // Out of the window: its computations go with it (mounted again if it comes back).
    released: (row) => {
      const id = Number(row.dataset.id);
      const item = items.get(id);
      if (item?.el !== row) return;
      item.dispose();
      items.delete(id);
    },
  });
  disposer.add(() => {
    rows.dispose();
    // Rows the list no longer held (a message let go while hidden) go too.
    for (const item of items.values()) item.dispose();
    items.clear();
  });

  // "Newest messages": shown while the newest are out of view (scrolled up,
  // or let go of after a long scroll back); one click reads them again if
  // need be and goes there. It sits at the bottom of the view without
  // taking room in the list (a sticky bar of no height after the rows).
  const jump = el("button", { type: "button", class: "jump-latest", "data-testid": "jump-latest", hidden: true });
  const setJumpLabel = (): void => {
    jump.textContent = t("message.jumpLatest");
  };
  setJumpLabel();
  scroller.append(el("div", { class: "jump-latest-bar" }, jump));
  jump.addEventListener("click", () => {
    scrollToEnd();
    scroller.focus();
  });

  const atBottom = (): boolean => scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < EDGE;
  /** The newest messages are loaded (a long scroll back lets them go). */
  const latest = (): boolean => conv()?.latest ?? true;
  const scrollToEnd = (): void => {
    stick = true;
    // Its newest messages were let go: read them again, then stick to them.
    ctx.chat.showLatest(peer);
    rows.scrollToEnd();
  };

  function onMessages(change: MessagesChange): void {
    if (change.peer !== peer) return;
    // Emptied to read the latest page again: where the user was is gone, the
    // latest page is read into view from its end.
    if (change.emptied) stick = true;
    // Not shown (a background tab during a flood): no DOM work now, one
    // redraw when it is shown.
    if (!attached) {
      stale = true;
      return;
    }
    // A changed message updates its row in place (if it is in the window at all).
    for (const m of change.updated) items.get(m.id)?.update(m);
    rows.update();
    if (stick) rows.scrollToEnd();
    // Stuck to the newest: at the bottom without asking the layout.
    showJump(stick || atBottom());
  }

  function renderStatus(): void {
    const c = conv();
    const key = !c
      ? "messages.more"
      : c.loading
        ? "messages.loading"
        : c.fetching
          ? "messages.fetching"
          : c.historyError
            ? "messages.loadError"
            : c.complete
              ? "messages.start"
              : "messages.more";
    const error = c?.historyError;
    // Why loading failed, in the user's language, after the sentence.
    status.replaceChildren(t(key), ...(key === "messages.loadError" && error ? [" ", ...problemNodes(error)] : []));
    status.dataset.status = key.slice("messages.".length);
  }

  function onStatus(changed: string): void {
    if (changed !== peer) return;
    renderStatus();
    fillViewport();
  }

  /** A message to point out (a search result): scrolled to the middle, marked a moment. */
  function reveal(): void {
    const c = conv();
    const id = c?.reveal ?? null;
    if (!attached || !c || id === null) return;
    c.reveal = null;
    const index = indexOf(id);
    if (index < 0) return;
    stick = false;
    rows.scrollToIndex(index, "center");
    const item = items.get(id)?.el;
    if (!item) return;
    item.classList.add("revealed");
    item.tabIndex = -1;
    item.focus({ preventScroll: true });
    setTimeout(() => item.classList.remove("revealed"), REVEAL_MS);
  }

  /** A short history shows no scrollbar, so nobody can scroll up: load more now. */
  function fillViewport(): void {
    const c = conv();
    if (attached && c && !c.loading && !c.fetching && !c.complete && !c.historyError && scroller.clientHeight > 0 && scroller.scrollHeight <= scroller.clientHeight) {
      void ctx.chat.loadOlder(peer);
    }
  }

  /** The jump button shows while the newest messages are not in view. */
  const showJump = (bottom: boolean): void => {
    const away = !latest() || !bottom;
    if (jump.hidden === away) jump.hidden = !away;
  };

  scroller.addEventListener("scroll", () => {
    const bottom = atBottom();
    stick = bottom && latest();
    showJump(bottom);
    if (scroller.scrollTop < EDGE) void ctx.chat.loadOlder(peer);
    else if (bottom && !latest()) void ctx.chat.loadNewer(peer);
  });

  disposer.add(ctx.convs.messagesChanged.on(onMessages));
  disposer.add(ctx.convs.statusChanged.on(onStatus));
  disposer.add(ctx.convs.revealed.on((p) => {
    if (p === peer) reveal();
  }));
  disposer.add(onLangChange(() => {
    renderStatus();
    setJumpLabel();
    setLang(getLang());
  }));
  renderStatus();

  return {
    el: scroller,
    dispose: () => disposer.dispose(),
    attached: () => {
      attached = true;
      if (stale) {
        stale = false;
        // Messages may have changed meanwhile: the rows still mounted take
        // their message as it is now; those whose message was let go end.
        const c = conv();
        for (const [id, item] of items) {
          const m = c?.byId.get(id);
          if (m) item.update(m);
          else {
            item.dispose();
            items.delete(id);
          }
        }
        renderStatus();
      }
      rows.refresh();
      if (stick) scrollToEnd();
      else scroller.scrollTop = savedTop;
      reveal();
      fillViewport();
    },
    detaching: () => {
      attached = false;
      savedTop = scroller.scrollTop;
    },
    scrollToEnd,
  };
}
