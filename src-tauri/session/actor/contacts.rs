//! Contacts: roster pushes, presence and subscription requests, adding a
//! contact (RFC 6121).

use tokio_xmpp::jid::{BareJid, Jid};
use tokio_xmpp::minidom::Element;
use tokio_xmpp::parsers::iq::Iq;
use tokio_xmpp::parsers::presence::{Presence, Type as PresenceType};
use tokio_xmpp::parsers::roster::{Item as RosterSetItem, Roster, Subscription as RosterSub};
use tokio_xmpp::Stanza;

use super::{Actor, IQ_TIMEOUT};
use crate::error::{HearthError, Result};
use crate::features::{registry, rfc6121_roster};
use crate::session::event::SessionEvent;

impl Actor {
    /// A roster push (RFC 6121 §2.1.6): the reply to send.
    pub(super) fn on_roster_push(&mut self, from: Option<Jid>, id: String, payload: Element) -> Iq {
        if !rfc6121_roster::push_allowed(from.as_ref(), &self.own) {
            log::warn!("refused a roster push that did not come from our server");
            // Answered, so the sender is not left waiting (RFC 6121 §2.1.6).
            let reply = registry::error(
                id,
                tokio_xmpp::parsers::stanza_error::DefinedCondition::ServiceUnavailable,
            );
            return match from {
                Some(to) => reply.with_to(to),
                None => reply,
            };
        }
        match self.roster.apply_push(payload) {
            Ok(()) => {
                self.sink.emit(SessionEvent::Roster(self.roster.items()));
                Iq::empty_result(from.unwrap_or_else(|| Jid::from(self.own.clone())), id)
            }
            Err(e) => {
                log::warn!("bad roster push: {e}");
                registry::error(
                    id,
                    tokio_xmpp::parsers::stanza_error::DefinedCondition::BadRequest,
                )
            }
        }
    }

    pub(super) async fn on_presence(&mut self, p: Presence) {
        if self.on_room_presence(&p).await {
            return;
        }
        match p.type_ {
            PresenceType::Subscribe => {
                // Someone we added ourselves is approved at once; other
                // requests wait for the user.
                if let Some(from) = p.from.as_ref() {
                    let bare = from.to_bare();
                    if self.roster.contains(&bare.to_string()) {
                        let ok = Presence::new(PresenceType::Subscribed).with_to(Jid::from(bare));
                        self.send(Stanza::Presence(ok)).await;
                    } else if bare != self.own && self.requests.add(bare.to_string()) {
                        self.requests_changed = true;
                    }
                }
            }
            PresenceType::Unsubscribe => {
                // They withdrew a request we had not answered.
                if let Some(from) = p.from.as_ref() {
                    if self.requests.remove(&from.to_bare().to_string()) {
                        self.requests_changed = true;
                    }
                }
            }
            _ => {
                if let Some(changed) = self.presence.apply(&p) {
                    self.presence_batch.push(changed);
                }
            }
        }
    }

    /// Let `jid` see our presence (and ask to see theirs), or refuse.
    pub(super) async fn answer_subscription(&mut self, jid: BareJid, accept: bool) -> Result<()> {
        if !self.state.borrow().is_online() {
            return Err(HearthError::NotConnected);
        }
        self.requests.remove(&jid.to_string());
        let to = Jid::from(jid);
        if accept {
            // Subscribed adds them to the roster (RFC 6121 §3.1.5); asking
            // back makes it mutual, as users expect of "accept".
            for kind in [PresenceType::Subscribed, PresenceType::Subscribe] {
                self.send(Stanza::Presence(Presence::new(kind).with_to(to.clone())))
                    .await;
            }
        } else {
            self.send(Stanza::Presence(
                Presence::new(PresenceType::Unsubscribed).with_to(to),
            ))
            .await;
        }
        self.sink
            .emit(SessionEvent::SubscriptionRequests(self.requests.view()));
        Ok(())
    }

    pub(super) async fn add_contact(
        &mut self,
        jid: BareJid,
        name: Option<String>,
        groups: Vec<String>,
    ) -> Result<()> {
        if !self.state.borrow().is_online() {
            return Err(HearthError::NotConnected);
        }
        let mut item = RosterSetItem {
            jid: jid.clone(),
            name: name.filter(|n| !n.trim().is_empty()),
            subscription: RosterSub::None,
            ask: Default::default(),
            groups: groups
                .into_iter()
                .filter(|g| !g.trim().is_empty())
                .map(tokio_xmpp::parsers::roster::Group)
                .collect(),
            approved: None,
        };
        item.subscription = RosterSub::None;
        let (id, answer) = self.tracker.register(None, IQ_TIMEOUT);
        let set = Iq::from_set(
            id,
            Roster {
                ver: None,
                items: vec![item],
            },
        );
        self.send(Stanza::Iq(set)).await;
        // Ask to see their presence, and let them see ours.
        let to = Jid::from(jid);
        self.send(Stanza::Presence(
            Presence::new(PresenceType::Subscribe).with_to(to.clone()),
        ))
        .await;
        self.send(Stanza::Presence(
            Presence::new(PresenceType::Subscribed).with_to(to),
        ))
        .await;
        // The roster set's answer arrives through this actor's own loop, so
        // wait for it in a task rather than here.
        tokio::spawn(async move {
            if let Ok(Err(e)) = answer.await {
                log::warn!("adding a contact failed: {e}");
            }
        });
        Ok(())
    }
}
