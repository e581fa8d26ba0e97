import { toIpcError } from "../backend";
import { el, setHidden } from "../dom";
import { problemNodes } from "../errors";
import { t, tx } from "../i18n";
import { staticView, type Calls, type View } from "./view";

export interface ChangePasswordContext {
  readonly backend: Calls<"change_password">;
  logout(forgetPassword: boolean): Promise<void>;
}

/** "Change password" for the logged-in account (XEP-0077 on the server). */
export function createChangePassword(ctx: ChangePasswordContext): View {
  const fresh = el("input", { type: "password", autocomplete: "new-password", "data-testid": "password-new" });
  const repeat = el("input", { type: "password", autocomplete: "new-password", "data-testid": "password-repeat" });
  const status = el("p", { role: "status", "data-testid": "password-status", hidden: true });
  const submit = tx("button", "password.change", { type: "submit", "data-testid": "password-submit" });
  const form = el(
    "form",
    { class: "change-password", novalidate: true },
    el("label", { class: "field" }, tx("span", "password.new"), fresh),
    el("label", { class: "field" }, tx("span", "password.repeat"), repeat),
    submit,
    status,
  );
  const show = (nodes: Node[], ok: boolean): void => {
    status.className = ok ? "ok" : "login-error";
    status.replaceChildren(...nodes);
    setHidden(status, false);
  };
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    if (fresh.value === "") return show([document.createTextNode(t("validation.password"))], false);
    if (fresh.value !== repeat.value) return show([document.createTextNode(t("password.mismatch"))], false);
    const newPassword = fresh.value;
    fresh.value = "";
    repeat.value = "";
    submit.disabled = true;
    ctx.backend
      .invoke("change_password", { args: { newPassword } })
      .then(() => show([document.createTextNode(t("password.changed"))], true))
      .catch((err) => show(problemNodes(toIpcError(err)), false))
      .finally(() => (submit.disabled = false));
  });
  const forget = tx("button", "header.logoutForget", {
    type: "button",
    "data-testid": "logout-forget",
    onclick: () => void ctx.logout(true),
  });
  const root = el(
    "details",
    { class: "account-settings" },
    tx("summary", "password.title", { "data-testid": "password-toggle" }),
    form,
    forget,
  );
  return staticView(root);
}
