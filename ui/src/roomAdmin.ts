import type { Backend } from "./backend";
import { toIpcError } from "./backend";
import type { AffiliationEntry, Affiliation, DataForm, FormValue, Invitation, InviteArgs, IpcError, Moderation, RoomPage } from "./bindings";
import type { RoomController } from "./rooms";
import { Emitter } from "./state/emitter";
import type { InvitationStore } from "./state/invitations";

/** A command's answer, or its refusal. */
export type Outcome<T> = { ok: true; value: T } | { ok: false; error: IpcError };

async function outcome<T>(p: Promise<T>): Promise<Outcome<T>> {
  try {
    return { ok: true, value: await p };
  } catch (e) {
    return { ok: false, error: toIpcError(e) };
  }
}

async function refusal(p: Promise<unknown>): Promise<IpcError | null> {
  const r = await outcome(p);
  return r.ok ? null : r.error;
}

/**
 * Room administration, the room directory and invitations. Like the other
 * controllers, actions resolve to the refusal (null = done) or an Outcome.
 */
export class RoomAdminController {
  /** A room's settings panel should open (a room created "to configure"). */
  readonly settingsRequested = new Emitter<string>();
  private pendingSettings = new Set<string>();
  /** Invitations the backend already forgot (a refused accept). */
  private answered = new Set<string>();

  constructor(
    private readonly backend: Backend,
    private readonly invitations: InvitationStore,
    private readonly rooms: RoomController,
  ) {}

  moderate(request: Moderation): Promise<IpcError | null> {
    return refusal(this.backend.invoke("moderate", { request }));
  }

  affiliations(room: string, affiliation: Affiliation): Promise<Outcome<AffiliationEntry[]>> {
    return outcome(this.backend.invoke("affiliation_list", { args: { room, affiliation } }));
  }

  config(room: string): Promise<Outcome<DataForm>> {
    return outcome(this.backend.invoke("room_config", { room }));
  }

  configure(room: string, values: FormValue[]): Promise<IpcError | null> {
    return refusal(this.backend.invoke("configure_room", { args: { room, values } }));
  }

  /** The room then throws everybody out (room-left with the reason). */
  destroy(room: string, reason: string | null): Promise<IpcError | null> {
    return refusal(this.backend.invoke("destroy_room", { args: { room, reason } }));
  }

  invite(args: InviteArgs): Promise<IpcError | null> {
    return refusal(this.backend.invoke("invite", { args }));
  }

  listRooms(service: string | null, after: string | null): Promise<Outcome<RoomPage>> {
    return outcome(this.backend.invoke("list_rooms", { args: { service, after } }));
  }

  onInvitation(invitation: Invitation): void {
    this.invitations.add(invitation);
  }

  /**
   * Accepts (joins as `nick`, opening the room's tab) or declines (`nick`
   * null). The backend forgets the invitation once answered: a refused
   * join keeps the notice with the refusal, and trying again joins the
   * room like the join dialog does.
   */
  async answer(invitation: Invitation, nick: string | null, reason: string | null): Promise<IpcError | null> {
    const id = invitation.id;
    if (nick !== null && this.answered.has(id)) {
      const refused = await this.rooms.join(invitation.room, nick, null);
      if (refused === null) this.forget(id);
      return refused;
    }
    if (nick === null && this.answered.has(id)) {
      this.forget(id);
      return null;
    }
    const r = await outcome(this.backend.invoke("answer_invitation", { answer: { id, accept: nick, reason } }));
    if (!r.ok && nick !== null) {
      this.answered.add(id);
      return r.error;
    }
    this.forget(id);
    if (!r.ok) return r.error;
    if (r.value) this.rooms.onJoined(r.value, true);
    return null;
  }

  private forget(id: string): void {
    this.answered.delete(id);
    this.invitations.remove(id);
  }

  /** Asks the room's tab to open its settings (now, or when its header appears). */
  requestSettings(room: string): void {
    this.pendingSettings.add(room);
    this.settingsRequested.emit(room);
  }

  /** True once per request for `room`. */
  takeSettingsRequest(room: string): boolean {
    return this.pendingSettings.delete(room);
  }
}
