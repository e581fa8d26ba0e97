import type { App, Screen } from "../app";
import type { ConnectionState, LoginRequest, Problem } from "../bindings";
import { Disposer, el, setAttrs, setHidden, type Attrs } from "../dom";
import { problemNodes } from "../errors";
import { onLangChange, retranslate, t, tattr, tx, type Key } from "../i18n";
import { isBareJid } from "../jid";
import { createCertificatePanel } from "./certificatePanel";
import { createLanguageSelect } from "./languageSelect";
import { createSignUp } from "./signUp";
import { createTrustedCertificates } from "./trustedCertificates";

type LoginError = { key: Key } | { problem: Problem };

function input(testid: string, attrs: Attrs = {}): HTMLInputElement {
  return el("input", { id: testid, "data-testid": testid, ...attrs });
}

function field(label: Key, control: HTMLElement, cls = "field"): HTMLElement {
  return el("div", { class: cls }, tx("label", label, { for: control.id }), control);
}

function checkboxField(label: Key, control: HTMLInputElement): HTMLElement {
  return el("div", { class: "field check" }, control, tx("label", label, { for: control.id }));
}

export function createLoginView(app: App): Screen {
  const saved = app.saved;
  const disposer = new Disposer();
  const jid = input("login-jid", {
    type: "text", autocomplete: "username", spellcheck: "false", autocapitalize: "off",
    ...tattr("placeholder", "login.jidPlaceholder"),
  });
  const password = input("login-password", { type: "password", autocomplete: "current-password" });
  const remember = input("login-remember", { type: "checkbox" });
  const autoLogin = input("login-autologin", { type: "checkbox" });
  const host = input("login-host", { type: "text", spellcheck: "false", ...tattr("placeholder", "login.automatic") });
  const port = input("login-port", { type: "text", inputmode: "numeric", ...tattr("placeholder", "login.automatic") });
  const security = el(
    "select",
    { "data-testid": "login-security" },
    tx("option", "login.startTls", { value: "startTls" }),
    tx("option", "login.directTls", { value: "directTls" }),
  );
  const submit = tx("button", "login.submit", { type: "submit", "data-testid": "login-submit", class: "primary" });
  const cancel = tx("button", "login.cancel", { type: "button", hidden: true, onclick: () => void app.cancelLogin() });
  const errorBox = el("div", { class: "login-error", role: "alert", "data-testid": "login-error", hidden: true });

  jid.value = saved?.jid ?? "";
  remember.checked = saved?.remember ?? false;
  autoLogin.checked = (saved?.remember ?? false) && (saved?.autoLogin ?? false);
  host.value = saved?.host ?? "";
  port.value = saved?.port != null ? String(saved.port) : "";
  security.value = saved?.security ?? "startTls";
  const resource = input("login-resource", { type: "text", spellcheck: "false", ...tattr("placeholder", "login.automatic") });
  const priority = input("login-priority", { type: "text", inputmode: "numeric" });
  const timeout = input("login-timeout", { type: "text", inputmode: "numeric" });
  resource.value = saved?.resource ?? "";
  priority.value = String(saved?.priority ?? 0);
  timeout.value = String(saved?.responseTimeoutSecs ?? 15);
  password.value = saved?.demoPassword ?? "";
  if (saved?.hasPassword) setAttrs(password, tattr("placeholder", "login.passwordSaved"));

  const syncAutoLogin = (): void => {
    autoLogin.disabled = !remember.checked;
    if (!remember.checked) autoLogin.checked = false;
  };
  remember.addEventListener("change", syncAutoLogin);
  syncAutoLogin();

  const server = el(
    "details",
    { class: "server", open: host.value !== "" || port.value !== "" || security.value !== "startTls" },
    tx("summary", "login.server", { "data-testid": "login-server-toggle" }),
    el("div", { class: "server-fields" }, field("login.host", host), field("login.port", port)),
    field("login.security", security),
    el(
      "div",
      { class: "server-fields advanced" },
      field("login.resource", resource),
      field("login.priority", priority),
      field("login.timeout", timeout),
    ),
  );

  const fieldset = el(
    "fieldset",
    null,
    field("login.jid", jid),
    field("login.password", password),
    checkboxField("login.remember", remember),
    checkboxField("login.autoLogin", autoLogin),
    server,
    createTrustedCertificates(app),
    el("div", { class: "actions" }, submit),
  );

  let error: LoginError | null = null;
  const renderError = (): void => {
    errorBox.replaceChildren(...(error === null ? [] : "key" in error ? [document.createTextNode(t(error.key))] : problemNodes(error.problem)));
    setHidden(errorBox, error === null);
  };
  const setError = (e: LoginError | null): void => {
    error = e;
    jid.setAttribute("aria-invalid", String(e !== null && "key" in e && e.key === "validation.jid"));
    renderError();
  };

  const form = el(
    "form",
    { class: "login-form", novalidate: true, "aria-labelledby": "login-heading" },
    tx("h1", "login.heading", { id: "login-heading" }),
    fieldset,
    errorBox,
    el("div", { class: "actions" }, cancel),
  );
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    const request = validate();
    if ("key" in request) {
      setError(request);
      return;
    }
    password.value = ""; // the password lives only in the request we hand over
    setError(null);
    void app.login(request);
  });

  function validate(): LoginRequest | { key: Key } {
    const jidValue = jid.value.trim();
    if (!isBareJid(jidValue)) return { key: "validation.jid" };
    const usesSaved = saved?.hasPassword === true && saved.jid === jidValue;
    if (password.value === "" && !usesSaved) return { key: "validation.password" };
    let portValue: number | null = null;
    if (port.value.trim() !== "") {
      portValue = Number(port.value.trim());
      if (!Number.isInteger(portValue) || portValue < 1 || portValue > 65535) return { key: "validation.port" };
    }
    const priorityValue = Number(priority.value.trim() || "0");
    if (!Number.isInteger(priorityValue) || priorityValue < -128 || priorityValue > 127) return { key: "validation.priority" };
    const timeoutValue = Number(timeout.value.trim() || "15");
    if (!Number.isInteger(timeoutValue) || timeoutValue < 5 || timeoutValue > 600) return { key: "validation.timeout" };
    return {
      jid: jidValue, password: password.value, remember: remember.checked,
      autoLogin: remember.checked && autoLogin.checked, host: host.value.trim() || null, port: portValue,
      security: security.value === "directTls" ? "directTls" : "startTls",
      resource: resource.value.trim() || null,
      priority: priorityValue,
      responseTimeoutSecs: timeoutValue,
    };
  }

  const onState = (s: ConnectionState): void => {
    const busy = s.state === "connecting" || s.state === "reconnecting";
    fieldset.disabled = busy;
    cancel.hidden = !busy;
    retranslate(submit, busy ? "login.connecting" : "login.submit");
    if (s.state === "offline" && s.reason) setError({ problem: s.reason });
    else if (s.state === "reconnecting") setError({ problem: s.reason });
    else if (busy) setError(null);
  };
  onState(app.connection.current);
  disposer.add(app.connection.changed.on(onState));
  disposer.add(onLangChange(renderError));

  const signUp = createSignUp(
    app,
    () => ({
      domain: jid.value.trim().split("@")[1] ?? "",
      host: host.value.trim() || null,
      port: /^\d+$/.test(port.value.trim()) ? Number(port.value.trim()) : null,
      security: security.value === "directTls" ? "directTls" : "startTls",
    }),
    (newJid) => {
      jid.value = newJid;
      password.focus();
    },
  );
  const root = el(
    "main",
    { class: "login-screen" },
    form,
    signUp,
    createCertificatePanel(app, disposer),
    createLanguageSelect(disposer),
  );
  return {
    kind: "login",
    root,
    mounted: () => (jid.value === "" ? jid : password).focus(),
    dispose: () => disposer.dispose(),
  };
}
