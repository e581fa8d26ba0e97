import { shown } from "../bidi";
import { styledBody, unstyledBody } from "../styling";
import type { ChatMessage, DeliveryState } from "../bindings";
import { el } from "../dom";
import { problemNodes } from "../errors";
import { getLang, t, tx } from "../i18n";
import { formatClock, formatFull, toDate } from "../time";
import { actionNodes, editedNode, quoteNode, reactionsNode, type MessageActions } from "./messageActions";

const STATE_ICON: Record<DeliveryState, string> = {
  queued: "⏳", sent: "✓", acked: "✓", delivered: "✓✓", read: "👁", received: "✓✓", failed: "⚠",
};

/**
 * One message as a list item; every remote string is inserted as text.
 * `mention`: a room message that names our nick (highlighted). `actions`:
 * what the user may do to it (edit, retract, earlier texts).
 */
export function renderMessage(m: ChatMessage, mention = false, actions?: MessageActions): HTMLLIElement {
  const date = toDate(m.timestamp);
  const notice = m.kind === "headline";
  // In a room the peer is the room: who wrote it is the sender's nick.
  const sender = m.kind === "groupchat" && m.direction === "in" && m.sender !== null ? m.sender : null;
  const time = el("time", { datetime: date.toISOString(), title: formatFull(date, getLang()) }, formatClock(date));
  const content = el(
    "div",
    { class: "message-content" },
    notice ? tx("span", "messages.notice", { class: "notice-label" }) : null,
    sender !== null ? el("span", { class: "message-sender", "data-testid": "message-sender" }, shown(sender)) : null,
    m.subject ? el("strong", { class: "message-subject" }, m.subject) : null,
    quoteNode(m, actions),
    m.retracted
      ? tx("div", "message.retracted", { class: "message-body message-tombstone", "data-testid": "message-tombstone" })
      : el("div", { class: "message-body", "data-testid": "message-body" }, ...(m.unstyled ? unstyledBody(m.body) : styledBody(m.body))),
    editedNode(m, actions),
    reactionsNode(m, actions),
    actionNodes(m, actions),
    m.state === "failed" && m.direction === "out"
      ? el("div", { class: "message-error", "data-testid": "message-error", role: "alert" }, ...failureNodes(m))
      : null,
  );
  const state =
    m.direction === "out"
      ? el(
          "span",
          { class: `message-state state-${m.state}`, role: "img", title: t(`state.${m.state}`), "aria-label": t(`state.${m.state}`) },
          STATE_ICON[m.state],
        )
      : null;
  return el(
    "li",
    {
      class: `message ${m.direction}${notice ? " notice" : ""}${mention ? " mention" : ""}${m.retracted ? " retracted" : ""}`,
      "data-testid": "message",
      "data-id": m.id,
      "data-direction": m.direction,
      "data-state": m.state,
      "data-kind": m.kind,
    },
    time,
    content,
    state,
  );
}

/** Why an outgoing message failed, in the current language. */
function failureNodes(m: ChatMessage): Node[] {
  return m.error === null ? [document.createTextNode(t("state.failed"))] : problemNodes(m.error);
}

/** Refreshes the language-dependent attributes of a rendered message. */
export function relabelMessage(item: HTMLElement, m: ChatMessage): void {
  item.querySelector("time")?.setAttribute("title", formatFull(toDate(m.timestamp), getLang()));
  const state = item.querySelector(".message-state");
  if (state) {
    state.setAttribute("title", t(`state.${m.state}`));
    state.setAttribute("aria-label", t(`state.${m.state}`));
  }
  item.querySelector('[data-testid="message-error"]')?.replaceChildren(...failureNodes(m));
}
