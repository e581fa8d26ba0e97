import type { ChatMessage, MessageVersion } from "../bindings";
import type { ChatController } from "../chat";
import type { ConversationStore } from "../state/conversations";
import { el } from "../dom";
import { getLang, t, tx } from "../i18n";
import { formatFull, toDate } from "../time";

/** What the user may do to a message (`messageItem.ts` draws the controls). */
export interface MessageActions {
  /** Put our message `m` in the composer to correct it. */
  edit(m: ChatMessage): void;
  /** Retract our message `m` for everyone; false when it failed. */
  retract(m: ChatMessage): Promise<boolean>;
  /** The texts `m` had before its corrections, oldest first. */
  versions(m: ChatMessage): Promise<MessageVersion[]>;
}

/** How long "Delete for everyone?" waits for the second click (ms). */
const CONFIRM_MS = 5_000;

/** Whether `m` is ours and may still be corrected or retracted. */
export function amendable(m: ChatMessage): boolean {
  return m.direction === "out" && !m.retracted && m.originId !== null && m.state !== "failed" && m.state !== "queued";
}

/** Edit and delete buttons for our own message; nothing for anyone else's. */
export function actionNodes(m: ChatMessage, actions: MessageActions | undefined): HTMLElement | null {
  if (!actions || !amendable(m)) return null;
  const edit = tx("button", "message.edit", { type: "button", class: "link-button", "data-testid": "message-edit" });
  edit.addEventListener("click", () => actions.edit(m));
  const retract = tx("button", "message.retract", { type: "button", class: "link-button", "data-testid": "message-retract" });
  let armed: ReturnType<typeof setTimeout> | null = null;
  retract.addEventListener("click", () => {
    if (armed === null) {
      // A second click within a few seconds confirms: nothing is removed by one slip.
      retract.textContent = t("message.retractConfirm");
      retract.dataset.armed = "true";
      armed = setTimeout(() => {
        armed = null;
        retract.textContent = t("message.retract");
        delete retract.dataset.armed;
      }, CONFIRM_MS);
      return;
    }
    clearTimeout(armed);
    armed = null;
    retract.disabled = true;
    void actions.retract(m).then((ok) => {
      if (!ok) {
        retract.disabled = false;
        retract.textContent = t("message.retract");
        delete retract.dataset.armed;
      }
    });
  });
  return el("span", { class: "message-actions" }, edit, retract);
}

/** "(edited)" on a corrected message; a click shows the earlier texts (as text). */
export function editedNode(m: ChatMessage, actions: MessageActions | undefined): HTMLElement | null {
  if (m.edited === null || m.retracted) return null;
  const when = formatFull(toDate(m.edited), getLang());
  const label = tx("button", "message.edited", {
    type: "button", class: "link-button message-edited", "data-testid": "message-edited", title: when, "aria-expanded": "false",
  });
  const wrap = el("span", { class: "message-edited-wrap" }, label);
  let list: HTMLElement | null = null;
  label.addEventListener("click", () => {
    if (list) {
      list.remove();
      list = null;
      label.setAttribute("aria-expanded", "false");
      return;
    }
    if (!actions) return;
    label.setAttribute("aria-expanded", "true");
    void actions.versions(m).then((versions) => {
      list = el(
        "ol",
        { class: "message-versions", "data-testid": "message-versions", "aria-label": t("message.versions") },
        ...versions.map((v) =>
          el("li", { title: formatFull(toDate(v.replacedAt), getLang()) }, v.body),
        ),
      );
      wrap.append(list);
    });
  });
  return wrap;
}

export interface MessageActionsContext {
  readonly chat: Pick<ChatController, "retract" | "versions">;
  readonly convs: Pick<ConversationStore, "get">;
}

/** What the user may do to the messages of `peer`'s conversation; `edit` opens the composer. */
export function conversationActions(ctx: MessageActionsContext, peer: string, edit: (m: ChatMessage) => void): MessageActions {
  return {
    edit,
    retract: (m) => ctx.chat.retract(peer, m.id),
    versions: (m) => ctx.chat.versions(m.id),
  };
}

/** Our newest message in `peer`'s conversation that may still be corrected (Up in an empty composer). */
export function lastOwn(ctx: MessageActionsContext, peer: string): ChatMessage | undefined {
  const messages = ctx.convs.get(peer)?.messages ?? [];
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i]!;
    if (m.direction === "out") return amendable(m) ? m : undefined;
  }
  return undefined;
}
