import type { ChatMessage } from "../bindings";
import { ConversationStore } from "../state/conversations";
import { createConversationPanel, type ConversationContext } from "./conversation";

/**
 * The first conversation opened after a start used to take twice as long
 * to show as any later one (89 against 40 ms with 100,000 messages,
 * `tests/bench/long_history.py`): the web view's JavaScript engine runs
 * the conversation code for the first time (interpreted, then compiled as
 * it warms) and resolves its styles for the first time. So once the window
 * is idle after login, a made-up conversation is drawn a few times out of
 * sight and thrown away, and the user's first opening costs what later
 * ones do.
 *
 * It has a store of its own, so nothing reaches the backend or the real
 * tabs, and it is drawn inside a shadow root (with the page's styles):
 * nothing in the page, a search for an element included, can meet it.
 */

const PEER = "warm-up@hearth.invalid";
/** About two screens of messages, so rows are made, measured and recycled. */
const MESSAGES = 30;
const ROUNDS = 2;

function sample(i: number): ChatMessage {
  return {
    id: i + 1, peer: PEER, direction: i % 3 === 0 ? "out" : "in", kind: "chat",
    body: i % 4 === 0 ? `*warm* _up_ ${i} https://example.com` : `warm-up message ${i}`,
    subject: null, timestamp: 1_000_000 + i * 60_000, stanzaId: null, originId: null,
    state: i % 3 === 0 ? "acked" : "received", error: null, sender: null, mentionsMe: false,
    edited: null, retracted: false, reply: null, reactions: [], unstyled: false,
  };
}

/** The page's style sheets, for a shadow root to use. */
function stylesOf(doc: Document): Node[] {
  return [...doc.head.querySelectorAll('link[rel="stylesheet"], style')].map((s) => s.cloneNode(true));
}

/**
 * Draws a made-up conversation `ROUNDS` times in a hidden box appended to
 * `host`, one round per frame, then removes the box. Returns a function
 * that stops it early (the view is going away).
 */
export function warmUpConversations(ctx: ConversationContext, host: HTMLElement): () => void {
  const convs = new ConversationStore();
  convs.open(PEER, false);
  convs.merge(PEER, Array.from({ length: MESSAGES }, (_, i) => sample(i)));
  const scratch = Object.create(ctx, { convs: { value: convs } }) as ConversationContext;

  const box = document.createElement("div");
  box.className = "warm-up";
  box.setAttribute("aria-hidden", "true");
  const shadow = box.attachShadow({ mode: "closed" });
  shadow.append(...stylesOf(document));
  // The size of a conversation area, so that its list lays out rows.
  const stage = document.createElement("div");
  stage.className = "panel-box";
  stage.style.cssText = "position: absolute; inset: 0;";
  shadow.append(stage);
  host.append(box);

  let stopped = false;
  let frame = 0;
  let round = 0;
  const next = (): void => {
    if (stopped) return;
    const panel = createConversationPanel(scratch, PEER, "warm-up-panel", "warm-up-tab");
    stage.replaceChildren(panel.el);
    panel.view.attached();
    frame = requestAnimationFrame(() => {
      panel.view.detaching();
      panel.dispose();
      stage.replaceChildren();
      if (++round < ROUNDS) next();
      else stop();
    });
  };
  const stop = (): void => {
    stopped = true;
    cancelAnimationFrame(frame);
    box.remove();
  };
  next();
  return stop;
}
