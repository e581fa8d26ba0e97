import type { ChatStateChanged } from "../bindings";
import { Emitter } from "./emitter";

/**
 * A "typing" that is not followed by anything is forgotten after this long
 * (a client that went away without saying so must not type forever).
 */
export const TYPING_EXPIRES_MS = 30_000;
/** Typers remembered per conversation (a room can have many). */
const MAX_TYPERS = 50;

/**
 * Who is typing in each conversation (XEP-0085): a contact (`""`), or
 * room occupants by nick. Only "composing" counts; any other state, a
 * message from them, or silence for `TYPING_EXPIRES_MS` ends it.
 */
export class TypingStore {
  private readonly byPeer = new Map<string, Map<string, ReturnType<typeof setTimeout>>>();
  /** The typers of a conversation changed (its peer). */
  readonly changed = new Emitter<string>();

  set(c: ChatStateChanged): void {
    const who = c.nick ?? "";
    if (c.state !== "composing") return this.stop(c.peer, who);
    let typers = this.byPeer.get(c.peer);
    if (!typers) this.byPeer.set(c.peer, (typers = new Map()));
    const had = typers.get(who);
    if (had !== undefined) clearTimeout(had);
    else if (typers.size >= MAX_TYPERS) return;
    typers.set(who, setTimeout(() => this.stop(c.peer, who), TYPING_EXPIRES_MS));
    if (had === undefined) this.changed.emit(c.peer);
  }

  /** `who` (a nick, or `""` for a contact) in `peer`'s conversation is not typing. */
  stop(peer: string, who: string): void {
    const typers = this.byPeer.get(peer);
    const timer = typers?.get(who);
    if (!typers || timer === undefined) return;
    clearTimeout(timer);
    typers.delete(who);
    if (typers.size === 0) this.byPeer.delete(peer);
    this.changed.emit(peer);
  }

  /** Who types in `peer`'s conversation, in the order they started. */
  typers(peer: string): string[] {
    return [...(this.byPeer.get(peer)?.keys() ?? [])];
  }

  clear(): void {
    const peers = [...this.byPeer.keys()];
    for (const typers of this.byPeer.values()) for (const timer of typers.values()) clearTimeout(timer);
    this.byPeer.clear();
    for (const peer of peers) this.changed.emit(peer);
  }
}
