//! The session half of chat states (XEP-0085): a notice from a contact or
//! a room occupant becomes a `ChatState` event, never history; ours go
//! only where they are welcome (`features/xep0085_chat_states.rs`).

use std::collections::{HashMap, HashSet};

use tokio_xmpp::jid::Jid;
use tokio_xmpp::parsers::message::MessageType;
use tokio_xmpp::Stanza;

use super::inbound::{Inbound, Via};
use super::Actor;
use crate::error::{HearthError, Result};
use crate::features::rfc6121_messages::best_body;
use crate::features::xep0085_chat_states::{self, ChatState, ChatStateChanged, MAX_ROOM};
use crate::session::event::SessionEvent;

/// Peers remembered at most (strangers can write from any number).
const MAX_PEERS: usize = 4_096;

#[derive(Default)]
pub(super) struct ChatStates {
    /// Who sent us a chat state: they may get ours.
    speakers: HashSet<Jid>,
    /// The last state we sent to each conversation.
    sent: HashMap<Jid, ChatState>,
}

impl ChatStates {
    fn heard(&mut self, who: Jid) {
        if self.speakers.len() >= MAX_PEERS && !self.speakers.contains(&who) {
            self.speakers.clear();
        }
        self.speakers.insert(who);
    }
}

impl Actor {
    /// A chat state notice. A message with a body is history, and is left
    /// to the next handler (it says its sender speaks chat states).
    pub(super) fn on_chat_state(&mut self, inbound: &Inbound) -> bool {
        let m = &inbound.message;
        let Some(state) = xep0085_chat_states::state_of(m) else {
            return false;
        };
        let Some(from) = m.from.clone() else {
            return false;
        };
        let room = from.to_bare();
        let in_room = m.type_ == MessageType::Groupchat && self.rooms.contains(&room);
        if best_body(m).is_some() {
            if !in_room && inbound.via == Via::Live {
                self.chat_states
                    .heard(conversation_of(&from, self.rooms.contains(&room)));
            }
            return false;
        }
        // What the server stored or copied from another of our devices is
        // no news of anyone typing now.
        if inbound.via != Via::Live {
            return true;
        }
        let changed = if in_room {
            let nick = from.resource().map(|r| r.to_string());
            if nick.is_none() || nick.as_deref() == self.rooms.nick(&room) {
                return true;
            }
            ChatStateChanged {
                peer: room.to_string(),
                nick,
                state,
            }
        } else {
            let peer = conversation_of(&from, self.rooms.contains(&room));
            self.chat_states.heard(peer.clone());
            ChatStateChanged {
                peer: peer.to_string(),
                nick: None,
                state,
            }
        };
        self.sink.emit(SessionEvent::ChatState(changed));
        true
    }

    /// Our state in the conversation with `peer`: sent when it changed and
    /// the other side welcomes it. Never an error for where it is not.
    pub(super) async fn set_chat_state(&mut self, peer: Jid, state: ChatState) -> Result<()> {
        let room = peer.to_bare();
        let groupchat = peer.resource().is_none() && self.rooms.contains(&room);
        let welcome = if groupchat {
            self.rooms
                .occupant_count(&room)
                .is_some_and(|n| n <= MAX_ROOM)
        } else {
            self.chat_states.speakers.contains(&peer)
        };
        if !welcome || self.chat_states.sent.get(&peer) == Some(&state) {
            return Ok(());
        }
        let notice = xep0085_chat_states::notice(peer.clone(), state, groupchat);
        self.send(Stanza::Message(notice))
            .await
            .ok_or(HearthError::NotConnected)?;
        if self.chat_states.sent.len() >= MAX_PEERS {
            self.chat_states.sent.clear();
        }
        self.chat_states.sent.insert(peer, state);
        Ok(())
    }

    /// A message we send says we are active: the next notice goes out
    /// whatever was sent before.
    pub(super) fn sent_active(&mut self, peer: &Jid) {
        self.chat_states
            .sent
            .insert(peer.clone(), ChatState::Active);
    }
}

/// The conversation a one-to-one message from `from` belongs to: the
/// contact's bare JID, or the occupant's full JID through a room.
fn conversation_of(from: &Jid, through_room: bool) -> Jid {
    if through_room {
        from.clone()
    } else {
        Jid::from(from.to_bare())
    }
}
