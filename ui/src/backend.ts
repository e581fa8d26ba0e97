import { invoke, type InvokeArgs } from "@tauri-apps/api/core";
import { listen } from "@tauri-apps/api/event";
import { ERROR_CODES, type Commands, type ErrorCode, type Events, type IpcError } from "./bindings";

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
  const r = e as Record<string, unknown>;
  return ERROR_CODES.includes(r.code as ErrorCode) && typeof r.message === "string";
}

/** Normalises anything `invoke` may reject with into an IpcError. */
export function toIpcError(e: unknown): IpcError {
  if (isIpcError(e)) return { code: e.code, message: e.message };
  if (e instanceof Error) return { code: "internal", message: e.message };
  return { code: "internal", message: typeof e === "string" ? e : JSON.stringify(e) ?? "" };
}
