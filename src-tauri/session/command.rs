//! What the rest of the app may ask of a session's actor: one variant per
//! request, each with the oneshot its answer goes back on.

use serde::{Deserialize, Serialize};
use tokio::sync::oneshot;
use tokio_xmpp::jid::{BareJid, Jid};
use tokio_xmpp::parsers::iq::Iq;
use tokio_xmpp::Stanza;
use ts_rs::TS;

use crate::error::Result;
use crate::features::bookmark::BookmarkView;
use crate::features::rfc6121_presence::{ContactPresence, PresenceShow};
use crate::features::rfc6121_roster::RosterItem;
use crate::session::iq_tracker::IqAnswer;
use crate::session::requests::SubscriptionRequests;
use crate::session::room_book::RoomSnapshot;
use crate::store::ChatMessage;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct RosterSnapshot {
    pub items: Vec<RosterItem>,
    pub presences: Vec<ContactPresence>,
    /// Who asked to see our presence and waits for an answer.
    pub requests: SubscriptionRequests,
}

/// What the user edits. `password: None` keeps the stored one.
#[derive(Debug, Clone)]
pub struct BookmarkEdit {
    pub jid: BareJid,
    pub name: Option<String>,
    pub nick: Option<String>,
    pub autojoin: bool,
    pub password: Option<String>,
}

pub(crate) enum Command {
    /// Scrolling back past the oldest message held with `peer`: the page
    /// before it from the server's archive.
    FetchOlder {
        peer: String,
        reply: oneshot::Sender<Result<crate::store::HistoryPage>>,
    },
    SendMessage {
        to: Jid,
        body: String,
        reply: oneshot::Sender<Result<ChatMessage>>,
    },
    SetPresence {
        show: PresenceShow,
        status: Option<String>,
        reply: oneshot::Sender<Result<()>>,
    },
    AddContact {
        jid: BareJid,
        name: Option<String>,
        groups: Vec<String>,
        /// Let them see our presence now (pre-approval).
        share: bool,
        reply: oneshot::Sender<Result<()>>,
    },
    UpdateContact {
        jid: BareJid,
        name: Option<String>,
        groups: Vec<String>,
        reply: oneshot::Sender<Result<()>>,
    },
    /// Rename a group (`to` empty: dissolve it).
    Regroup {
        from: String,
        to: String,
        reply: oneshot::Sender<Result<()>>,
    },
    RemoveContact {
        jid: BareJid,
        reply: oneshot::Sender<Result<()>>,
    },
    /// Ask to see a contact's presence (true) or stop seeing it (false).
    AskPresence {
        jid: BareJid,
        ask: bool,
        reply: oneshot::Sender<Result<()>>,
    },
    ChangePassword {
        new_password: String,
        reply: oneshot::Sender<Result<()>>,
    },
    /// Raw XML from the XML console: must parse as one stanza.
    SendRaw {
        stanza: Box<Stanza>,
        reply: oneshot::Sender<Result<()>>,
    },
    Roster {
        reply: oneshot::Sender<RosterSnapshot>,
    },
    Logout {
        reply: oneshot::Sender<()>,
    },
    JoinRoom {
        room: BareJid,
        nick: String,
        password: Option<String>,
        reply: oneshot::Sender<Result<RoomSnapshot>>,
    },
    LeaveRoom {
        room: BareJid,
        reply: oneshot::Sender<Result<()>>,
    },
    /// `body` to `to` (a contact, an occupant or a room) as a reply to
    /// message `answering` (XEP-0461).
    SendReply {
        to: Jid,
        body: String,
        answering: i64,
        reply: oneshot::Sender<Result<ChatMessage>>,
    },
    SendRoomMessage {
        room: BareJid,
        body: String,
        reply: oneshot::Sender<Result<ChatMessage>>,
    },
    SetRoomSubject {
        room: BareJid,
        subject: String,
        reply: oneshot::Sender<Result<()>>,
    },
    ChangeRoomNick {
        room: BareJid,
        nick: String,
        reply: oneshot::Sender<Result<()>>,
    },
    Rooms {
        reply: oneshot::Sender<Vec<RoomSnapshot>>,
    },
    /// Our nick in `room`, if we are in it.
    RoomNick {
        room: BareJid,
        reply: oneshot::Sender<Option<String>>,
    },
    SetBookmark {
        edit: BookmarkEdit,
        reply: oneshot::Sender<Result<()>>,
    },
    RemoveBookmark {
        room: BareJid,
        reply: oneshot::Sender<Result<()>>,
    },
    Bookmarks {
        reply: oneshot::Sender<Vec<BookmarkView>>,
    },
    /// Any request/answer exchange: the actor picks the id, tracks the
    /// answer (from `to`, with a timeout) and hands it back.
    Query {
        to: Option<Jid>,
        build: Box<dyn FnOnce(&str) -> Iq + Send>,
        reply: oneshot::Sender<IqAnswer>,
    },
    AnswerSubscription {
        jid: BareJid,
        accept: bool,
        reply: oneshot::Sender<Result<()>>,
    },
    AnswerInvitation {
        id: String,
        /// `Some(nick)`: accept and join; `None`: decline.
        accept: Option<String>,
        reason: Option<String>,
        reply: oneshot::Sender<Result<Option<RoomSnapshot>>>,
    },
    /// The user has seen the conversation with `peer` (XEP-0333); answers
    /// whether a marker went out.
    MarkDisplayed {
        peer: BareJid,
        reply: oneshot::Sender<bool>,
    },
    /// Correct our message `row` to `body` (XEP-0308), or retract it
    /// (`body` `None`, XEP-0424).
    AmendOwn {
        row: i64,
        body: Option<String>,
        reply: oneshot::Sender<Result<()>>,
    },
    /// What a moderator's removal of room message `row` asks the room
    /// (XEP-0425).
    ModerationOf {
        row: i64,
        reply: oneshot::Sender<Result<super::actor::ModerationTarget>>,
    },
    /// Our whole set of reactions to message `row` (XEP-0444).
    React {
        row: i64,
        emojis: Vec<String>,
        reply: oneshot::Sender<Result<()>>,
    },
    /// The user's chat state in the conversation with `peer` (XEP-0085).
    SetChatState {
        peer: Jid,
        state: crate::features::xep0085_chat_states::ChatState,
        reply: oneshot::Sender<Result<()>>,
    },
}
