import { toIpcError } from "../backend";
import type { CertificateInfo, ConnectionState } from "../bindings";
import { Disposer, el, setHidden } from "../dom";
import { problemNodes } from "../errors";
import { getLang, type Key, t, tx } from "../i18n";
import type { ConnectionStore } from "../state/connection";
import { formatFull } from "../time";
import { viewOf, type Calls, type View } from "./view";

export interface CertificatePanelContext {
  readonly connection: ConnectionStore;
  readonly backend: Calls<"trust_certificate" | "untrusted_certificate">;
}

/**
 * Shown when the server's certificate was refused: what the certificate is,
 * why it was refused, and the choice to trust exactly this certificate for
 * this account (then Hearth connects again) or not.
 */
export function createCertificatePanel(ctx: CertificatePanelContext): View {
  const disposer = new Disposer();
  const details = el("dl", { class: "certificate-details" });
  const warning = el("p", { class: "certificate-warning", "data-testid": "cert-changed", hidden: true });
  const errorBox = el("p", { class: "login-error", role: "alert", hidden: true });
  const title = tx("h2", "cert.title");
  let shown: CertificateInfo | null = null;

  const trust = tx("button", "cert.trust", {
    type: "button",
    class: "primary",
    "data-testid": "cert-trust",
    onclick: () => void onTrust(),
  });
  const cancel = tx("button", "cert.cancel", {
    type: "button",
    "data-testid": "cert-cancel",
    onclick: () => hide(),
  });
  const panel = el(
    "section",
    { class: "certificate-panel", role: "alertdialog", "aria-labelledby": "cert-title", "data-testid": "cert-panel", hidden: true },
    title,
    warning,
    details,
    errorBox,
    el("div", { class: "actions" }, cancel, trust),
  );
  title.id = "cert-title";

  function row(label: Key, value: string): HTMLElement[] {
    return [tx("dt", label), el("dd", { "data-testid": `cert-${label.slice(5)}` }, value)];
  }

  function render(info: CertificateInfo): void {
    shown = info;
    const lang = getLang();
    const validity = `${formatFull(new Date(info.notBefore), lang)} – ${formatFull(new Date(info.notAfter), lang)}`;
    details.replaceChildren(
      ...row("cert.subject", info.subject),
      ...row("cert.issuer", info.issuer),
      ...row("cert.names", info.names.join(", ")),
      ...row("cert.validity", validity),
      ...row("cert.fingerprint", info.fingerprint),
      ...row("cert.reason", info.fault === null ? "" : t(`error.certificateUntrusted.${info.fault}`)),
    );
    warning.replaceChildren(tx("span", info.changed ? "cert.changedWarning" : "cert.firstContact"));
    setHidden(warning, false);
    setHidden(errorBox, true);
    setHidden(panel, false);
  }

  function hide(): void {
    shown = null;
    setHidden(panel, true);
  }

  async function onTrust(): Promise<void> {
    if (!shown) return;
    trust.disabled = true;
    try {
      await ctx.backend.invoke("trust_certificate", { args: { fingerprint: shown.fingerprint } });
      hide();
    } catch (e) {
      errorBox.replaceChildren(...problemNodes(toIpcError(e)));
      setHidden(errorBox, false);
    } finally {
      trust.disabled = false;
    }
  }

  const onState = (s: ConnectionState): void => {
    if (s.state === "offline" && (s.reason?.code === "certificateUntrusted" || s.reason?.code === "certificateChanged")) {
      void ctx.backend
        .invoke("untrusted_certificate", {})
        .then((info) => (info ? render(info) : hide()))
        .catch(() => hide());
    } else if (s.state !== "offline") {
      hide();
    }
  };
  onState(ctx.connection.current);
  disposer.add(ctx.connection.changed.on(onState));
  return viewOf(panel, disposer);
}
