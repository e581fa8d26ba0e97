//! The session half of reactions (XEP-0444): sending our set. Reading
//! them is part of the apply stage (`amendments.rs`), and holding them the
//! store's (`store/reactions.rs`).

use tokio_xmpp::jid::Jid;
use tokio_xmpp::Stanza;

use super::Actor;
use crate::error::{ErrorCode, HearthError, Problem, Result};
use crate::features::xep0444_reactions::{self, MAX_PER_SENDER, MAX_REACTION_BYTES};
use crate::store::{
    now_ms, Amendment, Change, DeliveryState, MessageDirection, MessageKind, NewMessage,
};

impl Actor {
    /// Our whole set of reactions to message `row` becomes `emojis`: sent
    /// to its conversation, and shown here at once.
    pub(super) async fn react(&mut self, row: i64, emojis: Vec<String>) -> Result<()> {
        let mut emojis: Vec<String> = emojis
            .into_iter()
            .map(|e| e.trim().to_owned())
            .filter(|e| !e.is_empty() && e.len() <= MAX_REACTION_BYTES)
            .collect();
        emojis.dedup();
        emojis.truncate(MAX_PER_SENDER);
        let not_here = || HearthError::from(Problem::of(ErrorCode::MessageNotAmendable));
        let (original, message_id) = self
            .db
            .write(move |s| s.reply_ref(row))
            .await?
            .filter(|(m, _)| !m.retracted)
            .ok_or_else(not_here)?;
        let groupchat = original.kind == MessageKind::Groupchat;
        // A room knows its messages by its own ids; elsewhere the sender's
        // id names a message.
        let id = if groupchat {
            original.stanza_id.clone()
        } else {
            message_id.or(original.origin_id.clone())
        }
        .ok_or_else(not_here)?;
        let to: Jid = original.peer.parse().map_err(|_| not_here())?;
        if groupchat && !self.rooms.is_joined(&to.to_bare()) {
            return Err(Problem::of(ErrorCode::NotInRoom).into());
        }
        let stanza = xep0444_reactions::reacting(to, &id, &emojis, groupchat);
        self.send(Stanza::Message(stanza))
            .await
            .ok_or(HearthError::NotConnected)?;
        let ours = NewMessage {
            peer: original.peer.clone(),
            direction: MessageDirection::Out,
            kind: original.kind,
            message_id: None,
            origin_id: None,
            stanza_id: None,
            body: String::new(),
            subject: None,
            timestamp: now_ms(),
            state: DeliveryState::Sent,
            sender: None,
            reply: None,
            unstyled: false,
            occupant_id: None,
        };
        self.amendments.push(Amendment {
            message: ours,
            target: id,
            change: Change::React(emojis),
        });
        self.flush();
        Ok(())
    }
}
