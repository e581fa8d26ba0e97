import { toIpcError } from "../backend";
import { Disposer, el, setHidden, setText } from "../dom";
import { problemNodes } from "../errors";
import { onLangChange, t, tx } from "../i18n";
import type { RosterStore } from "../state/roster";
import { viewOf, type Calls, type View } from "./view";

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
  // The core lists a bounded number of requests and counts the rest.
  const more = el("p", { class: "hint", "data-testid": "subscription-requests-more", hidden: true });
  const box = el(
    "section",
    { class: "subscription-requests", "data-testid": "subscription-requests", hidden: true },
    tx("h2", "requests.heading"),
    list,
    more,
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
    const { requests, moreRequests } = ctx.roster;
    list.replaceChildren(...requests.map(row));
    setHidden(box, requests.length === 0 && moreRequests === 0);
    setText(more, t("requests.more", { count: moreRequests }));
    setHidden(more, moreRequests === 0);
  };
  render();
  disposer.add(ctx.roster.requestsChanged.on(render));
  disposer.add(onLangChange(render));
  return viewOf(box, disposer);
}
