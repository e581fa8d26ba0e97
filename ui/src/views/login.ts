import type { App, Screen } from "../app";
import type { ConnectionState, IpcError, LoginRequest, Problem } from "../bindings";
import { Disposer, el, setAttrs, setHidden } from "../dom";
import { problemNodes } from "../errors";
import { onLangChange, retranslate, t, tattr, tx } from "../i18n";
import { isBareJid } from "../jid";
import { createCertificatePanel } from "./certificatePanel";
import { createConnectionTest } from "./connectionReport";
import { createConnectionDialog, isFieldError, type FieldError } from "./connectionSettings";
import { checkboxField, field, input } from "./formFields";
import { createLanguageSelect } from "./languageSelect";
import { createSignUp } from "./signUp";
import { createTrustedCertificates } from "./trustedCertificates";

/** A field to fix (marked and focused), or the backend's reason. */
type LoginError = FieldError | { problem: Problem | IpcError };

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
  const submit = tx("button", "login.submit", { type: "submit", "data-testid": "login-submit", class: "primary" });
  const cancel = tx("button", "login.cancel", { type: "button", hidden: true, onclick: () => void app.cancelLogin() });
  const errorBox = el("div", { class: "login-error", id: "login-error", role: "alert", "data-testid": "login-error", hidden: true });

  jid.value = saved?.jid ?? "";
  remember.checked = saved?.remember ?? false;
  autoLogin.checked = (saved?.remember ?? false) && (saved?.autoLogin ?? false);
  password.value = saved?.demoPassword ?? "";
  if (saved?.hasPassword) setAttrs(password, tattr("placeholder", "login.passwordSaved"));

  const syncAutoLogin = (): void => {
    autoLogin.disabled = !remember.checked;
    if (!remember.checked) autoLogin.checked = false;
  };
  remember.addEventListener("change", syncAutoLogin);
  syncAutoLogin();

  const showProblem = (problem: IpcError): void => setError({ problem });
  const dialog = createConnectionDialog(app, saved?.connection ?? app.defaultSettings, saved?.hasProxyPassword ?? false, showProblem);
  const test = createConnectionTest(app, () => checked(true), showProblem);
  dialog.tools.append(test.button);
  dialog.root.append(test.report);

  const fieldset = el(
    "fieldset",
    null,
    field("login.jid", jid),
    field("login.password", password),
    checkboxField("login.remember", remember),
    checkboxField("login.autoLogin", autoLogin),
    dialog.root,
    createTrustedCertificates(app),
    el("div", { class: "actions" }, submit),
  );

  let error: LoginError | null = null;
  let invalid: HTMLElement | null = null;
  const renderError = (): void => {
    errorBox.replaceChildren(...(error === null ? [] : "key" in error ? [document.createTextNode(t(error.key))] : problemNodes(error.problem)));
    setHidden(errorBox, error === null);
  };
  const setError = (e: LoginError | null): void => {
    error = e;
    invalid?.removeAttribute("aria-invalid");
    invalid?.removeAttribute("aria-describedby");
    invalid = e !== null && "field" in e ? e.field : null;
    invalid?.setAttribute("aria-invalid", "true");
    invalid?.setAttribute("aria-describedby", errorBox.id);
    renderError();
  };

  /** The request, or null after pointing at what to fix. */
  function checked(forTest: boolean): LoginRequest | null {
    const request = validate(forTest);
    if (!isFieldError(request)) {
      setError(null);
      return request;
    }
    setError(request);
    if (dialog.root.contains(request.field)) dialog.root.open = true;
    request.field.focus();
    return null;
  }

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
    const request = checked(false);
    if (!request) return;
    // The passwords live only in the request we hand over.
    password.value = "";
    dialog.clearProxyPassword();
    void app.login(request);
  });

  function validate(forTest: boolean): LoginRequest | FieldError {
    const jidValue = jid.value.trim();
    if (!isBareJid(jidValue)) return { key: "validation.jid", field: jid };
    const usesSaved = saved?.hasPassword === true && saved.jid === jidValue;
    // A test without a password still checks DNS, TCP and TLS (the backend skips the login step).
    if (!forTest && password.value === "" && !usesSaved) return { key: "validation.password", field: password };
    const connection = dialog.read();
    if (isFieldError(connection)) return connection;
    return {
      jid: jidValue, password: password.value, remember: remember.checked,
      autoLogin: remember.checked && autoLogin.checked,
      connection, proxyPassword: dialog.proxyPassword(),
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
    () => jid.value.trim().split("@")[1] ?? "",
    () => {
      const route = dialog.registrationRoute();
      if (!isFieldError(route)) return route;
      dialog.root.open = true;
      return route.key;
    },
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
