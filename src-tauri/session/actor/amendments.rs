//! The session half of corrections (XEP-0308) and retractions (XEP-0424,
//! XEP-0425): at the apply stage, a message of a conversation or a room
//! that corrects or retracts another becomes an amendment of the message
//! it names, written after the batch (`store/amendments.rs` holds the
//! sender rule), whether it came live, as a carbon or from an archive.
//! And the commands that correct or retract one of our own messages.

use tokio::sync::oneshot;
use tokio_xmpp::jid::Jid;
use tokio_xmpp::parsers::message::Message;
use tokio_xmpp::Stanza;

use super::inbound::Via;
use super::Actor;
use crate::error::{ErrorCode, HearthError, Problem, Result};
use crate::features::{
    xep0308_correction, xep0359_stanza_ids, xep0424_retraction, xep0425_moderation,
    xep0444_reactions, xep0461_replies,
};
use crate::store::{
    now_ms, Amendment, Change, ChatMessage, MessageDirection, MessageKind, NewMessage,
};

/// What the apply stage makes of a message for history.
pub(super) enum Intake {
    /// It corrects or retracts the message it names.
    Amend(Amendment),
    /// It is history of its own.
    Take(NewMessage),
    /// Nothing to keep: a bodiless amendment that is not the sender's to
    /// make (a moderator's removal from an occupant, not the room).
    Drop,
}

/// `new`, read from `m`, as the amendment it is, or as history (a reply
/// knows the message it answers).
pub(super) fn intake_of(mut new: NewMessage, m: &Message) -> Intake {
    xep0461_replies::read_into(&mut new, m);
    if let Some(r) = xep0444_reactions::reactions_of(m) {
        return Intake::Amend(Amendment {
            message: new,
            target: r.id,
            change: Change::React(r.emojis),
        });
    }
    // A moderator's removal is the room's own word: it comes from the
    // room's address, not an occupant's.
    if new.kind == MessageKind::Groupchat && new.sender.is_none() {
        if let Some(target) = xep0425_moderation::moderated(m) {
            return Intake::Amend(Amendment {
                message: new,
                target,
                change: Change::Moderate,
            });
        }
    }
    if let Some(r) = xep0424_retraction::retracts(m) {
        return Intake::Amend(Amendment {
            message: new,
            target: r.id,
            change: Change::Retract,
        });
    }
    match xep0308_correction::replaces(m) {
        Some(original) => Intake::Amend(Amendment {
            message: new,
            target: original,
            change: Change::Correct,
        }),
        None if new.body.is_empty() => Intake::Drop,
        None => Intake::Take(new),
    }
}

impl Actor {
    /// The apply stage for `new`, read from `m`: an amendment, or history.
    pub(super) fn take_or_amend(&mut self, new: NewMessage, m: &Message, via: &Via) {
        match intake_of(new, m) {
            Intake::Amend(a) => self.amend(a, via),
            Intake::Take(new) => self.take(new, via),
            Intake::Drop => log::debug!("dropped a bodiless message from {:?}", m.from),
        }
    }

    /// Queue `a` for the next write; one from a page read backward waits
    /// for its page.
    pub(super) fn amend(&mut self, a: Amendment, via: &Via) {
        let a = match via {
            Via::Archive { query, .. } => match self.older.hold(query, a) {
                Some(a) => a,
                None => return,
            },
            _ => a,
        };
        self.amendments.push(a);
    }

    /// Correct our message `row` to `body`, or retract it (`body` `None`):
    /// sent to the conversation, and applied here at once.
    pub(super) async fn amend_own(
        &mut self,
        row: i64,
        body: Option<String>,
        reply: oneshot::Sender<Result<()>>,
    ) {
        let _ = reply.send(self.try_amend_own(row, body).await);
    }

    async fn try_amend_own(&mut self, row: i64, body: Option<String>) -> Result<()> {
        // On the store thread: after the write that stored it.
        let original = self
            .db
            .write(move |s| s.message(row))
            .await?
            .filter(|m| m.direction == MessageDirection::Out && !m.retracted)
            .ok_or_else(|| HearthError::from(Problem::of(ErrorCode::MessageNotAmendable)))?;
        let groupchat = original.kind == MessageKind::Groupchat;
        let to: Jid = original
            .peer
            .parse()
            .map_err(|_| HearthError::from(Problem::of(ErrorCode::MessageNotAmendable)))?;
        let nick = match to.resource() {
            None if groupchat => Some(self.room_nick_for(&original)?),
            _ => None,
        };
        let (stanza, amendment) = match body {
            Some(body) => self.correction(&original, to, body, nick)?,
            None => retraction(&original, to, nick)?,
        };
        self.send(Stanza::Message(stanza))
            .await
            .ok_or(HearthError::NotConnected)?;
        self.amendments.push(amendment);
        self.flush();
        Ok(())
    }

    /// Our nick in the room `original` was sent to, if we are in it.
    fn room_nick_for(&self, original: &ChatMessage) -> Result<String> {
        original
            .peer
            .parse()
            .ok()
            .filter(|room| self.rooms.is_joined(room))
            .and_then(|room| self.rooms.nick(&room).map(str::to_owned))
            .ok_or_else(|| Problem::of(ErrorCode::NotInRoom).into())
    }

    fn correction(
        &self,
        original: &ChatMessage,
        to: Jid,
        body: String,
        nick: Option<String>,
    ) -> Result<(Message, Amendment)> {
        let target = original
            .origin_id
            .clone()
            .ok_or_else(|| HearthError::from(Problem::of(ErrorCode::MessageNotAmendable)))?;
        let (stanza, mut record) = match &nick {
            Some(nick) => {
                let room = to.to_bare();
                crate::features::xep0045_muc::groupchat(&room, &body, now_ms(), nick)
            }
            None => self.chat_message(to, body, None),
        };
        record.peer = original.peer.clone();
        record.sender = original.sender.clone();
        Ok((
            xep0308_correction::correcting(stanza, &target),
            Amendment {
                message: record,
                target,
                change: Change::Correct,
            },
        ))
    }
}

/// Our retraction of `original`: by its origin-id in a conversation, by
/// the room's stanza-id in a room.
fn retraction(
    original: &ChatMessage,
    to: Jid,
    nick: Option<String>,
) -> Result<(Message, Amendment)> {
    let groupchat = nick.is_some();
    let target = if groupchat {
        original.stanza_id.clone()
    } else {
        original.origin_id.clone()
    }
    .ok_or_else(|| HearthError::from(Problem::of(ErrorCode::MessageNotAmendable)))?;
    let id = xep0359_stanza_ids::new_id();
    let stanza = xep0424_retraction::retraction(to, &target, groupchat, id.clone());
    let record = NewMessage {
        peer: original.peer.clone(),
        direction: MessageDirection::Out,
        kind: original.kind,
        message_id: Some(id.clone()),
        origin_id: Some(id),
        stanza_id: None,
        body: String::new(),
        subject: None,
        timestamp: now_ms(),
        state: crate::store::DeliveryState::Sent,
        sender: original.sender.clone(),
        reply: None,
        unstyled: false,
        occupant_id: None,
    };
    Ok((
        stanza,
        Amendment {
            message: record,
            target,
            change: Change::Retract,
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio_xmpp::minidom::Element;

    fn room_message(from: &str, payload: &str) -> (NewMessage, Message) {
        let xml = format!(
            "<message xmlns='jabber:client' from='{from}' type='groupchat'>{payload}</message>"
        );
        let m = Message::try_from(xml.parse::<Element>().unwrap()).unwrap();
        let mut new = NewMessage::received("room@muc", "", 1);
        new.kind = MessageKind::Groupchat;
        new.sender = Jid::new(from)
            .ok()
            .and_then(|j| j.resource().map(|r| r.to_string()));
        (new, m)
    }

    #[test]
    fn a_removal_is_the_rooms_word_only() {
        let v0 = "<apply-to xmlns='urn:xmpp:fasten:0' id='S1'>\
                  <moderated xmlns='urn:xmpp:message-moderate:0' by='room@muc/mod'>\
                  <retract xmlns='urn:xmpp:message-retract:0'/></moderated></apply-to>";
        let (new, m) = room_message("room@muc", v0);
        match intake_of(new, &m) {
            Intake::Amend(a) => {
                assert_eq!(a.target, "S1");
                assert!(matches!(a.change, Change::Moderate));
            }
            _ => panic!("the room's removal is an amendment"),
        }
        // The same from an occupant is neither a removal nor a message.
        let (new, m) = room_message("room@muc/mallory", v0);
        assert!(matches!(intake_of(new, &m), Intake::Drop));
        // Version 1 from an occupant is at most their own retraction,
        // which the store applies only to their own message.
        let v1 = "<retract xmlns='urn:xmpp:message-retract:1' id='S2'>\
                  <moderated xmlns='urn:xmpp:message-moderate:1' by='room@muc/mod'/></retract>";
        let (new, m) = room_message("room@muc/mallory", v1);
        match intake_of(new, &m) {
            Intake::Amend(a) => assert!(matches!(a.change, Change::Retract)),
            _ => panic!("an occupant's retraction"),
        }
    }
}
