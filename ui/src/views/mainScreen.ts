import type { ChatController } from "../chat";
import { Disposer, el, setHidden, setText } from "../dom";
import { onLangChange, tattr, tx } from "../i18n";
import type { IpcError } from "../bindings";
import type { ConversationStore } from "../state/conversations";
import { createAddContact, type AddContactContext } from "./addContact";
import { createBookmarksView, type BookmarksContext } from "./bookmarks";
import { createChangePassword, type ChangePasswordContext } from "./changePassword";
import { createHistorySyncLine, type HistorySyncContext } from "./historySync";
import { createInvitationsView, type InvitationsContext } from "./invitations";
import { createJoinRoom, type JoinRoomContext } from "./joinRoom";
import { createLanguageSelect } from "./languageSelect";
import { createPresenceSelector, type PresenceSelectorContext } from "./presenceSelector";
import { createRosterView, type RosterViewContext } from "./roster";
import { createSearchPanel, type SearchContext } from "./search";
import { handleLinks } from "../links";
import { problemNodes } from "../errors";
import { toIpcError } from "../backend";
import type { Calls } from "./view";
import { localPart } from "../jid";
import { createSubscriptionRequests, type SubscriptionRequestsContext } from "./subscriptionRequests";
import { createCertificatePanel, type CertificatePanelContext } from "./certificatePanel";
import { createInsecureBadge, createSessionRestartedNotice, createStatusBanner, type InsecureBadgeContext } from "./statusBanner";
import { createTabsView, type TabsContext } from "./tabs";
import { adopt, type Screen, type View } from "./view";
import { createXmlConsole, type XmlConsoleContext } from "./xmlConsole";

export type MainScreenContext = SearchContext & { readonly backend: Calls<"open_link"> } & AddContactContext & BookmarksContext & ChangePasswordContext & HistorySyncContext & InvitationsContext & JoinRoomContext & PresenceSelectorContext & RosterViewContext & SubscriptionRequestsContext & CertificatePanelContext & InsecureBadgeContext & TabsContext & XmlConsoleContext & {
  readonly convs: ConversationStore;
  readonly chat: Pick<ChatController, "open" | "send" | "close" | "loadOlder" | "jumpTo">;
  logout(forgetPassword?: boolean): Promise<void>;
  /** True once per login that asked for the XML console on start, when it is online. */
  takeConsoleOnStart(): boolean;
};

/** Sidebar (own account, presence, roster, bookmarks) + tabs, under the connection banner. */
export function createMainScreen(ctx: MainScreenContext): Screen {
  const disposer = new Disposer();
  const own = <V extends View>(view: V): V => adopt(disposer, view);
  const ownJid = el("span", { class: "own-jid", "data-testid": "own-jid", title: ctx.connection.ownJid }, ctx.connection.ownJid);
  disposer.add(ctx.connection.changed.on(() => {
    setText(ownJid, ctx.connection.ownJid);
    ownJid.title = ctx.connection.ownJid;
  }));

  const xmlConsole = own(createXmlConsole(ctx));
  const search = own(createSearchPanel(ctx, () => ctx.convs.active));
  const searchButton = tx("button", "search.open", { type: "button", class: "search-open", "data-testid": "search-open", ...tattr("title", "search.placeholder"), onclick: () => search.open(false) });
  const logout = tx("button", "header.logout", { type: "button", class: "logout", "data-testid": "logout", onclick: () => void ctx.logout() });
  const header = el(
    "header",
    { class: "sidebar-header" },
    el("div", { class: "account" }, tx("span", "header.ownJid", { class: "visually-hidden" }), ownJid, own(createInsecureBadge(ctx)).el),
    own(createPresenceSelector(ctx)).el,
    el("div", { class: "header-actions" }, own(createLanguageSelect()).el, xmlConsole.toggle, logout),
    own(createChangePassword(ctx)).el,
  );

  const onKey = (e: KeyboardEvent): void => {
    if (!(e.ctrlKey || e.metaKey) || e.altKey) return;
    // Ctrl+F searches the shown conversation, Ctrl+Shift+F all of them
    // (Cmd on macOS).
    if (e.key === "f" || e.key === "F") {
      e.preventDefault();
      search.open(!e.shiftKey);
      return;
    }
    if (e.metaKey) return;
    if (e.key === "w" || e.key === "W") {
      e.preventDefault();
      if (ctx.convs.active !== null) ctx.chat.close(ctx.convs.active);
    } else if (e.key === "Tab" || e.key === "PageDown" || e.key === "PageUp") {
      e.preventDefault();
      ctx.convs.cycle(e.key === "PageUp" || (e.key === "Tab" && e.shiftKey) ? -1 : 1);
    }
  };
  document.addEventListener("keydown", onKey);
  disposer.add(() => document.removeEventListener("keydown", onKey));

  const joinRoom = own(createJoinRoom(ctx));
  const root = el(
    "div",
    { class: "main-screen" },
    own(createStatusBanner(ctx)).el,
    own(createSessionRestartedNotice(ctx)).el,
    own(createCertificatePanel(ctx)).el,
    own(createInvitationsView(ctx)).el,
    el(
      "div",
      { class: "main-body" },
      el(
        "aside",
        { class: "sidebar" },
        header,
        // Under the account, where the conversations are looked for.
        own(createHistorySyncLine(ctx)).el,
        el("div", { class: "search-open-box" }, searchButton),
        own(createAddContact(ctx)).el,
        own(createSubscriptionRequests(ctx)).el,
        joinRoom.el,
        own(createRosterView(ctx)).el,
        own(createBookmarksView(ctx, joinRoom)).el,
      ),
      el("div", { class: "conversation-area" }, own(createTabsView(ctx)).el, search.el),
    ),
    xmlConsole.el,
  );
  // Links in messages: web and mail addresses open outside (the core
  // checks them again), xmpp: ones here; the window follows none.
  const linkError = el("p", { class: "link-error", role: "alert", "data-testid": "link-error", hidden: true });
  let linkErrorTimer: ReturnType<typeof setTimeout> | undefined;
  let linkProblem: IpcError | null = null;
  const renderLinkError = (): void => {
    linkError.replaceChildren(...(linkProblem ? problemNodes(linkProblem) : []));
    setHidden(linkError, linkProblem === null);
  };
  disposer.add(() => clearTimeout(linkErrorTimer));
  disposer.add(onLangChange(renderLinkError));
  root.prepend(linkError);
  disposer.add(handleLinks(root, {
    external: (url) => {
      ctx.backend.invoke("open_link", { url }).catch((e: unknown) => {
        linkProblem = toIpcError(e);
        renderLinkError();
        clearTimeout(linkErrorTimer);
        linkErrorTimer = setTimeout(() => {
          linkProblem = null;
          renderLinkError();
        }, 8_000);
      });
    },
    chat: (jid) => ctx.chat.open(jid),
    join: (jid) => joinRoom.joinListed(jid, localPart(ctx.connection.ownJid), true),
  }));

  // A login that asked for the console on start: open it once online (now,
  // or when the connection gets there).
  const openConsoleIfAsked = (): void => {
    if (ctx.takeConsoleOnStart()) void xmlConsole.open();
  };
  disposer.add(ctx.connection.changed.on(openConsoleIfAsked));
  return { kind: "main", el: root, mounted: openConsoleIfAsked, dispose: () => disposer.dispose() };
}
