import { toIpcError } from "../backend";
import type { ConnectionReport, ConnectionStep, IpcError, LoginRequest, StepFinding, StepOutcome } from "../bindings";
import { el, setHidden } from "../dom";
import { problemNodes } from "../errors";
import { retranslate, t, tx } from "../i18n";
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
    el("span", { class: "step-detail" }, ...stepDetail(s)),
  );
}

/** What the step found, or why it failed, in the current language (all as text). */
function stepDetail(s: ConnectionStep): Node[] {
  if (s.problem !== null) return problemNodes(s.problem);
  return s.finding === null ? [] : [document.createTextNode(findingText(s.finding))];
}

function findingText(f: StepFinding): string {
  switch (f.kind) {
    case "fixedServer":
      return t("report.fixedServer", { servers: f.servers.join(", ") });
    case "srvRecords":
      return t("report.srvRecords", { domain: f.domain, servers: f.servers.join(", ") });
    case "noSrvRecords":
      return t("report.noSrvRecords", { domain: f.domain, servers: f.servers.join(", ") });
    case "connected":
      return f.proxy === null ? t("report.connected", { server: f.server }) : t("report.connectedProxy", { server: f.server, proxy: f.proxy });
    case "loggedIn":
      return t("report.loggedIn", { mechanism: f.mechanism });
    default:
      return t(`report.${f.kind}`);
  }
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
