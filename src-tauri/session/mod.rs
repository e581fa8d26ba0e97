//! One session per account: an actor task that alone owns the XMPP stream
//! (which `crate::connection` establishes and re-establishes). Commands
//! reach it through a channel with a oneshot reply; it reports through
//! [`SessionEvent`]s.

mod actor;
mod delivery;
mod handle;
mod handle_muc;
mod handle_rooms;
mod iq_tracker;
mod mention;
pub mod room_book;
mod state;

pub use actor::{start, BookmarkEdit, RosterSnapshot, SessionConfig, SessionEvent};
pub use handle::SessionHandle;
pub use handle_rooms::parse_room;
pub use room_book::{
    Invitation, OccupantsChanged, RoomLeft, RoomProblem, RoomSnapshot, RoomSubject,
};
pub use state::ConnectionState;

/// Where session events go (the IPC layer, or a test).
pub trait EventSink: Send + Sync + 'static {
    fn emit(&self, event: SessionEvent);
}

impl EventSink for tokio::sync::mpsc::UnboundedSender<SessionEvent> {
    fn emit(&self, event: SessionEvent) {
        let _ = self.send(event);
    }
}
