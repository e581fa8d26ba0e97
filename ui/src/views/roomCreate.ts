import { Disposer, el, setHidden } from "../dom";
import { retranslate, tx } from "../i18n";
import { checkboxField, errorLine, uniqueInput } from "./formFields";
import type { RoomAdminController } from "../roomAdmin";
import type { RoomController } from "../rooms";
import { createRoomAddressFields, type RoomAddressContext } from "./roomAddressFields";
import type { View } from "./view";

export type RoomCreateContext = RoomAddressContext & {
  readonly roomActions: Pick<RoomController, "join">;
  readonly roomAdmin: Pick<RoomAdminController, "requestSettings">;
};

export interface RoomCreate extends View {
  reset(): void;
}

/**
 * "Create room": joining a room that does not exist creates it (the
 * backend takes the default configuration); "configure after creating"
 * then opens the new room's settings on its configuration.
 */
export function createRoomCreate(ctx: RoomCreateContext, done: () => void): RoomCreate {
  const disposer = new Disposer();
  const open = tx("button", "roomCreate.open", { type: "button", class: "room-create-open", "data-testid": "room-create-open", "aria-expanded": "false" });
  const fields = createRoomAddressFields(ctx, {
    addressId: "room-create-address",
    nickId: "room-create-nick",
    addressLabel: "roomCreate.address",
    makeInput: uniqueInput,
  });
  const configure = uniqueInput("room-create-configure", { type: "checkbox" });
  const error = errorLine("room-create-error", "room-create-error", "roomCreate.error", disposer);
  const submit = tx("button", "roomCreate.submit", { type: "submit", class: "primary", "data-testid": "room-create-submit" });
  const form = el(
    "form",
    { class: "room-create", novalidate: true, hidden: true, "data-testid": "room-create-form" },
    ...fields.nodes,
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
    if (visible) fields.prepare();
  };
  open.addEventListener("click", () => toggle(form.hidden));
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    void create();
  });

  async function create(): Promise<void> {
    if (busy) return;
    const entry = fields.read(error);
    if (entry === null) return;
    busy = true;
    submit.disabled = true;
    retranslate(submit, "roomCreate.creating");
    const refused = await ctx.roomActions.join(entry.room, entry.nick, null);
    busy = false;
    submit.disabled = false;
    retranslate(submit, "roomCreate.submit");
    if (refused) {
      error.show({ error: refused });
      return;
    }
    if (configure.checked) ctx.roomAdmin.requestSettings(entry.room);
    done();
  }

  return {
    el: el("div", { class: "room-create-box" }, open, form),
    dispose: () => disposer.dispose(),
    reset() {
      if (busy) return;
      form.reset();
      toggle(false);
    },
  };
}
