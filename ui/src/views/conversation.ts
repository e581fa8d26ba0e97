import type { App } from "../app";
import { Disposer, el, setHidden, setText } from "../dom";
import { problemNodes } from "../errors";
import { onLangChange, t } from "../i18n";
import { peerLabel } from "../peers";
import { createComposer } from "./composer";
import { createMessageView, type MessageView } from "./messageView";

export interface ConversationPanel {
  readonly root: HTMLElement;
  readonly view: MessageView;
  dispose(): void;
}

/** The line under the message list that says why the last message could not be sent. */
export function createSendError(app: App, peer: string, disposer: Disposer): HTMLElement {
  const sendError = el("div", { class: "send-error", role: "alert", "data-testid": "composer-error", hidden: true });
  const render = (): void => {
    const error = app.convs.get(peer)?.sendError ?? null;
    sendError.replaceChildren(...(error ? [el("span", { class: "problem-text" }, t("composer.error")), document.createTextNode(" "), ...problemNodes(error)] : []));
    setHidden(sendError, error === null);
  };
  disposer.add(app.convs.statusChanged.on((p) => {
    if (p === peer) render();
  }));
  disposer.add(onLangChange(render));
  render();
  return sendError;
}

/** The body of one tab: peer header, message list, send error and composer. */
export function createConversationPanel(app: App, peer: string, panelId: string, tabId: string): ConversationPanel {
  const disposer = new Disposer();
  const title = el("h2", { class: "conversation-title" });
  const subtitle = el("span", { class: "conversation-jid" }, peer);
  const view = createMessageView(app, peer, disposer);
  const sendError = createSendError(app, peer, disposer);
  const composer = createComposer(app, peer, () => view.scrollToEnd());

  const renderHeader = (): void => {
    const name = peerLabel(app, peer);
    setText(title, name);
    setHidden(subtitle, name === peer);
  };

  disposer.add(app.roster.itemsChanged.on(renderHeader));
  disposer.add(onLangChange(renderHeader));
  renderHeader();

  const root = el(
    "section",
    { class: "conversation", role: "tabpanel", id: panelId, "aria-labelledby": tabId },
    el("header", { class: "conversation-header" }, title, subtitle),
    view.root,
    sendError,
    composer,
  );
  return { root, view, dispose: () => disposer.dispose() };
}
