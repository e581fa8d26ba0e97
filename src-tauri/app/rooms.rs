//! Room administration, invitations and the room browser, for the IPC
//! layer: thin calls into the account's session.

use serde::Deserialize;
use ts_rs::TS;

use super::App;
use crate::error::Result;
use crate::features::xep0004_data_forms::{DataForm, FormValue};
use crate::features::xep0045_muc::{Affiliation, Role};
use crate::features::xep0045_muc_admin::AffiliationEntry;
use crate::features::xep0045_room_directory::RoomPage;
use crate::session::RoomSnapshot;

/// A moderation request: a role by nick, or an affiliation by JID.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum Moderation {
    Role {
        room: String,
        nick: String,
        role: Role,
        reason: Option<String>,
    },
    Affiliation {
        room: String,
        jid: String,
        affiliation: Affiliation,
        reason: Option<String>,
    },
}

#[derive(Debug, Clone, Deserialize, TS)]
pub struct InviteArgs {
    pub room: String,
    pub jid: String,
    pub reason: Option<String>,
    /// XEP-0249 direct invitation instead of through the room.
    pub direct: bool,
}

#[derive(Debug, Clone, Deserialize, TS)]
pub struct InvitationAnswer {
    pub id: String,
    /// The nickname to join with; `null` declines.
    pub accept: Option<String>,
    pub reason: Option<String>,
}

#[derive(Debug, Clone, Deserialize, TS)]
pub struct RoomListArgs {
    /// `null` = the account's own conference service.
    pub service: Option<String>,
    /// The `next` of the previous page.
    pub after: Option<String>,
}

impl App {
    pub async fn moderate(&self, m: Moderation) -> Result<()> {
        let s = self.session().await?;
        match m {
            Moderation::Role {
                room,
                nick,
                role,
                reason,
            } => s.set_role(&room, &nick, role, reason).await,
            Moderation::Affiliation {
                room,
                jid,
                affiliation,
                reason,
            } => s.set_affiliation(&room, &jid, affiliation, reason).await,
        }
    }

    pub async fn affiliation_list(
        &self,
        room: &str,
        affiliation: Affiliation,
    ) -> Result<Vec<AffiliationEntry>> {
        self.session()
            .await?
            .affiliation_list(room, affiliation)
            .await
    }

    pub async fn room_config(&self, room: &str) -> Result<DataForm> {
        self.session().await?.room_config(room).await
    }

    pub async fn configure_room(&self, room: &str, values: Vec<FormValue>) -> Result<()> {
        self.session().await?.configure_room(room, values).await
    }

    pub async fn destroy_room(&self, room: &str, reason: Option<String>) -> Result<()> {
        self.session().await?.destroy_room(room, reason).await
    }

    pub async fn invite(&self, a: InviteArgs) -> Result<()> {
        self.session()
            .await?
            .invite(&a.room, &a.jid, a.reason, a.direct)
            .await
    }

    pub async fn answer_invitation(&self, a: InvitationAnswer) -> Result<Option<RoomSnapshot>> {
        self.session()
            .await?
            .answer_invitation(&a.id, a.accept, a.reason)
            .await
    }

    pub async fn list_rooms(&self, a: RoomListArgs) -> Result<RoomPage> {
        self.session()
            .await?
            .list_rooms(a.service.as_deref(), a.after)
            .await
    }
}
