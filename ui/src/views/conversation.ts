import { Disposer, el, setHidden, setText } from "../dom";
import { problemNodes } from "../errors";
import { onLangChange, t } from "../i18n";
import { peerLabel } from "../peers";
import type { ConversationStore } from "../state/conversations";
import type { RosterStore } from "../state/roster";
import { createComposer, type Composer, type ComposerContext } from "./composer";
import { conversationActions, lastOwn, type MessageActionsContext } from "./messageActions";
import { createTypingLine, type TypingContext } from "./typingLine";
import { createMessageView, type MessageView, type MessageViewContext } from "./messageView";
import { adopt, viewOf, type View } from "./view";

export interface SendErrorContext {
  readonly convs: ConversationStore;
}

export type ConversationContext = SendErrorContext & ComposerContext & MessageViewContext & MessageActionsContext & TypingContext & {
  readonly roster: RosterStore;
};

/** The body of a tab: its message list is told when the panel is shown or hidden. */
export interface ConversationPanel extends View {
  readonly view: Pick<MessageView, "attached" | "detaching">;
}

/** The line under the message list that says why the last message could not be sent. */
export function createSendError(ctx: SendErrorContext, peer: string): View {
  const disposer = new Disposer();
  const sendError = el("div", { class: "send-error", role: "alert", "data-testid": "composer-error", hidden: true });
  const render = (): void => {
    const error = ctx.convs.get(peer)?.sendError ?? null;
    sendError.replaceChildren(...(error ? [el("span", { class: "problem-text" }, t("composer.error")), document.createTextNode(" "), ...problemNodes(error)] : []));
    setHidden(sendError, error === null);
  };
  disposer.add(ctx.convs.statusChanged.on((p) => {
    if (p === peer) render();
  }));
  disposer.add(onLangChange(render));
  render();
  return viewOf(sendError, disposer);
}

/** The body of one tab: peer header, message list, send error and composer. */
export function createConversationPanel(ctx: ConversationContext, peer: string, panelId: string, tabId: string): ConversationPanel {
  const disposer = new Disposer();
  const title = el("h2", { class: "conversation-title" });
  const subtitle = el("span", { class: "conversation-jid" }, peer);
  const typing = adopt(disposer, createTypingLine(ctx, peer));
  let composer: Composer | null = null;
  const actions = conversationActions(ctx, peer, () => composer && { edit: composer.beginEdit, reply: composer.beginReply });
  const view = adopt(disposer, createMessageView(ctx, peer, actions));
  const sendError = adopt(disposer, createSendError(ctx, peer));
  composer = adopt(disposer, createComposer(ctx, peer, () => view.scrollToEnd(), undefined, () => lastOwn(ctx, peer)));

  const renderHeader = (): void => {
    const name = peerLabel(ctx, peer);
    setText(title, name);
    setHidden(subtitle, name === peer);
  };

  disposer.add(ctx.roster.itemsChanged.on(renderHeader));
  disposer.add(onLangChange(renderHeader));
  renderHeader();

  const root = el(
    "section",
    { class: "conversation", role: "tabpanel", id: panelId, "aria-labelledby": tabId },
    el("header", { class: "conversation-header" }, title, subtitle, typing.el),
    view.el,
    sendError.el,
    composer.el,
  );
  return { el: root, view, dispose: () => disposer.dispose() };
}
