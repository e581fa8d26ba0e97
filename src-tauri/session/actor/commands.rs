//! The actor's answers to the commands the app sends it.

use tokio::sync::oneshot;
use tokio_xmpp::jid::Jid;
use tokio_xmpp::parsers::message::Message;
use tokio_xmpp::Stanza;

use super::announce::update_and_announce;
use super::{Actor, Internal, IQ_TIMEOUT};
use crate::error::{HearthError, Result};
use crate::features::registry;
use crate::features::rfc6121_messages;
use crate::features::rfc6121_presence;
use crate::features::xep0085_chat_states::{self, ChatState};
use crate::session::command::{Command, RosterSnapshot};
use crate::session::delivery::follow_delivery;
use crate::store::{now_ms, ChatMessage, NewMessage};

impl Actor {
    pub(super) async fn on_command(&mut self, cmd: Command) {
        match cmd {
            Command::FetchOlder { peer, reply } => self.fetch_older(peer, reply).await,
            Command::SendMessage { to, body, reply } => {
                self.sent_active(&to);
                let (stanza, record) = self.chat_message(to, body, None);
                self.store_and_send(stanza, record, reply);
            }
            Command::SetPresence {
                show,
                status,
                reply,
            } => {
                self.own_show = show;
                self.own_status = status.filter(|s| !s.trim().is_empty());
                if self.state.borrow().is_online() {
                    let p = rfc6121_presence::own(
                        show,
                        self.own_status.as_deref(),
                        self.priority,
                        registry::caps(super::registration::features()),
                    );
                    self.send(Stanza::Presence(p)).await;
                }
                let _ = reply.send(Ok(()));
            }
            Command::AddContact {
                jid,
                name,
                groups,
                share,
                reply,
            } => self.add_contact(jid, name, groups, share, reply).await,
            Command::UpdateContact {
                jid,
                name,
                groups,
                reply,
            } => self.update_contact(jid, name, groups, reply).await,
            Command::RemoveContact { jid, reply } => self.remove_contact(jid, reply).await,
            Command::Regroup { from, to, reply } => self.regroup(from, to, reply).await,
            Command::AskPresence { jid, ask, reply } => {
                let _ = reply.send(self.ask_presence(jid, ask).await);
            }
            Command::ChangePassword {
                new_password,
                reply,
            } => {
                self.change_password(new_password, reply).await;
            }
            Command::SendRaw { stanza, reply } => {
                let sent = self
                    .send(*stanza)
                    .await
                    .map(|_| ())
                    .ok_or(HearthError::NotConnected);
                let _ = reply.send(sent);
            }
            Command::Roster { reply } => {
                let _ = reply.send(RosterSnapshot {
                    items: self.roster.items(),
                    presences: self.presence.all(),
                    requests: self.requests.view(),
                });
            }
            Command::Logout { reply } => {
                let _ = reply.send(());
            }
            Command::JoinRoom {
                room,
                nick,
                password,
                reply,
            } => self.join_room(room, nick, password, reply).await,
            Command::LeaveRoom { room, reply } => {
                let _ = reply.send(self.leave_room(room).await);
            }
            Command::SendRoomMessage { room, body, reply } => match self.room_message(room, body) {
                Ok((stanza, record)) => {
                    let stanza = xep0085_chat_states::with_state(stanza, ChatState::Active);
                    if let Some(room) = stanza.to.clone() {
                        self.sent_active(&room);
                    }
                    self.store_and_send(stanza, record, reply)
                }
                Err(e) => {
                    let _ = reply.send(Err(e));
                }
            },
            Command::SetRoomSubject {
                room,
                subject,
                reply,
            } => {
                let _ = reply.send(self.set_room_subject(room, subject).await);
            }
            Command::ChangeRoomNick { room, nick, reply } => {
                let _ = reply.send(self.change_room_nick(room, nick).await);
            }
            Command::Rooms { reply } => {
                let _ = reply.send(self.rooms.snapshots());
            }
            Command::RoomNick { room, reply } => {
                let _ = reply.send(self.rooms.nick(&room).map(str::to_owned));
            }
            Command::SetBookmark { edit, reply } => self.set_bookmark(edit, reply).await,
            Command::RemoveBookmark { room, reply } => self.remove_bookmark(room, reply).await,
            Command::Bookmarks { reply } => {
                let _ = reply.send(self.bookmarks_snapshot());
            }
            Command::Query { to, build, reply } => {
                let (id, answer) = self.tracker.register(to, IQ_TIMEOUT);
                if self.send(Stanza::Iq(build(&id))).await.is_none() {
                    let _ = reply.send(Err(HearthError::NotConnected));
                    return;
                }
                tokio::spawn(async move {
                    let _ = reply.send(answer.await.unwrap_or(Err(HearthError::NotConnected)));
                });
            }
            Command::AnswerSubscription { jid, accept, reply } => {
                let _ = reply.send(self.answer_subscription(jid, accept).await);
            }
            Command::AnswerInvitation {
                id,
                accept,
                reason,
                reply,
            } => self.answer_invitation(id, accept, reason, reply).await,
            Command::MarkDisplayed { peer, reply } => {
                let _ = reply.send(self.mark_displayed(peer).await);
            }
            Command::AmendOwn { row, body, reply } => self.amend_own(row, body, reply).await,
            Command::ModerationOf { row, reply } => self.moderation_of(row, reply).await,
            Command::SendReply {
                to,
                body,
                answering,
                reply,
            } => self.send_reply(to, body, answering, reply).await,
            Command::React { row, emojis, reply } => {
                let _ = reply.send(self.react(row, emojis).await);
            }
            Command::SetChatState { peer, state, reply } => {
                let _ = reply.send(self.set_chat_state(peer, state).await);
            }
        }
    }

    /// A one-to-one message to `to` and the history row it makes.
    /// `id`: the id it was first written under (a message from the outbox).
    pub(super) fn chat_message(
        &self,
        to: Jid,
        body: String,
        id: Option<String>,
    ) -> (Message, NewMessage) {
        let (stanza, mut record) = match id {
            Some(id) => rfc6121_messages::outgoing_as(&to, &body, id, now_ms()),
            None => rfc6121_messages::outgoing(&to, &body, now_ms()),
        };
        // Delivered, not only received by the server, once the contact's
        // client says so.
        let stanza = crate::features::xep0184_receipts::with_request(stanza);
        // Read, once the contact's client has shown it (XEP-0333).
        let stanza = crate::features::xep0333_chat_markers::with_markable(stanza);
        // And we are active in the conversation (XEP-0085).
        let mut stanza = xep0085_chat_states::with_state(stanza, ChatState::Active);
        if self.rooms.contains(&to.to_bare()) && to.resource().is_some() {
            // A private message to a room occupant (XEP-0045 §7.5): its own
            // conversation, marked so the room relays it.
            record.peer = to.to_string();
            stanza.payloads.push(
                tokio_xmpp::minidom::Element::builder("x", crate::features::xep0045_muc::NS_USER)
                    .build(),
            );
        }
        (stanza, record)
    }

    /// Store an outgoing message first (so it is never lost), then send it
    /// and follow its delivery state (`sent_after_storing`). The store
    /// thread writes it while the actor goes on; outgoing messages keep
    /// their order because the store thread and the actor's queue do.
    pub(super) fn store_and_send(
        &mut self,
        stanza: Message,
        record: NewMessage,
        reply: oneshot::Sender<Result<ChatMessage>>,
    ) {
        let account = self.own.to_string();
        let internal = self.internal.clone();
        self.db.submit(
            move |s| s.insert_messages(&account, std::slice::from_ref(&record)),
            move |stored| {
                let stored = stored.and_then(|rows| {
                    rows.into_iter()
                        .next()
                        .ok_or_else(|| HearthError::Internal("the message was not stored".into()))
                });
                let _ = internal.send(Internal::OutgoingStored {
                    stanza: Box::new(stanza),
                    stored,
                    reply,
                });
            },
        );
    }

    /// The second half of `store_and_send`.
    pub(super) async fn sent_after_storing(
        &mut self,
        stanza: Message,
        stored: Result<ChatMessage>,
        reply: oneshot::Sender<Result<ChatMessage>>,
    ) {
        let stored = match stored {
            Ok(stored) => stored,
            Err(e) => {
                let _ = reply.send(Err(e));
                return;
            }
        };
        if !self.send_and_follow(stanza, stored.id).await {
            let _ = reply.send(Err(HearthError::NotConnected));
            return;
        }
        let _ = reply.send(Ok(stored));
    }

    /// Hand the stored message `row` to the stream and keep its delivery
    /// state in step. False when there is no stream.
    pub(super) async fn send_and_follow(&mut self, stanza: Message, row: i64) -> bool {
        let Some(token) = self.send(Stanza::Message(stanza)).await else {
            return false;
        };
        let (db, sink) = (self.db.clone(), self.sink.clone());
        tokio::spawn(follow_delivery(token, move |state, error| {
            update_and_announce(&db, sink.clone(), move |s| {
                s.set_delivery_state(row, state, error.as_ref())
            });
        }));
        true
    }
}
