import type { Backend } from "./backend";
import type { ChatMessage, ConversationActivity } from "./bindings";
import { t } from "./i18n";
import type { ConversationStore } from "./state/conversations";
import type { RosterStore } from "./state/roster";
import type { RoomStore } from "./state/rooms";

/** Messages older than this when they arrive (offline storage, room
 * history on join) are history, not news: no notification. */
const FRESH_MS = 2 * 60_000;

/**
 * After a notification, further messages of the same conversation within
 * this window are summed up in one notification at its end: a burst of
 * messages is one notification, not one per second.
 */
export const NOTIFY_WINDOW_MS = 5_000;

interface Held {
  last: ChatMessage;
  count: number;
  timer: ReturnType<typeof setTimeout>;
}

/** Where the user's attention is: the window and its active tab. */
export interface Attention {
  windowFocused(): boolean;
}

export const documentAttention: Attention = {
  windowFocused: () => !document.hidden && document.hasFocus(),
};

/**
 * Desktop notifications for new incoming 1:1 messages and for mentions of
 * our nick in rooms, unless the user is already looking at that
 * conversation. One notification per conversation per batch, and at most
 * one per conversation per `NOTIFY_WINDOW_MS`.
 */
export class Notifier {
  private readonly lastShown = new Map<string, number>();
  private readonly held = new Map<string, Held>();

  constructor(
    private readonly backend: Backend,
    private readonly convs: ConversationStore,
    private readonly roster: RosterStore,
    private readonly rooms: RoomStore,
    private readonly attention: Attention = documentAttention,
    private readonly now: () => number = Date.now,
  ) {}

  onMessagesAdded(batch: ChatMessage[]): void {
    const byPeer = new Map<string, ChatMessage[]>();
    for (const m of batch) {
      if (!this.worthNotifying(m)) continue;
      const list = byPeer.get(m.peer) ?? [];
      list.push(m);
      byPeer.set(m.peer, list);
    }
    for (const [peer, list] of byPeer) {
      const last = list[list.length - 1];
      if (last) this.offer(peer, last, list.length);
    }
  }

  /** Activity in conversations the page does not show: the backend counted mentions. */
  onActivity(list: ConversationActivity[]): void {
    for (const a of list) {
      const room = a.kind === "groupchat";
      const last = room ? a.latestMention : a.latest;
      const count = room ? a.mentions : a.incoming;
      if (last && count > 0 && this.isNews(last)) this.offer(a.peer, last, count);
    }
  }

  /** Shows now, or holds until the conversation's window is over. */
  private offer(peer: string, last: ChatMessage, count: number): void {
    const held = this.held.get(peer);
    if (held) {
      held.last = last;
      held.count += count;
      return;
    }
    const since = this.now() - (this.lastShown.get(peer) ?? Number.NEGATIVE_INFINITY);
    if (since >= NOTIFY_WINDOW_MS) {
      this.show(peer, last, count);
    } else {
      const timer = setTimeout(() => this.release(peer), NOTIFY_WINDOW_MS - since);
      this.held.set(peer, { last, count, timer });
    }
  }

  /** Drops notifications still waiting (logout). */
  clear(): void {
    for (const held of this.held.values()) clearTimeout(held.timer);
    this.held.clear();
    this.lastShown.clear();
  }

  private release(peer: string): void {
    const held = this.held.get(peer);
    this.held.delete(peer);
    // The user may have opened the conversation meanwhile.
    if (!held || (this.attention.windowFocused() && this.convs.active === peer)) return;
    this.show(peer, held.last, held.count);
  }

  private show(peer: string, last: ChatMessage, count: number): void {
    this.lastShown.set(peer, this.now());
    const slash = peer.indexOf("/");
    const title = last.kind === "groupchat"
      ? `${last.sender ?? ""} · ${this.roomTitle(peer)}`
      : slash > 0
        // A private message through a room: "nick (room)".
        ? t("room.privateTitle", { nick: peer.slice(slash + 1), room: peer.slice(0, slash) })
        : this.roster.name(peer);
    const body = count > 1 ? `${last.body} (+${count - 1})` : last.body;
    void this.backend.invoke("notify", { args: { title, body } }).catch(() => undefined);
  }

  private roomTitle(room: string): string {
    return room.split("@")[0] ?? room;
  }

  /** Incoming, recent, and not in the conversation the user is looking at. */
  private isNews(m: ChatMessage): boolean {
    if (m.direction !== "in" || m.kind === "headline") return false;
    if (this.now() - m.timestamp > FRESH_MS) return false;
    return !(this.attention.windowFocused() && this.convs.active === m.peer);
  }

  private worthNotifying(m: ChatMessage): boolean {
    if (!this.isNews(m)) return false;
    if (m.kind === "groupchat") {
      return this.rooms.get(m.peer) !== undefined && m.mentionsMe;
    }
    return true;
  }
}
