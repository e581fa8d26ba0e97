import type { Backend } from "./backend";
import { toIpcError } from "./backend";
import type { ChatMessage, ChatState, ConversationActivity, HistoryCursor, MessagesRead, MessageVersion, ReadElsewhere } from "./bindings";
import type { ConversationKind, ConversationStore } from "./state/conversations";
import type { RoomStore } from "./state/rooms";
import type { RosterStore } from "./state/roster";
import { STRANGER_TABS, type StrangerStore } from "./state/strangers";

export const HISTORY_PAGE_SIZE = 50;
/** Messages before a search result that are loaded with it. */
const AROUND_RESULT = 25;

/** Where a search result could not be opened. */
export type JumpOutcome = "shown" | "roomNotJoined" | "failed";
/** Archive pages read in a row when each held only messages stored already. */
const ARCHIVE_TRIES = 5;

/** Conversation actions that talk to the backend: history paging, sending, incoming events. */
export class ChatController {
  /**
   * Closing a room tab means leaving the room; the RoomController (which
   * needs this controller to open tabs) plugs itself in here.
   */
  leaveRoom: ((room: string) => Promise<unknown>) | null = null;

  /** The conversation the backend was last told the page shows. */
  private shown: string | null = null;
  /** Tabs that strangers opened and the user has not looked at yet. */
  private readonly unseenStrangers = new Set<string>();
  /** Tabs reading their next newer page. */
  private readonly loadingNewer = new Set<string>();

  constructor(
    private readonly backend: Backend,
    private readonly convs: ConversationStore,
    private readonly rooms: RoomStore,
    private readonly roster: RosterStore,
    private readonly strangers: StrangerStore,
  ) {
    convs.tabsChanged.on(() => this.onTabs());
  }

  /**
   * Whether a message from `peer`, who has no tab, may open one. Contacts
   * may; a stranger (not in the roster: also a private message through a
   * room) may while fewer than `STRANGER_TABS` stranger tabs wait unread.
   * Otherwise the stranger waits in the "and N more" entry with a count of
   * `incoming` messages, and no history is read for them.
   */
  private admits(peer: string, incoming: number): boolean {
    if (this.roster.items.has(peer)) return true;
    if (!this.strangers.isWaiting(peer) && this.unseenStrangers.size < STRANGER_TABS) {
      this.unseenStrangers.add(peer);
      return true;
    }
    this.strangers.add(peer, incoming);
    return false;
  }

  /**
   * The active tab changed: a tab that only got counts while hidden reads
   * its latest page again, and the backend learns which conversation to
   * send whole messages for.
   */
  private onTabs(): void {
    const active = this.convs.active;
    if (active !== null) this.unseenStrangers.delete(active);
    for (const peer of this.unseenStrangers) if (!this.convs.get(peer)) this.unseenStrangers.delete(peer);
    if (active === this.shown) return;
    this.shown = active;
    void this.backend.invoke("show_conversations", { peers: active === null ? [] : [active] }).catch(() => undefined);
    if (active !== null && this.convs.resetStale(active)) void this.loadOlder(active);
  }

  /**
   * Opens (or focuses) the tab for `peer`; a new tab loads its latest
   * history page. A stranger waiting in the "and N more" entry leaves it.
   */
  open(peer: string, focus = true, kind: ConversationKind = "chat"): void {
    this.strangers.remove(peer);
    const { created } = this.convs.open(peer, focus, kind);
    if (created) void this.loadOlder(peer);
  }

  /**
   * Opens the conversation of a search result at that message: its tab
   * holds the result and what follows it (no gap; far back, a window that
   * reads newer pages as it is scrolled down), and the list points it
   * out. Older pages load before it as usual.
   */
  async jumpTo(m: ChatMessage): Promise<JumpOutcome> {
    const room = m.kind === "groupchat";
    // A room's history opens in its tab, which only a room we are in has.
    if (room && !this.convs.get(m.peer) && !this.rooms.get(m.peer)?.joined) return "roomNotJoined";
    this.strangers.remove(m.peer);
    const { conv } = this.convs.open(m.peer, true, room ? "room" : "chat");
    if (!conv.byId.has(m.id)) {
      try {
        const page = await this.backend.invoke("history_through", {
          args: { peer: m.peer, at: { timestamp: m.timestamp, id: m.id }, before: AROUND_RESULT },
        });
        // Far back, the tab holds a window around it that reads on as it
        // is scrolled down.
        this.convs.replace(m.peer, page.messages, page.complete);
      } catch (e) {
        this.convs.setStatus(m.peer, { historyError: toIpcError(e) });
        return "failed";
      }
    }
    this.convs.reveal(m.peer, m.id);
    return "shown";
  }

  /** The message of `peer`'s conversation a reply names by `id`, if loaded. */
  replied(peer: string, id: string): ChatMessage | undefined {
    const conv = this.convs.get(peer);
    if (!conv) return undefined;
    for (let i = conv.messages.length - 1; i >= 0; i--) {
      const m = conv.messages[i]!;
      if (m.originId === id || m.stanzaId === id) return m;
    }
    return undefined;
  }

  /** Scrolls to the message a reply names, reading it from history if it is not loaded. */
  async showReplied(peer: string, id: string): Promise<JumpOutcome> {
    const loaded = this.replied(peer, id);
    if (loaded) return this.jumpTo(loaded);
    const found = await this.backend.invoke("reply_target", { args: { peer, id } }).catch(() => null);
    return found ? this.jumpTo(found) : "failed";
  }

  close(peer: string): void {
    if (this.convs.get(peer)?.kind === "room" && this.leaveRoom) void this.leaveRoom(peer);
    else this.convs.close(peer);
  }

  /**
   * Loads the page before the oldest loaded message (the latest page the
   * first time). Past the oldest stored message the server's archive is
   * asked (`fetch_older`) until it says there is nothing older: only then
   * is the tab complete ("start of history").
   */
  async loadOlder(peer: string): Promise<void> {
    const conv = this.convs.get(peer);
    if (!conv || conv.loading || conv.fetching || conv.complete) return;
    const oldest = conv.messages[0];
    const before: HistoryCursor | null =
      conv.historyStarted && oldest ? { timestamp: oldest.timestamp, id: oldest.id } : null;
    conv.historyStarted = true;
    this.convs.setStatus(peer, { loading: true, historyError: null });
    try {
      const page = await this.backend.invoke("history_page", {
        args: { peer, before, limit: HISTORY_PAGE_SIZE },
      });
      if (!conv.historyStarted) {
        // The tab was reset (it got only counts while hidden) while this
        // page was on its way: the page may be older than what the tab now
        // shows first. Read the latest page instead.
        this.convs.setStatus(peer, { loading: false });
        void this.loadOlder(peer);
        return;
      }
      this.convs.merge(peer, page.messages);
      this.convs.boundAfterOlder(peer);
      if (!page.complete) {
        this.convs.setStatus(peer, { loading: false });
        return;
      }
      this.convs.setStatus(peer, { loading: false, fetching: true });
      const complete = await this.fetchOlder(peer);
      this.convs.setStatus(peer, { fetching: false, complete: complete && conv.historyStarted });
    } catch (e) {
      this.convs.setStatus(peer, { loading: false, fetching: false, historyError: toIpcError(e) });
    }
  }

  /**
   * Nothing older is stored: reads the page before it from the server's
   * archive. A page may hold only messages stored already (they arrived
   * another way); the next one is asked then, a few times at most, so
   * the user does not scroll for nothing. Resolves whether the archive
   * has nothing older.
   */
  private async fetchOlder(peer: string): Promise<boolean> {
    for (let tries = 0; tries < ARCHIVE_TRIES; tries++) {
      const page = await this.backend.invoke("fetch_older", { args: { peer } });
      this.convs.merge(peer, page.messages);
      this.convs.boundAfterOlder(peer);
      if (page.complete || page.messages.length > 0) return page.complete;
    }
    return false;
  }

  /** Sends `body` to `peer` (a contact, an occupant or a room). Resolves false (and records the error on the tab) on failure. */
  async send(peer: string, body: string, replyTo?: number): Promise<boolean> {
    this.convs.setStatus(peer, { sendError: null });
    // Written out (no spread), so the compiler checks the names against the bindings.
    const answering = replyTo === undefined ? undefined : { id: replyTo };
    try {
      const message =
        this.convs.get(peer)?.kind === "room"
          ? await this.backend.invoke("send_room_message", { args: { room: peer, text: body, replyTo: answering } })
          : await this.backend.invoke("send_message", { args: { to: peer, body, replyTo: answering } });
      this.showLatest(peer);
      this.convs.merge(peer, [message]);
      return true;
    } catch (e) {
      this.convs.setStatus(peer, { sendError: toIpcError(e) });
      return false;
    }
  }

  /**
   * The tab shows its newest messages: when it had let go of them (a long
   * scroll back), its latest page is read again.
   */
  showLatest(peer: string): void {
    const conv = this.convs.get(peer);
    if (!conv || conv.latest) return;
    this.convs.toLatest(peer);
    void this.loadOlder(peer);
  }

  /**
   * Loads the page after the newest loaded message, for a tab that let go
   * of its newest messages and is scrolled back down.
   */
  async loadNewer(peer: string): Promise<void> {
    const conv = this.convs.get(peer);
    const newest = conv?.messages[conv.messages.length - 1];
    if (!conv || conv.latest || !newest || this.loadingNewer.has(peer)) return;
    this.loadingNewer.add(peer);
    try {
      const page = await this.backend.invoke("history_after", {
        args: { peer, after: { timestamp: newest.timestamp, id: newest.id }, limit: HISTORY_PAGE_SIZE },
      });
      // The tab may have been reset meanwhile (it reads its latest page).
      if (this.convs.get(peer) === conv && !conv.latest && conv.messages.at(-1)?.id === newest.id) {
        this.convs.appendNewer(peer, page.messages, page.complete);
      }
    } catch (e) {
      this.convs.setStatus(peer, { historyError: toIpcError(e) });
    } finally {
      this.loadingNewer.delete(peer);
    }
  }

  /** Our chat state in `peer`'s conversation (XEP-0085); the core sends it only where it is welcome. */
  setChatState(peer: string, state: ChatState): void {
    void this.backend.invoke("set_chat_state", { args: { peer, state } }).catch(() => undefined);
  }

  /** Corrects our message `id` in `peer`'s conversation to `body`; false (and the error on the tab) on failure. */
  async correct(peer: string, id: number, body: string): Promise<boolean> {
    return this.amend(peer, () => this.backend.invoke("correct_message", { args: { id, body } }));
  }

  /** Retracts our message `id` for everyone; false (and the error on the tab) on failure. */
  async retract(peer: string, id: number): Promise<boolean> {
    return this.amend(peer, () => this.backend.invoke("retract_message", { args: { id } }));
  }

  /** As a room moderator, removes message `id` of room `peer` for everyone; false (and the error on the tab) on failure. */
  async moderate(peer: string, id: number): Promise<boolean> {
    return this.amend(peer, () => this.backend.invoke("moderate_message", { args: { id, reason: null } }));
  }

  /** The texts message `id` had before its corrections (rejects when they cannot be read). */
  async versions(id: number): Promise<MessageVersion[]> {
    return this.backend.invoke("message_versions", { args: { id } });
  }

  /** Our whole set of reactions to message `id` becomes `emojis`; false (and the error on the tab) on failure. */
  async react(peer: string, id: number, emojis: string[]): Promise<boolean> {
    return this.amend(peer, () => this.backend.invoke("react", { args: { id, emojis } }));
  }

  /** The changed message comes back as `message-updated`. */
  private async amend(peer: string, call: () => Promise<unknown>): Promise<boolean> {
    this.convs.setStatus(peer, { sendError: null });
    try {
      await call();
      return true;
    } catch (e) {
      this.convs.setStatus(peer, { sendError: toIpcError(e) });
      return false;
    }
  }

  onMessagesAdded(batch: ChatMessage[]): void {
    const accepted = batch.filter((m) => {
      if (m.kind !== "groupchat" || this.convs.get(m.peer)) return true;
      // A room without a tab: open it if we are in the room; otherwise the
      // room is gone for us (its history still has the message).
      if (!this.rooms.get(m.peer)?.joined) return false;
      this.open(m.peer, false, "room");
      return true;
    });
    const opened = this.convs.receive(
      accepted,
      (m) => this.rooms.isMention(m),
      (peer, incoming) => this.admits(peer, incoming),
    );
    for (const peer of opened) void this.loadOlder(peer);
  }

  /** `conversation-activity`: new messages in conversations the page does not show. */
  onActivity(list: ConversationActivity[]): void {
    for (const a of list) {
      const room = a.kind === "groupchat";
      if (!this.convs.get(a.peer)) {
        // A new tab reads its latest page, new messages included.
        if (room ? !this.rooms.get(a.peer)?.joined : a.incoming === 0 || !this.admits(a.peer, a.incoming)) continue;
        this.open(a.peer, false, room ? "room" : "chat");
      } else {
        this.convs.markStale(a.peer);
        // Shown already (the backend learns that a moment later): read now.
        if (this.convs.active === a.peer && this.convs.resetStale(a.peer)) void this.loadOlder(a.peer);
      }
      this.convs.count(a.peer, a.incoming, a.mentions, a.latest?.timestamp);
    }
  }

  onMessageUpdated(message: ChatMessage): void {
    this.convs.update(message);
  }

  /** `messages-read`: the contact has seen these messages of ours. */
  onMessagesRead(read: MessagesRead): void {
    this.convs.markRead(read.peer, read.ids);
  }

  /** `read-elsewhere`: another device of ours showed the conversation up to then. */
  onReadElsewhere(read: ReadElsewhere): void {
    this.convs.readUntil(read.peer, read.untilMs);
  }
}
