import type { App } from "../app";
import type { IpcError } from "../bindings";
import { el, setHidden, type Disposer } from "../dom";
import { refusalNodes } from "../errors";
import { onLangChange, retranslate, t, tattr, tx, type Key } from "../i18n";
import { isBareJid } from "../jid";
import { field, input } from "./formFields";

export interface JoinRoomBox {
  readonly root: HTMLElement;
  /**
   * Opens the form filled in for `room` with the refusal of an earlier
   * attempt (e.g. a bookmark click the room refused for want of a password).
   */
  openFor(room: string, nick: string, refusal: IpcError): void;
}

/**
 * "Join room" button plus the small form it opens (calls join_room). The
 * form stays open until the room lets us in; a refusal is shown as text.
 */
export function createJoinRoom(app: App, disposer: Disposer): JoinRoomBox {
  const open = tx("button", "joinRoom.open", { type: "button", class: "join-room-open", "data-testid": "join-room-open", "aria-expanded": "false" });
  const address = input("join-room-address", { type: "text", spellcheck: "false", autocapitalize: "off", autocomplete: "off", ...tattr("placeholder", "joinRoom.addressPlaceholder") });
  const nick = input("join-room-nick", { type: "text", spellcheck: "false", autocapitalize: "off", autocomplete: "off" });
  const password = input("join-room-password", { type: "password", autocomplete: "off" });
  const error = el("div", { class: "join-room-error", role: "alert", "data-testid": "join-room-error", hidden: true });
  const submit = tx("button", "joinRoom.submit", { type: "submit", class: "primary", "data-testid": "join-room-submit" });
  const cancel = tx("button", "joinRoom.cancel", { type: "button", "data-testid": "join-room-cancel" });
  const form = el(
    "form",
    { class: "join-room", hidden: true, novalidate: true, "data-testid": "join-room-form" },
    field("joinRoom.address", address),
    field("joinRoom.nick", nick),
    field("joinRoom.password", password),
    error,
    el("div", { class: "actions" }, cancel, submit),
  );

  let problem: { key: Key; invalid: HTMLInputElement } | { error: IpcError } | null = null;
  let busy = false;

  const renderError = (): void => {
    for (const i of [address, nick]) i.removeAttribute("aria-invalid");
    if (problem === null) {
      error.replaceChildren();
    } else if ("key" in problem) {
      problem.invalid.setAttribute("aria-invalid", "true");
      error.replaceChildren(t(problem.key));
    } else {
      error.replaceChildren(...refusalNodes(t("joinRoom.error"), problem.error));
    }
    setHidden(error, problem === null);
  };
  const setBusy = (value: boolean): void => {
    busy = value;
    for (const control of [address, nick, password, submit]) control.disabled = value;
    retranslate(submit, value ? "joinRoom.joining" : "joinRoom.submit");
    form.setAttribute("aria-busy", String(value));
  };
  const show = (visible: boolean): void => {
    setHidden(form, !visible);
    open.setAttribute("aria-expanded", String(visible));
    problem = null;
    renderError();
    if (visible) {
      // Default nick: the local part of our own address.
      if (nick.value.trim() === "") nick.value = app.connection.ownJid.split("@")[0] ?? "";
      address.focus();
    } else {
      form.reset();
    }
  };

  open.addEventListener("click", () => show(form.hidden));
  cancel.addEventListener("click", () => show(false));
  form.addEventListener("keydown", (e) => {
    if (e.key === "Escape" && !busy) show(false);
  });
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    void join();
  });

  async function join(): Promise<void> {
    if (busy) return;
    const room = address.value.trim();
    const nickValue = nick.value.trim();
    problem = !isBareJid(room)
      ? { key: "validation.room", invalid: address }
      : nickValue === ""
        ? { key: "validation.nick", invalid: nick }
        : null;
    renderError();
    if (problem !== null) {
      problem.invalid.focus();
      return;
    }
    setBusy(true);
    const refused = await app.roomActions.join(room, nickValue, password.value === "" ? null : password.value);
    setBusy(false);
    if (refused === null) {
      show(false);
    } else {
      problem = { error: refused };
      renderError();
    }
  }

  disposer.add(onLangChange(renderError));
  const openFor = (room: string, nickValue: string, refusal: IpcError): void => {
    if (busy) return;
    show(false);
    address.value = room;
    nick.value = nickValue;
    show(true);
    problem = { error: refusal };
    renderError();
    password.focus();
  };
  return { root: el("div", { class: "join-room-box" }, open, form), openFor };
}
