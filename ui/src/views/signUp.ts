import { toIpcError } from "../backend";
import type { RegistrationField, RegistrationForm, RegistrationTarget } from "../bindings";
import { el, setHidden } from "../dom";
import { problemNodes } from "../errors";
import { t, tx, type Key } from "../i18n";
import { staticView, type Calls, type View } from "./view";

export interface SignUpContext {
  readonly backend: Calls<"registration_form" | "register">;
}

/** How to reach the server: host, port and security, or what to fix first. */
export type RegistrationRoute = Omit<RegistrationTarget, "domain">;

/**
 * "Create account": asks the server for its registration form (XEP-0077),
 * shows whatever fields it wants, and submits them. `loginDomain` is the
 * domain of the address typed in the login form, `route` the server
 * settings of its connection dialog; `created` receives the new JID.
 */
export function createSignUp(
  ctx: SignUpContext,
  loginDomain: () => string,
  route: () => RegistrationRoute | Key,
  created: (jid: string) => void,
): View {
  const domain = el("input", { type: "text", spellcheck: "false", "data-testid": "signup-domain" });
  const instructions = el("p", { class: "signup-instructions", "data-testid": "signup-instructions", hidden: true });
  const fieldsBox = el("div", { class: "signup-fields" });
  const status = el("p", { role: "alert", "data-testid": "signup-status", hidden: true });
  const fetch = tx("button", "signup.fetch", { type: "button", "data-testid": "signup-fetch", onclick: () => void onFetch() });
  const submit = tx("button", "signup.submit", { type: "button", class: "primary", "data-testid": "signup-submit", hidden: true, onclick: () => void onSubmit() });
  let form: RegistrationForm | null = null;
  let inputs: Array<{ field: RegistrationField; input: HTMLInputElement | null }> = [];

  const show = (nodes: Node[], ok: boolean): void => {
    status.className = ok ? "ok" : "login-error";
    status.replaceChildren(...nodes);
    setHidden(status, false);
  };

  /** The target, or null after saying what to fix in the connection settings. */
  function target(): RegistrationTarget | null {
    const r = route();
    if (typeof r === "string") {
      show([document.createTextNode(t(r))], false);
      return null;
    }
    return { ...r, domain: domain.value.trim() };
  }

  function render(f: RegistrationForm): void {
    form = f;
    instructions.textContent = f.instructions ?? "";
    setHidden(instructions, !f.instructions);
    inputs = f.fields.map((field) => {
      if (field.kind === "hidden" || field.kind === "fixed") return { field, input: null };
      const input = el("input", {
        type: field.kind === "password" ? "password" : field.kind === "boolean" ? "checkbox" : "text",
        "data-testid": "signup-field",
        "data-var": field.var,
        autocomplete: field.kind === "password" ? "new-password" : "off",
        required: field.required,
      });
      if (field.kind === "boolean") input.checked = field.value === "1" || field.value === "true";
      else input.value = field.var === "password" ? "" : field.value;
      return { field, input };
    });
    fieldsBox.replaceChildren(
      ...f.fields
        .filter((field) => field.kind === "fixed")
        .map((field) => el("p", { class: "signup-note" }, field.value)),
      ...inputs
        .filter((i) => i.input)
        .map(({ field, input }) =>
          el("label", { class: "field" }, el("span", null, field.label ?? field.var, field.required ? " *" : ""), input),
        ),
    );
    setHidden(submit, false);
  }

  async function onFetch(): Promise<void> {
    setHidden(status, true);
    const to = target();
    if (!to) return;
    fetch.disabled = true;
    try {
      render(await ctx.backend.invoke("registration_form", { target: to }));
    } catch (e) {
      show(problemNodes(toIpcError(e)), false);
    } finally {
      fetch.disabled = false;
    }
  }

  async function onSubmit(): Promise<void> {
    if (!form) return;
    const missing = inputs.find(({ field, input }) => field.required && input && input.type !== "checkbox" && input.value.trim() === "");
    if (missing) {
      show([document.createTextNode(t("signup.required", { field: missing.field.label ?? missing.field.var }))], false);
      return;
    }
    const values = inputs.map(({ field, input }) => ({
      var: field.var,
      value: !input ? field.value : input.type === "checkbox" ? (input.checked ? "1" : "0") : input.value,
    }));
    const to = target();
    if (!to) return;
    submit.disabled = true;
    try {
      await ctx.backend.invoke("register", { request: { target: to, dataForm: form.dataForm, values } });
      const user = values.find((v) => v.var === "username")?.value ?? "";
      for (const { input } of inputs) if (input && input.type === "password") input.value = "";
      show([document.createTextNode(t("signup.created"))], true);
      if (user) created(`${user}@${to.domain}`);
    } catch (e) {
      show(problemNodes(toIpcError(e)), false);
    } finally {
      submit.disabled = false;
    }
  }

  const section = el(
    "details",
    { class: "server signup", "data-testid": "signup-panel" },
    tx("summary", "signup.title", { "data-testid": "signup-open" }),
    el("label", { class: "field" }, tx("span", "signup.domain"), domain),
    fetch,
    instructions,
    fieldsBox,
    submit,
    status,
  );
  section.addEventListener("toggle", () => {
    if (section.open && domain.value === "") domain.value = loginDomain();
  });
  return staticView(section);
}
