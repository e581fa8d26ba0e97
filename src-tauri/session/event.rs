//! What a session reports: the events its actor emits, and where they go.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::connection::ConsoleEntry;
use crate::features::bookmark::BookmarkView;
use crate::features::rfc6121_presence::ContactPresence;
use crate::features::rfc6121_roster::RosterItem;
use crate::features::xep0085_chat_states::ChatStateChanged;
pub use crate::session::history_sync::HistorySync;
use crate::session::requests::SubscriptionRequests;
use crate::session::room_book::{
    Invitation, OccupantsChanged, RoomLeft, RoomProblem, RoomSnapshot, RoomSubject,
};
use crate::session::state::ConnectionState;
use crate::store::{ChatMessage, MessagesRead};

#[derive(Debug, Clone, PartialEq)]
pub enum SessionEvent {
    State(ConnectionState),
    Roster(Vec<RosterItem>),
    Presence(Vec<ContactPresence>),
    /// Stored messages (room messages that name our nick are marked).
    MessagesAdded {
        messages: Vec<ChatMessage>,
    },
    MessageUpdated(ChatMessage),
    /// Our messages in one conversation that the contact has seen
    /// (XEP-0333), in one event however many they are.
    MessagesRead(MessagesRead),
    /// Another device of ours showed the user a conversation up to a
    /// message: what came before it is no longer unread here either.
    ReadElsewhere(ReadElsewhere),
    /// XML console lines (only while the console is open).
    Console(Vec<ConsoleEntry>),
    /// We are in a room (joined, or joined again after a reconnect).
    RoomJoined(RoomSnapshot),
    RoomLeft(RoomLeft),
    Occupants(Vec<OccupantsChanged>),
    RoomSubject(RoomSubject),
    RoomProblem(RoomProblem),
    Invitation(Invitation),
    /// Everyone (not in the roster) waiting for us to answer their request
    /// to see our presence, up to a bound, and how many more wait.
    SubscriptionRequests(SubscriptionRequests),
    /// The account's room bookmarks (all of them, after any change).
    Bookmarks(Vec<BookmarkView>),
    /// How catching up from the server archive goes.
    HistorySync(HistorySync),
    /// Someone started or stopped typing (XEP-0085).
    ChatState(ChatStateChanged),
}

/// The user read the conversation with `peer` on another device, up to
/// the message stored at `until_ms` (milliseconds since the Unix epoch).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ReadElsewhere {
    pub peer: String,
    #[ts(type = "number")]
    pub until_ms: i64,
}

/// Where session events go (the IPC layer, or a test).
pub trait EventSink: Send + Sync + 'static {
    fn emit(&self, event: SessionEvent);
}

impl EventSink for tokio::sync::mpsc::UnboundedSender<SessionEvent> {
    fn emit(&self, event: SessionEvent) {
        let _ = self.send(event);
    }
}
