import type { Backend } from "./backend";
import { toIpcError } from "./backend";
import type { ConnectionSettings, ConnectionState, LoginRequest, SavedLogin } from "./bindings";
import { ChatController } from "./chat";
import { BookmarkController } from "./bookmarks";
import { bareJid } from "./jid";
import { RoomAdminController } from "./roomAdmin";
import { RoomController } from "./rooms";
import { fallbackConnectionSettings } from "./settingsDefaults";
import { BookmarkStore } from "./state/bookmarks";
import { ConnectionStore } from "./state/connection";
import { ConversationStore } from "./state/conversations";
import { HistorySyncStore } from "./state/historySync";
import { TypingStore } from "./state/typing";
import { DisplayedMarker } from "./markers";
import { Notifier } from "./notifications";
import { InvitationStore } from "./state/invitations";
import { RoomStore } from "./state/rooms";
import { RosterStore } from "./state/roster";
import { StrangerStore } from "./state/strangers";
import { createLoginView } from "./views/login";
import { createMainScreen } from "./views/mainScreen";
import type { Screen } from "./views/view";

/** Owns the stores, the backend subscriptions and which screen is shown. */
export class App {
  readonly connection = new ConnectionStore();
  readonly roster = new RosterStore();
  readonly convs = new ConversationStore();
  readonly rooms = new RoomStore();
  readonly bookmarks = new BookmarkStore();
  readonly invitations = new InvitationStore();
  readonly strangers = new StrangerStore();
  readonly historySync = new HistorySyncStore();
  readonly typing = new TypingStore();
  readonly chat: ChatController;
  readonly roomActions: RoomController;
  readonly bookmarkActions: BookmarkController;
  readonly roomAdmin: RoomAdminController;
  readonly notifier: Notifier;
  /** Tells the core what the user has seen (XEP-0333 displayed markers). */
  readonly displayed: DisplayedMarker;
  saved: SavedLogin | null = null;
  /** What the connection dialog starts from when nothing is saved. */
  defaultSettings: ConnectionSettings = fallbackConnectionSettings();
  /**
   * The settings of the current login (null when unknown): the main screen
   * marks an unencrypted link and opens the XML console on start from them.
   */
  sessionSettings: ConnectionSettings | null = null;
  /** The XML console is still to be opened when this login first gets online. */
  private consolePending = false;
  private screen: Screen | null = null;
  private everOnline = false;
  private leaving: Promise<void> | null = null;
  private unlisten: Array<() => void> = [];

  constructor(
    readonly root: HTMLElement,
    readonly backend: Backend,
  ) {
    this.chat = new ChatController(backend, this.convs, this.rooms, this.roster, this.strangers);
    this.roomActions = new RoomController(backend, this.convs, this.rooms, this.chat);
    this.bookmarkActions = new BookmarkController(backend, this.bookmarks);
    this.roomAdmin = new RoomAdminController(backend, this.invitations, this.roomActions);
    this.notifier = new Notifier(backend, this.convs, this.roster, this.rooms);
    this.displayed = new DisplayedMarker(backend, this.convs);
    document.body.dataset.connection = this.connection.current.state;
  }

  get screenKind(): Screen["kind"] | null {
    return this.screen?.kind ?? null;
  }

  async start(): Promise<void> {
    await this.subscribe();
    // Listening now: the backend delivers what happened before (it connects
    // while this page loads).
    await this.backend.invoke("ui_ready", {}).catch(() => undefined);
    const [state, saved] = await Promise.all([
      this.backend.invoke("connection_state", {}).catch(() => null),
      this.loadSaved(),
    ]);
    if (state && state.state !== "offline") {
      // e.g. the web view was reloaded while the backend stayed connected:
      // the saved settings are the ones that session uses.
      const sameAccount = saved !== null && (state.state !== "online" || bareJid(state.jid) === saved.jid);
      this.sessionSettings = sameAccount ? saved.connection : null;
      this.connection.set(state);
      this.everOnline = state.state !== "connecting";
      this.showMain();
      return;
    }
    this.saved = saved;
    this.defaultSettings = await this.loadDefaults();
    if (saved && saved.autoLogin && saved.hasPassword) {
      this.connection.ownJid = saved.jid;
      this.sessionSettings = saved.connection;
      this.showMain();
      // null: the account's saved settings and proxy password.
      void this.login({ jid: saved.jid, password: "", remember: saved.remember, autoLogin: true, connection: null, proxyPassword: null });
    } else {
      this.showLogin();
    }
  }

  private async subscribe(): Promise<void> {
    const b = this.backend;
    this.unlisten = await Promise.all([
      b.listen("connection-state", (s) => this.onConnectionState(s)),
      b.listen("roster-changed", (items) => this.roster.setItems(items)),
      b.listen("presence-changed", (list) => this.roster.updatePresences(list)),
      b.listen("messages-added", (batch) => {
        // A message from someone ends their typing.
        for (const m of batch) if (m.direction === "in") this.typing.stop(m.peer, m.kind === "groupchat" ? (m.sender ?? "") : "");
        this.chat.onMessagesAdded(batch);
        // Strangers held back in the "and N more" entry do not notify one by one.
        this.notifier.onMessagesAdded(batch.filter((m) => !this.strangers.isWaiting(m.peer)));
      }),
      b.listen("conversation-activity", (list) => {
        this.chat.onActivity(list);
        this.notifier.onActivity(list.filter((a) => !this.strangers.isWaiting(a.peer)));
      }),
      b.listen("message-updated", (m) => this.chat.onMessageUpdated(m)),
      b.listen("messages-read", (r) => this.chat.onMessagesRead(r)),
      b.listen("read-elsewhere", (r) => this.chat.onReadElsewhere(r)),
      b.listen("room-joined", (s) => this.roomActions.onJoined(s)),
      b.listen("room-left", (e) => this.roomActions.onLeft(e)),
      b.listen("occupants-changed", (list) => this.roomActions.onOccupants(list)),
      b.listen("room-subject", (e) => this.roomActions.onSubject(e)),
      b.listen("room-problem", (e) => this.roomActions.onProblem(e)),
      b.listen("bookmarks-changed", (list) => this.bookmarks.set(list)),
      b.listen("room-invitation", (i) => this.roomAdmin.onInvitation(i)),
      b.listen("subscription-requests", (r) => this.roster.setRequests(r)),
      b.listen("history-sync", (s) => this.historySync.set(s)),
      b.listen("chat-state", (c) => this.typing.set(c)),
    ]);
  }

  /** Sends the login request. The caller must not keep the password anywhere. */
  async login(request: LoginRequest): Promise<void> {
    this.everOnline = false;
    this.sessionSettings = request.connection ?? (this.saved?.jid === request.jid ? this.saved.connection : null);
    this.consolePending = this.sessionSettings?.openConsoleOnStart ?? false;
    this.connection.ownJid = request.jid;
    this.historySync.reset();
    this.connection.set({ state: "connecting" });
    try {
      await this.backend.invoke("login", { request });
    } catch (e) {
      this.onConnectionState({ state: "offline", reason: toIpcError(e) });
    }
  }

  /** True once per login that asked for the XML console on start, when it is online. */
  takeConsoleOnStart(): boolean {
    const open = this.consolePending && this.connection.current.state === "online";
    if (open) this.consolePending = false;
    return open;
  }

  /** Abandons a login attempt that is still connecting. */
  async cancelLogin(): Promise<void> {
    await this.backend.invoke("logout", { forgetPassword: false }).catch(() => null);
    this.onConnectionState({ state: "offline", reason: null });
  }

  /** Ends the session; `forgetPassword` also removes it from the keychain. */
  async logout(forgetPassword = false): Promise<void> {
    await this.backend.invoke("logout", { forgetPassword }).catch(() => null);
    this.connection.set({ state: "offline", reason: null });
    await this.backToLogin();
  }

  private onConnectionState(state: ConnectionState): void {
    const wasOnline = this.connection.current.state === "online";
    // A catch-up lasts one session: the core drops it without a final
    // report when the link goes, and a fresh session starts its own. Only a
    // session carried on (online → online, resumed) keeps what it reported.
    if (state.state !== "online" || !wasOnline || state.newSessionAfterLoss) this.historySync.reset();
    // Nobody's typing survives our link.
    if (state.state !== "online") this.typing.clear();
    this.connection.set(state);
    if (state.state === "online") {
      this.everOnline = true;
      if (this.screen?.kind !== "main") this.showMain();
      else if (!wasOnline) {
        void this.refreshRoster();
        void this.roomActions.restore();
        void this.bookmarkActions.load();
      }
    } else if (state.state === "offline" && this.screen?.kind === "main") {
      // Logged out, or the very first connection failed (e.g. auto-login with a
      // changed password): back to the login form, which shows the reason.
      if (state.reason === null || !this.everOnline) void this.backToLogin();
    }
  }

  private backToLogin(): Promise<void> {
    this.leaving ??= (async () => {
      this.convs.clear();
      this.notifier.clear();
      this.displayed.clear();
      this.rooms.clear();
      this.bookmarks.clear();
      this.invitations.clear();
      this.roster.clear();
      this.strangers.clear();
      this.historySync.reset();
      [this.saved, this.defaultSettings] = await Promise.all([this.loadSaved(), this.loadDefaults()]);
      if (this.connection.current.state === "offline") this.showLogin();
    })().finally(() => {
      this.leaving = null;
    });
    return this.leaving;
  }

  /** What the connection dialog starts from when no account is saved. */
  private loadDefaults(): Promise<ConnectionSettings> {
    return this.backend.invoke("default_connection_settings", {}).catch(() => fallbackConnectionSettings());
  }

  private async loadSaved(): Promise<SavedLogin | null> {
    try {
      return await this.backend.invoke("saved_login", {});
    } catch {
      return null;
    }
  }

  async refreshRoster(): Promise<void> {
    try {
      const requestedAt = this.roster.version;
      this.roster.setSnapshot(await this.backend.invoke("roster_snapshot", {}), requestedAt);
    } catch {
      // not connected yet: roster-changed / the next online state brings it
    }
  }

  showLogin(): void {
    this.mount(createLoginView(this));
  }

  showMain(): void {
    this.mount(createMainScreen(this));
    void this.refreshRoster();
    // Rooms survive a reload of the web view; while still connecting the
    // online state asks for them instead.
    if (this.connection.current.state === "online") {
      void this.roomActions.restore();
      void this.bookmarkActions.load();
    }
  }

  private mount(screen: Screen): void {
    this.screen?.dispose();
    this.screen = screen;
    this.root.replaceChildren(screen.el);
    screen.mounted?.();
  }

  dispose(): void {
    this.notifier.clear();
    this.displayed.dispose();
    this.screen?.dispose();
    this.screen = null;
    for (const fn of this.unlisten) fn();
    this.unlisten = [];
  }
}

export async function startApp(root: HTMLElement, backend: Backend): Promise<App> {
  const app = new App(root, backend);
  await app.start();
  return app;
}
