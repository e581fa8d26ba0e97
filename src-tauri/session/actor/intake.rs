//! Intake: every stanza the server hands us goes through one ordered
//! pipeline, in the style of Dino's `MessageProcessor`.
//!
//! Messages:
//! 1. **unwrap** — archive results (`xep0313_mam::unwrap`: only from the
//!    archive a query of ours went to, for that query) and carbons
//!    (`xep0280_carbons::unwrap`: only from our own account) lose their
//!    wrapper; a forged wrapper is dropped and logged. What comes out is an
//!    [`Inbound`]: the message and how it reached us ([`Via`]).
//! 2. **route** — the handlers of [`MESSAGE_HANDLERS`], in order; the first
//!    that takes the message ends the routing. Each checks who the message
//!    is from before believing it (the room, the inviter, our own PEP
//!    service, the contact).
//! 3. **deduplicate** — a message for history is taken once, by its
//!    archive stanza-id or its origin-id ([`Actor::take`], `recent_ids.rs`).
//! 4. **apply** — history goes into the batch; rooms, invitations and
//!    bookmarks change the actor's state.
//! 5. **announce** — the batch is written in one transaction and announced
//!    in one event (`announce.rs`).
//!
//! IQ requests: the ones that change the session's state (roster pushes)
//! are answered here; every other request is answered from the feature
//! registry (`features::registry`), which also builds disco#info.

use tokio_xmpp::jid::{BareJid, Jid};
use tokio_xmpp::minidom::Element;
use tokio_xmpp::parsers::iq::Iq;
use tokio_xmpp::parsers::message::Message;
use tokio_xmpp::Stanza;

use super::announce::update_and_announce;
use super::Actor;
use crate::error::HearthError;
use crate::features::feature::IqKind;
use crate::features::rfc6121_messages::{self, Incoming};
use crate::features::xep0280_carbons::{self, Unwrapped};
use crate::features::xep0313_mam;
use crate::features::{registry, rfc6121_roster, xep0184_receipts, xep0402_bookmarks};
use crate::store::{now_ms, DeliveryState, NewMessage};

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

/// A message handler: true when it took the message.
type MessageHandler = fn(&mut Actor, &Inbound) -> bool;

/// The route stage, in order. Adding a message feature is adding a line.
const MESSAGE_HANDLERS: &[(&str, MessageHandler)] = &[
    ("XEP-0045 room message", Actor::on_room_message),
    ("XEP-0045/XEP-0249 invitation", Actor::on_invitation),
    ("XEP-0163 PEP event", Actor::on_pep_event),
    ("XEP-0184 delivery receipt", Actor::on_receipt),
    ("XEP-0333 displayed marker", Actor::on_displayed),
    ("RFC 6121 conversation", Actor::on_conversation_message),
];

impl Actor {
    pub(super) fn on_message(&mut self, m: Message) {
        let queries = &self.archive_queries;
        let m = match xep0313_mam::unwrap(m, &self.own, |q| queries.get(q).cloned()) {
            xep0313_mam::Unwrapped::Plain(m) => m,
            xep0313_mam::Unwrapped::Archived(a) => {
                let stamp_ms = self.archive_result(&a.query, a.stamp_ms);
                let stamp_ms = self.room_archive_result(&a.query, stamp_ms);
                let inbound = Inbound {
                    message: a.message,
                    via: Via::Archive {
                        archive: a.archive,
                        id: a.id,
                        stamp_ms,
                        query: a.query,
                    },
                };
                return self.route(inbound);
            }
            xep0313_mam::Unwrapped::Forged { from } => {
                let from = from.unwrap_or_default();
                log::warn!("dropped an archive result from {from} that no query of ours asked for");
                return;
            }
        };
        let inbound = match xep0280_carbons::unwrap(m, &self.own) {
            Unwrapped::Plain(message) => Inbound {
                message,
                via: Via::Live,
            },
            Unwrapped::Received(message) => Inbound {
                message,
                via: Via::CarbonReceived,
            },
            Unwrapped::Sent(message) => Inbound {
                message,
                via: Via::CarbonSent,
            },
            Unwrapped::Forged { from } => {
                let from = from.map(|f| f.to_string()).unwrap_or_default();
                log::warn!("dropped a carbon copy that {from} sent in our name");
                return;
            }
        };
        self.route(inbound);
    }

    fn route(&mut self, inbound: Inbound) {
        for (name, handler) in MESSAGE_HANDLERS {
            if handler(self, &inbound) {
                log::trace!("message taken by {name}");
                return;
            }
        }
    }

    /// The deduplicate and apply stages for history: `new` joins the batch
    /// unless the same message was already taken. A result of a page read
    /// backward waits for the rest of its page instead (`older.rs`).
    pub(super) fn take(&mut self, mut new: NewMessage, via: &Via) {
        let archived = matches!(via, Via::Archive { .. });
        if !archived {
            self.arrival.order(&mut new);
        }
        let fresh = self.recent.take(&new);
        // The archive's copy of a message held already still goes to the
        // store when its stamp is precise: the archive's time is the
        // server's order, which the stream may not have kept (ejabberd
        // delivers what a lost session held after newer messages). The
        // store dedupes it and re-dates the held row.
        if !fresh && archived && new.timestamp % 1000 != 0 {
            self.batch.push(new);
            return;
        }
        if !fresh {
            log::debug!("a message from {} arrived twice", new.peer);
            return;
        }
        if let Via::Archive { query, .. } = via {
            if let Some(page) = self.older.page(query) {
                page.push(new);
                return;
            }
        }
        if let Some((id, by)) = &new.stanza_id {
            let (id, by, at) = (id.clone(), by.clone(), new.timestamp);
            self.passed(&by, &id, at);
        }
        self.batch.push(new);
    }

    /// Events from our own PEP service (XEP-0163): only bookmarks today.
    fn on_pep_event(&mut self, inbound: &Inbound) -> bool {
        if inbound.via != Via::Live {
            return false;
        }
        let m = &inbound.message;
        let Some(event) = m
            .payloads
            .iter()
            .find(|p| p.is("event", xep0402_bookmarks::NS_EVENT))
        else {
            return false;
        };
        if !self.on_bookmark_push(m.from.as_ref(), event) {
            log::info!("ignoring a PEP event that is not our own bookmarks");
        }
        true
    }

    /// A contact's client confirms one of our messages (XEP-0184). Believed
    /// from the contact it was sent to, directly or through a carbon of
    /// what another device of ours received.
    fn on_receipt(&mut self, inbound: &Inbound) -> bool {
        let m = &inbound.message;
        let Some(id) = xep0184_receipts::confirms(m) else {
            return false;
        };
        let (Via::Live | Via::CarbonReceived) = inbound.via else {
            return true;
        };
        let Some(peer) = m.from.as_ref().map(|f| f.to_bare().to_string()) else {
            return true;
        };
        let account = self.own.to_string();
        update_and_announce(&self.db, self.sink.clone(), move |s| {
            match s.outgoing_by_message_id(&account, &peer, &id)? {
                Some(row) => s.set_delivery_state(row, DeliveryState::Delivered, None),
                None => Ok(None),
            }
        });
        // A receipt may ride on a message with a body (rare): that body is
        // read as a message too.
        m.bodies.is_empty()
    }

    /// Answer a receipt request on a message just taken, if the sender is
    /// a contact (a stranger does not learn that we are here).
    fn acknowledge(&mut self, inbound: &Inbound) {
        if inbound.via != Via::Live {
            return;
        }
        let m = &inbound.message;
        let known = m
            .from
            .as_ref()
            .is_some_and(|f| self.roster.contains(&f.to_bare().to_string()));
        if let Some(receipt) = xep0184_receipts::answer(m).filter(|_| known) {
            let _ = self
                .internal
                .send(super::Internal::Send(Box::new(Stanza::Message(receipt))));
        }
    }

    /// One-to-one messages (RFC 6121 §5): chat, normal, headline, and the
    /// error replies to what we sent. Takes every message it is offered.
    fn on_conversation_message(&mut self, inbound: &Inbound) -> bool {
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
                self.take(new, &inbound.via);
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

    pub(super) async fn on_iq(&mut self, iq: Iq) {
        match iq {
            Iq::Get {
                from, id, payload, ..
            } => self.on_request(from, id, IqKind::Get, payload).await,
            Iq::Set {
                from, id, payload, ..
            } => self.on_request(from, id, IqKind::Set, payload).await,
            Iq::Result {
                from, id, payload, ..
            } => {
                self.tracker.resolve(&id, from.as_ref(), Ok(payload));
            }
            Iq::Error {
                from, id, error, ..
            } => {
                let remote = rfc6121_messages::remote_error(&error);
                self.tracker
                    .resolve(&id, from.as_ref(), Err(HearthError::Remote(remote)));
            }
        }
    }

    /// A request to us: exactly one answer (RFC 6120 §8.2.3).
    async fn on_request(&mut self, from: Option<Jid>, id: String, kind: IqKind, payload: Element) {
        if kind == IqKind::Set && payload.is("query", rfc6121_roster::NS) {
            return self.on_roster_push(from, id, payload).await;
        }
        let reply = registry::answer(from, id, kind, &payload);
        self.send(Stanza::Iq(reply)).await;
    }
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
