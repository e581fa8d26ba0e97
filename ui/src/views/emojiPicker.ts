import { el } from "../dom";
import { t } from "../i18n";

/**
 * The emojis offered first. A small fixed set, typed as text (no image is
 * fetched for them); anything else can be typed or pasted as always.
 */
export const EMOJIS = ["👍", "❤️", "😂", "😮", "😢", "🙏", "🎉", "👀", "✅", "🤔", "😊", "🔥"] as const;

/**
 * A row of emoji buttons that calls `pick` with the one chosen; Escape or
 * `close()` takes it away. Focus moves into it when it opens.
 */
export function createEmojiPicker(pick: (emoji: string) => void, close: () => void): HTMLElement {
  const picker = el(
    "div",
    { class: "emoji-picker", role: "toolbar", "data-testid": "emoji-picker", "aria-label": t("emoji.pick") },
    ...EMOJIS.map((emoji) => {
      const b = el("button", { type: "button", class: "emoji-choice", "data-testid": "emoji-choice", "data-emoji": emoji }, emoji);
      b.addEventListener("click", () => pick(emoji));
      return b;
    }),
  );
  picker.addEventListener("keydown", (e) => {
    if (e.key === "Escape") {
      e.preventDefault();
      e.stopPropagation();
      close();
    }
  });
  return picker;
}
