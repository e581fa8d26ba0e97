//! Contacts: roster pushes, presence and subscription requests, adding a
//! contact (RFC 6121).

use tokio_xmpp::jid::{BareJid, Jid};
use tokio_xmpp::minidom::Element;
use tokio_xmpp::parsers::iq::Iq;
use tokio_xmpp::parsers::presence::{Presence, Type as PresenceType};
use tokio_xmpp::Stanza;

use tokio::sync::oneshot;

use super::{Actor, IQ_TIMEOUT};
use crate::error::{HearthError, Result};
use crate::features::{registry, rfc6121_roster};
use crate::session::event::SessionEvent;
use crate::session::iq_tracker::IqAnswer;

/// Contacts remembered as pre-approved at most (the user adds them one by
/// one; the bound keeps a scripted flood of adds from growing it).
const MAX_PREAPPROVED: usize = 1_000;

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
            Ok(unseen) => {
                self.sink.emit(SessionEvent::Roster(self.roster.items()));
                if let Some(gone) = unseen.and_then(|jid| self.presence.forget(&jid)) {
                    self.presence_batch.push(gone);
                }
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
                // Someone the user added choosing to share presence is
                // approved at once; other requests (a contact added without
                // sharing too) wait for the user.
                if let Some(from) = p.from.as_ref() {
                    let bare = from.to_bare();
                    if self.preapproved.contains(&bare.to_string()) {
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

    /// Put `jid` in the roster and ask to see their presence. With `share`,
    /// also let them see ours now (pre-approval, RFC 6121 §3.4); without it,
    /// their request comes to the user like anyone's.
    pub(super) async fn add_contact(
        &mut self,
        jid: BareJid,
        name: Option<String>,
        groups: Vec<String>,
        share: bool,
        reply: oneshot::Sender<Result<()>>,
    ) {
        if !self.state.borrow().is_online() {
            let _ = reply.send(Err(HearthError::NotConnected));
            return;
        }
        let answer = self
            .roster_set(|id| rfc6121_roster::set(id, jid.clone(), name, groups))
            .await;
        let mut kinds = vec![PresenceType::Subscribe];
        if share {
            kinds.push(PresenceType::Subscribed);
            if self.preapproved.len() >= MAX_PREAPPROVED {
                self.preapproved.clear();
            }
            self.preapproved.insert(jid.to_string());
        } else {
            self.preapproved.remove(jid.as_str());
        }
        let to = Jid::from(jid);
        for kind in kinds {
            self.send(Stanza::Presence(Presence::new(kind).with_to(to.clone())))
                .await;
        }
        answered(answer, reply);
    }

    /// Give a contact another name or other groups (the roster set keeps
    /// its subscription as it is).
    pub(super) async fn update_contact(
        &mut self,
        jid: BareJid,
        name: Option<String>,
        groups: Vec<String>,
        reply: oneshot::Sender<Result<()>>,
    ) {
        if !self.state.borrow().is_online() {
            let _ = reply.send(Err(HearthError::NotConnected));
            return;
        }
        let answer = self
            .roster_set(|id| rfc6121_roster::set(id, jid, name, groups))
            .await;
        answered(answer, reply);
    }

    /// Rename the group `from` to `to` (`to` empty: dissolve it, its
    /// contacts keep their other groups), one roster set per member. The
    /// reply comes once the server has answered them all; the first refusal
    /// is the answer (what was changed before it stays changed).
    pub(super) async fn regroup(
        &mut self,
        from: String,
        to: String,
        reply: oneshot::Sender<Result<()>>,
    ) {
        if !self.state.borrow().is_online() {
            let _ = reply.send(Err(HearthError::NotConnected));
            return;
        }
        let to = to.trim().to_owned();
        let mut answers = Vec::new();
        for item in self.roster.items() {
            if !item.groups.contains(&from) {
                continue;
            }
            let Ok(jid) = item.jid.parse::<BareJid>() else {
                continue;
            };
            let groups = item
                .groups
                .iter()
                .map(|g| if *g == from { to.clone() } else { g.clone() })
                .collect();
            let name = item.name.clone();
            answers.push(
                self.roster_set(|id| rfc6121_roster::set(id, jid, name, groups))
                    .await,
            );
        }
        tokio::spawn(async move {
            let mut result = Ok(());
            for answer in answers {
                let outcome = answer.await.unwrap_or(Err(HearthError::NotConnected));
                if let (Ok(()), Err(e)) = (&result, outcome) {
                    log::warn!("the server refused a group change: {e}");
                    result = Err(e);
                }
            }
            let _ = reply.send(result);
        });
    }

    /// Remove a contact: the server ends the subscriptions both ways and
    /// tells them (RFC 6121 §2.5); the roster push that follows removes the
    /// row. Their conversation and its history stay.
    pub(super) async fn remove_contact(
        &mut self,
        jid: BareJid,
        reply: oneshot::Sender<Result<()>>,
    ) {
        if !self.state.borrow().is_online() {
            let _ = reply.send(Err(HearthError::NotConnected));
            return;
        }
        self.preapproved.remove(jid.as_str());
        let answer = self.roster_set(|id| rfc6121_roster::remove(id, jid)).await;
        answered(answer, reply);
    }

    /// Ask `jid` again to see their presence (after a refusal or a request
    /// that went unanswered), or stop seeing it.
    pub(super) async fn ask_presence(&mut self, jid: BareJid, ask: bool) -> Result<()> {
        if !self.state.borrow().is_online() {
            return Err(HearthError::NotConnected);
        }
        let kind = if ask {
            PresenceType::Subscribe
        } else {
            PresenceType::Unsubscribe
        };
        self.send(Stanza::Presence(
            Presence::new(kind).with_to(Jid::from(jid)),
        ))
        .await;
        Ok(())
    }

    /// Send a roster set built with a fresh id; its answer, which arrives
    /// through this actor's own loop.
    async fn roster_set(&mut self, build: impl FnOnce(&str) -> Iq) -> oneshot::Receiver<IqAnswer> {
        let (id, answer) = self.tracker.register(None, IQ_TIMEOUT);
        self.send(Stanza::Iq(build(&id))).await;
        answer
    }
}

/// Report the server's answer to a roster set once it comes (in a task:
/// the answer arrives through the actor's loop, which must go on).
fn answered(answer: oneshot::Receiver<IqAnswer>, reply: oneshot::Sender<Result<()>>) {
    tokio::spawn(async move {
        let result = answer.await.unwrap_or(Err(HearthError::NotConnected));
        if let Err(e) = &result {
            log::warn!("the server refused a roster change: {e}");
        }
        let _ = reply.send(result.map(|_| ()));
    });
}
