//! The argument objects of the IPC commands (`commands.rs`), as the page
//! writes them; their TypeScript types are generated from these.

use serde::Deserialize;
use ts_rs::TS;

use crate::features::rfc6121_presence::PresenceShow;
use crate::features::xep0004_data_forms::FormValue;
use crate::features::xep0045_muc::Affiliation;
use crate::features::xep0085_chat_states::ChatState;
use crate::store::HistoryCursor;

#[derive(Debug, Clone, Deserialize, TS)]
pub struct SetPresenceArgs {
    pub show: PresenceShow,
    pub status: Option<String>,
}

#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SendMessageArgs {
    pub to: String,
    pub body: String,
    /// The message it answers (XEP-0461).
    #[ts(optional)]
    #[serde(default)]
    pub reply_to: Option<MessageRef>,
}

/// A message to a room, perhaps answering one of its messages.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RoomMessageArgs {
    pub room: String,
    pub text: String,
    #[ts(optional)]
    #[serde(default)]
    pub reply_to: Option<MessageRef>,
}

/// The user's chat state in the conversation with `peer`.
#[derive(Debug, Clone, Deserialize, TS)]
pub struct ChatStateArgs {
    pub peer: String,
    pub state: ChatState,
}

/// Our reactions to message `id`: all of them (an empty list takes them back).
#[derive(Debug, Clone, Deserialize, TS)]
pub struct ReactArgs {
    #[ts(type = "number")]
    pub id: i64,
    pub emojis: Vec<String>,
}

/// The message a reply in `peer`'s conversation names by `id`.
#[derive(Debug, Clone, Deserialize, TS)]
pub struct ReplyTargetArgs {
    pub peer: String,
    pub id: String,
}

/// One stored message, by its id.
#[derive(Debug, Clone, Deserialize, TS)]
pub struct MessageRef {
    #[ts(type = "number")]
    pub id: i64,
}

/// A room message `id` to remove as a moderator, and why (optional).
#[derive(Debug, Clone, Deserialize, TS)]
pub struct ModerateArgs {
    #[ts(type = "number")]
    pub id: i64,
    pub reason: Option<String>,
}

/// Our message `id`, corrected to `body`.
#[derive(Debug, Clone, Deserialize, TS)]
pub struct CorrectArgs {
    #[ts(type = "number")]
    pub id: i64,
    pub body: String,
}

#[derive(Debug, Clone, Deserialize, TS)]
pub struct HistoryArgs {
    pub peer: String,
    pub before: Option<HistoryCursor>,
    pub limit: u32,
}

/// The page after `after` in `peer`'s conversation.
#[derive(Debug, Clone, Deserialize, TS)]
pub struct HistoryAfterArgs {
    pub peer: String,
    pub after: HistoryCursor,
    pub limit: u32,
}

/// A search in one conversation (`peer`) or in all of them.
#[derive(Debug, Clone, Deserialize, TS)]
pub struct SearchArgs {
    pub query: String,
    pub peer: Option<String>,
    pub limit: u32,
}

/// The conversation with `peer` from `before` messages ahead of `at` to
/// the newest.
#[derive(Debug, Clone, Deserialize, TS)]
pub struct HistoryThroughArgs {
    pub peer: String,
    pub at: HistoryCursor,
    pub before: u32,
}

#[derive(Debug, Clone, Deserialize, TS)]
pub struct PeerArgs {
    pub peer: String,
}

#[derive(Debug, Clone, Deserialize, TS)]
pub struct AddContactArgs {
    pub jid: String,
    pub name: Option<String>,
    pub groups: Vec<String>,
    /// Let them see our presence without asking.
    pub share: bool,
}

#[derive(Debug, Clone, Deserialize, TS)]
pub struct UpdateContactArgs {
    pub jid: String,
    pub name: Option<String>,
    pub groups: Vec<String>,
}

#[derive(Debug, Clone, Deserialize, TS)]
pub struct ContactArgs {
    pub jid: String,
}

#[derive(Debug, Clone, Deserialize, TS)]
pub struct AskPresenceArgs {
    pub jid: String,
    /// Ask to see their presence (true) or stop seeing it (false).
    pub ask: bool,
}

#[derive(Debug, Clone, Deserialize, TS)]
pub struct FingerprintArgs {
    pub fingerprint: String,
}

#[derive(Debug, Clone, Deserialize, TS)]
pub struct SendRawArgs {
    pub xml: String,
}

#[derive(Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ChangePasswordArgs {
    pub new_password: String,
}

#[derive(Debug, Clone, Deserialize, TS)]
pub struct JoinRoomArgs {
    pub room: String,
    pub nick: String,
    pub password: Option<String>,
}

#[derive(Debug, Clone, Deserialize, TS)]
pub struct RoomTextArgs {
    pub room: String,
    /// The message body, the new subject or the new nickname.
    pub text: String,
}

#[derive(Debug, Clone, Deserialize, TS)]
pub struct AffiliationListArgs {
    pub room: String,
    pub affiliation: Affiliation,
}

#[derive(Debug, Clone, Deserialize, TS)]
pub struct ConfigureRoomArgs {
    pub room: String,
    pub values: Vec<FormValue>,
}

#[derive(Debug, Clone, Deserialize, TS)]
pub struct DestroyRoomArgs {
    pub room: String,
    pub reason: Option<String>,
}

#[derive(Debug, Clone, Deserialize, TS)]
pub struct NotifyArgs {
    pub title: String,
    pub body: String,
}

#[derive(Debug, Clone, Deserialize, TS)]
pub struct SubscriptionAnswer {
    pub jid: String,
    pub accept: bool,
}

#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct UiProbeReport {
    /// The longest time the page's main thread could not run a timer.
    pub max_stall_ms: u32,
    pub window_ms: u32,
}

#[derive(Debug, Clone, Deserialize, TS)]
pub struct RegroupArgs {
    /// The group's name now.
    pub from: String,
    /// Its new name; blank dissolves the group (its contacts stay).
    pub to: String,
}
