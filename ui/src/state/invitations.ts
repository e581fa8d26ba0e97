import type { Invitation } from "../bindings";
import { Emitter } from "./emitter";

/** Room invitations we received and have not answered yet, oldest first. */
export class InvitationStore {
  private list: Invitation[] = [];
  readonly changed = new Emitter<void>();

  get all(): readonly Invitation[] {
    return this.list;
  }

  /** `room-invitation`: a second invitation to the same room replaces the first. */
  add(invitation: Invitation): void {
    this.list = [...this.list.filter((i) => i.id !== invitation.id && i.room !== invitation.room), invitation];
    this.changed.emit();
  }

  remove(id: string): void {
    const before = this.list.length;
    this.list = this.list.filter((i) => i.id !== id);
    if (this.list.length !== before) this.changed.emit();
  }

  clear(): void {
    if (this.list.length === 0) return;
    this.list = [];
    this.changed.emit();
  }
}
