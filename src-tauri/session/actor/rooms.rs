//! Group chat (XEP-0045) in the session actor: joining, leaving, talking,
//! subject and nickname, and what rooms send us. Stanzas are believed only
//! from rooms we are in (or are joining).

use std::time::Duration;

use tokio::sync::oneshot;
use tokio_xmpp::jid::{BareJid, Jid};
use tokio_xmpp::parsers::message::Message;
use tokio_xmpp::parsers::presence::Presence;
use tokio_xmpp::Stanza;

use super::amendments::Intake;
use super::inbound::{Inbound, Via};
use super::{Actor, Internal, IQ_TIMEOUT};
use crate::error::{ErrorCode, HearthError, InputField, Problem, Result};
use crate::features::xep0045_muc::{self, RoomMessage};
use crate::features::xep0045_muc_invite;
use crate::features::xep0410_self_ping;
use crate::features::xep0421_occupant_id;
use crate::session::event::SessionEvent;
use crate::session::room_book::{Invitation, RoomOutcome, RoomSnapshot, RoomSubject};
use crate::store::{now_ms, NewMessage};

/// Invitations waiting for an answer at most.
const MAX_INVITATIONS: usize = 50;

/// How long a room may take to let us in.
const JOIN_TIMEOUT: Duration = Duration::from_secs(30);

impl Actor {
    pub(super) async fn join_room(
        &mut self,
        room: BareJid,
        nick: String,
        password: Option<String>,
        reply: oneshot::Sender<Result<RoomSnapshot>>,
    ) {
        if !self.state.borrow().is_online() {
            let _ = reply.send(Err(HearthError::NotConnected));
            return;
        }
        let nick = nick.trim().to_owned();
        if room.with_resource_str(&nick).is_err() {
            let _ = reply.send(Err(Problem::invalid(InputField::Nick).into()));
            return;
        }
        self.rooms
            .begin_join(room.clone(), nick, password, Some(reply));
        self.enter_room(room.clone()).await;
        let internal = self.internal.clone();
        tokio::spawn(async move {
            tokio::time::sleep(JOIN_TIMEOUT).await;
            let _ = internal.send(Internal::JoinDeadline(room));
        });
    }

    /// The time of the newest stored message of `room`: history from a
    /// room without an archive starts there, so a rejoin does not fetch
    /// what we have.
    pub(super) async fn latest_in(&self, room: &BareJid) -> Option<i64> {
        let account = self.own.to_string();
        let room = room.to_string();
        self.db
            .read(move |s| s.latest_timestamp(&account, &room))
            .await
            .ok()
            .flatten()
    }

    pub(super) async fn leave_room(&mut self, room: BareJid) -> Result<()> {
        let Some(nick) = self.rooms.nick(&room).map(str::to_owned) else {
            return Ok(());
        };
        self.rooms.remove(&room);
        self.stop_room_sync(&room);
        if let Some(p) = xep0045_muc::leave(&room, &nick) {
            self.send(Stanza::Presence(p)).await;
        }
        self.sink.emit(SessionEvent::RoomLeft(
            crate::session::room_book::RoomLeft {
                room: room.to_string(),
                reason: None,
            },
        ));
        Ok(())
    }

    /// A message to `room` and the history row it makes.
    pub(super) fn room_message(
        &self,
        room: BareJid,
        body: String,
    ) -> Result<(Message, NewMessage)> {
        let Some(nick) = self
            .rooms
            .is_joined(&room)
            .then(|| self.rooms.nick(&room).map(str::to_owned))
            .flatten()
        else {
            return Err(Problem::of(ErrorCode::NotInRoom).into());
        };
        Ok(xep0045_muc::groupchat(&room, &body, now_ms(), &nick))
    }

    pub(super) async fn set_room_subject(&mut self, room: BareJid, subject: String) -> Result<()> {
        if !self.rooms.is_joined(&room) {
            return Err(Problem::of(ErrorCode::NotInRoom).into());
        }
        self.send(Stanza::Message(xep0045_muc::set_subject(&room, &subject)))
            .await
            .ok_or(HearthError::NotConnected)?;
        Ok(())
    }

    pub(super) async fn change_room_nick(&mut self, room: BareJid, nick: String) -> Result<()> {
        if !self.rooms.is_joined(&room) {
            return Err(Problem::of(ErrorCode::NotInRoom).into());
        }
        let presence = xep0045_muc::change_nick(&room, nick.trim())
            .ok_or_else(|| HearthError::from(Problem::invalid(InputField::Nick)))?;
        self.send(Stanza::Presence(presence))
            .await
            .ok_or(HearthError::NotConnected)?;
        Ok(())
    }

    /// A presence from one of our rooms. Returns false when `p` is not one.
    pub(super) async fn on_room_presence(&mut self, p: &Presence) -> bool {
        let Some(room) = p.from.as_ref().map(|f| f.to_bare()) else {
            return false;
        };
        if !self.rooms.contains(&room) {
            return false;
        }
        self.rooms.heard(&room);
        let Some(update) = xep0045_muc::read_presence(p) else {
            return true;
        };
        match self.rooms.apply(&room, update) {
            RoomOutcome::Nothing => {}
            RoomOutcome::Joined(snapshot) => {
                self.room_entered(&room);
                self.sink.emit(SessionEvent::RoomJoined(snapshot))
            }
            RoomOutcome::Created(snapshot) => {
                // A new room stays locked until configured: take the
                // defaults ("instant room").
                let (id, answer) = self
                    .tracker
                    .register(Some(Jid::from(room.clone())), IQ_TIMEOUT);
                self.send(Stanza::Iq(xep0045_muc::instant_room(&id, &room)))
                    .await;
                let internal = self.internal.clone();
                tokio::spawn(async move {
                    let result = match answer.await {
                        Ok(Ok(_)) => Ok(()),
                        Ok(Err(e)) => Err(e),
                        Err(_) => Err(HearthError::NotConnected),
                    };
                    let _ = internal.send(Internal::RoomUnlocked(room, result));
                });
                self.sink.emit(SessionEvent::RoomJoined(snapshot));
            }
            RoomOutcome::Left(left) => {
                self.stop_room_sync(&room);
                self.sink.emit(SessionEvent::RoomLeft(left))
            }
            RoomOutcome::Renamed(snapshot) => self.sink.emit(SessionEvent::RoomJoined(snapshot)),
            RoomOutcome::Problem(p) => self.sink.emit(SessionEvent::RoomProblem(p)),
        }
        true
    }

    /// A groupchat message, or a private message through a room. Returns
    /// false when `m` is not from one of our rooms.
    pub(super) fn on_room_message(&mut self, inbound: &Inbound) -> bool {
        let m = &inbound.message;
        let Some(from) = m.from.as_ref() else {
            return false;
        };
        let room = from.to_bare();
        match &inbound.via {
            Via::Live => {}
            // The room's own archive, answering a query we sent it.
            Via::Archive { archive, .. } if *archive == room => {}
            _ => return false,
        }
        let Some(nick) = self.rooms.nick(&room).map(str::to_owned) else {
            return false;
        };
        self.rooms.heard(&room);
        match xep0045_muc::read_message(m, &room, &nick, now_ms()) {
            RoomMessage::Message(mut new) => {
                super::inbound::archived(&mut new, &inbound.via);
                // Only a room that offers occupant ids replaces any the
                // sender wrote (XEP-0421 §4); elsewhere they mean nothing.
                if self.room_sync.offers(&room).is_some_and(|o| o.occupant_id) {
                    new.occupant_id = xep0421_occupant_id::of(m);
                }
                match super::amendments::intake_of(new, m) {
                    Intake::Amend(a) => {
                        if let Some(a) = self.hold_amendment_while_reading(&room, a, &inbound.via) {
                            self.amend(a, &inbound.via)
                        }
                    }
                    Intake::Take(new) => {
                        if let Some(new) = self.hold_while_reading(&room, new, &inbound.via) {
                            self.take(new, &inbound.via)
                        }
                    }
                    Intake::Drop => log::debug!("dropped a bodiless message in {room}"),
                }
            }
            RoomMessage::Subject { subject, by } => {
                self.rooms.set_subject(&room, &subject);
                self.sink.emit(SessionEvent::RoomSubject(RoomSubject {
                    room: room.to_string(),
                    subject,
                    by,
                }));
            }
            RoomMessage::Ignored => return false,
        }
        true
    }

    /// After a fresh session the server has forgotten our rooms: enter
    /// them again, asking only for history we have not stored.
    pub(super) async fn rejoin_rooms(&mut self) {
        for (room, _, _) in self.rooms.for_rejoin() {
            self.enter_room(room).await;
        }
    }
}

impl Actor {
    /// An invitation (mediated or direct) in `m`: shown to the user.
    pub(super) fn on_invitation(&mut self, inbound: &Inbound) -> bool {
        // Live, or one another of our devices received: an invitation we
        // sent, or one kept in an archive, is no question for the user now.
        if !matches!(inbound.via, Via::Live | Via::CarbonReceived) {
            return false;
        }
        let Some(invite) = xep0045_muc_invite::read(&inbound.message) else {
            return false;
        };
        if self.rooms.is_joined(&invite.room) {
            return true; // already there
        }
        // Anyone can send invitations: one waits per room, and only so many
        // wait for an answer at all.
        if self.invitations.values().any(|i| i.room == invite.room) {
            return true;
        }
        if self.invitations.len() >= MAX_INVITATIONS {
            log::debug!(
                "invitation to {} not shown: {MAX_INVITATIONS} waiting",
                invite.room
            );
            return true;
        }
        let id = crate::features::xep0359_stanza_ids::new_id();
        self.sink.emit(SessionEvent::Invitation(Invitation {
            id: id.clone(),
            room: invite.room.to_string(),
            from: invite.from.clone(),
            reason: invite.reason.clone(),
            has_password: invite.password.is_some(),
            direct: invite.direct,
        }));
        self.invitations.insert(id, invite);
        true
    }

    pub(super) async fn answer_invitation(
        &mut self,
        id: String,
        accept: Option<String>,
        reason: Option<String>,
        reply: oneshot::Sender<Result<Option<RoomSnapshot>>>,
    ) {
        let Some(invite) = self.invitations.remove(&id) else {
            let _ = reply.send(Err(Problem::of(ErrorCode::InvitationAnswered).into()));
            return;
        };
        match accept {
            Some(nick) => {
                let (tx, rx) = oneshot::channel();
                let kept = invite.clone();
                self.join_room(invite.room, nick, invite.password, tx).await;
                let internal = self.internal.clone();
                tokio::spawn(async move {
                    let result = rx.await.unwrap_or(Err(HearthError::NotConnected));
                    if result.is_err() {
                        // Refused (e.g. nick taken): the user may try again
                        // with the invitation's password.
                        let _ = internal.send(Internal::KeepInvitation(id, kept));
                    }
                    let _ = reply.send(result.map(Some));
                });
            }
            None => {
                if !invite.direct {
                    let decline =
                        xep0045_muc_invite::decline(&invite.room, &invite.from, reason.as_deref());
                    self.send(Stanza::Message(decline)).await;
                }
                let _ = reply.send(Ok(None));
            }
        }
    }
}

impl Actor {
    /// XEP-0410: ping our own occupant JID in rooms that have been quiet.
    pub(super) async fn ping_quiet_rooms(&mut self) {
        let due = self
            .rooms
            .due_for_ping(std::time::Instant::now(), self.room_quiet_before_ping);
        for (room, nick) in due {
            let Ok(occupant) = room.with_resource_str(&nick) else {
                continue;
            };
            let (id, answer) = self.tracker.register(Some(Jid::from(occupant)), IQ_TIMEOUT);
            let Some(ping) = xep0410_self_ping::request(&id, &room, &nick) else {
                continue;
            };
            self.send(Stanza::Iq(ping)).await;
            let internal = self.internal.clone();
            tokio::spawn(async move {
                let answer = answer.await.unwrap_or(Err(HearthError::NotConnected));
                let _ = internal.send(Internal::SelfPing(room, answer));
            });
        }
    }

    pub(super) async fn on_self_ping(
        &mut self,
        room: BareJid,
        answer: crate::session::iq_tracker::IqAnswer,
    ) {
        match xep0410_self_ping::verdict(&answer) {
            xep0410_self_ping::Verdict::NotJoined => {
                log::info!("{room} dropped us silently; joining again");
                if self.rooms.dropped(&room).is_none() {
                    return;
                }
                self.enter_room(room).await;
            }
            // Still in, or could not tell: ask again after another quiet spell.
            _ => self.rooms.heard(&room),
        }
    }
}
