//! The last stage of intake: what accumulated is written in one
//! transaction and announced in one event per kind (messages, presences,
//! occupants, subscription requests), so a flood costs few writes and few
//! UI updates.

use super::Actor;
use crate::error::{HearthError, Result};
use crate::session::event::SessionEvent;
use crate::store::{ChatMessage, MessageDirection, MessageKind, Store};
use tokio_xmpp::jid::BareJid;

impl Actor {
    pub(super) fn with_store<T>(&self, f: impl FnOnce(&mut Store) -> Result<T>) -> Result<T> {
        let mut store = self
            .store
            .lock()
            .map_err(|_| HearthError::Internal("the history database lock is poisoned".into()))?;
        f(&mut store)
    }

    /// Write and announce what accumulated.
    pub(super) fn flush(&mut self) {
        if !self.batch.is_empty() {
            let batch = std::mem::take(&mut self.batch);
            let account = self.own.to_string();
            match self.with_store(|s| s.insert_messages(&account, &batch)) {
                Ok(added) if !added.is_empty() => {
                    let mentions = self.mentions(&added);
                    self.sink.emit(SessionEvent::MessagesAdded {
                        messages: added,
                        mentions,
                    })
                }
                Ok(_) => {}
                Err(e) => {
                    // Keep the messages visible even if the disk refused them.
                    log::error!("could not store {} messages: {e}", batch.len());
                    let shown: Vec<ChatMessage> = batch
                        .into_iter()
                        .enumerate()
                        .map(|(i, m)| ChatMessage {
                            id: -(i as i64) - 1,
                            peer: m.peer,
                            direction: m.direction,
                            kind: m.kind,
                            body: m.body,
                            subject: m.subject,
                            timestamp: m.timestamp,
                            stanza_id: m.stanza_id.map(|s| s.0),
                            origin_id: m.origin_id,
                            state: m.state,
                            error: Some(e.to_string()),
                            sender: m.sender,
                        })
                        .collect();
                    let mentions = self.mentions(&shown);
                    self.sink.emit(SessionEvent::MessagesAdded {
                        messages: shown,
                        mentions,
                    });
                }
            }
        }
        if !self.presence_batch.is_empty() {
            let mut changed = std::mem::take(&mut self.presence_batch);
            // Keep only the latest state per contact.
            changed.reverse();
            let mut seen = std::collections::HashSet::new();
            changed.retain(|c| seen.insert(c.jid.clone()));
            changed.reverse();
            self.sink.emit(SessionEvent::Presence(changed));
        }
        if self.rooms.has_changes() {
            self.sink
                .emit(SessionEvent::Occupants(self.rooms.take_changes()));
        }
        if std::mem::take(&mut self.requests_changed) {
            self.sink
                .emit(SessionEvent::SubscriptionRequests(self.request_list()));
        }
    }

    /// Incoming room messages that name our nick in that room.
    pub(super) fn mentions(&self, messages: &[ChatMessage]) -> Vec<i64> {
        messages
            .iter()
            .filter(|m| m.kind == MessageKind::Groupchat && m.direction == MessageDirection::In)
            .filter(|m| {
                let Ok(room) = m.peer.parse::<BareJid>() else {
                    return false;
                };
                self.rooms.nick(&room).is_some_and(|nick| {
                    m.sender.as_deref() != Some(nick)
                        && crate::session::mention::mentions_nick(&m.body, nick)
                })
            })
            .map(|m| m.id)
            .collect()
    }
}
