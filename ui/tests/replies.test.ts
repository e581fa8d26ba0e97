import { describe, expect, it } from "vitest";
import { all, get, msg, openChat, press, q, settle } from "./helpers";

const ANNA = "anna@company.com";
const HOSTILE = "<img src=x onerror=alert(1)>";

const composer = () => get<HTMLTextAreaElement>("composer-input");

describe("replies", () => {
  it("answers a message: the composer says which, and the message names it", async () => {
    const { mock } = await openChat(ANNA, "Anna");
    mock.emit("messages-added", [msg({ peer: ANNA, id: 81, body: `lunch at noon?\nsecond line ${HOSTILE}`, originId: "a81" })]);
    await settle();
    get("message-reply", "", all("message")[0]).click();
    const banner = get("composer-reply");
    expect(banner.hidden).toBe(false);
    expect(banner.textContent).toContain("Replying to Anna: lunch at noon?");
    // Esc gives up the reply, not the text.
    composer().value = "sure";
    press(composer(), "Escape");
    expect(banner.hidden).toBe(true);
    expect(composer().value).toBe("sure");

    get("message-reply", "", all("message")[0]).click();
    press(composer(), "Enter");
    await settle();
    expect(mock.callsOf("send_message")).toEqual([{ args: { to: ANNA, body: "sure", replyTo: { id: 81 } } }]);
    expect(get("composer-reply").hidden).toBe(true);
  });

  it("shows above a reply the message it answers, and goes there on a click", async () => {
    const { mock } = await openChat(ANNA, "Anna", (m) =>
      m.on("reply_target", () => null),
    );
    mock.emit("messages-added", [
      msg({ peer: ANNA, id: 91, body: "the plan", originId: "o91", direction: "out", state: "acked" }),
      msg({ peer: ANNA, id: 92, body: "agreed", reply: { id: "o91", quote: "the plan" } }),
      msg({ peer: ANNA, id: 93, body: "and this", reply: { id: "gone", quote: HOSTILE } }),
    ]);
    await settle();
    const [, known, unknown] = all("message");
    expect(get("message-quote", "", known).textContent).toBe("Youthe plan");
    expect(get("message-body", "", known).textContent).toBe("agreed");
    get("message-quote", "", known).click();
    await settle();
    expect(q("message", ".revealed")?.dataset.id).toBe("91");
    // Not held here: the quote the sender gave, as text; a click asks the core.
    expect(get("message-quote", "", unknown).textContent).toBe(HOSTILE);
    expect(unknown!.querySelector("img")).toBeNull();
    get("message-quote", "", unknown).click();
    await settle();
    expect(mock.callsOf("reply_target")).toEqual([{ args: { peer: ANNA, id: "gone" } }]);
    // Nowhere in history: the quote says so instead of doing nothing.
    expect(get("message-quote-missing", "", unknown).textContent).toBe("The original message is not in the history.");
    get("message-quote", "", unknown).click();
    await settle();
    expect(all("message-quote-missing")).toHaveLength(1);
  });
});
