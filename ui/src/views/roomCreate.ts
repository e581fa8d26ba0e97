import type { App } from "../app";
import { el, setHidden, type Disposer } from "../dom";
import { retranslate, tattr, tx } from "../i18n";
import { isBareJid, localPart } from "../jid";
import { checkboxField, errorLine, field, PLAIN_TEXT, uniqueInput } from "./formFields";

export interface RoomCreate {
  readonly root: HTMLElement;
  reset(): void;
}

/**
 * "Create room": joining a room that does not exist creates it (the
 * backend takes the default configuration); "configure after creating"
 * then opens the new room's settings on its configuration.
 */
export function createRoomCreate(app: App, disposer: Disposer, done: () => void): RoomCreate {
  const open = tx("button", "roomCreate.open", { type: "button", class: "room-create-open", "data-testid": "room-create-open", "aria-expanded": "false" });
  const address = uniqueInput("room-create-address", { ...PLAIN_TEXT, ...tattr("placeholder", "joinRoom.addressPlaceholder") });
  const nick = uniqueInput("room-create-nick", PLAIN_TEXT);
  const configure = uniqueInput("room-create-configure", { type: "checkbox" });
  const error = errorLine("room-create-error", "room-create-error", "roomCreate.error", disposer);
  const submit = tx("button", "roomCreate.submit", { type: "submit", class: "primary", "data-testid": "room-create-submit" });
  const form = el(
    "form",
    { class: "room-create", novalidate: true, hidden: true, "data-testid": "room-create-form" },
    field("roomCreate.address", address),
    field("joinRoom.nick", nick),
    checkboxField("roomCreate.configure", configure),
    tx("p", "roomCreate.hint", { class: "hint" }),
    error.root,
    el("div", { class: "actions" }, submit),
  );
  let busy = false;

  const toggle = (visible: boolean): void => {
    setHidden(form, !visible);
    open.setAttribute("aria-expanded", String(visible));
    error.show(null);
    if (visible) {
      if (nick.value.trim() === "") nick.value = localPart(app.connection.ownJid);
      address.focus();
    }
  };
  open.addEventListener("click", () => toggle(form.hidden));
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    void create();
  });

  async function create(): Promise<void> {
    if (busy) return;
    const room = address.value.trim();
    const nickValue = nick.value.trim();
    const problem = !isBareJid(room)
      ? { key: "validation.room" as const, invalid: address }
      : nickValue === ""
        ? { key: "validation.nick" as const, invalid: nick }
        : null;
    error.show(problem);
    if (problem) {
      problem.invalid.focus();
      return;
    }
    busy = true;
    submit.disabled = true;
    retranslate(submit, "roomCreate.creating");
    const refused = await app.roomActions.join(room, nickValue, null);
    busy = false;
    submit.disabled = false;
    retranslate(submit, "roomCreate.submit");
    if (refused) {
      error.show({ error: refused });
      return;
    }
    if (configure.checked) app.roomAdmin.requestSettings(room);
    done();
  }

  return {
    root: el("div", { class: "room-create-box" }, open, form),
    reset() {
      if (busy) return;
      form.reset();
      toggle(false);
    },
  };
}
