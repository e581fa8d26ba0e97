//! A message as the intake's route stage hands it to a feature's session
//! half: the message, and how it reached us.

use tokio_xmpp::jid::BareJid;
use tokio_xmpp::parsers::message::Message;

use crate::store::{now_ms, NewMessage};

/// How a message reached us.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Via {
    /// Addressed to this connection.
    Live,
    /// A carbon of a message another of our devices received.
    CarbonReceived,
    /// A carbon of a message another of our devices sent.
    CarbonSent,
    /// From `archive` (our account's or a room's), stored there under `id`
    /// at `stamp_ms`, in answer to a query of ours.
    Archive {
        archive: BareJid,
        id: String,
        stamp_ms: Option<i64>,
        /// The query it answers.
        query: String,
    },
}

/// A message after the unwrap stage.
pub(super) struct Inbound {
    pub message: Message,
    pub via: Via,
}

/// An archived message keeps the archive's id and time: the deduplication
/// stage then knows it from its live copy, and history shows when it was
/// sent.
pub(super) fn archived(new: &mut NewMessage, via: &Via) {
    if let Via::Archive {
        archive,
        id,
        stamp_ms,
        ..
    } = via
    {
        new.stanza_id = Some((id.clone(), archive.to_string()));
        if let Some(stamp) = stamp_ms {
            new.timestamp = (*stamp).min(now_ms());
        }
    }
}
