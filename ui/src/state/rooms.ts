import type { ChatMessage, Occupant, OccupantsChanged, Problem, RoomSnapshot } from "../bindings";
import { Emitter } from "./emitter";

/** One group chat (XEP-0045) as the UI knows it. */
export interface Room {
  readonly room: string;
  /** Our nickname in the room. */
  nick: string;
  subject: string | null;
  /** By nickname. */
  readonly occupants: Map<string, Occupant>;
  /** We are in the room (false after being kicked, banned, refused, …). */
  joined: boolean;
  /** Why we are no longer in the room; the tab keeps showing it. */
  left: Problem | null;
  /**
   * Something the room refused while we stay in it (room-problem, e.g. a
   * nickname that is taken). Shown in the tab until dismissed or the next action.
   */
  problem: Problem | null;
  /** Its moderators can remove messages (XEP-0425). */
  moderation: boolean;
}

/** Occupants of `room` changed: `reset` = everything (join, rejoin, left). */
export interface OccupantChange {
  room: string;
  reset: boolean;
  present: string[];
  gone: string[];
}

/** The rooms we are in (or were thrown out of while their tab is still open). */
export class RoomStore {
  private readonly rooms = new Map<string, Room>();
  /** Nick, subject or joined/left state of a room changed (also: removed). */
  readonly changed = new Emitter<string>();
  readonly occupantsChanged = new Emitter<OccupantChange>();

  get(room: string): Room | undefined {
    return this.rooms.get(room);
  }

  has(room: string): boolean {
    return this.rooms.has(room);
  }

  /**
   * `join_room` result or `room-joined` (also after a rejoin, and when our
   * nickname changed): replaces the room's state.
   */
  joined(s: RoomSnapshot): void {
    const occupants = new Map(s.occupants.map((o) => [o.nick, o]));
    this.rooms.set(s.room, { room: s.room, nick: s.nick, subject: s.subject, occupants, joined: true, left: null, problem: null, moderation: s.moderation });
    this.changed.emit(s.room);
    this.occupantsChanged.emit({ room: s.room, reset: true, present: [], gone: [] });
  }

  /** Thrown out (or refused): keep the room for its tab, without occupants. */
  left(room: string, reason: Problem): void {
    const r = this.rooms.get(room);
    if (!r) return;
    r.joined = false;
    r.left = reason;
    r.problem = null;
    r.occupants.clear();
    this.changed.emit(room);
    this.occupantsChanged.emit({ room, reset: true, present: [], gone: [] });
  }

  remove(room: string): void {
    if (this.rooms.delete(room)) this.changed.emit(room);
  }

  setSubject(room: string, subject: string): void {
    const r = this.rooms.get(room);
    if (!r) return;
    r.subject = subject === "" ? null : subject;
    this.changed.emit(room);
  }

  /** room-problem (or null: dismissed, or a new action started). */
  setProblem(room: string, problem: Problem | null): void {
    const r = this.rooms.get(room);
    if (!r || (r.problem === null && problem === null)) return;
    r.problem = problem;
    this.changed.emit(room);
  }

  /** `occupants-changed`: a present occupant replaces the one with that nick. */
  applyOccupants(list: OccupantsChanged[]): void {
    for (const change of list) {
      const r = this.rooms.get(change.room);
      if (!r || !r.joined) continue;
      for (const nick of change.gone) r.occupants.delete(nick);
      for (const o of change.present) r.occupants.set(o.nick, o);
      this.occupantsChanged.emit({ room: r.room, reset: false, present: change.present.map((o) => o.nick), gone: change.gone });
    }
  }

  /** A groupchat message from someone else that names our nick (the core
   * decides, with the one mention rule, and marks the message). */
  /** We are a moderator of `room` and it lets moderators remove messages. */
  mayModerate(room: string): boolean {
    const r = this.rooms.get(room);
    return !!r && r.joined && r.moderation && r.occupants.get(r.nick)?.role === "moderator";
  }

  isMention(m: ChatMessage): boolean {
    return m.mentionsMe;
  }

  clear(): void {
    const rooms = [...this.rooms.keys()];
    this.rooms.clear();
    for (const room of rooms) this.changed.emit(room);
  }
}
