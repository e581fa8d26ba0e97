import type { Backend } from "./backend";
import { toIpcError } from "./backend";
import type { IpcError, OccupantsChanged, RoomLeft, RoomProblem, RoomSnapshot, RoomSubject } from "./bindings";
import type { ChatController } from "./chat";
import type { ConversationStore } from "./state/conversations";
import type { RoomStore } from "./state/rooms";

/**
 * Group chat actions that talk to the backend, and the room events. Every
 * action resolves to the backend's refusal (null = done), which the view
 * that asked shows as text.
 */
export class RoomController {
  constructor(
    private readonly backend: Backend,
    private readonly convs: ConversationStore,
    private readonly rooms: RoomStore,
    private readonly chat: ChatController,
  ) {
    chat.leaveRoom = (room) => this.leave(room);
  }

  async join(room: string, nick: string, password: string | null): Promise<IpcError | null> {
    try {
      this.onJoined(await this.backend.invoke("join_room", { args: { room, nick, password } }), true);
      return null;
    } catch (e) {
      return toIpcError(e);
    }
  }

  /** "Join again" after being thrown out: same nick, no password (the join dialog takes one). */
  rejoin(room: string): Promise<IpcError | null> {
    const nick = this.rooms.get(room)?.nick ?? "";
    return this.join(room, nick, null);
  }

  /** Leaves the room (if we are still in it) and closes its tab. */
  async leave(room: string): Promise<IpcError | null> {
    if (this.rooms.get(room)?.joined) {
      try {
        await this.backend.invoke("leave_room", { room });
      } catch (e) {
        return toIpcError(e);
      }
    }
    this.rooms.remove(room);
    this.convs.close(room);
    return null;
  }

  async setSubject(room: string, text: string): Promise<IpcError | null> {
    try {
      // The room announces the new subject (room-subject) when it takes it.
      await this.backend.invoke("set_room_subject", { args: { room, text } });
      return null;
    } catch (e) {
      return toIpcError(e);
    }
  }

  async changeNick(room: string, text: string): Promise<IpcError | null> {
    try {
      // The room confirms with room-joined (our new nick) or refuses with room-problem.
      await this.backend.invoke("change_room_nick", { args: { room, text } });
      return null;
    } catch (e) {
      return toIpcError(e);
    }
  }

  /** Start, reload or back online: tabs for the rooms the backend is in. */
  async restore(): Promise<void> {
    try {
      for (const snapshot of await this.backend.invoke("rooms", {})) this.onJoined(snapshot, false);
    } catch {
      // not connected yet: the next online state asks again
    }
  }

  onJoined(snapshot: RoomSnapshot, focus = false): void {
    this.rooms.joined(snapshot);
    this.chat.open(snapshot.room, focus, "room");
  }

  onLeft(event: RoomLeft): void {
    if (event.reason === null) {
      // We left (leave_room): nothing to explain, the tab goes.
      this.rooms.remove(event.room);
      this.convs.close(event.room);
    } else {
      this.rooms.left(event.room, event.reason);
    }
  }

  onOccupants(list: OccupantsChanged[]): void {
    this.rooms.applyOccupants(list);
  }

  onSubject(event: RoomSubject): void {
    this.rooms.setSubject(event.room, event.subject);
  }

  onProblem(event: RoomProblem): void {
    this.rooms.setProblem(event.room, event.problem);
  }
}
