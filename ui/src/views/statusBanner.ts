import type { App } from "../app";
import type { ConnectionState } from "../bindings";
import { el, setHidden, type Disposer } from "../dom";
import { problemNodes } from "../errors";
import { onLangChange, t, tattr, tx } from "../i18n";

/** Top banner: connecting / reconnecting (with countdown) / offline; hidden when online. */
export function createStatusBanner(app: App, disposer: Disposer): HTMLElement {
  const banner = el("div", { class: "status-banner", role: "status", "aria-live": "polite", "data-testid": "status-banner" });
  let timer: ReturnType<typeof setInterval> | null = null;
  let secs = 0;

  const stopTimer = (): void => {
    if (timer !== null) clearInterval(timer);
    timer = null;
  };

  const render = (): void => {
    const s: ConnectionState = app.connection.current;
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

  onState(app.connection.current);
  disposer.add(app.connection.changed.on(onState));
  disposer.add(onLangChange(render));
  disposer.add(stopTimer);
  return banner;
}

/**
 * "Not encrypted", always in view while the session uses plain TCP (the
 * user chose it explicitly; it must not be forgotten).
 */
export function createInsecureBadge(app: App, disposer: Disposer): HTMLElement {
  const badge = tx("span", "status.insecure", {
    class: "insecure-badge", "data-testid": "insecure-badge", role: "status", ...tattr("title", "status.insecureTitle"),
  });
  const render = (): void => setHidden(badge, app.sessionSettings?.security !== "plainInsecure");
  render();
  disposer.add(app.connection.changed.on(render));
  return badge;
}

/**
 * Shown when the link came back but the server could not resume the session
 * (XEP-0198): presence was announced again, and what arrived in between comes
 * from offline storage or history. Stays until dismissed.
 */
export function createSessionRestartedNotice(app: App, disposer: Disposer): HTMLElement {
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
  onState(app.connection.current);
  disposer.add(app.connection.changed.on(onState));
  return notice;
}
