import type { ChatMessage, IpcError } from "../bindings";
import { Emitter } from "./emitter";

/** A 1:1 chat (also a private chat with a room occupant, peer "room/nick") or a group chat. */
export type ConversationKind = "chat" | "room";

export interface Conversation {
  readonly peer: string;
  readonly kind: ConversationKind;
  /** Loaded messages, oldest first (by timestamp, then id). */
  messages: ChatMessage[];
  byId: Map<number, ChatMessage>;
  unread: number;
  /** Unread messages that name our nick (rooms only). */
  mentions: number;
  /**
   * When the unread messages arrived, in groups (oldest first), so that a
   * conversation read on another device up to a time is no longer unread
   * here for what came up to then. Only the newest time of a group is
   * kept: a group read in part stays unread.
   */
  unreadSince: UnreadGroup[];
  historyStarted: boolean;
  /**
   * The loaded messages reach the newest one. False once a long scroll
   * back let go of the newest (the tab keeps at most `MAX_LOADED`): new
   * messages are then not added here but read from history when the user
   * scrolls down again.
   */
  latest: boolean;
  /**
   * Messages arrived while the tab was not shown (the backend sent only
   * counts): what it keeps is out of date and is read again when shown.
   */
  stale: boolean;
  loading: boolean;
  /** Nothing older is stored: the server's archive is being asked. */
  fetching: boolean;
  /** Nothing older, neither stored nor in the server's archive. */
  complete: boolean;
  historyError: IpcError | null;
  sendError: IpcError | null;
  /** A message to bring into view and point out when the list is shown (a search result). */
  reveal: number | null;
}

export interface UnreadGroup {
  /** The newest of these messages (ms since the epoch). */
  newest: number;
  count: number;
  mentions: number;
}

/**
 * Groups of unread messages a conversation tracks at most; beyond this the
 * two oldest are merged (which only keeps them unread a little longer).
 */
const UNREAD_GROUPS = 64;

export interface MessagesChange {
  peer: string;
  added: ChatMessage[];
  updated: ChatMessage[];
  /** Everything was let go, to read the latest page again. */
  emptied?: boolean;
}

/**
 * Messages a tab that is not shown keeps in memory. A flood into a
 * background tab must not grow the web view without bound; older messages
 * are paged back in from history when the user scrolls up.
 */
export const BACKGROUND_KEEP = 200;

/**
 * Messages any tab holds at most: scrolling far back lets go of the newest
 * ones (read again on the way down), so the web view's memory stays
 * bounded however long the history (a virtual list keeps only a
 * screenful of them in the DOM).
 */
export const MAX_LOADED = 2_000;

function compare(a: ChatMessage, b: ChatMessage): number {
  return a.timestamp - b.timestamp || a.id - b.id;
}

/** Open conversation tabs, their loaded messages and unread counts. */
export class ConversationStore {
  readonly tabs: Conversation[] = [];
  active: string | null = null;
  /** Tabs opened/closed/activated or unread counts changed. */
  readonly tabsChanged = new Emitter<void>();
  /**
   * Only the unread or mention counts of these tabs changed. Kept apart from
   * `tabsChanged` because a flood changes them ten times a second and the
   * view redraws badges at its own pace.
   */
  readonly unreadChanged = new Emitter<string[]>();
  readonly messagesChanged = new Emitter<MessagesChange>();
  /** Loading / complete / error flags of a conversation changed. */
  readonly statusChanged = new Emitter<string>();
  /** A conversation has a message to point out (`reveal`). */
  readonly revealed = new Emitter<string>();
  /** Updates for ids not loaded yet (an update can overtake the send_message result). */
  private pendingUpdates = new Map<number, ChatMessage>();

  get(peer: string): Conversation | undefined {
    return this.tabs.find((c) => c.peer === peer);
  }

  open(peer: string, focus: boolean, kind: ConversationKind = "chat"): { conv: Conversation; created: boolean } {
    let conv = this.get(peer);
    const created = !conv;
    if (!conv) {
      conv = {
        peer, kind, messages: [], byId: new Map(), unread: 0, mentions: 0, unreadSince: [], historyStarted: false, latest: true, stale: false,
        loading: false, fetching: false, complete: false, historyError: null, sendError: null, reveal: null,
      };
      this.tabs.push(conv);
    }
    if (focus) this.activate(peer);
    else if (created) this.tabsChanged.emit();
    return { conv, created };
  }

  activate(peer: string): void {
    const conv = this.get(peer);
    if (!conv) return;
    this.active = peer;
    conv.unread = 0;
    conv.mentions = 0;
    conv.unreadSince = [];
    this.tabsChanged.emit();
  }

  close(peer: string): void {
    const index = this.tabs.findIndex((c) => c.peer === peer);
    if (index < 0) return;
    this.tabs.splice(index, 1);
    if (this.active === peer) {
      const next = this.tabs[index] ?? this.tabs[index - 1];
      this.active = null;
      if (next) {
        this.activate(next.peer);
        return;
      }
    }
    this.tabsChanged.emit();
  }

  /** Activates the tab `delta` places away from the active one (wrapping). */
  cycle(delta: number): void {
    if (this.tabs.length === 0) return;
    const index = this.tabs.findIndex((c) => c.peer === this.active);
    const next = (index + delta + this.tabs.length) % this.tabs.length;
    const conv = this.tabs[index < 0 ? 0 : next];
    if (conv) this.activate(conv.peer);
  }

  /** Adds messages to an open conversation, ignoring ids already present. Returns the new ones. */
  merge(peer: string, messages: ChatMessage[]): ChatMessage[] {
    const conv = this.get(peer);
    if (!conv) return [];
    // Newer than what the tab holds, which no longer reaches the newest:
    // taking them would leave a gap; scrolling down reads them.
    if (!conv.latest) {
      const newest = conv.messages[conv.messages.length - 1];
      messages = newest ? messages.filter((m) => compare(m, newest) <= 0) : [];
    }
    const added: ChatMessage[] = [];
    for (const original of messages) {
      if (conv.byId.has(original.id)) continue;
      const m = this.pendingUpdates.get(original.id) ?? original;
      this.pendingUpdates.delete(original.id);
      conv.byId.set(m.id, m);
      added.push(m);
    }
    if (added.length === 0) return added;
    const last = conv.messages[conv.messages.length - 1];
    conv.messages.push(...added);
    const inOrder = (!last || compare(last, added[0]!) <= 0) && added.every((m, i) => i === 0 || compare(added[i - 1]!, m) <= 0);
    if (!inOrder) conv.messages.sort(compare);
    if (this.active !== peer) this.trim(conv);
    this.messagesChanged.emit({ peer, added, updated: [] });
    return added;
  }

  /**
   * Replaces what a tab holds with `messages`, a stretch around a search
   * result that reaches the newest message (`latest`) or not (then newer
   * pages are read as it is scrolled down): older pages load before it as
   * usual.
   */
  replace(peer: string, messages: ChatMessage[], latest = true): void {
    const conv = this.get(peer);
    if (!conv) return;
    conv.messages = [...messages].sort(compare);
    conv.byId = new Map(conv.messages.map((m) => [m.id, m]));
    conv.historyStarted = true;
    conv.latest = latest;
    conv.complete = false;
    conv.stale = false;
    this.messagesChanged.emit({ peer, added: conv.messages, updated: [] });
    this.statusChanged.emit(peer);
  }

  /** Asks the tab's list to bring message `id` into view and point it out. */
  reveal(peer: string, id: number): void {
    const conv = this.get(peer);
    if (!conv?.byId.has(id)) return;
    conv.reveal = id;
    this.revealed.emit(peer);
  }

  /**
   * An older page came in: beyond `MAX_LOADED`, the newest messages are let
   * go (they are far below the view, which is at the top).
   */
  boundAfterOlder(peer: string): void {
    const conv = this.get(peer);
    const excess = (conv?.messages.length ?? 0) - MAX_LOADED;
    if (!conv || excess <= 0) return;
    for (const m of conv.messages.splice(conv.messages.length - excess)) conv.byId.delete(m.id);
    conv.latest = false;
    this.messagesChanged.emit({ peer, added: [], updated: [] });
  }

  /**
   * A newer page came in (`reachesLatest`: it ends with the newest
   * message): beyond `MAX_LOADED`, the oldest messages are let go.
   */
  appendNewer(peer: string, messages: ChatMessage[], reachesLatest: boolean): void {
    const conv = this.get(peer);
    if (!conv) return;
    const wasLatest = conv.latest;
    conv.latest = true; // lets merge take them
    this.merge(peer, messages);
    conv.latest = wasLatest || reachesLatest;
    const excess = conv.messages.length - MAX_LOADED;
    if (excess > 0) {
      for (const m of conv.messages.splice(0, excess)) conv.byId.delete(m.id);
      conv.complete = false;
      this.messagesChanged.emit({ peer, added: [], updated: [] });
      this.statusChanged.emit(peer);
    }
  }

  /**
   * Forgets what the tab holds so that its latest page is read again (it
   * no longer reached the newest message, and the user wants it).
   */
  toLatest(peer: string): void {
    const conv = this.get(peer);
    if (!conv || conv.latest) return;
    this.forget(conv);
  }

  private forget(conv: Conversation): void {
    conv.messages = [];
    conv.byId.clear();
    conv.historyStarted = false;
    conv.latest = true;
    conv.complete = false;
    this.messagesChanged.emit({ peer: conv.peer, added: [], updated: [], emptied: true });
  }

  private trim(conv: Conversation): void {
    const excess = conv.messages.length - BACKGROUND_KEEP;
    if (excess <= 0) return;
    for (const m of conv.messages.splice(0, excess)) conv.byId.delete(m.id);
    // What was dropped is still in history: paging older fetches it again.
    conv.complete = false;
    conv.historyStarted = true;
  }

  /**
   * A `messages-added` batch: appends to open tabs, counts unread incoming
   * messages on inactive tabs and opens (unfocused) tabs for new incoming peers.
   * Returns the peers whose tab was opened by this batch. `isMention` picks
   * the unread messages that also count as mentions of us; `mayOpen` says
   * whether a peer without a tab gets one for its `incoming` messages
   * (otherwise its messages are left to history).
   */
  receive(
    batch: ChatMessage[],
    isMention: (m: ChatMessage) => boolean = () => false,
    mayOpen: (peer: string, incoming: number) => boolean = () => true,
  ): string[] {
    const byPeer = new Map<string, ChatMessage[]>();
    for (const m of batch) {
      const list = byPeer.get(m.peer) ?? [];
      list.push(m);
      byPeer.set(m.peer, list);
    }
    const opened: string[] = [];
    const counted: string[] = [];
    for (const [peer, messages] of byPeer) {
      if (!this.get(peer)) {
        const incoming = messages.filter((m) => m.direction === "in").length;
        if (incoming === 0 || !mayOpen(peer, incoming)) continue;
        this.open(peer, false);
        opened.push(peer);
      }
      const added = this.merge(peer, messages);
      const incoming = added.filter((m) => m.direction === "in");
      const conv = this.get(peer);
      if (conv && incoming.length > 0 && this.active !== peer) {
        for (const m of incoming) this.addUnread(conv, m.timestamp, 1, isMention(m) ? 1 : 0);
        counted.push(peer);
      }
    }
    if (counted.length > 0) this.unreadChanged.emit(counted);
    return opened;
  }

  /**
   * Counts new incoming messages (and mentions of us) on a tab that is not
   * active; `newest` is when the newest of them was sent (unknown: they
   * stay unread until the tab is shown).
   */
  count(peer: string, incoming: number, mentions: number, newest = Number.POSITIVE_INFINITY): void {
    const conv = this.get(peer);
    if (!conv || incoming === 0 || this.active === peer) return;
    this.addUnread(conv, newest, incoming, mentions);
    this.unreadChanged.emit([peer]);
  }

  private addUnread(conv: Conversation, newest: number, count: number, mentions: number): void {
    conv.unread += count;
    conv.mentions += mentions;
    conv.unreadSince.push({ newest, count, mentions });
    if (conv.unreadSince.length > UNREAD_GROUPS) {
      const [a, b] = conv.unreadSince.splice(0, 2) as [UnreadGroup, UnreadGroup];
      conv.unreadSince.unshift({ newest: Math.max(a.newest, b.newest), count: a.count + b.count, mentions: a.mentions + b.mentions });
    }
  }

  /**
   * The user read the conversation with `peer` on another device, up to
   * messages sent at `untilMs`: those no longer count as unread here.
   */
  readUntil(peer: string, untilMs: number): void {
    const conv = this.get(peer);
    if (!conv || conv.unread === 0) return;
    const still = conv.unreadSince.filter((g) => g.newest > untilMs);
    conv.unreadSince = still;
    conv.unread = still.reduce((n, g) => n + g.count, 0);
    conv.mentions = still.reduce((n, g) => n + g.mentions, 0);
    this.unreadChanged.emit([peer]);
  }

  /** `messages-read`: our messages with these ids were seen by the contact. */
  markRead(peer: string, ids: number[]): void {
    const conv = this.get(peer);
    if (!conv) return;
    const updated: ChatMessage[] = [];
    for (const id of ids) {
      const m = conv.byId.get(id);
      if (!m || m.state === "read") continue;
      const read: ChatMessage = { ...m, state: "read" };
      conv.byId.set(id, read);
      updated.push(read);
    }
    if (updated.length === 0) return;
    const changed = new Set(updated.map((m) => m.id));
    conv.messages = conv.messages.map((m) => (changed.has(m.id) ? conv.byId.get(m.id)! : m));
    this.messagesChanged.emit({ peer, added: [], updated });
  }

  markStale(peer: string): void {
    const conv = this.get(peer);
    if (conv) conv.stale = true;
  }

  /**
   * Forgets the messages a stale tab keeps, so that its latest page is read
   * from history again. False when the tab was not stale.
   */
  resetStale(peer: string): boolean {
    const conv = this.get(peer);
    if (!conv?.stale) return false;
    conv.stale = false;
    this.forget(conv);
    return true;
  }

  /** `message-updated`: replaces the message with that id. */
  update(message: ChatMessage): void {
    const conv = this.get(message.peer);
    if (!conv) return;
    if (!conv.byId.has(message.id)) {
      this.pendingUpdates.set(message.id, message);
      if (this.pendingUpdates.size > 200) {
        const first = this.pendingUpdates.keys().next();
        if (!first.done) this.pendingUpdates.delete(first.value);
      }
      return;
    }
    const before = conv.byId.get(message.id);
    conv.byId.set(message.id, message);
    const index = conv.messages.findIndex((m) => m.id === message.id);
    if (index >= 0) conv.messages[index] = message;
    // The server's archive can re-date a message (its order, not the one it
    // arrived in): it moves to its place.
    if (before && before.timestamp !== message.timestamp) conv.messages.sort(compare);
    this.messagesChanged.emit({ peer: message.peer, added: [], updated: [message] });
  }

  setStatus(peer: string, patch: Partial<Pick<Conversation, "loading" | "fetching" | "complete" | "historyError" | "sendError">>): void {
    const conv = this.get(peer);
    if (!conv) return;
    Object.assign(conv, patch);
    this.statusChanged.emit(peer);
  }

  clear(): void {
    this.pendingUpdates.clear();
    this.tabs.length = 0;
    this.active = null;
    this.tabsChanged.emit();
  }
}
