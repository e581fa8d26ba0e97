//! The session half of one-to-one messages (RFC 6121 §5), the route
//! stage's last handler: whatever no other feature took.

use super::announce::update_and_announce;
use super::inbound::{archived, Inbound, Via};
use super::Actor;
use crate::features::rfc6121_messages::{self, Incoming};
use crate::features::xep0280_carbons;
use crate::store::{now_ms, DeliveryState};

impl Actor {
    /// One-to-one messages (RFC 6121 §5): chat, normal, headline, and the
    /// error replies to what we sent. Takes every message it is offered.
    pub(super) fn on_conversation_message(&mut self, inbound: &Inbound) -> bool {
        let m = &inbound.message;
        // Our own archive's copy of what we sent reads like a sent carbon.
        let ours = m.from.as_ref().is_some_and(|f| f.to_bare() == self.own);
        let interpreted = match &inbound.via {
            Via::CarbonSent => xep0280_carbons::interpret_sent(m, &self.own, now_ms()),
            Via::Archive { archive, .. } if *archive != self.own => return false,
            Via::Archive { .. } if ours => xep0280_carbons::interpret_sent(m, &self.own, now_ms()),
            Via::Live | Via::CarbonReceived | Via::Archive { .. } => {
                rfc6121_messages::interpret(m, &self.own, now_ms())
            }
        };
        match interpreted {
            Incoming::Message(mut new) => {
                archived(&mut new, &inbound.via);
                let sent = inbound.via == Via::CarbonSent || ours;
                // A private message through a room belongs to that occupant,
                // not to the room.
                let occupant = if sent { m.to.as_ref() } else { m.from.as_ref() };
                if let Some(occupant) = occupant {
                    if self.rooms.contains(&occupant.to_bare()) {
                        new.peer = occupant.to_string();
                        if !sent {
                            new.sender = occupant.resource().map(|r| r.to_string());
                        }
                    }
                }
                if !sent {
                    self.remember_markable(m, &new);
                }
                self.take_or_amend(new, m, &inbound.via);
                self.acknowledge(inbound);
            }
            Incoming::Error { peer, id, problem } if inbound.via == Via::Live => {
                // Find the message it answers and mark it failed, in one job.
                let account = self.own.to_string();
                update_and_announce(&self.db, self.sink.clone(), move |s| {
                    match s.outgoing_by_message_id(&account, &peer, &id)? {
                        Some(row) => {
                            s.set_delivery_state(row, DeliveryState::Failed, Some(&problem))
                        }
                        None => {
                            log::info!("error reply for an unknown message from {peer}");
                            Ok(None)
                        }
                    }
                });
            }
            Incoming::Error { .. } | Incoming::Ignored => {}
        }
        true
    }
}
