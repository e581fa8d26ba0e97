import type { Backend } from "./backend";
import { documentAttention, type Attention } from "./notifications";
import type { ConversationStore } from "./state/conversations";

/**
 * The longest a seen message waits before the core is told (XEP-0333
 * displayed marker): a flood into the conversation being read is one call
 * per interval, not one per message.
 */
export const MARK_DISPLAYED_MS = 1_000;

/**
 * Tells the core when the user has actually seen a 1:1 conversation's new
 * messages: the window is focused and that conversation is the one shown.
 * The core decides whether a marker goes out (to contacts only, once per
 * message); rooms are not marked.
 */
export class DisplayedMarker {
  /** Conversations with incoming messages the core was not told about. */
  private readonly unseen = new Set<string>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly disposers: Array<() => void> = [];

  constructor(
    private readonly backend: Backend,
    private readonly convs: ConversationStore,
    private readonly attention: Attention = documentAttention,
    /** Where focus changes are heard (none in unit tests that call `focused`). */
    target: Pick<Window, "addEventListener" | "removeEventListener"> | null = typeof window === "undefined" ? null : window,
  ) {
    this.disposers.push(
      convs.messagesChanged.on(({ peer, added }) => {
        if (added.some((m) => m.direction === "in")) {
          this.unseen.add(peer);
          this.consider();
        }
      }),
      convs.tabsChanged.on(() => this.consider()),
    );
    if (target) {
      const onFocus = () => this.focused();
      target.addEventListener("focus", onFocus);
      document.addEventListener("visibilitychange", onFocus);
      this.disposers.push(() => {
        target.removeEventListener("focus", onFocus);
        document.removeEventListener("visibilitychange", onFocus);
      });
    }
  }

  /** The window got the focus (or became visible). */
  focused(): void {
    this.consider();
  }

  /** The shown conversation has unseen messages and the user is looking: tell the core soon. */
  private consider(): void {
    const peer = this.convs.active;
    if (peer === null || !this.unseen.has(peer) || !this.markable(peer)) return;
    if (!this.attention.windowFocused() || this.timer !== undefined) return;
    this.timer = setTimeout(() => this.fire(), MARK_DISPLAYED_MS);
  }

  private fire(): void {
    this.timer = undefined;
    const peer = this.convs.active;
    // Looked away meanwhile: the next focus or visit decides.
    if (peer === null || !this.unseen.has(peer) || !this.attention.windowFocused()) return;
    this.unseen.delete(peer);
    void this.backend.invoke("mark_displayed", { peer }).catch(() => undefined);
  }

  /** A 1:1 conversation: not a room, not a private chat through a room ("room/nick"). */
  private markable(peer: string): boolean {
    return this.convs.get(peer)?.kind === "chat" && !peer.includes("/");
  }

  /** Logout: nothing is unseen any more. */
  clear(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.unseen.clear();
  }

  dispose(): void {
    this.clear();
    for (const fn of this.disposers) fn();
    this.disposers.length = 0;
  }
}
