import type { ConnectionSecurity, ConnectionSettings, ProxyKind } from "./bindings";

/**
 * The backend's `ConnectionSettings::default()`, used only until
 * `default_connection_settings` answers (and by the in-memory backends).
 * "Reset to defaults" always asks the backend.
 */
export function fallbackConnectionSettings(): ConnectionSettings {
  return {
    host: null, port: null, security: "startTls", resource: null, priority: 0,
    responseTimeoutSecs: 15, openConsoleOnStart: false,
    sasl: { scramSha256: true, scramSha1: true, plain: true },
    proxy: { kind: "none", host: "", port: null, user: "" },
    newDeviceHistory: { days: 7, messages: 1000 },
  };
}

/** The port used when a fixed host has none (the backend's `default_port`). */
export function defaultServerPort(security: ConnectionSecurity): number {
  return security === "directTls" ? 5223 : 5222;
}

export function defaultProxyPort(kind: ProxyKind): number {
  return kind === "socks5" ? 1080 : 8080;
}
