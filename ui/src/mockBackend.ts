import type { Backend } from "./backend";
import type { AffiliationEntry, BookmarkView, ChatMessage, Commands, DataForm, Events, RoomSnapshot } from "./bindings";
import { fallbackConnectionSettings } from "./settingsDefaults";

type Args<K extends keyof Commands> = Commands[K]["args"];
type Result<K extends keyof Commands> = Commands[K]["result"];
export type Handler<K extends keyof Commands> = (args: Args<K>) => Result<K> | Promise<Result<K>>;
type Handlers = { [K in keyof Commands]?: Handler<K> };
type Listeners = { [E in keyof Events]?: Set<(payload: Events[E]) => void> };

export interface Call {
  cmd: keyof Commands;
  args: unknown;
}

/**
 * In-memory Backend: records every invoke, answers with scripted handlers
 * (or harmless defaults) and lets a test or the demo emit events.
 * A handler may throw an IpcError object to simulate a rejected command.
 */
export class MockBackend implements Backend {
  readonly calls: Call[] = [];
  private handlers: Handlers = {};
  private listeners: Listeners = {};
  private nextId = 1_000_000;
  /** Our nick per joined room, for the default send_room_message answer. */
  private roomNicks = new Map<string, string>();
  /**
   * The default bookmark commands keep this list (passwords reduced to
   * hasPassword) and announce every change with bookmarks-changed.
   */
  bookmarkList: BookmarkView[] = [];
  /**
   * Affiliation lists per room ("room affiliation" → entries): kept by the
   * default moderate (affiliation requests) and read by affiliation_list.
   */
  affiliationLists = new Map<string, AffiliationEntry[]>();
  /** What the default room_config answers. */
  roomConfigForm: DataForm = {
    title: "Room configuration",
    instructions: "Change the room's settings.",
    fields: [
      { var: "FORM_TYPE", kind: "hidden", label: null, desc: null, required: false, values: ["http://jabber.org/protocol/muc#roomconfig"], options: [] },
      { var: "muc#roomconfig_roomname", kind: "textSingle", label: "Room name", desc: null, required: false, values: [""], options: [] },
      { var: "muc#roomconfig_persistentroom", kind: "boolean", label: "Make the room persistent", desc: null, required: false, values: ["0"], options: [] },
      { var: "muc#roomconfig_membersonly", kind: "boolean", label: "Members only", desc: null, required: false, values: ["0"], options: [] },
    ],
  };

  /** Scripts the result of a command (replaces any previous script). */
  on<K extends keyof Commands>(cmd: K, handler: Handler<K>): this {
    (this.handlers as Record<string, unknown>)[cmd] = handler;
    return this;
  }

  /** Arguments of every call to `cmd`, oldest first. */
  callsOf<K extends keyof Commands>(cmd: K): Array<Args<K>> {
    return this.calls.filter((c) => c.cmd === cmd).map((c) => c.args as Args<K>);
  }

  async invoke<K extends keyof Commands>(cmd: K, args: Args<K>): Promise<Result<K>> {
    this.calls.push({ cmd, args: structuredClone(args) });
    const handler = this.handlers[cmd] as Handler<K> | undefined;
    if (handler) return handler(args);
    return this.fallback(cmd, args);
  }

  async listen<E extends keyof Events>(event: E, handler: (payload: Events[E]) => void): Promise<() => void> {
    let set = this.listeners[event] as Set<(payload: Events[E]) => void> | undefined;
    if (!set) {
      set = new Set();
      (this.listeners as Record<string, unknown>)[event] = set;
    }
    set.add(handler);
    return () => set.delete(handler);
  }

  /** Delivers an event to every listener, synchronously. */
  emit<E extends keyof Events>(event: E, payload: Events[E]): void {
    if (event === "room-invitation") {
      const inv = payload as Events["room-invitation"];
      this.invitationRooms.set(inv.id, inv.room);
    }
    const set = this.listeners[event] as Set<(payload: Events[E]) => void> | undefined;
    for (const fn of [...(set ?? [])]) fn(structuredClone(payload));
  }

  /** What the command answers when no handler is scripted (a handler may defer to it). */
  byDefault<K extends keyof Commands>(cmd: K, args: Args<K>): Result<K> {
    return this.fallback(cmd, args);
  }

  listenerCount(event: keyof Events): number {
    return this.listeners[event]?.size ?? 0;
  }

  /** Invitation id → room, of every room-invitation emitted (for answer_invitation). */
  private invitationRooms = new Map<string, string>();

  private affiliationKey(room: string, affiliation: string): string {
    return `${room} ${affiliation}`;
  }

  private joinedSnapshot(room: string, nick: string): RoomSnapshot {
    this.roomNicks.set(room, nick);
    return { room, nick, subject: null, occupants: [], moderation: false };
  }

  private fallback<K extends keyof Commands>(cmd: K, args: Args<K>): Result<K> {
    const defaults: { [C in keyof Commands]: (a: Args<C>) => Result<C> } = {
      ui_ready: () => null,
      show_conversations: () => null,
      saved_login: () => null,
      login: () => null,
      test_connection: () => ({
        steps: (["dns", "tcp", "tls", "auth"] as const).map((step) => ({ step, outcome: "skipped", finding: { kind: "notTried" }, problem: null })),
      }),
      default_connection_settings: () => fallbackConnectionSettings(),
      logout: () => null,
      connection_state: () => ({ state: "offline", reason: null }),
      roster_snapshot: () => ({ items: [], presences: [], requests: { jids: [], more: 0 } }),
      set_presence: () => null,
      // The real core answers these with a roster-changed push; a test that
      // needs the new roster emits it itself.
      add_contact: () => null,
      update_contact: () => null,
      regroup: () => null,
      remove_contact: () => null,
      ask_presence: () => null,
      untrusted_certificate: () => null,
      trust_certificate: () => null,
      pinned_certificates: () => [],
      forget_certificate: () => null,
      set_console_open: () => null,
      send_raw: () => null,
      change_password: () => null,
      registration_form: () => ({ instructions: null, fields: [], dataForm: false }),
      register: () => null,
      join_room: ({ args: a }) => this.joinedSnapshot(a.room, a.nick),
      leave_room: ({ room }) => {
        this.roomNicks.delete(room);
        return null;
      },
      send_room_message: ({ args: a }): ChatMessage => ({
        id: this.nextId++, peer: a.room, direction: "out", kind: "groupchat", body: a.text,
        subject: null, timestamp: Date.now(), stanzaId: null, originId: null, mentionsMe: false, edited: null, retracted: false, reply: null, reactions: [], unstyled: false,
        state: "queued", error: null, sender: this.roomNicks.get(a.room) ?? null,
      }),
      set_room_subject: () => null,
      change_room_nick: () => null,
      rooms: () => [],
      bookmarks: () => structuredClone(this.bookmarkList),
      set_bookmark: ({ bookmark: b }) => {
        const old = this.bookmarkList.find((x) => x.jid === b.jid);
        const hasPassword = b.password === null ? (old?.hasPassword ?? false) : b.password !== "";
        const view: BookmarkView = { jid: b.jid, name: b.name, nick: b.nick, autojoin: b.autojoin, hasPassword };
        this.bookmarkList = [...this.bookmarkList.filter((x) => x.jid !== b.jid), view];
        this.emit("bookmarks-changed", this.bookmarkList);
        return null;
      },
      remove_bookmark: ({ room }) => {
        this.bookmarkList = this.bookmarkList.filter((x) => x.jid !== room);
        this.emit("bookmarks-changed", this.bookmarkList);
        return null;
      },
      // Room administration: affiliation changes are kept, the rest accepted.
      moderate: ({ request: m }) => {
        if (m.kind === "affiliation") {
          for (const aff of ["owner", "admin", "member", "outcast"]) {
            const key = this.affiliationKey(m.room, aff);
            const list = (this.affiliationLists.get(key) ?? []).filter((e) => e.jid !== m.jid);
            if (aff === m.affiliation) list.push({ jid: m.jid, nick: null, reason: m.reason });
            this.affiliationLists.set(key, list);
          }
        }
        return null;
      },
      affiliation_list: ({ args: a }) => structuredClone(this.affiliationLists.get(this.affiliationKey(a.room, a.affiliation)) ?? []),
      room_config: () => structuredClone(this.roomConfigForm),
      configure_room: () => null,
      destroy_room: () => null,
      invite: () => null,
      // Accepting joins like join_room; declining answers nothing.
      answer_invitation: ({ answer: a }) => {
        const room = this.invitationRooms.get(a.id);
        this.invitationRooms.delete(a.id);
        if (room === undefined) throw { code: "invalidInput", message: "This invitation was already answered." };
        return a.accept === null ? null : this.joinedSnapshot(room, a.accept);
      },
      list_rooms: () => ({ rooms: [], next: null }),
      notify: () => null,
      open_link: () => null,
      answer_subscription: () => null,
      ui_probe_interval: () => null,
      ui_probe_report: () => null,
      history_page: () => ({ messages: [], complete: true }),
      history_after: () => ({ messages: [], complete: true }),
      fetch_older: () => ({ messages: [], complete: true }),
      search_messages: () => [],
      history_through: () => ({ messages: [], complete: true }),
      mark_displayed: () => null,
      correct_message: () => null,
      set_chat_state: () => null,
      reply_target: () => null,
      react: () => null,
      retract_message: () => null,
      moderate_message: () => null,
      message_versions: () => [],
      send_message: ({ args: a }): ChatMessage => ({
        id: this.nextId++, peer: a.to, direction: "out", kind: "chat", body: a.body,
        subject: null, timestamp: Date.now(), stanzaId: null, originId: null, mentionsMe: false, edited: null, retracted: false, reply: null, reactions: [], unstyled: false,
        state: "queued", error: null, sender: null,
      }),
    };
    return (defaults[cmd] as (a: Args<K>) => Result<K>)(args);
  }
}
