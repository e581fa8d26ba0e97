import type { ChatController } from "../chat";
import { Disposer, el, setHidden, setText } from "../dom";
import { onLangChange, t, tattr, tx } from "../i18n";
import { peerLabel } from "../peers";
import type { ConversationStore } from "../state/conversations";
import type { RosterStore } from "../state/roster";
import { createConversationPanel, type ConversationContext, type ConversationPanel } from "./conversation";
import { createRoomPanel, type RoomPanelContext } from "./roomPanel";
import { createStrangersView, type StrangersContext } from "./strangers";
import { typingText } from "./typingLine";
import { adopt, viewOf, type View } from "./view";
import { warmUpConversations } from "./warmUp";

export type TabsContext = ConversationContext & RoomPanelContext & StrangersContext & {
  readonly convs: ConversationStore;
  readonly roster: RosterStore;
  readonly chat: Pick<ChatController, "open" | "send" | "close" | "loadOlder">;
};

interface Tab {
  readonly el: HTMLDivElement;
  readonly title: HTMLSpanElement;
  readonly unread: HTMLSpanElement;
  readonly mention: HTMLSpanElement;
  readonly typing: HTMLSpanElement;
  /** Made when the tab is first shown (`panelOf`), then kept. */
  panel: ConversationPanel | null;
  readonly makePanel: () => ConversationPanel;
}

let seq = 0;

/**
 * Unread badges are redrawn at most this often. Each redraw costs a frame of
 * the whole window, and during a flood into a background tab the counts
 * change with every batch the backend sends (ten times a second).
 */
export const badgePacing = { intervalMs: 250 };

/** When the conversation code is warmed up after the tabs appear (`warmUp.ts`); below 0, never. */
export const warmUpPolicy = { delayMs: 1_000 };

/**
 * Tab strip plus the active conversation. A tab's panel is made when the
 * tab is first shown (twenty autojoined rooms cost the page nothing until
 * looked at); from then on it stays alive while hidden (draft and scroll
 * position are kept), but only the active one is in the document.
 */
export function createTabsView(ctx: TabsContext): View {
  const disposer = new Disposer();
  const strip = el("div", { class: "tab-strip", role: "tablist", ...tattr("aria-label", "tabs.label") });
  const placeholder = tx("p", "tabs.none", { class: "no-conversation" });
  const panelBox = el("div", { class: "panel-box" }, placeholder);
  const tabs = new Map<string, Tab>();
  let shown: string | null = null;

  function createTab(peer: string): Tab {
    const n = ++seq;
    const tabId = `tab-${n}`;
    const room = ctx.convs.get(peer)?.kind === "room";
    const makePanel = (): ConversationPanel =>
      room ? createRoomPanel(ctx, peer, `tabpanel-${n}`, tabId) : createConversationPanel(ctx, peer, `tabpanel-${n}`, tabId);
    const title = el("span", { class: "tab-title" });
    const unread = el("span", { class: "tab-unread", "data-testid": "tab-unread", hidden: true });
    const mention = el("span", { class: "tab-mention", "data-testid": "tab-mention", role: "img", hidden: true }, "@");
    const typing = el("span", { class: "tab-typing", "data-testid": "tab-typing", role: "img", hidden: true }, "✎");
    const marker = room
      ? el("span", { class: "tab-room", "data-testid": "tab-room", role: "img", ...tattr("aria-label", "room.marker"), ...tattr("title", "room.marker") }, "#")
      : null;
    const close = el(
      "button",
      { type: "button", class: "tab-close", "data-testid": "tab-close", tabindex: -1, ...tattr("aria-label", "tabs.close"), ...tattr("title", "tabs.close") },
      "×",
    );
    const tab = el(
      "div",
      { class: room ? "tab room" : "tab", role: "tab", id: tabId, "aria-controls": `tabpanel-${n}`, "data-testid": "tab", "data-jid": peer, "data-kind": room ? "room" : "chat" },
      marker,
      title,
      typing,
      mention,
      unread,
      close,
    );
    tab.addEventListener("click", () => ctx.convs.activate(peer));
    tab.addEventListener("mousedown", (e) => {
      if (e.button === 1) e.preventDefault(); // no autoscroll on middle-click
    });
    tab.addEventListener("auxclick", (e) => {
      if (e.button === 1) {
        e.preventDefault();
        ctx.chat.close(peer);
      }
    });
    tab.addEventListener("keydown", (e) => {
      if (e.key === "ArrowRight" || e.key === "ArrowLeft") {
        e.preventDefault();
        ctx.convs.cycle(e.key === "ArrowRight" ? 1 : -1);
        strip.querySelector<HTMLElement>('[aria-selected="true"]')?.focus();
      } else if (e.key === "Delete") {
        ctx.chat.close(peer);
      }
    });
    close.addEventListener("click", (e) => {
      e.stopPropagation();
      ctx.chat.close(peer);
    });
    return { el: tab, title, unread, mention, typing, panel: null, makePanel };
  }

  function renderTab(peer: string, tab: Tab): void {
    const conv = ctx.convs.get(peer);
    const active = ctx.convs.active === peer;
    setText(tab.title, peerLabel(ctx, peer));
    tab.el.title = peer;
    tab.el.setAttribute("aria-selected", String(active));
    tab.el.tabIndex = active || (ctx.convs.active === null && ctx.convs.tabs[0]?.peer === peer) ? 0 : -1;
    tab.el.classList.toggle("active", active);
    const count = active ? 0 : (conv?.unread ?? 0);
    setText(tab.unread, count > 0 ? String(count) : "");
    tab.unread.setAttribute("aria-label", t("tabs.unread", { count }));
    setHidden(tab.unread, count === 0);
    const mentions = active ? 0 : (conv?.mentions ?? 0);
    tab.mention.setAttribute("aria-label", t("room.mentions", { count: mentions }));
    tab.mention.title = tab.mention.getAttribute("aria-label") ?? "";
    setHidden(tab.mention, mentions === 0);
    const typers = ctx.typing.typers(peer);
    const saying = typers.length > 0 ? typingText(ctx, peer, typers) : t("typing.tab");
    tab.typing.setAttribute("aria-label", saying);
    tab.typing.title = saying;
    setHidden(tab.typing, typers.length === 0);
    tab.el.classList.toggle("mentioned", mentions > 0);
  }

  /** Tabs whose badges wait for the next redraw. */
  const dirty = new Set<string>();
  let badgeTimer: ReturnType<typeof setTimeout> | undefined;
  let lastBadges = Number.NEGATIVE_INFINITY;

  function redrawBadges(): void {
    badgeTimer = undefined;
    lastBadges = performance.now();
    for (const peer of dirty) {
      const tab = tabs.get(peer);
      if (tab) renderTab(peer, tab);
    }
    dirty.clear();
  }

  /** The first change after a quiet spell shows at once; later ones are paced. */
  function onUnread(peers: string[]): void {
    for (const peer of peers) dirty.add(peer);
    if (badgeTimer !== undefined) return;
    const wait = lastBadges + badgePacing.intervalMs - performance.now();
    if (wait <= 0) redrawBadges();
    else badgeTimer = setTimeout(redrawBadges, wait);
  }

  function sync(): void {
    dirty.clear();
    const open = new Set(ctx.convs.tabs.map((c) => c.peer));
    for (const [peer, tab] of tabs) {
      if (open.has(peer)) continue;
      tab.el.remove();
      tab.panel?.dispose();
      tabs.delete(peer);
      if (shown === peer) {
        shown = null;
        panelBox.replaceChildren(placeholder);
      }
    }
    let cursor = strip.firstChild;
    for (const conv of ctx.convs.tabs) {
      let tab = tabs.get(conv.peer);
      if (!tab) {
        tab = createTab(conv.peer);
        tabs.set(conv.peer, tab);
      }
      renderTab(conv.peer, tab);
      if (tab.el === cursor) cursor = cursor.nextSibling;
      else strip.insertBefore(tab.el, cursor);
    }
    showActive();
  }

  function showActive(): void {
    const active = ctx.convs.active;
    if (active === shown) return;
    if (shown !== null) tabs.get(shown)?.panel?.view.detaching();
    shown = active;
    const tab = active === null ? undefined : tabs.get(active);
    const panel = tab ? (tab.panel ??= tab.makePanel()) : null;
    panelBox.replaceChildren(panel ? panel.el : placeholder);
    panel?.view.attached();
  }

  function relabel(): void {
    for (const [peer, tab] of tabs) renderTab(peer, tab);
  }

  disposer.add(ctx.convs.tabsChanged.on(sync));
  disposer.add(ctx.convs.unreadChanged.on(onUnread));
  disposer.add(ctx.typing.changed.on((peer) => {
    const tab = tabs.get(peer);
    if (tab) renderTab(peer, tab);
  }));
  disposer.add(() => clearTimeout(badgeTimer));
  disposer.add(ctx.roster.itemsChanged.on(relabel));
  disposer.add(onLangChange(relabel));
  disposer.add(() => {
    for (const tab of tabs.values()) tab.panel?.dispose();
  });
  // Once idle after login, unless a conversation is open already (its
  // opening paid the first run), the conversation code runs out of sight.
  if (warmUpPolicy.delayMs >= 0) {
    let stopWarmUp = (): void => undefined;
    const warmTimer = setTimeout(() => {
      if (tabs.size === 0) stopWarmUp = warmUpConversations(ctx, panelBox);
    }, warmUpPolicy.delayMs);
    disposer.add(() => {
      clearTimeout(warmTimer);
      stopWarmUp();
    });
  }
  sync();

  const strangers = adopt(disposer, createStrangersView(ctx));
  return viewOf(el("section", { class: "conversations" }, el("div", { class: "tab-bar" }, strip, strangers.el), panelBox), disposer);
}
