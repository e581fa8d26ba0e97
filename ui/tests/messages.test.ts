import { describe, expect, it } from "vitest";
import { all, bootOnline, contact, get, msg, press, problem, settle, openChat } from "./helpers";

const ANNA = "anna@company.com";
const HOSTILE = "<img src=x onerror=alert(1)>";

function openAnna(setup?: Parameters<typeof bootOnline>[0]) {
  return openChat(ANNA, "Anna", setup);
}

const composer = () => get<HTMLTextAreaElement>("composer-input");

describe("messages and composer", () => {
  it("sends on Enter, shows the delivery state and the error when the message fails", async () => {
    const { mock } = await openAnna();
    composer().value = "   ";
    press(composer(), "Enter");
    composer().value = "first line";
    expect(press(composer(), "Enter", { shiftKey: true }).defaultPrevented).toBe(false);
    composer().value = "first line\nsecond line";
    expect(press(composer(), "Enter").defaultPrevented).toBe(true);
    await settle();

    expect(mock.callsOf("send_message")).toEqual([{ args: { to: ANNA, body: "first line\nsecond line" } }]);
    expect(composer().value).toBe("");
    const [sent] = all("message");
    expect(sent?.dataset.direction).toBe("out");
    expect(sent?.dataset.state).toBe("queued");
    expect(sent?.querySelector(".message-state")?.textContent).toBe("⏳");
    expect(get("message-body", "", sent).textContent).toBe("first line\nsecond line");

    const id = Number(sent?.dataset.id);
    mock.emit("messages-added", [msg({ peer: ANNA, id, direction: "out", body: "first line\nsecond line", state: "sent" })]);
    mock.emit("message-updated", msg({ peer: ANNA, id, direction: "out", body: "first line\nsecond line", state: "failed", error: problem("remoteError", { condition: "recipient-unavailable" }) }));
    await settle();
    expect(mock.callsOf("send_message")).toHaveLength(1);
    const messages = all("message");
    expect(messages).toHaveLength(1);
    expect(messages[0]?.dataset.state).toBe("failed");
    expect(messages[0]?.querySelector(".message-state")?.textContent).toBe("⚠");
    expect(get("message-error", "", messages[0]).textContent).toBe("The recipient is not available.");

    mock.emit("message-updated", msg({ peer: ANNA, id, direction: "out", state: "acked" }));
    expect(all("message")[0]?.dataset.state).toBe("acked");
    const state = () => all("message")[0]?.querySelector(".message-state");
    expect(state()?.textContent).toBe("✓");
    expect(state()?.getAttribute("aria-label")).toBe("Received by the server");
    // The contact's client confirmed it: distinct from the server's ack.
    mock.emit("message-updated", msg({ peer: ANNA, id, direction: "out", state: "delivered" }));
    expect(state()?.textContent).toBe("✓✓");
    expect(state()?.getAttribute("aria-label")).toBe("Delivered to their device");
  });

  it("moves a message the server's archive re-dates to its place in the conversation", async () => {
    const { mock } = await openAnna();
    mock.emit("messages-added", [
      msg({ peer: ANNA, id: 31, body: "arrived first", timestamp: 2_000 }),
      msg({ peer: ANNA, id: 32, body: "sent first", timestamp: 3_000 }),
    ]);
    await settle();
    const bodies = () => all("message-body").map((b) => b.textContent);
    expect(bodies()).toEqual(["arrived first", "sent first"]);
    // The archive says the second was sent before the first.
    mock.emit("message-updated", msg({ peer: ANNA, id: 32, body: "sent first", timestamp: 1_000 }));
    await settle();
    expect(bodies()).toEqual(["sent first", "arrived first"]);
  });

  it("shows a translated error in the tab when sending is rejected and keeps the text", async () => {
    const { mock } = await openAnna((m) =>
      m.on("send_message", () => {
        throw problem("notConnected");
      }),
    );
    composer().value = "hello";
    get("composer-send").click();
    await settle();
    expect(mock.callsOf("send_message")).toHaveLength(1);
    const error = get("composer-error");
    expect(error.hidden).toBe(false);
    expect(error.textContent).toContain("You are not connected to the server.");
    expect(error.textContent).toContain("You are not connected to the server.");
    expect(composer().value).toBe("hello");
    expect(all("message")).toHaveLength(0);
  });

  it("renders headline messages as notices with a bold subject", async () => {
    const { mock } = await openAnna();
    mock.emit("messages-added", [msg({ peer: ANNA, id: 7, kind: "headline", subject: "Maintenance", body: "Server restart at 18:00" })]);
    const notice = get("message", '[data-id="7"]');
    expect(notice.dataset.kind).toBe("headline");
    expect(notice.classList.contains("notice")).toBe(true);
    expect(notice.querySelector("strong")?.textContent).toBe("Maintenance");
    expect(get("message-body", "", notice).textContent).toBe("Server restart at 18:00");
  });

  it("shows local time with the full date in the title", async () => {
    const { mock } = await openAnna();
    const at = new Date(2024, 4, 17, 9, 5, 0);
    mock.emit("messages-added", [msg({ peer: ANNA, id: 8, timestamp: at.getTime() })]);
    const time = get("message", '[data-id="8"]').querySelector("time");
    expect(time?.textContent).toBe("09:05");
    expect(time?.getAttribute("title")).toContain("2024");
  });

  it("renders a hostile body and a hostile contact name as literal text", async () => {
    const { mock } = await bootOnline((m) =>
      m.on("roster_snapshot", () => ({ items: [contact(ANNA, "<b>Anna</b><script>alert(1)</script>")], presences: [], requests: { jids: [], more: 0 } })),
    );
    mock.emit("messages-added", [msg({ peer: ANNA, id: 9, body: HOSTILE })]);
    get("tab", `[data-jid="${ANNA}"]`).click();
    await settle();
    const body = get("message-body", "", get("message", '[data-id="9"]'));
    expect(body.textContent).toBe(HOSTILE);
    expect(body.children).toHaveLength(0);
    expect(document.querySelector("img, script, b")).toBeNull();
    expect(get("roster-contact").querySelector(".contact-name")?.textContent).toBe("<b>Anna</b><script>alert(1)</script>");
  });
});
