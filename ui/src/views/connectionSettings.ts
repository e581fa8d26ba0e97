import { toIpcError } from "../backend";
import type { ConnectionSecurity, ConnectionSettings, IpcError, ProxyKind, RegistrationTarget } from "../bindings";
import { el, setAttrs, setHidden } from "../dom";
import { tattr, tx, type Key } from "../i18n";
import { defaultProxyPort, defaultServerPort } from "../settingsDefaults";
import { checkboxField, field, input, select, wholeNumber } from "./formFields";
import type { Calls, View } from "./view";

export interface ConnectionDialogContext {
  readonly backend: Calls<"default_connection_settings">;
}

/** Where to connect: what login and account creation share. */
export type ServerRoute = Pick<ConnectionSettings, "host" | "port" | "security">;
/** Account creation goes the same way as a login: server and proxy. */
export type RegistrationRoute = Omit<RegistrationTarget, "domain">;

/** What to fix, and where. */
export type FieldError = { key: Key; field: HTMLElement };

export function isFieldError(x: object): x is FieldError {
  return "key" in x && "field" in x;
}

/** The advanced connection dialog inside the login form. */
export interface ConnectionDialog extends View<HTMLDetailsElement> {
  /** Row of buttons at the bottom; the login view adds "Test connection" there. */
  readonly tools: HTMLElement;
  /** The settings as typed, checked like the backend checks them. */
  read(): ConnectionSettings | FieldError;
  /** `null` = keep the proxy password saved in the keychain (or none). */
  proxyPassword(): string | null;
  /** Where "Create account" connects: the same host, port and security (no proxy: the contract has none). */
  registrationRoute(): RegistrationRoute | FieldError;
  clearProxyPassword(): void;
}

// Mirrors the backend's `valid_host`: what a user may type as a host name or IP.
const BAD_HOST_CHAR = /[\s\u0000-\u001f\u007f-\u009f/@?#]/;
const utf8Length = (s: string): number => new TextEncoder().encode(s).length;

function validHost(host: string): boolean {
  return host !== "" && utf8Length(host) <= 253 && !BAD_HOST_CHAR.test(host);
}

/** An optional port: empty = the default (null), otherwise 1..65535. */
function optionalPort(text: string): number | null | undefined {
  const s = text.trim();
  if (s === "") return null;
  return wholeNumber(s, 1, 65535) ?? undefined;
}

const SECURITIES: ReadonlyArray<readonly [ConnectionSecurity, Key]> = [
  ["startTls", "login.startTls"],
  ["directTls", "login.directTls"],
  ["plainInsecure", "login.plainInsecure"],
];
const PROXIES: ReadonlyArray<readonly [ProxyKind, Key]> = [
  ["none", "login.proxyNone"],
  ["socks5", "login.proxySocks5"],
  ["httpConnect", "login.proxyHttp"],
];

/**
 * Server (automatic or fixed), security, resource, priority, timeout, SASL
 * mechanisms and proxy. `initial` fills it; an insecure choice loaded from
 * the saved account counts as confirmed (the user confirmed it then), any
 * new one must be confirmed again. `fail` shows a rejected reset.
 */
export function createConnectionDialog(
  ctx: ConnectionDialogContext,
  initial: ConnectionSettings,
  hasProxyPassword: boolean,
  fail: (e: IpcError) => void,
): ConnectionDialog {
  const automatic = input("login-server-automatic", { type: "radio", name: "login-server-mode", value: "automatic" });
  const fixed = input("login-server-fixed", { type: "radio", name: "login-server-mode", value: "fixed" });
  const host = input("login-host", { type: "text", spellcheck: "false", autocapitalize: "off", ...tattr("placeholder", "login.hostPlaceholder") });
  const port = input("login-port", { type: "text", inputmode: "numeric" });
  const security = select("login-security", SECURITIES);
  const insecureWarning = tx("p", "login.insecureWarning", { class: "insecure-warning", "data-testid": "login-insecure-warning" });
  const confirm = input("login-insecure-confirm", { type: "checkbox" });
  const confirmField = checkboxField("login.insecureConfirm", confirm);
  const resource = input("login-resource", { type: "text", spellcheck: "false", ...tattr("placeholder", "login.resourcePlaceholder") });
  const priority = input("login-priority", { type: "text", inputmode: "numeric" });
  const timeout = input("login-timeout", { type: "text", inputmode: "numeric" });
  const openConsole = input("login-open-console", { type: "checkbox" });
  const historyDays = input("login-history-days", { type: "text", inputmode: "numeric" });
  const historyMessages = input("login-history-messages", { type: "text", inputmode: "numeric" });
  const scram256 = input("login-sasl-scram-sha256", { type: "checkbox" });
  const scram1 = input("login-sasl-scram-sha1", { type: "checkbox" });
  const plain = input("login-sasl-plain", { type: "checkbox" });
  const proxyKind = select("login-proxy-kind", PROXIES);
  const proxyHost = input("login-proxy-host", { type: "text", spellcheck: "false", autocapitalize: "off" });
  const proxyPort = input("login-proxy-port", { type: "text", inputmode: "numeric" });
  const proxyUser = input("login-proxy-user", { type: "text", spellcheck: "false", autocapitalize: "off", autocomplete: "off" });
  const proxyPassword = input("login-proxy-password", { type: "password", autocomplete: "off" });
  if (hasProxyPassword) setAttrs(proxyPassword, tattr("placeholder", "login.proxyPasswordSaved"));
  const proxyFields = el(
    "div",
    { class: "proxy-fields" },
    el("div", { class: "server-fields" }, field("login.proxyHost", proxyHost), field("login.proxyPort", proxyPort)),
    el("div", { class: "server-fields even" }, field("login.proxyUser", proxyUser), field("login.proxyPassword", proxyPassword)),
  );
  const reset = tx("button", "login.resetDefaults", { type: "button", "data-testid": "login-reset-defaults", onclick: () => void onReset() });
  const tools = el("div", { class: "actions connection-tools" }, reset);

  const securityValue = (): ConnectionSecurity =>
    SECURITIES.find(([v]) => v === security.value)?.[0] ?? "startTls";
  const proxyValue = (): ProxyKind => PROXIES.find(([v]) => v === proxyKind.value)?.[0] ?? "none";

  /** Enables, hides and relabels what depends on the choices. */
  function sync(): void {
    host.disabled = port.disabled = !fixed.checked;
    // A number, not a word: it is the same in every language.
    port.placeholder = String(defaultServerPort(securityValue()));
    const insecure = securityValue() === "plainInsecure";
    setHidden(insecureWarning, !insecure);
    setHidden(confirmField, !insecure);
    confirm.disabled = !insecure;
    const kind = proxyValue();
    setHidden(proxyFields, kind === "none");
    for (const f of [proxyHost, proxyPort, proxyUser, proxyPassword]) f.disabled = kind === "none";
    proxyPort.placeholder = String(defaultProxyPort(kind));
  }

  function fill(s: ConnectionSettings, confirmed: boolean): void {
    fixed.checked = s.host !== null;
    automatic.checked = !fixed.checked;
    host.value = s.host ?? "";
    port.value = s.port?.toString() ?? "";
    security.value = s.security;
    confirm.checked = confirmed && s.security === "plainInsecure";
    resource.value = s.resource ?? "";
    priority.value = String(s.priority);
    timeout.value = String(s.responseTimeoutSecs);
    openConsole.checked = s.openConsoleOnStart;
    historyDays.value = String(s.newDeviceHistory.days);
    historyMessages.value = String(s.newDeviceHistory.messages);
    scram256.checked = s.sasl.scramSha256;
    scram1.checked = s.sasl.scramSha1;
    plain.checked = s.sasl.plain;
    proxyKind.value = s.proxy.kind;
    proxyHost.value = s.proxy.host;
    proxyPort.value = s.proxy.port?.toString() ?? "";
    proxyUser.value = s.proxy.user;
    sync();
  }

  async function onReset(): Promise<void> {
    reset.disabled = true;
    try {
      fill(await ctx.backend.invoke("default_connection_settings", {}), false);
      proxyPassword.value = "";
    } catch (e) {
      fail(toIpcError(e));
    } finally {
      reset.disabled = false;
    }
  }

  /** Host, port and security; shared by login and account creation. */
  function readServer(): ServerRoute | FieldError {
    const sec = securityValue();
    if (sec === "plainInsecure" && !confirm.checked) return { key: "validation.insecureConfirm", field: confirm };
    if (!fixed.checked) return { host: null, port: null, security: sec };
    const h = host.value.trim();
    if (h === "") return { key: "validation.hostRequired", field: host };
    if (!validHost(h)) return { key: "validation.host", field: host };
    const p = optionalPort(port.value);
    if (p === undefined) return { key: "validation.port", field: port };
    return { host: h, port: p, security: sec };
  }

  function readProxy(): ConnectionSettings["proxy"] | FieldError {
    const kind = proxyValue();
    if (kind === "none") return { kind, host: "", port: null, user: "" };
    const ph = proxyHost.value.trim();
    if (!validHost(ph)) return { key: "validation.proxyHost", field: proxyHost };
    const pp = optionalPort(proxyPort.value);
    if (pp === undefined) return { key: "validation.proxyPort", field: proxyPort };
    return { kind, host: ph, port: pp, user: proxyUser.value.trim() };
  }

  /** Where account creation connects: the server and the proxy. */
  function readRegistration(): RegistrationRoute | FieldError {
    const server = readServer();
    if (isFieldError(server)) return server;
    const proxy = readProxy();
    if (isFieldError(proxy)) return proxy;
    const typed = proxyPassword.value;
    return { ...server, proxy: proxy.kind === "none" ? null : proxy, proxyPassword: typed === "" ? null : typed };
  }

  function read(): ConnectionSettings | FieldError {
    const server = readServer();
    if (isFieldError(server)) return server;
    const res = resource.value.trim();
    if (utf8Length(res) > 1023 || /[\u0000-\u001f\u007f-\u009f]/.test(res)) return { key: "validation.resource", field: resource };
    const prio = wholeNumber(priority.value.trim() || "0", -128, 127);
    if (prio === null) return { key: "validation.priority", field: priority };
    const secs = wholeNumber(timeout.value.trim() || "15", 1, 600);
    if (secs === null) return { key: "validation.timeout", field: timeout };
    const days = wholeNumber(historyDays.value.trim() || "7", 1, 3650);
    if (days === null) return { key: "validation.historyDays", field: historyDays };
    const messages = wholeNumber(historyMessages.value.trim() || "1000", 0, 50000);
    if (messages === null) return { key: "validation.historyMessages", field: historyMessages };
    const sasl = { scramSha256: scram256.checked, scramSha1: scram1.checked, plain: plain.checked };
    if (!sasl.scramSha256 && !sasl.scramSha1) {
      // PLAIN alone is fine inside TLS, and never used without it.
      if (!sasl.plain) return { key: "validation.saslNone", field: scram256 };
      if (server.security === "plainInsecure") return { key: "validation.saslInsecure", field: scram256 };
    }
    const proxy = readProxy();
    if (isFieldError(proxy)) return proxy;
    return {
      ...server,
      resource: res || null,
      priority: prio,
      responseTimeoutSecs: secs,
      openConsoleOnStart: openConsole.checked,
      sasl,
      proxy,
      newDeviceHistory: { days, messages },
    };
  }

  for (const control of [automatic, fixed, security, proxyKind]) control.addEventListener("change", sync);
  // Every new insecure choice needs its own confirmation.
  security.addEventListener("change", () => (confirm.checked = false));

  const root = el(
    "details",
    {
      class: "server connection-dialog",
      // Open when the saved route is not the plain default, so it stays in view.
      open: initial.host !== null || initial.security !== "startTls" || initial.proxy.kind !== "none",
    },
    tx("summary", "login.server", { "data-testid": "login-server-toggle" }),
    el(
      "fieldset",
      { class: "conn-group" },
      tx("legend", "login.serverMode"),
      el("div", { class: "radio-row" }, checkboxField("login.serverAutomatic", automatic), checkboxField("login.serverFixed", fixed)),
      el("div", { class: "server-fields" }, field("login.host", host), field("login.port", port)),
    ),
    field("login.security", security),
    insecureWarning,
    confirmField,
    el("div", { class: "server-fields advanced" }, field("login.resource", resource), field("login.priority", priority), field("login.timeout", timeout)),
    checkboxField("login.openConsole", openConsole),
    el(
      "fieldset",
      { class: "conn-group" },
      tx("legend", "login.newDeviceHistory"),
      el("div", { class: "server-fields" }, field("login.historyDays", historyDays), field("login.historyMessages", historyMessages)),
      tx("p", "login.newDeviceHistoryHint", { class: "hint" }),
    ),
    el(
      "fieldset",
      { class: "conn-group" },
      tx("legend", "login.sasl"),
      el("div", { class: "radio-row" }, checkboxField("login.saslScramSha256", scram256), checkboxField("login.saslScramSha1", scram1), checkboxField("login.saslPlain", plain)),
      tx("p", "login.saslHint", { class: "hint" }),
    ),
    el("fieldset", { class: "conn-group" }, tx("legend", "login.proxy"), field("login.proxyKind", proxyKind), proxyFields),
    tools,
  );
  fill(initial, true);
  return {
    el: root,
    // It listens only to its own elements: nothing to release.
    dispose: () => undefined,
    tools,
    read,
    registrationRoute: readRegistration,
    proxyPassword: () => (proxyPassword.value === "" ? null : proxyPassword.value),
    clearProxyPassword: () => (proxyPassword.value = ""),
  };
}
