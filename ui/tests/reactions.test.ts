import { describe, expect, it } from "vitest";
import { all, get, msg, openChat, press, q, settle } from "./helpers";

const ANNA = "anna@company.com";
const HOSTILE = "<img src=x onerror=alert(1)>";

/** The picker's button for `emoji`. */
const choice = (emoji: string): HTMLElement => {
  const found = all("emoji-choice").find((b) => b.dataset.emoji === emoji);
  if (!found) throw new Error(`no emoji ${emoji} in the picker`);
  return found;
};

describe("reactions and emoji input", () => {
  it("shows who reacted with what, and adds or takes back ours with a click", async () => {
    const { mock } = await openChat(ANNA, "Anna");
    mock.emit("messages-added", [
      msg({
        peer: ANNA, id: 101, body: "shipped!",
        reactions: [
          { emoji: "🎉", by: [ANNA], mine: true },
          { emoji: HOSTILE, by: [ANNA], mine: false },
        ],
      }),
    ]);
    await settle();
    const chips = all("reaction");
    expect(chips.map((c) => c.textContent)).toEqual(["🎉 2", `${HOSTILE} 1`]);
    expect(chips[0]!.getAttribute("aria-pressed")).toBe("true");
    expect(chips[0]!.title).toBe(`You, ${ANNA}`);
    expect(get("message-reactions").querySelector("img")).toBeNull();
    // Ours off: the whole set goes, without it.
    chips[0]!.click();
    await settle();
    expect(mock.callsOf("react")).toEqual([{ args: { id: 101, emojis: [] } }]);
    // From the picker: added to what we had.
    get("message-react").click();
    choice("👍").click();
    await settle();
    expect(mock.callsOf("react").at(-1)).toEqual({ args: { id: 101, emojis: ["🎉", "👍"] } });
    expect(q("emoji-picker")).toBeNull();
  });

  it("types an emoji at the cursor from the composer's picker, and Esc closes it", async () => {
    await openChat(ANNA, "Anna");
    const input = get<HTMLTextAreaElement>("composer-input");
    input.value = "great work";
    input.setSelectionRange(5, 5);
    get("composer-emoji").click();
    choice("🔥").click();
    expect(input.value).toBe("great🔥 work");
    expect(q("emoji-picker")).toBeNull();
    get("composer-emoji").click();
    press(get("emoji-picker"), "Escape");
    expect(q("emoji-picker")).toBeNull();
    expect(input.value).toBe("great🔥 work");
  });
});
