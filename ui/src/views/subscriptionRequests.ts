import { toIpcError } from "../backend";
import { Disposer, el, setHidden, setText } from "../dom";
import { problemNodes } from "../errors";
import { onLangChange, t, tx } from "../i18n";
import type { RosterStore } from "../state/roster";
import { viewOf, type Calls, type View } from "./view";

/**
 * The most requests the core keeps for the user to answer (`MAX_REQUESTS`
 * in src-tauri/session/actor/contacts.rs). It sends no count of the ones it
 * left with the server, so a full list says that more may wait.
 */
export const REQUESTS_KEPT = 100;

export interface SubscriptionRequestsContext {
  readonly roster: RosterStore;
  readonly backend: Calls<"answer_subscription">;
}

/**
 * People outside the roster who asked to see our presence: nothing is
 * approved behind the user's back. Accept makes the subscription mutual;
 * Deny refuses.
 */
export function createSubscriptionRequests(ctx: SubscriptionRequestsContext): View {
  const disposer = new Disposer();
  const list = el("ul", { class: "subscription-requests-list" });
  const atLimit = el("p", { class: "hint", "data-testid": "subscription-requests-limit", hidden: true });
  const box = el(
    "section",
    { class: "subscription-requests", "data-testid": "subscription-requests", hidden: true },
    tx("h2", "requests.heading"),
    list,
    atLimit,
  );

  function row(jid: string): HTMLElement {
    const error = el("p", { class: "login-error", role: "alert", hidden: true });
    const answer = async (accept: boolean): Promise<void> => {
      try {
        await ctx.backend.invoke("answer_subscription", { answer: { jid, accept } });
      } catch (e) {
        error.replaceChildren(el("span", { class: "problem-text" }, t("requests.failed")), document.createTextNode(" "), ...problemNodes(toIpcError(e)));
        setHidden(error, false);
      }
    };
    const text = el("span", { class: "request-text" });
    setText(text, t("requests.asks", { jid }));
    return el(
      "li",
      { "data-testid": "subscription-request", "data-jid": jid },
      text,
      tx("button", "requests.accept", { type: "button", class: "primary", "data-testid": "subscription-accept", onclick: () => void answer(true) }),
      tx("button", "requests.deny", { type: "button", "data-testid": "subscription-deny", onclick: () => void answer(false) }),
      error,
    );
  }

  const render = (): void => {
    list.replaceChildren(...ctx.roster.requests.map(row));
    setHidden(box, ctx.roster.requests.length === 0);
    setText(atLimit, t("requests.atLimit", { count: ctx.roster.requests.length }));
    setHidden(atLimit, ctx.roster.requests.length < REQUESTS_KEPT);
  };
  render();
  disposer.add(ctx.roster.requestsChanged.on(render));
  disposer.add(onLangChange(render));
  return viewOf(box, disposer);
}
