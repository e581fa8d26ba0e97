import type { Backend } from "./backend";
import { toIpcError } from "./backend";
import type { ChatMessage, HistoryCursor } from "./bindings";
import type { ConversationStore } from "./state/conversations";

export const HISTORY_PAGE_SIZE = 50;

/** Conversation actions that talk to the backend: history paging, sending, incoming events. */
export class ChatController {
  constructor(
    private readonly backend: Backend,
    private readonly convs: ConversationStore,
  ) {}

  /** Opens (or focuses) the tab for `peer`; a new tab loads its latest history page. */
  open(peer: string, focus = true): void {
    const { created } = this.convs.open(peer, focus);
    if (created) void this.loadOlder(peer);
  }

  close(peer: string): void {
    this.convs.close(peer);
  }

  /** Loads the page before the oldest loaded message (the latest page the first time). */
  async loadOlder(peer: string): Promise<void> {
    const conv = this.convs.get(peer);
    if (!conv || conv.loading || conv.complete) return;
    const oldest = conv.messages[0];
    const before: HistoryCursor | null =
      conv.historyStarted && oldest ? { timestamp: oldest.timestamp, id: oldest.id } : null;
    conv.historyStarted = true;
    this.convs.setStatus(peer, { loading: true, historyError: null });
    try {
      const page = await this.backend.invoke("history_page", {
        args: { peer, before, limit: HISTORY_PAGE_SIZE },
      });
      this.convs.merge(peer, page.messages);
      this.convs.setStatus(peer, { loading: false, complete: page.complete });
    } catch (e) {
      this.convs.setStatus(peer, { loading: false, historyError: toIpcError(e) });
    }
  }

  /** Sends `body` to `peer`. Resolves false (and records the error on the tab) on failure. */
  async send(peer: string, body: string): Promise<boolean> {
    this.convs.setStatus(peer, { sendError: null });
    try {
      const message = await this.backend.invoke("send_message", { args: { to: peer, body } });
      this.convs.merge(peer, [message]);
      return true;
    } catch (e) {
      this.convs.setStatus(peer, { sendError: toIpcError(e) });
      return false;
    }
  }

  onMessagesAdded(batch: ChatMessage[]): void {
    for (const peer of this.convs.receive(batch)) void this.loadOlder(peer);
  }

  onMessageUpdated(message: ChatMessage): void {
    this.convs.update(message);
  }
}
