import { Disposer, el, setHidden } from "../dom";
import type { RoomStore } from "../state/rooms";
import { createComposer, type Composer, type ComposerContext } from "./composer";
import { conversationActions, lastOwn, type MessageActionsContext } from "./messageActions";
import { createSendError, type ConversationPanel, type SendErrorContext } from "./conversation";
import { createMessageView, type MessageViewContext } from "./messageView";
import { createOccupantsPanel, type OccupantsContext } from "./occupants";
import { createRoomHeader, type RoomHeaderContext } from "./roomHeader";
import { adopt } from "./view";

export type RoomPanelContext = SendErrorContext & ComposerContext & MessageViewContext & MessageActionsContext & OccupantsContext & RoomHeaderContext & {
  readonly rooms: RoomStore;
};

/** The body of a room tab: header, messages and composer, occupants at the side. */
export function createRoomPanel(ctx: RoomPanelContext, room: string, panelId: string, tabId: string): ConversationPanel {
  const disposer = new Disposer();
  let composer: Composer | null = null;
  const actions = conversationActions(
    ctx,
    room,
    () => composer && { edit: composer.beginEdit, reply: composer.beginReply },
    () => ctx.rooms.mayModerate(room),
  );
  const view = adopt(disposer, createMessageView(ctx, room, actions));
  const sendError = adopt(disposer, createSendError(ctx, room));
  const others = (): string[] => {
    const r = ctx.rooms.get(room);
    return r ? [...r.occupants.keys()].filter((nick) => nick !== r.nick) : [];
  };
  composer = adopt(disposer, createComposer(ctx, room, () => view.scrollToEnd(), others, () => lastOwn(ctx, room)));
  const occupants = adopt(disposer, createOccupantsPanel(ctx, room));

  // Out of the room: history stays readable, but there is nobody to write to.
  const renderJoined = (): void => setHidden(composer.el, !(ctx.rooms.get(room)?.joined ?? false));
  disposer.add(ctx.rooms.changed.on((r) => {
    if (r === room) renderJoined();
  }));
  renderJoined();

  const root = el(
    "section",
    { class: "conversation room-conversation", role: "tabpanel", id: panelId, "aria-labelledby": tabId, "data-room": room },
    adopt(disposer, createRoomHeader(ctx, room)).el,
    el("div", { class: "room-body" }, el("div", { class: "room-main" }, view.el, sendError.el, composer.el), occupants.el),
  );
  return {
    el: root,
    view: {
      detaching: () => view.detaching(),
      attached: () => {
        view.attached();
        occupants.refresh();
      },
    },
    dispose: () => disposer.dispose(),
  };
}
