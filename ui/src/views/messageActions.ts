import type { ChatMessage, MessageVersion } from "../bindings";
import type { ChatController } from "../chat";
import type { ConversationStore } from "../state/conversations";
import { el } from "../dom";
import { getLang, t, tattr, tx, type Key } from "../i18n";
import { formatFull, toDate } from "../time";
import { createEmojiPicker } from "./emojiPicker";

/** What the user may do to a message (`messageItem.ts` draws the controls). */
export interface MessageActions {
  /** Put our message `m` in the composer to correct it. */
  edit(m: ChatMessage): void;
  /** Answer `m` (XEP-0461): the composer says which message it answers. */
  reply(m: ChatMessage): void;
  /** The loaded message that reply `m` answers. */
  original(m: ChatMessage): ChatMessage | undefined;
  /** Scroll to the message that reply `m` answers; false when it is nowhere in history. */
  showOriginal(m: ChatMessage): Promise<boolean>;
  /** Add `emoji` to our reactions to `m`, or take it back (XEP-0444). */
  toggleReaction(m: ChatMessage, emoji: string): void;
  /** Retract our message `m` for everyone; false when it failed. */
  retract(m: ChatMessage): Promise<boolean>;
  /** We may remove someone else's message `m` as a room moderator (XEP-0425). */
  mayModerate(m: ChatMessage): boolean;
  /** Remove `m` for everyone as a moderator; false when it failed. */
  moderate(m: ChatMessage): Promise<boolean>;
  /** The texts `m` had before its corrections, oldest first. */
  versions(m: ChatMessage): Promise<MessageVersion[]>;
}

/** How long "Delete for everyone?" waits for the second click (ms). */
const CONFIRM_MS = 5_000;

/** Whether `m` is ours and may still be corrected or retracted. */
export function amendable(m: ChatMessage): boolean {
  return m.direction === "out" && !m.retracted && m.originId !== null && m.state !== "failed" && m.state !== "queued";
}

/** Reply on any message; edit and delete on our own. */
export function actionNodes(m: ChatMessage, actions: MessageActions | undefined): HTMLElement | null {
  if (!actions || m.retracted || m.kind === "headline") return null;
  const reply = tx("button", "message.reply", { type: "button", class: "link-button", "data-testid": "message-reply" });
  reply.addEventListener("click", () => actions.reply(m));
  const react = el("button", {
    type: "button", class: "link-button", "data-testid": "message-react",
    ...tattr("aria-label", "message.react"), ...tattr("title", "message.react"),
  }, "☺");
  const wrap = el("span", { class: "message-actions" });
  let picker: HTMLElement | null = null;
  const closePicker = (): void => {
    picker?.remove();
    picker = null;
    react.focus();
  };
  react.addEventListener("click", () => {
    if (picker) return closePicker();
    picker = createEmojiPicker((emoji) => {
      closePicker();
      actions.toggleReaction(m, emoji);
    }, closePicker);
    wrap.append(picker);
    picker.querySelector("button")?.focus();
  });
  if (!amendable(m)) {
    wrap.append(reply, react);
    if (actions.mayModerate(m)) {
      wrap.append(confirmedButton("message.moderate", "message.moderateConfirm", "message-moderate", () => actions.moderate(m)));
    }
    return wrap;
  }
  const edit = tx("button", "message.edit", { type: "button", class: "link-button", "data-testid": "message-edit" });
  edit.addEventListener("click", () => actions.edit(m));
  const retract = confirmedButton("message.retract", "message.retractConfirm", "message-retract", () => actions.retract(m));
  wrap.prepend(reply, react, edit, retract);
  return wrap;
}

/**
 * A button that acts on its second click within a few seconds (the first
 * asks `confirmKey`): nothing is removed by one slip.
 */
function confirmedButton(labelKey: Key, confirmKey: Key, testid: string, act: () => Promise<boolean>): HTMLButtonElement {
  const button = tx("button", labelKey, { type: "button", class: "link-button", "data-testid": testid });
  let armed: ReturnType<typeof setTimeout> | null = null;
  const disarm = (): void => {
    button.textContent = t(labelKey);
    delete button.dataset.armed;
  };
  button.addEventListener("click", () => {
    if (armed === null) {
      button.textContent = t(confirmKey);
      button.dataset.armed = "true";
      armed = setTimeout(() => {
        armed = null;
        disarm();
      }, CONFIRM_MS);
      return;
    }
    clearTimeout(armed);
    armed = null;
    button.disabled = true;
    void act().then((ok) => {
      if (!ok) {
        button.disabled = false;
        disarm();
      }
    });
  });
  return button;
}

/** The emojis under a message, each with how many chose it; a click adds or takes back ours. */
export function reactionsNode(m: ChatMessage, actions: MessageActions | undefined): HTMLElement | null {
  if (m.reactions.length === 0 || m.retracted) return null;
  return el(
    "div",
    { class: "message-reactions", "data-testid": "message-reactions" },
    ...m.reactions.map((r) => {
      const count = r.by.length + (r.mine ? 1 : 0);
      const who = [...(r.mine ? [t("message.you")] : []), ...r.by].join(", ");
      const b = el(
        "button",
        { type: "button", class: `reaction${r.mine ? " mine" : ""}`, "data-testid": "reaction", "data-emoji": r.emoji, "aria-pressed": String(r.mine), title: who },
        `${r.emoji} ${count}`,
      );
      b.addEventListener("click", () => actions?.toggleReaction(m, r.emoji));
      return b;
    }),
  );
}

/** One line of a message's text, for a quote. */
export function firstLine(text: string, max = 120): string {
  const line = text.split("\n", 1)[0] ?? "";
  return line.length > max ? `${line.slice(0, max)}…` : line;
}

/** Above a reply: who wrote the message it answers and how it began; a click goes there. */
export function quoteNode(m: ChatMessage, actions: MessageActions | undefined): HTMLElement | null {
  if (!m.reply || m.retracted) return null;
  const original = actions?.original(m);
  const author = original ? (original.direction === "out" ? t("message.you") : (original.sender ?? original.peer)) : null;
  const text = original ? (original.retracted ? t("message.retracted") : firstLine(original.body)) : (m.reply.quote ?? t("message.replyUnknown"));
  const quote = el(
    "button",
    { type: "button", class: "message-quote", "data-testid": "message-quote" },
    author !== null ? el("span", { class: "message-quote-author" }, author) : null,
    el("span", { class: "message-quote-text" }, text),
  );
  quote.addEventListener("click", () => {
    void actions?.showOriginal(m).then((found) => {
      // Say so rather than do nothing: the original is neither loaded nor stored.
      if (found || quote.querySelector(".message-quote-missing")) return;
      quote.append(tx("span", "message.replyMissing", { class: "message-quote-missing", "data-testid": "message-quote-missing", role: "status" }));
    });
  });
  return quote;
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
    void actions.versions(m).then(
      (versions) => {
        list = el(
          "ol",
          { class: "message-versions", "data-testid": "message-versions", "aria-label": t("message.versions") },
          ...versions.map((v) =>
            el("li", { title: formatFull(toDate(v.replacedAt), getLang()) }, v.body),
          ),
        );
        wrap.append(list);
      },
      () => {
        list = tx("p", "message.versionsError", { class: "message-versions error", "data-testid": "message-versions-error", role: "status" });
        wrap.append(list);
      },
    );
  });
  return wrap;
}

export interface MessageActionsContext {
  readonly chat: Pick<ChatController, "retract" | "moderate" | "versions" | "replied" | "showReplied" | "react">;
  readonly convs: Pick<ConversationStore, "get">;
}

/** What the composer does for the message actions. */
export interface ComposerHooks {
  edit(m: ChatMessage): void;
  reply(m: ChatMessage): void;
}

/**
 * What the user may do to the messages of `peer`'s conversation; editing
 * and replying happen in the composer. `moderator` says whether we may
 * remove others' messages there (a room's moderator, where the room offers it).
 */
export function conversationActions(
  ctx: MessageActionsContext,
  peer: string,
  composer: () => ComposerHooks | null,
  moderator: () => boolean = () => false,
): MessageActions {
  return {
    edit: (m) => composer()?.edit(m),
    reply: (m) => composer()?.reply(m),
    retract: (m) => ctx.chat.retract(peer, m.id),
    mayModerate: (m) => m.kind === "groupchat" && m.stanzaId !== null && !m.retracted && moderator(),
    moderate: (m) => ctx.chat.moderate(peer, m.id),
    versions: (m) => ctx.chat.versions(m.id),
    original: (m) => (m.reply ? ctx.chat.replied(peer, m.reply.id) : undefined),
    showOriginal: async (m) => (m.reply ? (await ctx.chat.showReplied(peer, m.reply.id)) !== "failed" : false),
    toggleReaction: (m, emoji) => {
      const mine = m.reactions.filter((r) => r.mine).map((r) => r.emoji);
      const next = mine.includes(emoji) ? mine.filter((e) => e !== emoji) : [...mine, emoji];
      void ctx.chat.react(peer, m.id, next);
    },
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
