import type { App, Screen } from "../app";
import { Disposer, el, setText } from "../dom";
import { tx } from "../i18n";
import { createAddContact } from "./addContact";
import { createBookmarksView } from "./bookmarks";
import { createChangePassword } from "./changePassword";
import { createInvitationsView } from "./invitations";
import { createJoinRoom } from "./joinRoom";
import { createLanguageSelect } from "./languageSelect";
import { createPresenceSelector } from "./presenceSelector";
import { createRosterView } from "./roster";
import { createSubscriptionRequests } from "./subscriptionRequests";
import { createCertificatePanel } from "./certificatePanel";
import { createInsecureBadge, createSessionRestartedNotice, createStatusBanner } from "./statusBanner";
import { createTabsView } from "./tabs";
import { createXmlConsole } from "./xmlConsole";

/** Sidebar (own account, presence, roster, bookmarks) + tabs, under the connection banner. */
export function createMainScreen(app: App): Screen {
  const disposer = new Disposer();
  const ownJid = el("span", { class: "own-jid", "data-testid": "own-jid", title: app.connection.ownJid }, app.connection.ownJid);
  disposer.add(app.connection.changed.on(() => {
    setText(ownJid, app.connection.ownJid);
    ownJid.title = app.connection.ownJid;
  }));

  const xmlConsole = createXmlConsole(app, disposer);
  const logout = tx("button", "header.logout", { type: "button", class: "logout", "data-testid": "logout", onclick: () => void app.logout() });
  const header = el(
    "header",
    { class: "sidebar-header" },
    el("div", { class: "account" }, tx("span", "header.ownJid", { class: "visually-hidden" }), ownJid, createInsecureBadge(app, disposer)),
    createPresenceSelector(app),
    el("div", { class: "header-actions" }, createLanguageSelect(disposer), xmlConsole.toggle, logout),
    createChangePassword(app),
  );

  const onKey = (e: KeyboardEvent): void => {
    if (!e.ctrlKey || e.altKey || e.metaKey) return;
    if (e.key === "w" || e.key === "W") {
      e.preventDefault();
      if (app.convs.active !== null) app.chat.close(app.convs.active);
    } else if (e.key === "Tab" || e.key === "PageDown" || e.key === "PageUp") {
      e.preventDefault();
      app.convs.cycle(e.key === "PageUp" || (e.key === "Tab" && e.shiftKey) ? -1 : 1);
    }
  };
  document.addEventListener("keydown", onKey);
  disposer.add(() => document.removeEventListener("keydown", onKey));

  const joinRoom = createJoinRoom(app, disposer);
  const root = el(
    "div",
    { class: "main-screen" },
    createStatusBanner(app, disposer),
    createSessionRestartedNotice(app, disposer),
    createCertificatePanel(app, disposer),
    createInvitationsView(app, disposer),
    el(
      "div",
      { class: "main-body" },
      el(
        "aside",
        { class: "sidebar" },
        header,
        createAddContact(app, disposer),
        createSubscriptionRequests(app, disposer),
        joinRoom.root,
        createRosterView(app, disposer),
        createBookmarksView(app, disposer, joinRoom),
      ),
      createTabsView(app, disposer),
    ),
    xmlConsole.panel,
  );
  // A login that asked for the console on start: open it once online (now,
  // or when the connection gets there).
  const openConsoleIfAsked = (): void => {
    if (app.takeConsoleOnStart()) void xmlConsole.open();
  };
  disposer.add(app.connection.changed.on(openConsoleIfAsked));
  return { kind: "main", root, mounted: openConsoleIfAsked, dispose: () => disposer.dispose() };
}
