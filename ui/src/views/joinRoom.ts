import type { IpcError } from "../bindings";
import { Disposer, el, setHidden } from "../dom";
import { retranslate, tx } from "../i18n";
import { errorLine, field, input } from "./formFields";
import { createRoomAddressFields } from "./roomAddressFields";
import type { ChatController } from "../chat";
import type { RoomController } from "../rooms";
import type { RoomStore } from "../state/rooms";
import { createRoomBrowser, type ListedRoomJoin, type RoomBrowserContext } from "./roomBrowser";
import { adopt, type View } from "./view";

export type JoinRoomContext = RoomBrowserContext & {
  readonly rooms: RoomStore;
  readonly roomActions: Pick<RoomController, "join">;
  readonly chat: Pick<ChatController, "open">;
};

export interface JoinRoomBox extends View, ListedRoomJoin {
  /**
   * Opens the form filled in for `room` with the refusal of an earlier
   * attempt (e.g. a bookmark click the room refused for want of a password).
   */
  openFor(room: string, nick: string, refusal: IpcError): void;
}

/**
 * "Join room" button plus the small form it opens (calls join_room). The
 * form stays open until the room lets us in; a refusal is shown as text.
 * "Browse rooms" opens the room browser next to it.
 */
export function createJoinRoom(ctx: JoinRoomContext): JoinRoomBox {
  const disposer = new Disposer();
  const open = tx("button", "joinRoom.open", { type: "button", class: "join-room-open", "data-testid": "join-room-open", "aria-expanded": "false" });
  const fields = createRoomAddressFields(ctx, { addressId: "join-room-address", nickId: "join-room-nick", addressLabel: "joinRoom.address" });
  const { address, nick } = fields;
  const password = input("join-room-password", { type: "password", autocomplete: "off" });
  const error = errorLine("join-room-error", "join-room-error", "joinRoom.error", disposer);
  const submit = tx("button", "joinRoom.submit", { type: "submit", class: "primary", "data-testid": "join-room-submit" });
  const cancel = tx("button", "joinRoom.cancel", { type: "button", "data-testid": "join-room-cancel" });
  const form = el(
    "form",
    { class: "join-room", hidden: true, novalidate: true, "data-testid": "join-room-form" },
    ...fields.nodes,
    field("joinRoom.password", password),
    error.root,
    el("div", { class: "actions" }, cancel, submit),
  );

  let busy = false;

  const setBusy = (value: boolean): void => {
    busy = value;
    for (const control of [address, nick, password, submit]) control.disabled = value;
    retranslate(submit, value ? "joinRoom.joining" : "joinRoom.submit");
    form.setAttribute("aria-busy", String(value));
  };
  const show = (visible: boolean): void => {
    setHidden(form, !visible);
    open.setAttribute("aria-expanded", String(visible));
    error.show(null);
    if (visible) {
      fields.prepare();
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
    const entry = fields.read(error);
    if (entry === null) return;
    setBusy(true);
    const refused = await ctx.roomActions.join(entry.room, entry.nick, password.value === "" ? null : password.value);
    setBusy(false);
    if (refused === null) show(false);
    else error.show({ error: refused });
  }

  /** Opens the form for `room` as `nickValue` (closing whatever was typed before). */
  const fill = (room: string, nickValue: string): void => {
    show(false);
    address.value = room;
    nick.value = nickValue;
    show(true);
  };
  const openFor = (room: string, nickValue: string, refusal: IpcError): void => {
    if (busy) return;
    fill(room, nickValue);
    error.show({ error: refusal });
    password.focus();
  };
  const joinListed = (room: string, nickValue: string, needsPassword: boolean): void => {
    if (busy) return;
    if (ctx.rooms.get(room)?.joined) {
      ctx.chat.open(room, true, "room");
      return;
    }
    fill(room, nickValue);
    if (needsPassword) password.focus();
    else void join();
  };
  const browser = adopt(disposer, createRoomBrowser(ctx, { joinListed }));
  const root = el("div", { class: "join-room-box" }, el("div", { class: "join-room-buttons" }, open, browser.open), form, browser.el);
  return { el: root, openFor, joinListed, dispose: () => disposer.dispose() };
}
