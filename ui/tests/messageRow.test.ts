import { createSignal } from "solid-js";
import { describe, expect, it } from "vitest";
import type { Lang } from "../src/i18n";
import { mountMessage } from "../src/views/messageItem";
import { msg } from "./helpers";

// A message row is mounted once and follows its message in place: what did
// not change keeps its nodes (the point of drawing rows with Solid).
describe("message row", () => {
  const [lang] = createSignal<Lang>("en");
  const ctx = { isMention: () => false, lang };

  it("updates the delivery state in place, leaving the body's nodes alone", () => {
    const m = msg({ peer: "a@x", direction: "out", state: "sent", body: "hello" });
    const row = mountMessage(m, ctx);
    const body = row.el.querySelector('[data-testid="message-body"]')!.firstChild;
    row.update({ ...m, state: "delivered" });
    expect(row.el.dataset.state).toBe("delivered");
    expect(row.el.querySelector(".message-state")?.className).toBe("message-state state-delivered");
    expect(row.el.querySelector('[data-testid="message-body"]')!.firstChild).toBe(body);
    row.update({ ...m, state: "delivered", body: "hello again", edited: m.timestamp + 1 });
    expect(row.el.querySelector('[data-testid="message-body"]')?.textContent).toBe("hello again");
    expect(row.el.querySelector('[data-testid="message-edited"]')).not.toBeNull();
    row.update({ ...m, retracted: true });
    expect(row.el.querySelector('[data-testid="message-body"]')).toBeNull();
    expect(row.el.querySelector('[data-testid="message-tombstone"]')?.textContent).toBe("Message removed");
    row.dispose();
  });

  it("stops following its message once disposed", () => {
    const m = msg({ peer: "a@x", direction: "out", state: "sent" });
    const row = mountMessage(m, ctx);
    row.dispose();
    row.update({ ...m, state: "read" });
    expect(row.el.dataset.state).toBe("sent");
  });
});
