import type { ConnectionState } from "../bindings";
import { bareJid } from "../jid";
import { Emitter } from "./emitter";

/** Current connection state as reported by the backend (plus the UI's own "connecting"). */
export class ConnectionStore {
  current: ConnectionState = { state: "offline", reason: null };
  /** Bare JID of the account being used (from the login request, then the server). */
  ownJid = "";
  readonly changed = new Emitter<ConnectionState>();

  set(state: ConnectionState): void {
    this.current = state;
    if (state.state === "online") this.ownJid = bareJid(state.jid);
    if (typeof document !== "undefined") document.body.dataset.connection = state.state;
    this.changed.emit(state);
  }
}
