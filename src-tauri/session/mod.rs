//! One session per account: an actor task that alone owns the XMPP stream.
//! Commands reach it through a channel with a oneshot reply; it reports
//! through [`SessionEvent`]s.

mod actor;
mod backoff;
mod certificate;
pub mod connection_probe;
mod connector;
mod delivery;
mod handle;
mod handle_muc;
mod handle_rooms;
mod iq_tracker;
mod link;
mod mention;
mod proxy;
mod rfc1928_socks5;
mod rfc6120_sasl;
pub mod rfc6120_srv;
mod rfc9110_connect;
pub mod room_book;
pub mod settings;
mod state;
mod tls_trust;
mod transport;
pub mod xep0077_registration;
mod xml_console;

pub use actor::{start, BookmarkEdit, RosterSnapshot, SessionConfig, SessionEvent};
pub use certificate::{describe as describe_certificate, CertificateInfo};
pub use connector::ServerAddress;
pub use handle::SessionHandle;
pub use handle_rooms::parse_room;
pub use proxy::Proxy;
pub use rfc6120_srv::NameServers;
pub use room_book::{
    Invitation, OccupantsChanged, RoomLeft, RoomProblem, RoomSnapshot, RoomSubject,
};
pub use settings::{ConnectionSecurity, ConnectionSettings, ProxyKind, ProxySettings, SaslPolicy};
pub use state::ConnectionState;
pub use tls_trust::{fingerprint, RejectedCertificate};
pub use xml_console::{ConsoleDirection, ConsoleEntry};

/// Where session events go (the IPC layer, or a test).
pub trait EventSink: Send + Sync + 'static {
    fn emit(&self, event: SessionEvent);
}

impl EventSink for tokio::sync::mpsc::UnboundedSender<SessionEvent> {
    fn emit(&self, event: SessionEvent) {
        let _ = self.send(event);
    }
}
