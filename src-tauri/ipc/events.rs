//! Session events → web-view events. Names and payload types are listed in
//! `contract::EVENTS` (and thus in the generated bindings).

use tauri::{AppHandle, Emitter};

use crate::session::{EventSink, SessionEvent};

pub struct TauriSink(pub AppHandle);

impl EventSink for TauriSink {
    fn emit(&self, event: SessionEvent) {
        let result = match event {
            SessionEvent::State(s) => self.0.emit("connection-state", s),
            SessionEvent::Roster(r) => self.0.emit("roster-changed", r),
            SessionEvent::Presence(p) => self.0.emit("presence-changed", p),
            SessionEvent::MessagesAdded(m) => self.0.emit("messages-added", m),
            SessionEvent::MessageUpdated(m) => self.0.emit("message-updated", m),
        };
        if let Err(e) = result {
            log::warn!("could not deliver an event to the window: {e}");
        }
    }
}
