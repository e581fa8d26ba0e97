import { toIpcError } from "../backend";
import type { IpcError } from "../bindings";
import { Disposer, el, setHidden } from "../dom";
import { problemNodes } from "../errors";
import { onLangChange, t, tx, type Key } from "../i18n";
import { isBareJid } from "../jid";
import { viewOf, type Calls, type View } from "./view";

function field(label: Key, input: HTMLInputElement): HTMLElement {
  return el("div", { class: "field" }, tx("label", label, { for: input.id }), input);
}

export interface AddContactContext {
  readonly backend: Calls<"add_contact">;
}

/** "Add contact" button plus the small form it opens (calls add_contact). */
export function createAddContact(ctx: AddContactContext): View {
  const disposer = new Disposer();
  const open = tx("button", "addContact.open", { type: "button", class: "add-contact-open", "data-testid": "add-contact", "aria-expanded": "false" });
  const jid = el("input", { id: "add-contact-jid", "data-testid": "add-contact-jid", type: "text", spellcheck: "false", autocapitalize: "off" });
  const name = el("input", { id: "add-contact-name", "data-testid": "add-contact-name", type: "text" });
  const group = el("input", { id: "add-contact-group", "data-testid": "add-contact-group", type: "text" });
  // Pre-approval (RFC 6121 §3.4): checked, they need not ask us back after we ask them.
  const share = el("input", { id: "add-contact-share", "data-testid": "add-contact-share", type: "checkbox", checked: true });
  const error = el("div", { class: "add-contact-error", role: "alert", "data-testid": "add-contact-error", hidden: true });
  const submit = tx("button", "addContact.submit", { type: "submit", class: "primary", "data-testid": "add-contact-submit" });
  const cancel = tx("button", "addContact.cancel", { type: "button" });
  const form = el(
    "form",
    { class: "add-contact", hidden: true, novalidate: true },
    field("addContact.jid", jid),
    field("addContact.name", name),
    field("addContact.group", group),
    el("div", { class: "field check" }, share, tx("label", "addContact.share", { for: share.id })),
    error,
    el("div", { class: "actions" }, cancel, submit),
  );

  let problem: { key: Key } | { error: IpcError } | null = null;
  const renderError = (): void => {
    error.replaceChildren(...(problem === null ? [] : "key" in problem ? [document.createTextNode(t(problem.key))] : [el("span", { class: "problem-text" }, t("addContact.error")), document.createTextNode(" "), ...problemNodes(problem.error)]));
    setHidden(error, problem === null);
  };
  const show = (visible: boolean): void => {
    setHidden(form, !visible);
    open.setAttribute("aria-expanded", String(visible));
    problem = null;
    renderError();
    if (visible) jid.focus();
    else form.reset();
  };

  open.addEventListener("click", () => show(form.hidden));
  cancel.addEventListener("click", () => show(false));
  form.addEventListener("keydown", (e) => {
    if (e.key === "Escape") show(false);
  });
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    void add();
  });

  async function add(): Promise<void> {
    const jidValue = jid.value.trim();
    if (!isBareJid(jidValue)) {
      problem = { key: "validation.jid" };
      renderError();
      return;
    }
    const groupValue = group.value.trim();
    submit.disabled = true;
    try {
      await ctx.backend.invoke("add_contact", {
        args: { jid: jidValue, name: name.value.trim() || null, groups: groupValue ? [groupValue] : [], share: share.checked },
      });
      show(false);
    } catch (err) {
      problem = { error: toIpcError(err) };
      renderError();
    } finally {
      submit.disabled = false;
    }
  }

  disposer.add(onLangChange(renderError));
  return viewOf(el("div", { class: "add-contact-box" }, open, form), disposer);
}
