import type { ChatMessage, ChatState } from "../bindings";
import type { ChatController } from "../chat";
import { el, setHidden, setText } from "../dom";
import { peerLabel, type PeerNames } from "../peers";
import { t, tattr, tx } from "../i18n";
import { completeNick, type Completion } from "../nickCompletion";
import { createEmojiPicker } from "./emojiPicker";
import { firstLine } from "./messageActions";
import type { View } from "./view";

export interface ComposerContext extends PeerNames {
  readonly chat: Pick<ChatController, "send" | "correct" | "setChatState">;
}

/** The composer of one conversation; it can take our message back to correct it. */
export interface Composer extends View {
  /** Put our message `m` in the composer: Enter sends the correction, Esc cancels. */
  beginEdit(m: ChatMessage): void;
  /** The next message answers `m` (XEP-0461); Esc or the banner's × cancels. */
  beginReply(m: ChatMessage): void;
}

let seq = 0;

/** Typing stopped this long ago reads as "paused" (XEP-0085 §5.2 suggests 5 s). */
export const PAUSED_AFTER_MS = 5_000;

/** Drops blank lines around the text and trailing whitespace, keeps everything else. */
export function cleanBody(text: string): string {
  return text.replace(/^(?:[ \t]*\r?\n)+/, "").trimEnd();
}

/**
 * Multi-line input: Enter sends, Shift+Enter inserts a newline. Blank input is
 * never sent. If sending fails the text is put back (the panel shows the error).
 * With `nicks` (a room), Tab completes a nickname (`nickCompletion.ts`).
 * Up in an empty composer takes our last message (`lastOwn`) back to correct it.
 */
export function createComposer(
  ctx: ComposerContext,
  peer: string,
  onSent: () => void,
  nicks?: () => string[],
  lastOwn?: () => ChatMessage | undefined,
): Composer {
  const id = `composer-${++seq}`;
  const input = el("textarea", {
    id, class: "composer-input", "data-testid": "composer-input", rows: 3,
    ...tattr("placeholder", "composer.placeholder"),
  });
  const send = tx("button", "composer.send", { type: "submit", class: "primary", "data-testid": "composer-send" });

  const editingNote = tx("div", "composer.editing", { class: "composer-editing", "data-testid": "composer-editing", hidden: true });
  /** The message being corrected, if any. */
  let editing: ChatMessage | null = null;
  function setEditing(m: ChatMessage | null): void {
    editing = m;
    setHidden(editingNote, m === null);
    form.classList.toggle("editing", m !== null);
  }
  // The message the next one answers, if any.
  let replying: ChatMessage | null = null;
  const replyText = el("span", { class: "composer-reply-text" });
  const replyCancel = el("button", {
    type: "button", class: "link-button", "data-testid": "composer-reply-cancel",
    ...tattr("aria-label", "composer.replyCancel"), ...tattr("title", "composer.replyCancel"),
  }, "×");
  const replyNote = el("div", { class: "composer-reply", "data-testid": "composer-reply", hidden: true }, replyText, replyCancel);
  function setReplying(m: ChatMessage | null): void {
    replying = m;
    setHidden(replyNote, m === null);
    if (m !== null) {
      const name = m.direction === "out" ? t("message.you") : (m.sender ?? peerLabel(ctx, m.peer));
      setText(replyText, t("composer.replying", { name, text: firstLine(m.body, 60) }));
    }
  }
  replyCancel.addEventListener("click", () => {
    setReplying(null);
    input.focus();
  });
  function beginReply(m: ChatMessage): void {
    setEditing(null);
    setReplying(m);
    input.focus();
  }

  function beginEdit(m: ChatMessage): void {
    setReplying(null);
    setEditing(m);
    input.value = m.body;
    input.focus();
    input.setSelectionRange(input.value.length, input.value.length);
  }

  // Our chat state here: composing while there is text and keys are
  // pressed, paused after a while without, active again when emptied or sent.
  let state: ChatState = "active";
  let pauseTimer: ReturnType<typeof setTimeout> | null = null;
  const room = (): boolean => !peer.includes("/") && nicks !== undefined;
  function tell(next: ChatState): void {
    if (next === state) return;
    state = next;
    ctx.chat.setChatState(peer, next);
  }
  function typed(): void {
    if (pauseTimer !== null) clearTimeout(pauseTimer);
    pauseTimer = null;
    if (input.value.trim() === "") return tell("active");
    tell("composing");
    pauseTimer = setTimeout(() => {
      pauseTimer = null;
      tell("paused");
    }, PAUSED_AFTER_MS);
  }
  /** The message we send says "active" itself. */
  function sentActive(): void {
    if (pauseTimer !== null) clearTimeout(pauseTimer);
    pauseTimer = null;
    state = "active";
  }
  input.addEventListener("input", typed);

  async function submit(): Promise<void> {
    sentActive();
    const original = input.value;
    const body = cleanBody(original);
    if (body.trim() === "") return;
    const target = editing;
    input.value = "";
    setEditing(null);
    if (target !== null) {
      const ok = target.body === body || (await ctx.chat.correct(peer, target.id, body));
      if (!ok && input.value === "") {
        input.value = original;
        setEditing(target);
      }
      return;
    }
    onSent();
    const answering = replying;
    setReplying(null);
    const ok = await ctx.chat.send(peer, body, answering?.id);
    if (!ok && input.value === "") {
      input.value = original;
      setReplying(answering);
    }
  }

  // In a room, Tab completes an occupant's nickname (`nicks`).
  let completion: Completion | null = null;
  input.addEventListener("keydown", (e) => {
    if (e.key === "Tab" && nicks && !e.shiftKey && !e.ctrlKey && !e.altKey && !e.metaKey && !e.isComposing) {
      const done = input.selectionStart === input.selectionEnd ? completeNick(input.value, input.selectionStart, nicks(), completion) : null;
      if (done) {
        e.preventDefault();
        input.value = done.text;
        input.setSelectionRange(done.caret, done.caret);
        completion = done.completion;
        return;
      }
    }
    if (e.key !== "Tab") completion = null;
    if (e.key === "Escape" && editing !== null) {
      e.preventDefault();
      setEditing(null);
      input.value = "";
      return;
    }
    if (e.key === "Escape" && replying !== null) {
      e.preventDefault();
      setReplying(null);
      return;
    }
    if (e.key === "ArrowUp" && input.value === "" && editing === null && !e.shiftKey && !e.isComposing) {
      const last = lastOwn?.();
      if (last) {
        e.preventDefault();
        beginEdit(last);
        return;
      }
    }
    // isComposing: Enter that confirms an IME candidate (e.g. pinyin) must not send
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing && e.keyCode !== 229) {
      e.preventDefault();
      void submit();
    }
  });
  // Emoji input: a small picker that types the emoji at the cursor.
  const emojiButton = el("button", {
    type: "button", class: "composer-emoji", "data-testid": "composer-emoji",
    ...tattr("aria-label", "emoji.insert"), ...tattr("title", "emoji.insert"),
  }, "☺");
  let picker: HTMLElement | null = null;
  const closePicker = (): void => {
    picker?.remove();
    picker = null;
    input.focus();
  };
  emojiButton.addEventListener("click", () => {
    if (picker) return closePicker();
    picker = createEmojiPicker((emoji) => {
      const at = input.selectionStart ?? input.value.length;
      const end = input.selectionEnd ?? at;
      input.value = input.value.slice(0, at) + emoji + input.value.slice(end);
      closePicker();
      input.setSelectionRange(at + emoji.length, at + emoji.length);
      typed();
    }, closePicker);
    form.insertBefore(picker, input);
    picker.querySelector("button")?.focus();
  });
  const form = el(
    "form",
    { class: "composer" },
    editingNote,
    replyNote,
    tx("label", "composer.label", { for: id, class: "visually-hidden" }),
    input,
    emojiButton,
    send,
  );
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    void submit();
    input.focus();
  });
  return {
    el: form,
    beginEdit,
    beginReply,
    dispose: () => {
      if (pauseTimer !== null) clearTimeout(pauseTimer);
      // The conversation was closed (no such notice into a room, §5.5).
      if (!room() && state !== "active") ctx.chat.setChatState(peer, "gone");
    },
  };
}
