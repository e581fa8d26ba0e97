//! The last stage of intake: what accumulated is written in one
//! transaction and announced in one event per kind (messages, presences,
//! occupants, subscription requests), so a flood costs few writes and few
//! UI updates.

use std::collections::HashMap;
use std::sync::Arc;

use tokio_xmpp::jid::BareJid;

use super::Actor;
use crate::error::Result;
use crate::session::event::{EventSink, SessionEvent};
use crate::store::{ChatMessage, Database, MessageKind, NewMessage, Store, Stored};

impl Actor {
    /// Write and announce what accumulated. The messages are written on the
    /// store thread, which announces them once they are stored; the actor
    /// goes on meanwhile.
    pub(super) fn flush(&mut self) {
        let position = self.resumption.take();
        if !self.batch.is_empty()
            || !self.amendments.is_empty()
            || !self.sync_marks.is_empty()
            || position.is_some()
        {
            let batch = std::mem::take(&mut self.batch);
            let amendments = std::mem::take(&mut self.amendments);
            let reached = std::mem::take(&mut self.sync_marks);
            let account = self.own.to_string();
            let nicks = self.nicks_in(&batch);
            let sink = self.sink.clone();
            let gate = self.resumption.gate();
            let (position, counted) = position.unzip();
            self.db.submit(
                move |s| {
                    s.write_intake(&account, &batch, &amendments, &reached, position.as_ref())
                        .map_err(|e| (e, batch))
                },
                move |stored| match stored {
                    Ok(Stored {
                        mut added,
                        confirmed,
                    }) => {
                        // Stored: the stream may now acknowledge it.
                        if let Some(counted) = counted.flatten() {
                            gate.confirm(counted);
                        }
                        if !added.is_empty() {
                            mark_mentions(&mut added, &nicks);
                            sink.emit(SessionEvent::MessagesAdded { messages: added });
                        }
                        for m in confirmed {
                            sink.emit(SessionEvent::MessageUpdated(m));
                        }
                    }
                    Err((e, batch)) if batch.is_empty() => {
                        log::warn!("could not record how far the stream and archives are read: {e}")
                    }
                    Err((e, batch)) => {
                        // Keep the messages visible even if the disk refused them.
                        log::error!("could not store {} messages: {e}", batch.len());
                        let mut shown: Vec<ChatMessage> = batch
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
                                error: Some(e.problem()),
                                sender: m.sender,
                                mentions_me: false,
                                edited: None,
                                retracted: false,
                                reply: m.reply,
                                reactions: Vec::new(),
                                unstyled: m.unstyled,
                            })
                            .collect();
                        mark_mentions(&mut shown, &nicks);
                        sink.emit(SessionEvent::MessagesAdded { messages: shown });
                    }
                },
            );
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
                .emit(SessionEvent::SubscriptionRequests(self.requests.view()));
        }
    }

    /// Our nick in each room that `batch` has messages from (the mention
    /// rule needs it after the batch has left the actor).
    fn nicks_in(&self, batch: &[NewMessage]) -> HashMap<String, String> {
        let mut nicks = HashMap::new();
        for m in batch.iter().filter(|m| m.kind == MessageKind::Groupchat) {
            if nicks.contains_key(&m.peer) {
                continue;
            }
            if let Some(nick) = m
                .peer
                .parse::<BareJid>()
                .ok()
                .and_then(|room| self.rooms.nick(&room).map(str::to_owned))
            {
                nicks.insert(m.peer.clone(), nick);
            }
        }
        nicks
    }
}

/// Mark the room messages that name our nick (`nicks`: room → nick).
fn mark_mentions(messages: &mut [ChatMessage], nicks: &HashMap<String, String>) {
    for m in messages.iter_mut() {
        if let Some(nick) = nicks.get(&m.peer) {
            m.mentions_me = crate::session::mention::names_us(m, nick);
        }
    }
}

/// Change one stored message on the store thread (`job` answers the new
/// row, or `None` when there is nothing to change) and announce it. Used by
/// the actor and by the tasks that follow a message's delivery.
pub(super) fn update_and_announce(
    db: &Database,
    sink: Arc<dyn EventSink>,
    job: impl FnOnce(&mut Store) -> Result<Option<ChatMessage>> + Send + 'static,
) {
    db.submit(job, move |updated| match updated {
        Ok(Some(m)) => sink.emit(SessionEvent::MessageUpdated(m)),
        Ok(None) => {}
        Err(e) => log::error!("could not update a stored message: {e}"),
    });
}
