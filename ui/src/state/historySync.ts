import type { HistorySync } from "../bindings";
import { Emitter } from "./emitter";

/** Nothing running and nothing to report. */
const IDLE: HistorySync = { running: false, pages: 0, messages: 0, problem: null };

/**
 * How catching up from the server archive (XEP-0313) goes, as last reported
 * by the core. One catch-up belongs to one session: the app resets this when
 * the session ends or a new one begins, because the core drops an abandoned
 * catch-up without a final report.
 */
export class HistorySyncStore {
  current: HistorySync = IDLE;
  readonly changed = new Emitter<HistorySync>();

  set(status: HistorySync): void {
    this.current = status;
    this.changed.emit(status);
  }

  /** The user has read why catch-up stopped early: stop showing it. */
  dismiss(): void {
    if (this.current.problem !== null) this.set({ ...this.current, problem: null });
  }

  reset(): void {
    if (this.current !== IDLE) this.set(IDLE);
  }
}
