//! Session events → web-view events. Names and payload types are listed in
//! `contract::EVENTS` (and thus in the generated bindings).
//!
//! Hearth connects before the web view has loaded, so events that happen
//! before the UI listens (offline messages delivered at login, the roster)
//! are kept and delivered, in order, when the UI calls `ui_ready`.

use std::collections::HashSet;
use std::sync::{Mutex, OnceLock};

use tauri::{AppHandle, Emitter};

use super::conversation_activity::split;
use crate::app::heap_trim::HeapTrim;
use crate::session::{EventSink, SessionEvent};

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
        let result = match event {
            SessionEvent::State(s) => handle.emit("connection-state", s),
            SessionEvent::Roster(r) => handle.emit("roster-changed", r),
            SessionEvent::Presence(p) => handle.emit("presence-changed", p),
            SessionEvent::MessagesAdded { messages, mentions } => {
                let (whole, activity) = match self.shown.lock() {
                    Ok(shown) => split(messages, &mentions, &shown),
                    Err(_) => (messages, Vec::new()),
                };
                let mut sent = Ok(());
                if !whole.is_empty() {
                    sent = handle.emit("messages-added", whole);
                }
                if !activity.is_empty() {
                    sent = sent.and(handle.emit("conversation-activity", activity));
                }
                sent
            }
            SessionEvent::MessageUpdated(m) => handle.emit("message-updated", m),
            SessionEvent::Console(lines) => handle.emit("xml-console", lines),
            SessionEvent::RoomJoined(r) => handle.emit("room-joined", r),
            SessionEvent::RoomLeft(r) => handle.emit("room-left", r),
            SessionEvent::Occupants(o) => handle.emit("occupants-changed", o),
            SessionEvent::RoomSubject(s) => handle.emit("room-subject", s),
            SessionEvent::RoomProblem(p) => handle.emit("room-problem", p),
            SessionEvent::Invitation(i) => handle.emit("room-invitation", i),
            SessionEvent::SubscriptionRequests(r) => handle.emit("subscription-requests", r),
            SessionEvent::Bookmarks(b) => handle.emit("bookmarks-changed", b),
        };
        if let Err(e) = result {
            log::warn!("could not deliver an event to the window: {e}");
        }
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
