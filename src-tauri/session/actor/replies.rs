//! The session half of replies (XEP-0461): sending one. Reading them is
//! part of the apply stage (`amendments.rs`, `features/xep0461_replies.rs`).

use tokio::sync::oneshot;
use tokio_xmpp::jid::{BareJid, Jid};

use super::Actor;
use crate::error::Result;
use crate::features::xep0085_chat_states::{self, ChatState};
use crate::features::xep0461_replies::{self, quote_of};
use crate::store::{ChatMessage, MessageDirection, MessageKind, ReplyTo};

impl Actor {
    /// `body` to `to` as a reply to our stored message `answering`. A
    /// message that is not held any more is answered by a plain message:
    /// the text is never lost for want of what it answered.
    pub(super) async fn send_reply(
        &mut self,
        to: Jid,
        body: String,
        answering: i64,
        reply: oneshot::Sender<Result<ChatMessage>>,
    ) {
        let original = self
            .db
            .write(move |s| s.reply_ref(answering))
            .await
            .ok()
            .flatten();
        let in_room = to.resource().is_none() && self.rooms.contains(&to.to_bare());
        let built = if in_room {
            self.room_message(to.to_bare(), body)
                .map(|(m, r)| (xep0085_chat_states::with_state(m, ChatState::Active), r))
        } else {
            Ok(self.chat_message(to.clone(), body, None))
        };
        let (mut stanza, mut record) = match built {
            Ok(built) => built,
            Err(e) => {
                let _ = reply.send(Err(e));
                return;
            }
        };
        self.sent_active(&to);
        if let Some((original, message_id)) = original.filter(|(o, _)| !o.retracted) {
            // A room knows its messages by its own ids; elsewhere the
            // sender's id names a message.
            let id = match original.kind {
                MessageKind::Groupchat => original.stanza_id.clone(),
                _ => message_id.or(original.origin_id.clone()),
            };
            if let Some(id) = id {
                let quote = quote_of(&original.body);
                stanza = xep0461_replies::replying(stanza, self.author_of(&original), &id, &quote);
                record.reply = Some(Box::new(ReplyTo {
                    id,
                    quote: Some(quote),
                }));
            }
        }
        self.store_and_send(stanza, record, reply);
    }

    /// Who wrote `m`: the contact, us, or an occupant of its room.
    fn author_of(&self, m: &ChatMessage) -> Option<Jid> {
        match (m.kind, m.direction) {
            (MessageKind::Groupchat, _) => {
                let room: BareJid = m.peer.parse().ok()?;
                room.with_resource_str(m.sender.as_deref()?)
                    .ok()
                    .map(Jid::from)
            }
            (_, MessageDirection::Out) => Some(Jid::from(self.own.clone())),
            (_, MessageDirection::In) => m.peer.parse().ok(),
        }
    }
}
