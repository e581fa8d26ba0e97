import type { BookmarkInput, BookmarkView } from "../bindings";
import type { BookmarkController } from "../bookmarks";
import { Disposer, el, setHidden, setText } from "../dom";
import { onLangChange, retranslate, t, tattr, tx } from "../i18n";
import { isBareJid } from "../jid";
import type { ConnectionStore } from "../state/connection";
import { checkboxField, errorLine, field, PLAIN_TEXT, uniqueInput } from "./formFields";
import type { View } from "./view";

export interface BookmarkFormContext {
  readonly connection: ConnectionStore;
  readonly bookmarkActions: Pick<BookmarkController, "save">;
}

/** What the form edits: a known room (from its tab or a bookmark), or a new address typed by the user. */
export interface BookmarkTarget {
  /** null = a new bookmark whose address the user types. */
  readonly jid: string | null;
  /** The bookmark being edited, or null when adding. */
  readonly existing: BookmarkView | null;
  /** Nickname to start with when adding (e.g. ours in the room). */
  readonly nick?: string;
}

export interface BookmarkForm extends View<HTMLFormElement> {
  open(target: BookmarkTarget): void;
  close(): void;
}

/**
 * Add / edit a bookmark (set_bookmark). The password never comes back from
 * the backend: left empty it is sent as null (keep the stored one), and
 * "Remove the saved password" sends "". The form stays open until the
 * server stored the bookmark; a refusal is shown as text.
 */
export function createBookmarkForm(ctx: BookmarkFormContext, onClose: () => void = () => undefined): BookmarkForm {
  const disposer = new Disposer();
  // Several forms may exist (sidebar, room tabs): ids must stay unique for the labels.
  const control = uniqueInput;
  const title = el("h3", { class: "bookmark-form-title", "data-testid": "bookmark-form-title" });
  const roomText = el("p", { class: "bookmark-form-room", "data-testid": "bookmark-room" });
  const jid = control("bookmark-jid", { ...PLAIN_TEXT, ...tattr("placeholder", "joinRoom.addressPlaceholder") });
  const jidField = field("bookmarkForm.address", jid);
  const name = control("bookmark-name", { type: "text", autocomplete: "off" });
  const nick = control("bookmark-nick", PLAIN_TEXT);
  const password = control("bookmark-password", { type: "password", autocomplete: "new-password" });
  const removePassword = control("bookmark-password-remove", { type: "checkbox" });
  const removePasswordField = checkboxField("bookmarkForm.removePassword", removePassword);
  const autojoin = control("bookmark-autojoin", { type: "checkbox" });
  const error = errorLine("bookmark-error", "bookmark-error", "bookmarkForm.error", disposer);
  const save = tx("button", "bookmarkForm.save", { type: "submit", class: "primary", "data-testid": "bookmark-save" });
  const cancel = tx("button", "bookmarkForm.cancel", { type: "button", "data-testid": "bookmark-cancel" });
  const form = el(
    "form",
    { class: "bookmark-form", hidden: true, novalidate: true, "data-testid": "bookmark-form" },
    title,
    roomText,
    jidField,
    field("bookmarkForm.name", name),
    field("bookmarkForm.nick", nick),
    field("bookmarkForm.password", password),
    removePasswordField,
    tx("p", "bookmarkForm.passwordHint", { class: "hint" }),
    checkboxField("bookmarkForm.autojoin", autojoin),
    error.root,
    el("div", { class: "actions" }, cancel, save),
  );

  let target: BookmarkTarget | null = null;
  let busy = false;

  const renderTitle = (): void => {
    if (target) retranslate(title, target.existing ? "bookmarkForm.editTitle" : "bookmarkForm.addTitle");
  };
  const renderPassword = (): void => {
    const stored = target?.existing?.hasPassword ?? false;
    if (stored) {
      password.placeholder = t("bookmarkForm.passwordUnchanged");
    } else {
      password.removeAttribute("placeholder");
    }
    setHidden(removePasswordField, !stored);
    const removing = stored && removePassword.checked;
    password.disabled = busy || removing;
    if (removing) password.value = "";
  };
  const setBusy = (value: boolean): void => {
    busy = value;
    for (const c of [jid, name, nick, removePassword, autojoin, save]) c.disabled = value;
    renderPassword();
    retranslate(save, value ? "bookmarkForm.saving" : "bookmarkForm.save");
    form.setAttribute("aria-busy", String(value));
  };

  function open(next: BookmarkTarget): void {
    if (busy) return;
    form.reset();
    target = next;
    const b = next.existing;
    jid.value = next.jid ?? "";
    setHidden(jidField, next.jid !== null);
    setText(roomText, next.jid ?? "");
    setHidden(roomText, next.jid === null);
    name.value = b?.name ?? "";
    name.placeholder = next.jid ? (next.jid.split("@")[0] ?? "") : "";
    nick.value = b ? (b.nick ?? "") : (next.nick ?? "");
    nick.placeholder = ctx.connection.ownJid.split("@")[0] ?? "";
    autojoin.checked = b?.autojoin ?? false;
    error.show(null);
    renderTitle();
    renderPassword();
    setHidden(form, false);
    (next.jid === null ? jid : name).focus();
  }

  function close(): void {
    if (busy) return;
    target = null;
    form.reset();
    error.show(null);
    setHidden(form, true);
    onClose();
  }

  async function submit(): Promise<void> {
    if (busy || !target) return;
    const room = target.jid ?? jid.value.trim();
    error.show(isBareJid(room) ? null : { key: "validation.room", invalid: jid });
    if (error.problem !== null) {
      jid.focus();
      return;
    }
    const stored = target.existing?.hasPassword ?? false;
    const bookmark: BookmarkInput = {
      jid: room,
      name: name.value.trim() === "" ? null : name.value.trim(),
      nick: nick.value.trim() === "" ? null : nick.value.trim(),
      autojoin: autojoin.checked,
      // null = keep the stored password; "" = remove it.
      password: stored && removePassword.checked ? "" : password.value === "" ? null : password.value,
    };
    setBusy(true);
    const refused = await ctx.bookmarkActions.save(bookmark);
    setBusy(false);
    if (refused === null) close();
    else error.show({ error: refused });
  }

  removePassword.addEventListener("change", renderPassword);
  cancel.addEventListener("click", close);
  form.addEventListener("keydown", (e) => {
    if (e.key === "Escape" && !busy) {
      e.preventDefault();
      close();
    }
  });
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    void submit();
  });
  disposer.add(onLangChange(renderPassword));

  return { el: form, open, close, dispose: () => disposer.dispose() };
}
