//! Intake: every stanza the server hands us goes through one ordered
//! pipeline, in the style of Dino's `MessageProcessor`.
//!
//! Messages:
//! 1. **unwrap** — archive results (`xep0313_mam::unwrap`: only from the
//!    archive a query of ours went to, for that query) and carbons
//!    (`xep0280_carbons::unwrap`: only from our own account) lose their
//!    wrapper; a forged wrapper is dropped and logged. What comes out is an
//!    [`Inbound`]: the message and how it reached us ([`Via`]).
//! 2. **route** — the message handlers of the registered features
//!    (`registration.rs`), in order; the first that takes the message ends
//!    the routing. Each checks who the message is from before believing it
//!    (the room, the inviter, our own PEP service, the contact).
//! 3. **deduplicate** — a message for history is taken once, by its
//!    archive stanza-id or its origin-id ([`Actor::take`], `recent_ids.rs`).
//! 4. **apply** — history goes into the batch; rooms, invitations and
//!    bookmarks change the actor's state.
//! 5. **announce** — the batch is written in one transaction and announced
//!    in one event (`announce.rs`).
//!
//! IQ requests: the ones that change the session's state (roster pushes)
//! go to the session half registered for them; every other request is
//! answered from the registered features' stateless routes
//! (`features::registry` over `registration.rs`), which also build
//! disco#info.

use tokio_xmpp::jid::Jid;
use tokio_xmpp::minidom::Element;
use tokio_xmpp::parsers::iq::Iq;
use tokio_xmpp::parsers::message::Message;
use tokio_xmpp::Stanza;

use super::inbound::{Inbound, Via};
use super::{registration, Actor};
use crate::error::HearthError;
use crate::features::feature::IqKind;
use crate::features::registry;
use crate::features::rfc6121_messages;
use crate::features::xep0280_carbons::{self, Unwrapped};
use crate::features::xep0313_mam;
use crate::store::NewMessage;

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
        for (name, handler) in registration::message_handlers() {
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

    /// A request to us: exactly one answer (RFC 6120 §8.2.3), from the
    /// registered feature whose session half takes it, else from the
    /// registered features' stateless routes.
    async fn on_request(&mut self, from: Option<Jid>, id: String, kind: IqKind, payload: Element) {
        let reply = match registration::request_handler(kind, &payload) {
            Some(handler) => handler(self, from, id, payload),
            None => registry::answer(registration::features(), from, id, kind, &payload),
        };
        self.send(Stanza::Iq(reply)).await;
    }
}
