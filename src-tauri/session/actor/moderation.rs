//! The session half of a moderator's removal of a room message (XEP-0425):
//! which message the room knows it by and which version of the request
//! the room speaks. The request itself is one question and one answer
//! (`handle_muc.rs`); the room then tells everyone, us included, and the
//! intake applies that like any other amendment.

use tokio::sync::oneshot;
use tokio_xmpp::jid::BareJid;

use super::Actor;
use crate::error::{ErrorCode, HearthError, Problem, Result};
use crate::features::xep0425_moderation::Version;
use crate::store::MessageKind;

/// A room message a moderator may ask to remove.
#[derive(Debug)]
pub(crate) struct ModerationTarget {
    pub room: BareJid,
    /// The room's stanza-id for it.
    pub stanza_id: String,
    pub version: Version,
}

impl Actor {
    pub(super) async fn moderation_of(
        &mut self,
        row: i64,
        reply: oneshot::Sender<Result<ModerationTarget>>,
    ) {
        let _ = reply.send(self.try_moderation_of(row).await);
    }

    async fn try_moderation_of(&mut self, row: i64) -> Result<ModerationTarget> {
        let not_amendable = || HearthError::from(Problem::of(ErrorCode::MessageNotAmendable));
        // On the store thread: after the write that stored it.
        let message = self
            .db
            .write(move |s| s.message(row))
            .await?
            .filter(|m| m.kind == MessageKind::Groupchat && !m.retracted)
            .ok_or_else(not_amendable)?;
        let room: BareJid = message.peer.parse().map_err(|_| not_amendable())?;
        // Only the room's own id names a message to the room.
        let stanza_id = message.stanza_id.ok_or_else(not_amendable)?;
        if !self.rooms.is_joined(&room) {
            return Err(Problem::of(ErrorCode::NotInRoom).into());
        }
        let version = self
            .room_sync
            .offers(&room)
            .and_then(|o| o.moderation)
            .ok_or_else(|| HearthError::from(Problem::of(ErrorCode::ModerationNotOffered)))?;
        Ok(ModerationTarget {
            room,
            stanza_id,
            version,
        })
    }
}
