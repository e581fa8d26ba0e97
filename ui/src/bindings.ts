// Generated from the Rust types in src-tauri/ (cargo test regenerates and checks it). Do not edit.

export type AddContactArgs = { jid: string, name: string | null, groups: Array<string>, 
/**
 * Let them see our presence without asking.
 */
share: boolean, };

export type Affiliation = "owner" | "admin" | "member" | "outcast" | "none";

export type AffiliationEntry = { jid: string, nick: string | null, reason: string | null, };

export type AffiliationListArgs = { room: string, affiliation: Affiliation, };

export type AskPresenceArgs = { jid: string, 
/**
 * Ask to see their presence (true) or stop seeing it (false).
 */
ask: boolean, };

export type BookmarkInput = { jid: string, name: string | null, nick: string | null, autojoin: boolean, 
/**
 * `null` = keep the stored password; "" = none.
 */
password: string | null, };

export type BookmarkView = { jid: string, name: string | null, nick: string | null, autojoin: boolean, hasPassword: boolean, };

export type CertificateFault = "unknown-issuer" | "expired" | "not-valid-yet" | "wrong-name" | "revoked" | "other";

export type CertificateInfo = { 
/**
 * SHA-256 of the DER, colon-separated hex.
 */
fingerprint: string, subject: string, issuer: string, 
/**
 * DNS names the certificate is valid for.
 */
names: Array<string>, 
/**
 * Validity, milliseconds since the Unix epoch.
 */
notBefore: number, notAfter: number, 
/**
 * Why it was refused; `null` for a certificate the user trusts.
 */
fault: CertificateFault | null, 
/**
 * The user had trusted another certificate for this account.
 */
changed: boolean, };

export type ChangePasswordArgs = { newPassword: string, };

export type ChatMessage = { id: number, peer: string, direction: MessageDirection, kind: MessageKind, body: string, subject: string | null, 
/**
 * Milliseconds since the Unix epoch.
 */
timestamp: number, stanzaId: string | null, originId: string | null, state: DeliveryState, 
/**
 * Why a message failed.
 */
error: Problem | null, 
/**
 * In a room: the sender's nickname. `null` for 1:1 messages and for
 * the room's own notices.
 */
sender: string | null, 
/**
 * A room message that names our nick there (`session/mention.rs`).
 * Not stored: decided when the message is announced or a page of
 * history is read, with the nick we have in the room then.
 */
mentionsMe: boolean, 
/**
 * When the text was last corrected (XEP-0308), in ms; `null` if never.
 */
edited: number | null, 
/**
 * Retracted by its sender or removed by a room moderator: the text is
 * gone, a tombstone is shown.
 */
retracted: boolean, 
/**
 * The message it answers (XEP-0461).
 */
reply: ReplyTo | null, 
/**
 * Emojis under it (XEP-0444), in the order first chosen.
 */
reactions: Array<Reaction>, 
/**
 * Shown as written, without message styling (XEP-0393 §6).
 */
unstyled: boolean, };

export type ChatState = "active" | "composing" | "paused" | "inactive" | "gone";

export type ChatStateArgs = { peer: string, state: ChatState, };

export type ChatStateChanged = { 
/**
 * The conversation: a contact's bare JID, an occupant's full JID for a
 * private conversation, or the room.
 */
peer: string, 
/**
 * In a room: whose state it is.
 */
nick: string | null, state: ChatState, };

export type ConfigureRoomArgs = { room: string, values: Array<FormValue>, };

export type ConnectionReport = { steps: Array<ConnectionStep>, };

export type ConnectionSecurity = "startTls" | "directTls" | "plainInsecure";

export type ConnectionSettings = { 
/**
 * `null` = automatic: DNS SRV records of the address's domain, then
 * the domain itself. A host = connect there.
 */
host: string | null, 
/**
 * With a host: `null` = the security's default port.
 */
port: number | null, security: ConnectionSecurity, 
/**
 * `null` = "Hearth." and a random suffix, chosen once per account.
 */
resource: string | null, priority: number, 
/**
 * How long the server may take to answer; see `SessionConfig`.
 */
responseTimeoutSecs: number, openConsoleOnStart: boolean, sasl: SaslPolicy, proxy: ProxySettings, newDeviceHistory: HistoryWindow, };

export type ConnectionState = { "state": "offline", reason: Problem | null, } | { "state": "connecting" } | { "state": "online", jid: string, 
/**
 * The link was lost and the server could not resume the session
 * (XEP-0198), so a new one began: roster and presence were fetched
 * and announced again. The UI tells the user.
 */
newSessionAfterLoss: boolean, } | { "state": "reconnecting", reason: Problem, retryInSecs: number, };

export type ConnectionStep = { step: StepKind, outcome: StepOutcome, 
/**
 * What was found (a step that worked or was skipped).
 */
finding: StepFinding | null, 
/**
 * Why the step failed.
 */
problem: Problem | null, };

export type ConsoleDirection = "in" | "out";

export type ConsoleEntry = { direction: ConsoleDirection, 
/**
 * Milliseconds since the Unix epoch.
 */
timestamp: number, xml: string, };

export type ContactArgs = { jid: string, };

export type ContactPresence = { jid: string, resources: Array<ResourcePresence>, };

export type ConversationActivity = { peer: string, 
/**
 * The kind of the newest message (`groupchat` for a room).
 */
kind: MessageKind, 
/**
 * New incoming messages.
 */
incoming: number, 
/**
 * New incoming room messages that name our nick.
 */
mentions: number, 
/**
 * The newest incoming message.
 */
latest: ChatMessage | null, 
/**
 * The newest incoming room message that names our nick.
 */
latestMention: ChatMessage | null, };

export type CorrectArgs = { id: number, body: string, };

export type DataForm = { title: string | null, instructions: string | null, fields: Array<FormField>, };

export type DeliveryState = "queued" | "sent" | "acked" | "delivered" | "read" | "received" | "failed";

export type DestroyRoomArgs = { room: string, reason: string | null, };

export type ErrorCode = "authFailed" | "loginRefused" | "noSafeMechanism" | "serverNotAuthenticated" | "noStartTls" | "certificateUntrusted" | "certificateChanged" | "proxyAuthFailed" | "proxyFailed" | "unknownHost" | "noXmppService" | "connectionRefused" | "connectionLost" | "tlsFailed" | "network" | "timeout" | "tooManyRedirects" | "streamError" | "protocol" | "notConnected" | "remoteError" | "roomJoinRefused" | "roomJoinTimeout" | "roomJoinSuperseded" | "roomKicked" | "roomBanned" | "roomMembershipLost" | "roomDestroyed" | "roomPresenceEnded" | "notInRoom" | "noRoomService" | "invitationAnswered" | "messageNotSent" | "messageUnconfirmed" | "messageNotAmendable" | "moderationNotOffered" | "registrationRefused" | "registrationUnsupported" | "invalidInput" | "invalidAddress" | "invalidServerName" | "invalidXml" | "notAStanza" | "consoleClosed" | "linkRefused" | "linkNotOpened" | "certificateNotPresented" | "noAccountYet" | "storage" | "keychain" | "internal";

export type FieldKind = "text" | "password" | "boolean" | "fixed" | "hidden";

export type FingerprintArgs = { fingerprint: string, };

export type FormField = { 
/**
 * Absent only for `fixed` fields.
 */
var: string | null, kind: FormFieldKind, label: string | null, desc: string | null, required: boolean, values: Array<string>, options: Array<FormOption>, };

export type FormFieldKind = "textSingle" | "textPrivate" | "textMulti" | "boolean" | "listSingle" | "listMulti" | "jidSingle" | "jidMulti" | "fixed" | "hidden";

export type FormOption = { label: string | null, value: string, };

export type FormValue = { var: string, values: Array<string>, };

export type HistoryAfterArgs = { peer: string, after: HistoryCursor, limit: number, };

export type HistoryArgs = { peer: string, before: HistoryCursor | null, limit: number, };

export type HistoryCursor = { timestamp: number, id: number, };

export type HistoryPage = { 
/**
 * Oldest first.
 */
messages: Array<ChatMessage>, 
/**
 * True when there is nothing older (`history_after`: nothing newer).
 */
complete: boolean, };

export type HistorySync = { 
/**
 * Still reading the archive.
 */
running: boolean, 
/**
 * Pages read so far in this catch-up.
 */
pages: number, 
/**
 * Archived messages received so far (some may have been held already).
 */
messages: number, 
/**
 * Why catch-up stopped early (what we hold stays; the next session
 * tries again from the same point).
 */
problem: Problem | null, };

export type HistoryThroughArgs = { peer: string, at: HistoryCursor, before: number, };

export type HistoryWindow = { 
/**
 * Messages from the last this many days (1 to 3,650)…
 */
days: number, 
/**
 * …and at most this many (0 to 50,000; 0: none).
 */
messages: number, };

export type InputField = "host" | "port" | "resource" | "timeout" | "historyDays" | "historyMessages" | "saslNone" | "saslInsecure" | "proxyHost" | "proxyPort" | "password" | "newPassword" | "nick" | "message" | "room";

export type Invitation = { id: string, room: string, from: string, reason: string | null, hasPassword: boolean, 
/**
 * XEP-0249: declining sends nothing (the protocol has no decline).
 */
direct: boolean, };

export type InvitationAnswer = { id: string, 
/**
 * The nickname to join with; `null` declines.
 */
accept: string | null, reason: string | null, };

export type InviteArgs = { room: string, jid: string, reason: string | null, 
/**
 * XEP-0249 direct invitation instead of through the room.
 */
direct: boolean, };

export type IpcError = Problem;

export type JoinRoomArgs = { room: string, nick: string, password: string | null, };

export type LoginRequest = { jid: string, 
/**
 * Empty = use the password remembered in the keychain.
 */
password: string, remember: boolean, autoLogin: boolean, 
/**
 * `null` = the account's saved settings (the defaults at first).
 */
connection: ConnectionSettings | null, 
/**
 * `null` = the proxy password saved in the keychain; empty = none.
 */
proxyPassword: string | null, };

export type MessageDirection = "in" | "out";

export type MessageKind = "chat" | "normal" | "headline" | "groupchat";

export type MessageRef = { id: number, };

export type MessageVersion = { body: string, 
/**
 * When the correction that replaced it was sent, in ms.
 */
replacedAt: number, };

export type MessagesRead = { peer: string, ids: number[], };

export type ModerateArgs = { id: number, reason: string | null, };

export type Moderation = { "kind": "role", room: string, nick: string, role: Role, reason: string | null, } | { "kind": "affiliation", room: string, jid: string, affiliation: Affiliation, reason: string | null, };

export type NotifyArgs = { title: string, body: string, };

export type Occupant = { nick: string, role: Role, affiliation: Affiliation, 
/**
 * Only in non-anonymous rooms, or for moderators.
 */
realJid: string | null, show: PresenceShow, status: string | null, };

export type OccupantsChanged = { room: string, present: Array<Occupant>, gone: Array<string>, };

export type PeerArgs = { peer: string, };

export type PresenceShow = "available" | "chat" | "away" | "xa" | "dnd" | "offline";

export type Problem = { code: ErrorCode, 
/**
 * The defined condition by its XML name (`not-authorized`,
 * `conflict`, …): of the SASL failure, stream error or error stanza
 * the code names; for certificates a [`CertificateFault`] name.
 */
condition: string | null, 
/**
 * The other side's own words (an error's `<text/>`, a kick reason):
 * shown quoted, never translated.
 */
serverText: string | null, 
/**
 * The input at fault, for `invalidInput`.
 */
field: InputField | null, 
/**
 * A technical detail in no particular language (the system's I/O
 * error, a parser's complaint, a host name, what was typed).
 */
detail: string | null, 
/**
 * A number the sentence needs (a limit).
 */
limit: number | null, };

export type ProxyKind = "none" | "socks5" | "httpConnect";

export type ProxySettings = { kind: ProxyKind, host: string, port: number | null, 
/**
 * Empty = no authentication.
 */
user: string, };

export type ReactArgs = { id: number, emojis: Array<string>, };

export type Reaction = { emoji: string, 
/**
 * The contacts (their address) or occupants (their nick) who chose it,
 * in the order they did; we are not among them (`mine`).
 */
by: Array<string>, mine: boolean, };

export type ReadElsewhere = { peer: string, untilMs: number, };

export type RegistrationField = { var: string, label: string | null, kind: FieldKind, required: boolean, value: string, };

export type RegistrationForm = { instructions: string | null, fields: Array<RegistrationField>, 
/**
 * The fields come from a data form (submitted as one).
 */
dataForm: boolean, };

export type RegistrationRequest = { target: RegistrationTarget, dataForm: boolean, values: Array<RegistrationValue>, };

export type RegistrationTarget = { domain: string, host: string | null, port: number | null, security: ConnectionSecurity | null, 
/**
 * The proxy of the connection settings (none when `null`).
 */
proxy: ProxySettings | null, proxyPassword: string | null, };

export type RegistrationValue = { var: string, value: string, };

export type RegroupArgs = { 
/**
 * The group's name now.
 */
from: string, 
/**
 * Its new name; blank dissolves the group (its contacts stay).
 */
to: string, };

export type ReplyTargetArgs = { peer: string, id: string, };

export type ReplyTo = { id: string, quote: string | null, };

export type ResourcePresence = { resource: string, show: PresenceShow, status: string | null, priority: number, };

export type Role = "moderator" | "participant" | "visitor" | "none";

export type RoomLeft = { room: string, reason: Problem | null, };

export type RoomListArgs = { 
/**
 * `null` = the account's own conference service.
 */
service: string | null, 
/**
 * The `next` of the previous page.
 */
after: string | null, };

export type RoomListing = { jid: string, name: string | null, description: string | null, occupants: number | null, membersOnly: boolean, passwordProtected: boolean, };

export type RoomMessageArgs = { room: string, text: string, replyTo?: MessageRef, };

export type RoomPage = { rooms: Array<RoomListing>, 
/**
 * Pass back to get the next page; `null` when this was the last.
 */
next: string | null, };

export type RoomProblem = { room: string, problem: Problem, };

export type RoomSnapshot = { room: string, nick: string, subject: string | null, 
/**
 * Sorted by nickname.
 */
occupants: Array<Occupant>, 
/**
 * Its moderators can remove messages (XEP-0425).
 */
moderation: boolean, };

export type RoomSubject = { room: string, subject: string, by: string | null, };

export type RoomTextArgs = { room: string, 
/**
 * The message body, the new subject or the new nickname.
 */
text: string, };

export type RosterItem = { jid: string, name: string | null, groups: Array<string>, subscription: Subscription, 
/**
 * We asked to see their presence and they have not answered yet.
 */
pendingOut: boolean, };

export type RosterSnapshot = { items: Array<RosterItem>, presences: Array<ContactPresence>, 
/**
 * Who asked to see our presence and waits for an answer.
 */
requests: SubscriptionRequests, };

export type SaslPolicy = { scramSha256: boolean, scramSha1: boolean, 
/**
 * Even when allowed, PLAIN is used only inside TLS and only when the
 * server offers no SCRAM mechanism.
 */
plain: boolean, };

export type SavedLogin = { jid: string, remember: boolean, autoLogin: boolean, connection: ConnectionSettings, 
/**
 * A password is remembered in the keychain (the password itself never
 * leaves the backend).
 */
hasPassword: boolean, 
/**
 * A proxy password is saved in the keychain.
 */
hasProxyPassword: boolean, 
/**
 * The public password of the local demo account, to prefill the form.
 */
demoPassword: string | null, };

export type SearchArgs = { query: string, peer: string | null, limit: number, };

export type SendMessageArgs = { to: string, body: string, 
/**
 * The message it answers (XEP-0461).
 */
replyTo?: MessageRef, };

export type SendRawArgs = { xml: string, };

export type SetPresenceArgs = { show: PresenceShow, status: string | null, };

export type StepFinding = { "kind": "fixedServer", servers: Array<string>, } | { "kind": "srvRecords", domain: string, servers: Array<string>, } | { "kind": "noSrvRecords", domain: string, servers: Array<string>, } | { "kind": "connected", server: string, proxy: string | null, } | { "kind": "encrypted" } | { "kind": "notEncrypted" } | { "kind": "needsPassword" } | { "kind": "loggedIn", mechanism: string, } | { "kind": "notTried" };

export type StepKind = "dns" | "tcp" | "tls" | "auth";

export type StepOutcome = "ok" | "failed" | "skipped";

export type Subscription = "none" | "to" | "from" | "both";

export type SubscriptionAnswer = { jid: string, accept: boolean, };

export type SubscriptionRequests = { 
/**
 * Who asked to see our presence and waits for an answer.
 */
jids: Array<string>, 
/**
 * Requests beyond the list. The server keeps every unanswered request
 * and delivers it again at the next login, so none of them is lost.
 */
more: number, };

export type UiProbeReport = { 
/**
 * The longest time the page's main thread could not run a timer.
 */
maxStallMs: number, windowMs: number, };

export type UpdateContactArgs = { jid: string, name: string | null, groups: Array<string>, };

/** Every error code, for telling an IpcError from anything else. */
export const ERROR_CODES: readonly ErrorCode[] = ["authFailed", "loginRefused", "noSafeMechanism", "serverNotAuthenticated", "noStartTls", "certificateUntrusted", "certificateChanged", "proxyAuthFailed", "proxyFailed", "unknownHost", "noXmppService", "connectionRefused", "connectionLost", "tlsFailed", "network", "timeout", "tooManyRedirects", "streamError", "protocol", "notConnected", "remoteError", "roomJoinRefused", "roomJoinTimeout", "roomJoinSuperseded", "roomKicked", "roomBanned", "roomMembershipLost", "roomDestroyed", "roomPresenceEnded", "notInRoom", "noRoomService", "invitationAnswered", "messageNotSent", "messageUnconfirmed", "messageNotAmendable", "moderationNotOffered", "registrationRefused", "registrationUnsupported", "invalidInput", "invalidAddress", "invalidServerName", "invalidXml", "notAStanza", "consoleClosed", "linkRefused", "linkNotOpened", "certificateNotPresented", "noAccountYet", "storage", "keychain", "internal"];

/** Every command: its argument object and its result. */
export interface Commands {
  ui_ready: { args: Record<string, never>, result: null };
  show_conversations: { args: { peers: Array<string> }, result: null };
  saved_login: { args: Record<string, never>, result: SavedLogin | null };
  login: { args: { request: LoginRequest }, result: null };
  test_connection: { args: { request: LoginRequest }, result: ConnectionReport };
  default_connection_settings: { args: Record<string, never>, result: ConnectionSettings };
  logout: { args: { forgetPassword: boolean }, result: null };
  connection_state: { args: Record<string, never>, result: ConnectionState };
  roster_snapshot: { args: Record<string, never>, result: RosterSnapshot };
  set_presence: { args: { args: SetPresenceArgs }, result: null };
  send_message: { args: { args: SendMessageArgs }, result: ChatMessage };
  react: { args: { args: ReactArgs }, result: null };
  reply_target: { args: { args: ReplyTargetArgs }, result: ChatMessage | null };
  set_chat_state: { args: { args: ChatStateArgs }, result: null };
  correct_message: { args: { args: CorrectArgs }, result: null };
  retract_message: { args: { args: MessageRef }, result: null };
  moderate_message: { args: { args: ModerateArgs }, result: null };
  message_versions: { args: { args: MessageRef }, result: Array<MessageVersion> };
  mark_displayed: { args: { peer: string }, result: null };
  history_after: { args: { args: HistoryAfterArgs }, result: HistoryPage };
  history_page: { args: { args: HistoryArgs }, result: HistoryPage };
  search_messages: { args: { args: SearchArgs }, result: Array<ChatMessage> };
  history_through: { args: { args: HistoryThroughArgs }, result: HistoryPage };
  fetch_older: { args: { args: PeerArgs }, result: HistoryPage };
  add_contact: { args: { args: AddContactArgs }, result: null };
  update_contact: { args: { args: UpdateContactArgs }, result: null };
  regroup: { args: { args: RegroupArgs }, result: null };
  remove_contact: { args: { args: ContactArgs }, result: null };
  ask_presence: { args: { args: AskPresenceArgs }, result: null };
  untrusted_certificate: { args: Record<string, never>, result: CertificateInfo | null };
  trust_certificate: { args: { args: FingerprintArgs }, result: null };
  pinned_certificates: { args: Record<string, never>, result: Array<CertificateInfo> };
  forget_certificate: { args: { args: FingerprintArgs }, result: null };
  set_console_open: { args: { open: boolean }, result: null };
  send_raw: { args: { args: SendRawArgs }, result: null };
  change_password: { args: { args: ChangePasswordArgs }, result: null };
  registration_form: { args: { target: RegistrationTarget }, result: RegistrationForm };
  register: { args: { request: RegistrationRequest }, result: null };
  join_room: { args: { args: JoinRoomArgs }, result: RoomSnapshot };
  leave_room: { args: { room: string }, result: null };
  send_room_message: { args: { args: RoomMessageArgs }, result: ChatMessage };
  set_room_subject: { args: { args: RoomTextArgs }, result: null };
  change_room_nick: { args: { args: RoomTextArgs }, result: null };
  rooms: { args: Record<string, never>, result: Array<RoomSnapshot> };
  bookmarks: { args: Record<string, never>, result: Array<BookmarkView> };
  set_bookmark: { args: { bookmark: BookmarkInput }, result: null };
  remove_bookmark: { args: { room: string }, result: null };
  moderate: { args: { request: Moderation }, result: null };
  affiliation_list: { args: { args: AffiliationListArgs }, result: Array<AffiliationEntry> };
  room_config: { args: { room: string }, result: DataForm };
  configure_room: { args: { args: ConfigureRoomArgs }, result: null };
  destroy_room: { args: { args: DestroyRoomArgs }, result: null };
  invite: { args: { args: InviteArgs }, result: null };
  answer_invitation: { args: { answer: InvitationAnswer }, result: RoomSnapshot | null };
  list_rooms: { args: { args: RoomListArgs }, result: RoomPage };
  open_link: { args: { url: string }, result: null };
  notify: { args: { args: NotifyArgs }, result: null };
  answer_subscription: { args: { answer: SubscriptionAnswer }, result: null };
  ui_probe_interval: { args: Record<string, never>, result: number | null };
  ui_probe_report: { args: { report: UiProbeReport }, result: null };
}

/** Every event: its payload. */
export interface Events {
  "connection-state": ConnectionState;
  "roster-changed": Array<RosterItem>;
  "presence-changed": Array<ContactPresence>;
  "messages-added": Array<ChatMessage>;
  "conversation-activity": Array<ConversationActivity>;
  "message-updated": ChatMessage;
  "messages-read": MessagesRead;
  "read-elsewhere": ReadElsewhere;
  "xml-console": Array<ConsoleEntry>;
  "room-joined": RoomSnapshot;
  "room-left": RoomLeft;
  "occupants-changed": Array<OccupantsChanged>;
  "room-subject": RoomSubject;
  "room-problem": RoomProblem;
  "room-invitation": Invitation;
  "subscription-requests": SubscriptionRequests;
  "bookmarks-changed": Array<BookmarkView>;
  "history-sync": HistorySync;
  "chat-state": ChatStateChanged;
}
