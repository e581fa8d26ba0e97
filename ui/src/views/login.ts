import type { ConnectionSettings, ConnectionState, IpcError, LoginRequest, Problem, SavedLogin } from "../bindings";
import { Disposer, el, setAttrs, setHidden } from "../dom";
import { problemNodes } from "../errors";
import { onLangChange, retranslate, t, tattr, tx } from "../i18n";
import { isBareJid } from "../jid";
import type { ConnectionStore } from "../state/connection";
import { createCertificatePanel, type CertificatePanelContext } from "./certificatePanel";
import { createConnectionTest, type ConnectionTestContext } from "./connectionReport";
import { createConnectionDialog, isFieldError, type ConnectionDialogContext, type FieldError } from "./connectionSettings";
import { checkboxField, field, input } from "./formFields";
import { createLanguageSelect } from "./languageSelect";
import { createSignUp, type SignUpContext } from "./signUp";
import { createTrustedCertificates, type TrustedCertificatesContext } from "./trustedCertificates";
import { adopt, type Screen } from "./view";

export type LoginContext = CertificatePanelContext & ConnectionTestContext & ConnectionDialogContext & SignUpContext & TrustedCertificatesContext & {
  readonly connection: ConnectionStore;
  /** The remembered account, if any. */
  readonly saved: SavedLogin | null;
  /** What the connection dialog starts from when nothing is saved. */
  readonly defaultSettings: ConnectionSettings;
  login(request: LoginRequest): Promise<void>;
  cancelLogin(): Promise<void>;
};

/** A field to fix (marked and focused), or the backend's reason. */
type LoginError = FieldError | { problem: Problem | IpcError };

export function createLoginView(ctx: LoginContext): Screen {
  const saved = ctx.saved;
  const disposer = new Disposer();
  const jid = input("login-jid", {
    type: "text", autocomplete: "username", spellcheck: "false", autocapitalize: "off",
    ...tattr("placeholder", "login.jidPlaceholder"),
  });
  const password = input("login-password", { type: "password", autocomplete: "current-password" });
  const remember = input("login-remember", { type: "checkbox" });
  const autoLogin = input("login-autologin", { type: "checkbox" });
  const submit = tx("button", "login.submit", { type: "submit", "data-testid": "login-submit", class: "primary" });
  const cancel = tx("button", "login.cancel", { type: "button", hidden: true, onclick: () => void ctx.cancelLogin() });
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
  const dialog = adopt(disposer, createConnectionDialog(ctx, saved?.connection ?? ctx.defaultSettings, saved?.hasProxyPassword ?? false, showProblem));
  const test = adopt(disposer, createConnectionTest(ctx, () => checked(true), showProblem));
  dialog.tools.append(test.button);
  dialog.el.append(test.el);

  const fieldset = el(
    "fieldset",
    null,
    field("login.jid", jid),
    field("login.password", password),
    checkboxField("login.remember", remember),
    checkboxField("login.autoLogin", autoLogin),
    dialog.el,
    adopt(disposer, createTrustedCertificates(ctx)).el,
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
    if (dialog.el.contains(request.field)) dialog.el.open = true;
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
    void ctx.login(request);
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
  onState(ctx.connection.current);
  disposer.add(ctx.connection.changed.on(onState));
  disposer.add(onLangChange(renderError));

  const signUp = adopt(disposer, createSignUp(
    ctx,
    () => jid.value.trim().split("@")[1] ?? "",
    () => {
      const route = dialog.registrationRoute();
      if (!isFieldError(route)) return route;
      dialog.el.open = true;
      return route.key;
    },
    (newJid) => {
      jid.value = newJid;
      password.focus();
    },
  ));
  const root = el(
    "main",
    { class: "login-screen" },
    form,
    signUp.el,
    adopt(disposer, createCertificatePanel(ctx)).el,
    adopt(disposer, createLanguageSelect()).el,
  );
  return {
    kind: "login",
    el: root,
    mounted: () => (jid.value === "" ? jid : password).focus(),
    dispose: () => disposer.dispose(),
  };
}
