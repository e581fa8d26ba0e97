//! What a session is started with.

use std::time::Duration;

use tokio_xmpp::jid::BareJid;

use crate::connection::{HistoryWindow, SaslPolicy, ServerAddress};

pub struct SessionConfig {
    pub jid: BareJid,
    pub resource: String,
    pub password: String,
    pub address: ServerAddress,
    /// SHA-256 fingerprints of certificates the user trusts for this account.
    pub pinned: Vec<String>,
    pub retry_first_attempt: bool,
    /// Presence priority (RFC 6121 §4.7.2.3).
    pub priority: i8,
    /// How long the server may take to answer a liveness probe; the probe
    /// goes out after three times this much silence. A dead link is thus
    /// noticed after about four times this value (default 15 s: one minute).
    pub response_timeout: Duration,
    /// SASL mechanisms the user allows.
    pub sasl: SaslPolicy,
    /// How long a joined room may stay silent before we check (XEP-0410)
    /// that it still counts us as an occupant.
    pub room_quiet_before_ping: Duration,
    /// How much of the account's archive a profile that never read it
    /// fetches.
    pub new_device_history: HistoryWindow,
}
