import type { ChatController } from "../chat";
import { el } from "../dom";
import { tattr, tx } from "../i18n";
import { staticView, type View } from "./view";

export interface ComposerContext {
  readonly chat: Pick<ChatController, "send">;
}

let seq = 0;

/** Drops blank lines around the text and trailing whitespace, keeps everything else. */
export function cleanBody(text: string): string {
  return text.replace(/^(?:[ \t]*\r?\n)+/, "").trimEnd();
}

/**
 * Multi-line input: Enter sends, Shift+Enter inserts a newline. Blank input is
 * never sent. If sending fails the text is put back (the panel shows the error).
 */
export function createComposer(ctx: ComposerContext, peer: string, onSent: () => void): View {
  const id = `composer-${++seq}`;
  const input = el("textarea", {
    id, class: "composer-input", "data-testid": "composer-input", rows: 3,
    ...tattr("placeholder", "composer.placeholder"),
  });
  const send = tx("button", "composer.send", { type: "submit", class: "primary", "data-testid": "composer-send" });

  async function submit(): Promise<void> {
    const original = input.value;
    const body = cleanBody(original);
    if (body.trim() === "") return;
    input.value = "";
    onSent();
    const ok = await ctx.chat.send(peer, body);
    if (!ok && input.value === "") input.value = original;
  }

  input.addEventListener("keydown", (e) => {
    // isComposing: Enter that confirms an IME candidate (e.g. pinyin) must not send
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing && e.keyCode !== 229) {
      e.preventDefault();
      void submit();
    }
  });
  const form = el(
    "form",
    { class: "composer" },
    tx("label", "composer.label", { for: id, class: "visually-hidden" }),
    input,
    send,
  );
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    void submit();
    input.focus();
  });
  return staticView(form);
}
