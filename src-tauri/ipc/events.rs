//! Session events → web-view events. Each event's name and payload type are
//! declared once, in `window_events!` below (and thus in the generated
//! bindings).
//!
//! Hearth connects before the web view has loaded, so events that happen
//! before the UI listens (offline messages delivered at login, the roster)
//! are kept and delivered, in order, when the UI calls `ui_ready`.

use std::collections::HashSet;
use std::sync::{Mutex, OnceLock};

use tauri::AppHandle;

use super::conversation_activity::{split, ConversationActivity};
use super::declare::window_events;
use crate::app::heap_trim::HeapTrim;
use crate::connection::ConsoleEntry;
use crate::features::bookmark::BookmarkView;
use crate::features::rfc6121_presence::ContactPresence;
use crate::features::rfc6121_roster::RosterItem;
use crate::features::xep0085_chat_states::ChatStateChanged;
use crate::session::history_sync::HistorySync;
use crate::session::{
    ConnectionState, EventSink, Invitation, OccupantsChanged, ReadElsewhere, RoomLeft, RoomProblem,
    RoomSnapshot, RoomSubject, SessionEvent, SubscriptionRequests,
};
use crate::store::{ChatMessage, MessagesRead};

window_events! {
    ConnectionState("connection-state", ConnectionState),
    Roster("roster-changed", Vec<RosterItem>),
    Presence("presence-changed", Vec<ContactPresence>),
    /// New messages of the conversations the page shows.
    MessagesAdded("messages-added", Vec<ChatMessage>),
    /// What arrived in the conversations the page does not show.
    ConversationActivity("conversation-activity", Vec<ConversationActivity>),
    MessageUpdated("message-updated", ChatMessage),
    /// Our messages the contact has seen.
    MessagesRead("messages-read", MessagesRead),
    /// A conversation read on another device of ours, up to a time.
    ReadElsewhere("read-elsewhere", ReadElsewhere),
    Console("xml-console", Vec<ConsoleEntry>),
    RoomJoined("room-joined", RoomSnapshot),
    RoomLeft("room-left", RoomLeft),
    Occupants("occupants-changed", Vec<OccupantsChanged>),
    RoomSubject("room-subject", RoomSubject),
    RoomProblem("room-problem", RoomProblem),
    Invitation("room-invitation", Invitation),
    SubscriptionRequests("subscription-requests", SubscriptionRequests),
    Bookmarks("bookmarks-changed", Vec<BookmarkView>),
    HistorySync("history-sync", HistorySync),
    /// Someone started or stopped typing.
    ChatState("chat-state", ChatStateChanged),
}

/// Events kept while the UI is not listening yet. Beyond this, older events
/// are dropped (the UI pulls state and history when it starts anyway).
const MAX_PENDING: usize = 10_000;

pub struct WindowSink {
    handle: OnceLock<AppHandle>,
    /// `Some` until the UI said it listens.
    pending: Mutex<Option<Vec<SessionEvent>>>,
    /// Conversations the page shows (see `conversation_activity`).
    shown: Mutex<HashSet<String>>,
    heap: HeapTrim,
}

impl WindowSink {
    pub fn new(heap: HeapTrim) -> Self {
        Self {
            handle: OnceLock::new(),
            pending: Mutex::new(Some(Vec::new())),
            shown: Mutex::new(HashSet::new()),
            heap,
        }
    }

    pub fn show(&self, peers: Vec<String>) {
        if let Ok(mut shown) = self.shown.lock() {
            *shown = peers.into_iter().collect();
        }
    }

    pub fn attach(&self, handle: AppHandle) {
        let _ = self.handle.set(handle);
    }

    /// The UI subscribed: deliver what waited, then deliver directly.
    pub fn ui_ready(&self) {
        let Ok(mut pending) = self.pending.lock() else {
            return;
        };
        // Replayed under the lock, so no newer event can overtake them.
        for event in pending.take().unwrap_or_default() {
            self.deliver(event);
        }
    }

    fn deliver(&self, event: SessionEvent) {
        let Some(handle) = self.handle.get() else {
            return;
        };
        let event = match event {
            SessionEvent::MessagesAdded { messages } => {
                let (whole, activity) = match self.shown.lock() {
                    Ok(shown) => split(messages, &shown),
                    Err(_) => (messages, Vec::new()),
                };
                if !whole.is_empty() {
                    send(handle, WindowEvent::MessagesAdded(whole));
                }
                if !activity.is_empty() {
                    send(handle, WindowEvent::ConversationActivity(activity));
                }
                return;
            }
            SessionEvent::State(s) => WindowEvent::ConnectionState(s),
            SessionEvent::Roster(r) => WindowEvent::Roster(r),
            SessionEvent::Presence(p) => WindowEvent::Presence(p),
            SessionEvent::MessageUpdated(m) => WindowEvent::MessageUpdated(m),
            SessionEvent::MessagesRead(r) => WindowEvent::MessagesRead(r),
            SessionEvent::ReadElsewhere(r) => WindowEvent::ReadElsewhere(r),
            SessionEvent::Console(lines) => WindowEvent::Console(lines),
            SessionEvent::RoomJoined(r) => WindowEvent::RoomJoined(r),
            SessionEvent::RoomLeft(r) => WindowEvent::RoomLeft(r),
            SessionEvent::Occupants(o) => WindowEvent::Occupants(o),
            SessionEvent::RoomSubject(s) => WindowEvent::RoomSubject(s),
            SessionEvent::RoomProblem(p) => WindowEvent::RoomProblem(p),
            SessionEvent::Invitation(i) => WindowEvent::Invitation(i),
            SessionEvent::SubscriptionRequests(r) => WindowEvent::SubscriptionRequests(r),
            SessionEvent::Bookmarks(b) => WindowEvent::Bookmarks(b),
            SessionEvent::HistorySync(h) => WindowEvent::HistorySync(h),
            SessionEvent::ChatState(c) => WindowEvent::ChatState(c),
        };
        send(handle, event);
    }
}

fn send(handle: &AppHandle, event: WindowEvent) {
    if let Err(e) = event.emit(handle) {
        log::warn!("could not deliver an event to the window: {e}");
    }
}

impl EventSink for WindowSink {
    fn emit(&self, event: SessionEvent) {
        self.heap.activity();
        if let Ok(mut pending) = self.pending.lock() {
            if let Some(buffer) = pending.as_mut() {
                if buffer.len() >= MAX_PENDING {
                    buffer.remove(0);
                }
                buffer.push(event);
                return;
            }
        }
        self.deliver(event);
    }
}
