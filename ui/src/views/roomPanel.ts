import type { App } from "../app";
import { Disposer, el, setHidden } from "../dom";
import { createComposer } from "./composer";
import { createSendError, type ConversationPanel } from "./conversation";
import { createMessageView } from "./messageView";
import { createOccupantsPanel } from "./occupants";
import { createRoomHeader } from "./roomHeader";

/** The body of a room tab: header, messages and composer, occupants at the side. */
export function createRoomPanel(app: App, room: string, panelId: string, tabId: string): ConversationPanel {
  const disposer = new Disposer();
  const view = createMessageView(app, room, disposer);
  const sendError = createSendError(app, room, disposer);
  const composer = createComposer(app, room, () => view.scrollToEnd());
  const occupants = createOccupantsPanel(app, room, disposer);

  // Out of the room: history stays readable, but there is nobody to write to.
  const renderJoined = (): void => setHidden(composer, !(app.rooms.get(room)?.joined ?? false));
  disposer.add(app.rooms.changed.on((r) => {
    if (r === room) renderJoined();
  }));
  renderJoined();

  const root = el(
    "section",
    { class: "conversation room-conversation", role: "tabpanel", id: panelId, "aria-labelledby": tabId, "data-room": room },
    createRoomHeader(app, room, disposer),
    el("div", { class: "room-body" }, el("div", { class: "room-main" }, view.root, sendError, composer), occupants.root),
  );
  return {
    root,
    view: {
      ...view,
      attached: () => {
        view.attached();
        occupants.refresh();
      },
    },
    dispose: () => disposer.dispose(),
  };
}
