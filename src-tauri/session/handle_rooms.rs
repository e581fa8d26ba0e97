//! The session handle's group-chat requests (XEP-0045).

use tokio_xmpp::jid::BareJid;

use super::command::{BookmarkEdit, Command};
use super::handle::SessionHandle;
use super::room_book::RoomSnapshot;
use crate::error::{HearthError, InputField, Problem, Result};
use crate::features::bookmark::BookmarkView;
use crate::store::ChatMessage;

/// A room address typed or chosen by the user: a bare JID with a local part.
pub fn parse_room(room: &str) -> Result<BareJid> {
    let jid: BareJid = room
        .trim()
        .parse()
        .map_err(|_| HearthError::InvalidJid(room.to_owned()))?;
    if jid.node().is_none() {
        return Err(Problem::invalid(InputField::Room).detail(room).into());
    }
    Ok(jid)
}

fn check_nick(nick: &str) -> Result<String> {
    let nick = nick.trim();
    if nick.is_empty() || nick.len() > 1023 || nick.contains(char::is_control) {
        return Err(Problem::invalid(InputField::Nick).into());
    }
    Ok(nick.to_owned())
}

impl SessionHandle {
    /// Enter a room; answers once the room has let us in (or refused).
    pub async fn join_room(
        &self,
        room: &str,
        nick: &str,
        password: Option<String>,
    ) -> Result<RoomSnapshot> {
        let room = parse_room(room)?;
        let nick = check_nick(nick)?;
        self.ask(|reply| Command::JoinRoom {
            room,
            nick,
            password,
            reply,
        })
        .await?
    }

    pub async fn leave_room(&self, room: &str) -> Result<()> {
        let room = parse_room(room)?;
        self.ask(|reply| Command::LeaveRoom { room, reply }).await?
    }

    pub async fn send_room_message(&self, room: &str, body: &str) -> Result<ChatMessage> {
        let room = parse_room(room)?;
        if body.trim().is_empty() {
            return Err(Problem::invalid(InputField::Message).into());
        }
        let body = body.to_owned();
        self.ask(|reply| Command::SendRoomMessage { room, body, reply })
            .await?
    }

    pub async fn set_room_subject(&self, room: &str, subject: &str) -> Result<()> {
        let room = parse_room(room)?;
        let subject = subject.to_owned();
        self.ask(|reply| Command::SetRoomSubject {
            room,
            subject,
            reply,
        })
        .await?
    }

    pub async fn change_room_nick(&self, room: &str, nick: &str) -> Result<()> {
        let room = parse_room(room)?;
        let nick = check_nick(nick)?;
        self.ask(|reply| Command::ChangeRoomNick { room, nick, reply })
            .await?
    }

    /// Add or change the bookmark of `edit.jid` on the server.
    pub async fn set_bookmark(&self, edit: BookmarkEdit) -> Result<()> {
        self.ask(|reply| Command::SetBookmark { edit, reply })
            .await?
    }

    pub async fn remove_bookmark(&self, room: &str) -> Result<()> {
        let room = parse_room(room)?;
        self.ask(|reply| Command::RemoveBookmark { room, reply })
            .await?
    }

    pub async fn bookmarks(&self) -> Vec<BookmarkView> {
        self.ask(|reply| Command::Bookmarks { reply })
            .await
            .unwrap_or_default()
    }

    /// The rooms we are in, with their occupants.
    pub async fn rooms(&self) -> Vec<RoomSnapshot> {
        self.ask(|reply| Command::Rooms { reply })
            .await
            .unwrap_or_default()
    }

    /// Mark the messages of `page` that name our nick, when `peer` is a
    /// room we are in (the same rule as for new messages).
    pub async fn mark_mentions(&self, peer: &str, page: &mut [ChatMessage]) {
        let Ok(room) = peer.parse::<BareJid>() else {
            return;
        };
        let nick = self
            .ask(|reply| Command::RoomNick { room, reply })
            .await
            .ok()
            .flatten();
        if let Some(nick) = nick {
            for m in page.iter_mut() {
                m.mentions_me = super::mention::names_us(m, &nick);
            }
        }
    }
}
