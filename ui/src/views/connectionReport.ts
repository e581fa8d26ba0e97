import { toIpcError } from "../backend";
import type { ConnectionReport, ConnectionStep, IpcError, LoginRequest, StepOutcome } from "../bindings";
import { el, setHidden } from "../dom";
import { retranslate, tx } from "../i18n";
import type { Calls, View } from "./view";

export interface ConnectionTestContext {
  readonly backend: Calls<"test_connection">;
}

/** The report (`el`) and the button that runs the test. */
export interface ConnectionTest extends View {
  readonly button: HTMLButtonElement;
}

// The word next to it carries the meaning; the icon is for a quick glance.
const ICONS: Record<StepOutcome, string> = { ok: "✓", failed: "✗", skipped: "–" };

function stepRow(s: ConnectionStep): HTMLElement {
  return el(
    "li",
    { class: `connection-step ${s.outcome}`, "data-testid": `connection-step-${s.step}`, "data-outcome": s.outcome },
    el("span", { class: "step-icon", "aria-hidden": "true" }, ICONS[s.outcome]),
    tx("span", `report.${s.step}`, { class: "step-name" }),
    tx("span", `report.${s.outcome}`, { class: "step-outcome" }),
    // The backend's sentence, as text.
    el("span", { class: "step-detail" }, s.detail),
  );
}

/**
 * "Test connection": checks the form (`request` returns null after showing
 * what to fix), runs each step of a login without saving anything, and
 * lists DNS, TCP, TLS and authentication with their outcome.
 */
export function createConnectionTest(
  ctx: ConnectionTestContext,
  request: () => LoginRequest | null,
  fail: (e: IpcError) => void,
): ConnectionTest {
  const list = el("ol", { class: "connection-steps" });
  const report = el(
    "section",
    { class: "connection-report", "data-testid": "connection-report", "aria-live": "polite", hidden: true },
    tx("h2", "report.title"),
    list,
  );
  const button = tx("button", "login.testConnection", { type: "button", "data-testid": "test-connection", onclick: () => void run() });

  function show(r: ConnectionReport): void {
    list.replaceChildren(...r.steps.map(stepRow));
    setHidden(report, false);
  }

  async function run(): Promise<void> {
    const req = request();
    if (!req) return;
    button.disabled = true;
    retranslate(button, "login.testing");
    report.setAttribute("aria-busy", "true");
    setHidden(report, true);
    try {
      show(await ctx.backend.invoke("test_connection", { request: req }));
    } catch (e) {
      fail(toIpcError(e));
    } finally {
      button.disabled = false;
      retranslate(button, "login.testConnection");
      report.removeAttribute("aria-busy");
    }
  }

  // It listens only to its own elements: nothing to release.
  return { el: report, button, dispose: () => undefined };
}
