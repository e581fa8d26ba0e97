//! The connection lifecycle as the user sees it.
//!
//! Invariants (enforced by `session::actor`):
//! - An authentication failure or an untrusted certificate is terminal:
//!   the state becomes `Offline { reason }` and no reconnect is attempted
//!   until the user logs in again.
//! - `Reconnecting` always carries the reason the link was lost and the
//!   delay before the next attempt (exponential backoff with jitter).
//! - `see-other-host` sends the next connection to the named server (TLS
//!   still verified for the account's domain), at most three times in a row.
//! - `Online` is reported only after the roster request was sent and our
//!   initial presence went out, so messages to our bare JID are routed.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::Problem;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "state", rename_all = "camelCase")]
pub enum ConnectionState {
    Offline {
        reason: Option<Problem>,
    },
    Connecting,
    #[serde(rename_all = "camelCase")]
    Online {
        jid: String,
        /// The link was lost and the server could not resume the session
        /// (XEP-0198), so a new one began: roster and presence were fetched
        /// and announced again. The UI tells the user.
        new_session_after_loss: bool,
    },
    #[serde(rename_all = "camelCase")]
    Reconnecting {
        reason: Problem,
        retry_in_secs: u32,
    },
}

impl ConnectionState {
    pub fn is_online(&self) -> bool {
        matches!(self, Self::Online { .. })
    }
}
