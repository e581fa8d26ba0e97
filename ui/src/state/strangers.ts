import { Emitter } from "./emitter";

/**
 * Tabs that people outside the roster may open without the user's doing:
 * while this many such tabs wait unread, further strangers wait in one
 * "and N more" entry instead (and no history is loaded for them).
 */
export const STRANGER_TABS = 20;

/** Strangers the entry names; beyond this only their number is kept. */
export const STRANGERS_LISTED = 1000;

export interface WaitingStranger {
  readonly peer: string;
  /** New incoming messages since they started waiting. */
  messages: number;
}

/**
 * People not in the roster whose messages arrived while `STRANGER_TABS`
 * of their tabs already waited unread. A flood from a thousand strangers
 * is a list here, not a thousand tabs and a thousand history reads.
 */
export class StrangerStore {
  private readonly byPeer = new Map<string, WaitingStranger>();
  /**
   * Messages from strangers beyond the `STRANGERS_LISTED` named ones: not
   * told apart (that would mean remembering them), only counted.
   */
  unnamedMessages = 0;
  /** The waiting list or its counts changed. */
  readonly changed = new Emitter<void>();

  /** Conversations that wait (the named ones). */
  get count(): number {
    return this.byPeer.size;
  }

  /** Nothing waits. */
  get empty(): boolean {
    return this.byPeer.size === 0 && this.unnamedMessages === 0;
  }

  /** The named ones, oldest first. */
  get listed(): readonly WaitingStranger[] {
    return [...this.byPeer.values()];
  }

  isWaiting(peer: string): boolean {
    return this.byPeer.has(peer);
  }

  /** `peer` sent `messages` more incoming messages. */
  add(peer: string, messages: number): void {
    const known = this.byPeer.get(peer);
    if (known) known.messages += messages;
    else if (this.byPeer.size < STRANGERS_LISTED) this.byPeer.set(peer, { peer, messages });
    else this.unnamedMessages += messages;
    this.changed.emit();
  }

  /** `peer` no longer waits (the user opened the conversation). */
  remove(peer: string): void {
    if (this.byPeer.delete(peer)) this.changed.emit();
  }

  clear(): void {
    if (this.empty) return;
    this.byPeer.clear();
    this.unnamedMessages = 0;
    this.changed.emit();
  }
}
