import { invoke, type InvokeArgs } from "@tauri-apps/api/core";
import { listen } from "@tauri-apps/api/event";
import { ERROR_CODES, type Commands, type ErrorCode, type Events, type IpcError } from "./bindings";
import { problemOf } from "./errors";

/** The error codes, from the Rust enum (generated into bindings.ts). */
export { ERROR_CODES };

/** Everything the UI needs from the Rust side. Tests use the in-memory MockBackend. */
export interface Backend {
  invoke<K extends keyof Commands>(cmd: K, args: Commands[K]["args"]): Promise<Commands[K]["result"]>;
  listen<E extends keyof Events>(event: E, handler: (payload: Events[E]) => void): Promise<() => void>;
}

export const tauriBackend: Backend = {
  invoke<K extends keyof Commands>(cmd: K, args: Commands[K]["args"]) {
    return invoke<Commands[K]["result"]>(cmd, args as InvokeArgs);
  },
  listen<E extends keyof Events>(event: E, handler: (payload: Events[E]) => void) {
    return listen<Events[E]>(event, (e) => handler(e.payload));
  },
};

export function isIpcError(e: unknown): e is IpcError {
  if (typeof e !== "object" || e === null) return false;
  return ERROR_CODES.includes((e as Record<string, unknown>).code as ErrorCode);
}

/** Normalises anything `invoke` may reject with into an IpcError. */
export function toIpcError(e: unknown): IpcError {
  if (isIpcError(e)) {
    const r = e as Partial<IpcError> & Pick<IpcError, "code">;
    // Each parameter as its type, or absent: a malformed field never reaches the page.
    const text = (v: unknown) => (typeof v === "string" ? v : null);
    return {
      code: r.code,
      condition: text(r.condition),
      serverText: text(r.serverText),
      field: text(r.field) as IpcError["field"],
      detail: text(r.detail),
      limit: typeof r.limit === "number" ? r.limit : null,
    };
  }
  if (e instanceof Error) return problemOf("internal", e.message);
  return problemOf("internal", typeof e === "string" ? e : JSON.stringify(e) ?? "");
}
