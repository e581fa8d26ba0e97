//! The session handle's room requests that are one question and one answer
//! (XEP-0045 moderation, affiliation lists, configuration, destruction,
//! invitations, the room browser). They run outside the actor; the actor
//! only tracks each IQ's answer.

use futures::StreamExt;
use tokio_xmpp::jid::Jid;
use tokio_xmpp::minidom::Element;
use tokio_xmpp::parsers::iq::Iq;
use tokio_xmpp::Stanza;

use super::command::Command;
use super::handle::{parse_bare, SessionHandle};
use super::handle_rooms::parse_room;
use super::room_book::RoomSnapshot;
use crate::error::{ErrorCode, HearthError, Problem, RemoteError, Result};
use crate::features::xep0004_data_forms::{self, DataForm, FormValue};
use crate::features::xep0045_muc::{Affiliation, Role};
use crate::features::xep0045_muc_admin::{self as admin, AffiliationEntry};
use crate::features::xep0045_muc_invite;
use crate::features::xep0045_room_directory::{self as directory, RoomPage};
use crate::features::xep0425_moderation;

impl SessionHandle {
    /// Send the IQ `build` makes (with the id it is given) and wait for its
    /// answer from `to`.
    pub async fn query(
        &self,
        to: Option<Jid>,
        build: impl FnOnce(&str) -> Iq + Send + 'static,
    ) -> Result<Option<Element>> {
        let build = Box::new(build);
        self.ask(|reply| Command::Query { to, build, reply })
            .await?
    }

    async fn send_stanza(&self, stanza: Stanza) -> Result<()> {
        let stanza = Box::new(stanza);
        self.ask(|reply| Command::SendRaw { stanza, reply }).await?
    }

    /// Kick, (de)voice, (un)make moderator — by nickname.
    pub async fn set_role(
        &self,
        room: &str,
        nick: &str,
        role: Role,
        reason: Option<String>,
    ) -> Result<()> {
        let room = parse_room(room)?;
        let nick = nick.to_owned();
        let to = Some(Jid::from(room.clone()));
        self.query(to, move |id| {
            admin::set_role(id, &room, &nick, role, reason.as_deref())
        })
        .await
        .map(|_| ())
    }

    /// As a moderator, remove room message `row` for everyone (XEP-0425):
    /// the room tells every occupant, and its word removes the message
    /// here too.
    pub async fn moderate_message(&self, row: i64, reason: Option<String>) -> Result<()> {
        let target = self
            .ask(|reply| Command::ModerationOf { row, reply })
            .await??;
        let to = Jid::from(target.room);
        self.query(Some(to.clone()), move |id| {
            xep0425_moderation::request(
                to,
                &target.stanza_id,
                reason.as_deref(),
                target.version,
                id.to_owned(),
            )
        })
        .await
        .map(|_| ())
    }

    /// Ban, make member/admin/owner, or remove an affiliation — by JID.
    pub async fn set_affiliation(
        &self,
        room: &str,
        jid: &str,
        affiliation: Affiliation,
        reason: Option<String>,
    ) -> Result<()> {
        let room = parse_room(room)?;
        let who = parse_bare(jid)?;
        let to = Some(Jid::from(room.clone()));
        self.query(to, move |id| {
            admin::set_affiliation(id, &room, &who, affiliation, reason.as_deref())
        })
        .await
        .map(|_| ())
    }

    /// The member, admin, owner or ban list.
    pub async fn affiliation_list(
        &self,
        room: &str,
        affiliation: Affiliation,
    ) -> Result<Vec<AffiliationEntry>> {
        let room = parse_room(room)?;
        let to = Some(Jid::from(room.clone()));
        let answer = self
            .query(to, move |id| admin::list_request(id, &room, affiliation))
            .await?;
        Ok(admin::read_list(answer.as_ref()))
    }

    /// The room's configuration form, as the room sends it.
    pub async fn room_config(&self, room: &str) -> Result<DataForm> {
        let room = parse_room(room)?;
        let to = Some(Jid::from(room.clone()));
        let answer = self
            .query(to, move |id| admin::config_request(id, &room))
            .await?;
        admin::read_config(answer.as_ref()).ok_or_else(|| {
            HearthError::Remote(RemoteError::unusable("the room sent no configuration form"))
        })
    }

    /// Submit the configuration; hidden fields of the current form are
    /// sent back as they came.
    pub async fn configure_room(&self, room: &str, values: Vec<FormValue>) -> Result<()> {
        let form = self.room_config(room).await?;
        let room = parse_room(room)?;
        let to = Some(Jid::from(room.clone()));
        let x = xep0004_data_forms::submit(Some(&form), &values);
        self.query(to, move |id| admin::config_submit(id, &room, x))
            .await
            .map(|_| ())
    }

    pub async fn destroy_room(&self, room: &str, reason: Option<String>) -> Result<()> {
        let room = parse_room(room)?;
        let to = Some(Jid::from(room.clone()));
        self.query(to, move |id| admin::destroy(id, &room, reason.as_deref()))
            .await
            .map(|_| ())
    }

    /// Invite `who`: through the room (mediated) or directly (XEP-0249).
    pub async fn invite(
        &self,
        room: &str,
        who: &str,
        reason: Option<String>,
        direct: bool,
    ) -> Result<()> {
        let room = parse_room(room)?;
        let who = parse_bare(who)?;
        let message = if direct {
            xep0045_muc_invite::direct(&room, &who, reason.as_deref())
        } else {
            xep0045_muc_invite::mediated(&room, &who, reason.as_deref())
        };
        self.send_stanza(Stanza::Message(message)).await
    }

    /// Accept (join as `nick`) or decline an invitation we received.
    pub async fn answer_invitation(
        &self,
        id: &str,
        accept: Option<String>,
        reason: Option<String>,
    ) -> Result<Option<RoomSnapshot>> {
        let id = id.to_owned();
        self.ask(|reply| Command::AnswerInvitation {
            id,
            accept,
            reason,
            reply,
        })
        .await?
    }

    /// The account's conference service: the first item of the server's
    /// disco#items that says it is one.
    pub async fn conference_service(&self) -> Result<Jid> {
        let server = Jid::from(self.account().domain().to_owned());
        let to = Some(server.clone());
        let items = self
            .query(to, move |id| directory::plain_items_request(id, &server))
            .await?;
        for candidate in directory::item_jids(items.as_ref()) {
            let c = candidate.clone();
            let info = self
                .query(Some(candidate.clone()), move |id| {
                    directory::info_request(id, &c)
                })
                .await;
            if let Ok(info) = info {
                if directory::is_conference_service(info.as_ref()) {
                    return Ok(candidate);
                }
            }
        }
        Err(Problem::of(ErrorCode::NoRoomService).into())
    }

    /// One page of the rooms on `service` (the account's own when `None`),
    /// each with its details.
    pub async fn list_rooms(
        &self,
        service: Option<&str>,
        after: Option<String>,
    ) -> Result<RoomPage> {
        let service: Jid = match service.map(str::trim).filter(|s| !s.is_empty()) {
            Some(s) => s
                .parse()
                .map_err(|_| HearthError::InvalidJid(s.to_owned()))?,
            None => self.conference_service().await?,
        };
        let s = service.clone();
        let items = self
            .query(Some(service.clone()), move |id| {
                directory::items_request(id, &s, after.as_deref())
            })
            .await?;
        let (mut rooms, next) = directory::read_items(items.as_ref());
        // Ask the rooms for their details, a few at a time and no more than
        // a page's worth: a service that ignores paging may list thousands.
        // A room not asked, or that does not answer, keeps what the list
        // said.
        let jids: Vec<Option<Jid>> = rooms
            .iter()
            .take(directory::DETAILS_PER_PAGE)
            .map(|r| r.jid.parse().ok())
            .collect();
        let asks = jids.into_iter().map(|jid| async move {
            let jid = jid?;
            let j = jid.clone();
            self.query(Some(jid), move |id| directory::info_request(id, &j))
                .await
                .ok()
        });
        let infos: Vec<_> = futures::stream::iter(asks)
            .buffered(directory::DETAILS_IN_FLIGHT)
            .collect()
            .await;
        for (room, info) in rooms.iter_mut().zip(infos) {
            directory::add_info(room, info.flatten().as_ref());
        }
        Ok(RoomPage { rooms, next })
    }
}
