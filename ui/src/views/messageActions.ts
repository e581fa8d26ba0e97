import type { ChatMessage, MessageVersion } from "../bindings";
import type { ChatController } from "../chat";
import type { ConversationStore } from "../state/conversations";

/** What the user may do to a message (`messageParts.tsx` draws the controls). */
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

/** Whether `m` is ours and may still be corrected or retracted. */
export function amendable(m: ChatMessage): boolean {
  return m.direction === "out" && !m.retracted && m.originId !== null && m.state !== "failed" && m.state !== "queued";
}

/** One line of a message's text, for a quote. */
export function firstLine(text: string, max = 120): string {
  const line = text.split("\n", 1)[0] ?? "";
  return line.length > max ? `${line.slice(0, max)}…` : line;
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
