//! XEP-0333 displayed markers in the session: a contact's marker makes our
//! messages read, our other devices' markers make the conversation read
//! here, and ours go out when the UI says the user has seen a message.

use std::collections::HashMap;

use tokio_xmpp::jid::{BareJid, Jid};
use tokio_xmpp::parsers::message::{Message, MessageType};
use tokio_xmpp::Stanza;

use super::inbound::{Inbound, Via};
use super::Actor;
use crate::features::xep0333_chat_markers;
use crate::session::event::{ReadElsewhere, SessionEvent};
use crate::store::{now_ms, NewMessage};

/// Conversations whose newest markable message is remembered at most. A
/// stranger writing from ever new addresses must not grow this without
/// bound; contacts are always remembered.
const MAX_REMEMBERED: usize = 4_096;

/// The newest incoming markable message of a conversation.
struct Newest {
    id: String,
    at: i64,
    /// A marker for it went out (from here or from another device of ours).
    marked: bool,
}

/// Which incoming messages asked for a marker, per conversation. Kept in
/// memory only, filled by intake: whether a message was markable is not
/// stored, and the only marker worth sending is for the newest message,
/// which this session (live, carbons, or catch-up from the archive) has
/// seen arrive. After a restart, the next message from the contact is
/// markable again.
#[derive(Default)]
pub(super) struct Markable {
    newest: HashMap<BareJid, Newest>,
}

impl Actor {
    /// Intake saw `new`, an incoming one-to-one message: remember it if it
    /// asked for a marker and is newer than the one remembered.
    pub(super) fn remember_markable(&mut self, m: &Message, new: &NewMessage) {
        let Some(id) = xep0333_chat_markers::markable_id(m) else {
            return;
        };
        let Ok(peer) = new.peer.parse::<BareJid>() else {
            // A private message through a room ("room/nick"): rooms are
            // not marked.
            return;
        };
        if self.rooms.contains(&peer) {
            return;
        }
        let known = self.markable.newest.contains_key(&peer);
        if !known
            && self.markable.newest.len() >= MAX_REMEMBERED
            && !self.roster.contains(&new.peer)
        {
            return;
        }
        let newer = match self.markable.newest.get(&peer) {
            Some(held) => held.id != id && new.timestamp >= held.at,
            None => true,
        };
        if newer {
            let at = new.timestamp;
            self.markable.newest.insert(
                peer,
                Newest {
                    id,
                    at,
                    marked: false,
                },
            );
        }
    }

    /// The user has seen the conversation with `peer`: tell the contact,
    /// once per message, and only a contact in the roster (a stranger does
    /// not learn when we read). True when a marker went out.
    pub(super) async fn mark_displayed(&mut self, peer: BareJid) -> bool {
        if !self.roster.contains(peer.as_str()) || self.rooms.contains(&peer) {
            log::debug!("no displayed marker to {peer}: not a contact");
            return false;
        }
        let Some(newest) = self.markable.newest.get(&peer) else {
            log::debug!("no displayed marker to {peer}: nothing of theirs asked for one");
            return false;
        };
        if newest.marked {
            log::debug!(
                "no displayed marker to {peer}: {} was marked already",
                newest.id
            );
            return false;
        }
        // To the bare JID: the resource that sent the message may be gone
        // (or was the archive's), and the contact's other devices see the
        // marker through their carbons.
        let marker = xep0333_chat_markers::displayed(Jid::from(peer.clone()), &newest.id);
        if self.send(Stanza::Message(marker)).await.is_none() {
            return false;
        }
        if let Some(newest) = self.markable.newest.get_mut(&peer) {
            newest.marked = true;
        }
        true
    }

    /// A displayed marker (XEP-0333): from the contact (our messages become
    /// read) or from another device of ours (the conversation is read
    /// here too). A marker is believed only for messages of its own
    /// conversation: the store finds the message it names among ours to
    /// the marker's sender, so nobody else can mark them read.
    pub(super) fn on_displayed(&mut self, inbound: &Inbound) -> bool {
        let m = &inbound.message;
        let Some(id) = xep0333_chat_markers::displayed_id(m) else {
            return false;
        };
        if m.type_ != MessageType::Groupchat {
            let ours = m.from.as_ref().is_some_and(|f| f.to_bare() == self.own);
            match &inbound.via {
                Via::Live | Via::CarbonReceived => self.contact_displayed(m, id),
                Via::CarbonSent => self.displayed_elsewhere(m, id, now_ms()),
                Via::Archive {
                    archive, stamp_ms, ..
                } if *archive == self.own => {
                    if ours {
                        let at = stamp_ms.unwrap_or_else(now_ms);
                        self.displayed_elsewhere(m, id, at)
                    } else {
                        self.contact_displayed(m, id)
                    }
                }
                // A room's archive: rooms are not marked here.
                Via::Archive { .. } => {}
            }
        }
        // A marker may ride on a message with a body: that body is read
        // as a message too.
        m.bodies.is_empty()
    }

    fn contact_displayed(&mut self, m: &Message, id: String) {
        let Some(peer) = m.from.as_ref().map(Jid::to_bare) else {
            return;
        };
        if self.rooms.contains(&peer) {
            log::info!("ignoring a displayed marker from the room {peer}");
            return;
        }
        let (account, peer) = (self.own.to_string(), peer.to_string());
        let sink = self.sink.clone();
        let job_peer = peer.clone();
        self.db.submit(
            move |s| s.mark_read_up_to(&account, &job_peer, &id),
            move |read| match read {
                Ok(Some(read)) if !read.ids.is_empty() => {
                    sink.emit(SessionEvent::MessagesRead(read))
                }
                Ok(Some(_)) => {}
                Ok(None) => {
                    log::info!(
                        "ignoring a displayed marker from {peer}: we sent them no such message"
                    )
                }
                Err(e) => log::error!("could not mark messages read: {e}"),
            },
        );
    }

    /// Another device of ours sent a marker for message `id` of the
    /// conversation with the marker's recipient, at `at`.
    fn displayed_elsewhere(&mut self, m: &Message, id: String, at: i64) {
        let Some(peer) = m.to.as_ref().map(Jid::to_bare) else {
            return;
        };
        if peer == self.own || self.rooms.contains(&peer) {
            return;
        }
        if let Some(newest) = self.markable.newest.get_mut(&peer) {
            if newest.id == id {
                // Marked already: this device sends nothing for it.
                newest.marked = true;
            }
        }
        // The message it names may still wait in the batch: store it first,
        // so its time is the stored one the UI counts unread messages by.
        self.flush();
        let (account, peer) = (self.own.to_string(), peer.to_string());
        let sink = self.sink.clone();
        let job_peer = peer.clone();
        self.db.submit(
            move |s| s.incoming_timestamp(&account, &job_peer, &id),
            move |stored| {
                let until_ms = match stored {
                    Ok(Some(ts)) => ts,
                    // A message we do not hold (older than our history):
                    // everything up to the marker itself was seen.
                    Ok(None) => at,
                    Err(e) => {
                        log::error!("could not look up a message another device read: {e}");
                        at
                    }
                };
                sink.emit(SessionEvent::ReadElsewhere(ReadElsewhere {
                    peer,
                    until_ms,
                }));
            },
        );
    }
}
