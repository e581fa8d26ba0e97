import type { HistorySync } from "../bindings";
import { Disposer, el, setText } from "../dom";
import { problemNodes, problemText } from "../errors";
import { onLangChange, t } from "../i18n";
import type { HistorySyncStore } from "../state/historySync";
import { viewOf, type View } from "./view";

/** Positions of the progress ring: it turns 45° per page. */
const SPINNER_STEPS = 8;

export interface HistorySyncContext {
  readonly historySync: HistorySyncStore;
}

/**
 * One line above the conversations while the core catches up from the
 * server archive ("… 500 so far"), or, when it stopped early, why, until
 * dismissed. Nothing is shown once catch-up has finished.
 */
export function createHistorySyncLine(ctx: HistorySyncContext): View {
  const disposer = new Disposer();
  // The live region stays in the document (empty when there is nothing to
  // say) so that screen readers announce the first line put into it; a
  // region that appears together with its text is often not read.
  const region = el("div", { class: "history-sync", role: "status", "aria-live": "polite", "data-testid": "history-sync" });

  const progress = el("span", { class: "history-sync-text", "data-testid": "history-sync-progress" });
  // The ring turns one step per page the core reports, not continuously: a
  // CSS animation repaints the window 60 times a second for the whole
  // catch-up (in WebKitGTK without a GPU, the largest part of the page's
  // CPU while catching up, docs/PERFORMANCE.md); a step per page costs one
  // repaint per page and still shows that it moves.
  const spinner = el("span", { class: "history-sync-spinner", "aria-hidden": "true", "data-testid": "history-sync-spinner" });
  const running = el("div", { class: "history-sync-line", "data-testid": "history-sync-running" }, spinner, progress);

  const reason = el("span", { class: "history-sync-text", "data-testid": "history-sync-reason" });
  // Labelled on every render, not by data-i18n: while the line is out of
  // the document a language switch would not reach it.
  const dismiss = el("button", { type: "button", class: "dismiss", "data-testid": "history-sync-dismiss" });
  dismiss.addEventListener("click", () => ctx.historySync.dismiss());
  const failed = el("div", { class: "history-sync-line failed", "data-testid": "history-sync-problem" }, reason, dismiss);

  let shown: HTMLElement | null = null;
  const show = (line: HTMLElement | null): void => {
    if (line === shown) return;
    shown = line;
    region.replaceChildren(...(line ? [line] : []));
  };

  const render = (): void => {
    const s: HistorySync = ctx.historySync.current;
    region.dataset.state = s.running ? "running" : s.problem ? "problem" : "idle";
    if (s.running) {
      setText(progress, t("sync.running", { count: s.messages }));
      // Sizes and turns are data, set through the CSSOM (the CSP allows no style attributes).
      const turn = `rotate(${(s.pages % SPINNER_STEPS) * (360 / SPINNER_STEPS)}deg)`;
      if (spinner.style.transform !== turn) spinner.style.transform = turn;
      show(running);
    } else if (s.problem) {
      // The reason is the core's problem in the user's language, followed
      // like every other error by the server's own words and any detail
      // (problemNodes after its sentence); all of it only ever becomes text.
      const [, ...more] = problemNodes(s.problem);
      reason.replaceChildren(t("sync.failed", { reason: problemText(s.problem) }), ...more);
      setText(dismiss, t("status.dismiss"));
      show(failed);
    } else {
      show(null);
    }
  };

  render();
  disposer.add(ctx.historySync.changed.on(render));
  disposer.add(onLangChange(render));
  return viewOf(region, disposer);
}
