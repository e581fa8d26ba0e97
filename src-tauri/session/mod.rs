//! One session per account: an actor task that alone owns the XMPP stream
//! (which `crate::connection` establishes and re-establishes). Commands
//! reach it through a channel with a oneshot reply; it reports through
//! [`SessionEvent`]s.

mod actor;
mod arrival;
mod command;
mod delivery;
mod event;
mod handle;
mod handle_muc;
mod handle_rooms;
pub mod history_sync;
mod iq_tracker;
mod mention;
mod recent_ids;
mod requests;
pub mod room_book;
mod state;

pub use actor::{start, SessionConfig};
pub use command::{BookmarkEdit, RosterSnapshot};
pub use event::{EventSink, ReadElsewhere, SessionEvent};
pub use handle::SessionHandle;
pub use handle_rooms::parse_room;
pub use requests::SubscriptionRequests;
pub use room_book::{
    Invitation, OccupantsChanged, RoomLeft, RoomProblem, RoomSnapshot, RoomSubject,
};
pub use state::ConnectionState;
