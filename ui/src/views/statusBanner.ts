import type { ConnectionSettings, ConnectionState } from "../bindings";
import { Disposer, el, setHidden } from "../dom";
import { problemNodes } from "../errors";
import { onLangChange, t, tattr, tx } from "../i18n";
import type { ConnectionStore } from "../state/connection";
import { viewOf, type View } from "./view";

export interface ConnectionContext {
  readonly connection: ConnectionStore;
}

export type InsecureBadgeContext = ConnectionContext & {
  /** The settings of the current login (null when unknown). */
  readonly sessionSettings: ConnectionSettings | null;
};

/** Top banner: connecting / reconnecting (with countdown) / offline; hidden when online. */
export function createStatusBanner(ctx: ConnectionContext): View {
  const disposer = new Disposer();
  const banner = el("div", { class: "status-banner", role: "status", "aria-live": "polite", "data-testid": "status-banner" });
  let timer: ReturnType<typeof setInterval> | null = null;
  let secs = 0;

  const stopTimer = (): void => {
    if (timer !== null) clearInterval(timer);
    timer = null;
  };

  const render = (): void => {
    const s: ConnectionState = ctx.connection.current;
    banner.dataset.state = s.state;
    setHidden(banner, s.state === "online");
    switch (s.state) {
      case "online":
        banner.replaceChildren();
        break;
      case "connecting":
        banner.replaceChildren(el("span", { class: "status-text" }, t("status.connecting")));
        break;
      case "reconnecting":
        banner.replaceChildren(
          el("span", { class: "status-text" }, secs > 0 ? t("status.reconnecting", { secs }) : t("status.reconnectingNow")),
          document.createTextNode(" "),
          ...problemNodes(s.reason),
        );
        break;
      case "offline":
        banner.replaceChildren(
          el("span", { class: "status-text" }, t("status.offline")),
          ...(s.reason ? [document.createTextNode(" "), ...problemNodes(s.reason)] : []),
        );
        break;
    }
  };

  const onState = (s: ConnectionState): void => {
    stopTimer();
    if (s.state === "reconnecting") {
      secs = Math.max(0, Math.round(s.retryInSecs));
      timer = setInterval(() => {
        secs = Math.max(0, secs - 1);
        if (secs === 0) stopTimer();
        render();
      }, 1000);
    }
    render();
  };

  onState(ctx.connection.current);
  disposer.add(ctx.connection.changed.on(onState));
  disposer.add(onLangChange(render));
  disposer.add(stopTimer);
  return viewOf(banner, disposer);
}

/**
 * "Not encrypted", always in view while the session uses plain TCP (the
 * user chose it explicitly; it must not be forgotten).
 */
export function createInsecureBadge(ctx: InsecureBadgeContext): View {
  const disposer = new Disposer();
  const badge = tx("span", "status.insecure", {
    class: "insecure-badge", "data-testid": "insecure-badge", role: "status", ...tattr("title", "status.insecureTitle"),
  });
  const render = (): void => setHidden(badge, ctx.sessionSettings?.security !== "plainInsecure");
  render();
  disposer.add(ctx.connection.changed.on(render));
  return viewOf(badge, disposer);
}

/**
 * Shown when the link came back but the server could not resume the session
 * (XEP-0198): presence was announced again, and what arrived in between comes
 * from offline storage or history. Stays until dismissed.
 */
export function createSessionRestartedNotice(ctx: ConnectionContext): View {
  const disposer = new Disposer();
  const dismiss = tx("button", "status.dismiss", { type: "button", class: "dismiss", "data-testid": "session-restarted-dismiss" });
  const notice = el(
    "div",
    { class: "session-notice", role: "status", "data-testid": "session-restarted-notice", hidden: true },
    tx("span", "status.sessionRestarted", { class: "status-text" }),
    dismiss,
  );
  dismiss.addEventListener("click", () => setHidden(notice, true));
  const onState = (s: ConnectionState): void => {
    if (s.state === "online" && s.newSessionAfterLoss) setHidden(notice, false);
  };
  onState(ctx.connection.current);
  disposer.add(ctx.connection.changed.on(onState));
  return viewOf(notice, disposer);
}
