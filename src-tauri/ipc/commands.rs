//! Tauri commands: thin adapters from IPC to `app::App`. No protocol logic
//! here. Each command is listed in `contract::COMMANDS`.

use std::sync::Arc;

use serde::Deserialize;
use tauri::State;
use ts_rs::TS;

use super::error::IpcResult;
use crate::app::{
    App, ConnectionReport, LoginRequest, RegistrationRequest, RegistrationTarget, SavedLogin,
};
use crate::app::{BookmarkInput, InvitationAnswer, InviteArgs, Moderation, RoomListArgs};
use crate::connection::{CertificateInfo, ConnectionSettings};
use crate::features::bookmark::BookmarkView;
use crate::features::rfc6121_presence::PresenceShow;
use crate::features::xep0004_data_forms::{DataForm, FormValue};
use crate::features::xep0045_muc::Affiliation;
use crate::features::xep0045_muc_admin::AffiliationEntry;
use crate::features::xep0045_room_directory::RoomPage;
use crate::features::xep0077_register::form::RegistrationForm;
use crate::session::{ConnectionState, RoomSnapshot, RosterSnapshot};
use crate::store::{ChatMessage, HistoryCursor, HistoryPage};

pub type AppState = Arc<App>;
pub type UiEvents = Arc<super::events::WindowSink>;

#[derive(Debug, Clone, Deserialize, TS)]
pub struct SetPresenceArgs {
    pub show: PresenceShow,
    pub status: Option<String>,
}

#[derive(Debug, Clone, Deserialize, TS)]
pub struct SendMessageArgs {
    pub to: String,
    pub body: String,
}

#[derive(Debug, Clone, Deserialize, TS)]
pub struct HistoryArgs {
    pub peer: String,
    pub before: Option<HistoryCursor>,
    pub limit: u32,
}

#[derive(Debug, Clone, Deserialize, TS)]
pub struct AddContactArgs {
    pub jid: String,
    pub name: Option<String>,
    pub groups: Vec<String>,
}

/// The UI listens for events now; events that happened before are delivered.
#[tauri::command]
pub fn ui_ready(events: State<'_, UiEvents>) {
    events.ui_ready();
}

/// The conversations the page shows now: their new messages are sent
/// whole, the others' as activity summaries.
#[tauri::command]
pub fn show_conversations(events: State<'_, UiEvents>, peers: Vec<String>) {
    events.show(peers);
}

#[tauri::command]
pub async fn saved_login(app: State<'_, AppState>) -> IpcResult<Option<SavedLogin>> {
    Ok(app.saved_login().await?)
}

#[tauri::command]
pub async fn login(app: State<'_, AppState>, request: LoginRequest) -> IpcResult<()> {
    Ok(app.login(request).await?)
}

/// Try each step of a login with these settings; nothing is saved.
#[tauri::command]
pub async fn test_connection(
    app: State<'_, AppState>,
    request: LoginRequest,
) -> IpcResult<ConnectionReport> {
    Ok(app.test_connection(request).await?)
}

/// What "Reset to defaults" restores.
#[tauri::command]
pub fn default_connection_settings() -> ConnectionSettings {
    ConnectionSettings::default()
}

#[tauri::command]
pub async fn logout(app: State<'_, AppState>, forget_password: bool) -> IpcResult<()> {
    Ok(app.logout(forget_password).await?)
}

#[tauri::command]
pub async fn connection_state(app: State<'_, AppState>) -> IpcResult<ConnectionState> {
    Ok(app.connection_state().await)
}

#[tauri::command]
pub async fn roster_snapshot(app: State<'_, AppState>) -> IpcResult<RosterSnapshot> {
    Ok(app.roster_snapshot().await)
}

#[tauri::command]
pub async fn set_presence(app: State<'_, AppState>, args: SetPresenceArgs) -> IpcResult<()> {
    Ok(app.set_presence(args.show, args.status).await?)
}

#[tauri::command]
pub async fn send_message(
    app: State<'_, AppState>,
    args: SendMessageArgs,
) -> IpcResult<ChatMessage> {
    Ok(app.send_message(&args.to, &args.body).await?)
}

#[tauri::command]
pub async fn history_page(app: State<'_, AppState>, args: HistoryArgs) -> IpcResult<HistoryPage> {
    Ok(app
        .history_page(&args.peer, args.before, args.limit)
        .await?)
}

#[tauri::command]
pub async fn add_contact(app: State<'_, AppState>, args: AddContactArgs) -> IpcResult<()> {
    Ok(app.add_contact(&args.jid, args.name, args.groups).await?)
}

#[derive(Debug, Clone, Deserialize, TS)]
pub struct FingerprintArgs {
    pub fingerprint: String,
}

#[tauri::command]
pub async fn untrusted_certificate(app: State<'_, AppState>) -> IpcResult<Option<CertificateInfo>> {
    Ok(app.untrusted_certificate().await)
}

#[tauri::command]
pub async fn trust_certificate(app: State<'_, AppState>, args: FingerprintArgs) -> IpcResult<()> {
    Ok(app.trust_certificate(&args.fingerprint).await?)
}

#[tauri::command]
pub async fn pinned_certificates(app: State<'_, AppState>) -> IpcResult<Vec<CertificateInfo>> {
    Ok(app.pinned_certificates().await?)
}

#[tauri::command]
pub async fn forget_certificate(app: State<'_, AppState>, args: FingerprintArgs) -> IpcResult<()> {
    Ok(app.forget_pinned_certificate(&args.fingerprint).await?)
}

#[derive(Debug, Clone, Deserialize, TS)]
pub struct SendRawArgs {
    pub xml: String,
}

/// Open or close the XML console (traffic is recorded only while open).
#[tauri::command]
pub async fn set_console_open(app: State<'_, AppState>, open: bool) -> IpcResult<()> {
    app.set_console_open(open).await;
    Ok(())
}

#[tauri::command]
pub async fn send_raw(app: State<'_, AppState>, args: SendRawArgs) -> IpcResult<()> {
    Ok(app.send_raw(&args.xml).await?)
}

#[derive(Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ChangePasswordArgs {
    pub new_password: String,
}

#[tauri::command]
pub async fn change_password(app: State<'_, AppState>, args: ChangePasswordArgs) -> IpcResult<()> {
    Ok(app.change_password(&args.new_password).await?)
}

#[tauri::command]
pub async fn registration_form(
    app: State<'_, AppState>,
    target: RegistrationTarget,
) -> IpcResult<RegistrationForm> {
    Ok(app.registration_form(&target).await?)
}

#[tauri::command]
pub async fn register(app: State<'_, AppState>, request: RegistrationRequest) -> IpcResult<()> {
    Ok(app.register(&request).await?)
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

/// Enter a room; the answer comes once the room let us in.
#[tauri::command]
pub async fn join_room(app: State<'_, AppState>, args: JoinRoomArgs) -> IpcResult<RoomSnapshot> {
    Ok(app.join_room(&args.room, &args.nick, args.password).await?)
}

#[tauri::command]
pub async fn leave_room(app: State<'_, AppState>, room: String) -> IpcResult<()> {
    Ok(app.leave_room(&room).await?)
}

#[tauri::command]
pub async fn send_room_message(
    app: State<'_, AppState>,
    args: RoomTextArgs,
) -> IpcResult<ChatMessage> {
    Ok(app.send_room_message(&args.room, &args.text).await?)
}

#[tauri::command]
pub async fn set_room_subject(app: State<'_, AppState>, args: RoomTextArgs) -> IpcResult<()> {
    Ok(app.set_room_subject(&args.room, &args.text).await?)
}

#[tauri::command]
pub async fn change_room_nick(app: State<'_, AppState>, args: RoomTextArgs) -> IpcResult<()> {
    Ok(app.change_room_nick(&args.room, &args.text).await?)
}

#[tauri::command]
pub async fn rooms(app: State<'_, AppState>) -> IpcResult<Vec<RoomSnapshot>> {
    Ok(app.rooms().await)
}

#[tauri::command]
pub async fn bookmarks(app: State<'_, AppState>) -> IpcResult<Vec<BookmarkView>> {
    Ok(app.bookmarks().await)
}

/// Add or change a bookmark; answers once the server stored it.
#[tauri::command]
pub async fn set_bookmark(app: State<'_, AppState>, bookmark: BookmarkInput) -> IpcResult<()> {
    Ok(app.set_bookmark(bookmark).await?)
}

#[tauri::command]
pub async fn remove_bookmark(app: State<'_, AppState>, room: String) -> IpcResult<()> {
    Ok(app.remove_bookmark(&room).await?)
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

/// Kick, ban, (de)voice, grant or revoke moderator/member/admin/owner.
#[tauri::command]
pub async fn moderate(app: State<'_, AppState>, request: Moderation) -> IpcResult<()> {
    Ok(app.moderate(request).await?)
}

#[tauri::command]
pub async fn affiliation_list(
    app: State<'_, AppState>,
    args: AffiliationListArgs,
) -> IpcResult<Vec<AffiliationEntry>> {
    Ok(app.affiliation_list(&args.room, args.affiliation).await?)
}

#[tauri::command]
pub async fn room_config(app: State<'_, AppState>, room: String) -> IpcResult<DataForm> {
    Ok(app.room_config(&room).await?)
}

#[tauri::command]
pub async fn configure_room(app: State<'_, AppState>, args: ConfigureRoomArgs) -> IpcResult<()> {
    Ok(app.configure_room(&args.room, args.values).await?)
}

#[tauri::command]
pub async fn destroy_room(app: State<'_, AppState>, args: DestroyRoomArgs) -> IpcResult<()> {
    Ok(app.destroy_room(&args.room, args.reason).await?)
}

#[tauri::command]
pub async fn invite(app: State<'_, AppState>, args: InviteArgs) -> IpcResult<()> {
    Ok(app.invite(args).await?)
}

/// Accept (join) or decline an invitation; the room's state when joined.
#[tauri::command]
pub async fn answer_invitation(
    app: State<'_, AppState>,
    answer: InvitationAnswer,
) -> IpcResult<Option<RoomSnapshot>> {
    Ok(app.answer_invitation(answer).await?)
}

#[tauri::command]
pub async fn list_rooms(app: State<'_, AppState>, args: RoomListArgs) -> IpcResult<RoomPage> {
    Ok(app.list_rooms(args).await?)
}

#[derive(Debug, Clone, Deserialize, TS)]
pub struct NotifyArgs {
    pub title: String,
    pub body: String,
}

/// Show a desktop notification (a message while the window is in the
/// background, a mention of our nick). The UI decides when; a desktop
/// without a notification service just shows nothing.
#[tauri::command]
pub fn notify(app: tauri::AppHandle, args: NotifyArgs) {
    use tauri_plugin_notification::NotificationExt;
    // Keep it short.
    let clip = |s: &str, n: usize| s.chars().take(n).collect::<String>();
    let shown = app
        .notification()
        .builder()
        .title(clip(&args.title, 120))
        .body(notification_body(&clip(&args.body, 300)))
        .show();
    if let Err(e) = shown {
        log::info!("no desktop notification: {e}");
    }
}

/// A remote string as a notification body. Freedesktop notification
/// daemons may render the body as markup (`body-markup`: links, images),
/// so a message's `<`, `>` and `&` are escaped there; elsewhere the body is
/// plain text.
fn notification_body(text: &str) -> String {
    if !cfg!(target_os = "linux") {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c => out.push(c),
        }
    }
    out
}

#[derive(Debug, Clone, Deserialize, TS)]
pub struct SubscriptionAnswer {
    pub jid: String,
    pub accept: bool,
}

/// Answer a request (from someone not in the roster) to see our presence.
#[tauri::command]
pub async fn answer_subscription(
    app: State<'_, AppState>,
    answer: SubscriptionAnswer,
) -> IpcResult<()> {
    Ok(app.answer_subscription(&answer.jid, answer.accept).await?)
}

/// Benchmarks: how often the page should report its main thread's longest
/// stall (`HEARTH_UI_PROBE=1`: every 2 s); `null` = do not measure.
#[tauri::command]
pub fn ui_probe_interval() -> Option<u32> {
    std::env::var("HEARTH_UI_PROBE")
        .is_ok_and(|v| v == "1")
        .then_some(2000)
}

#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct UiProbeReport {
    /// The longest time the page's main thread could not run a timer.
    pub max_stall_ms: u32,
    pub window_ms: u32,
}

/// Benchmarks read this line from the log.
#[tauri::command]
pub fn ui_probe_report(report: UiProbeReport) {
    log::info!(
        "ui probe: longest main-thread stall {} ms in the last {} ms",
        report.max_stall_ms,
        report.window_ms
    );
}

#[cfg(test)]
mod tests {
    use super::notification_body;

    #[cfg(target_os = "linux")]
    #[test]
    fn a_message_cannot_put_markup_into_a_notification() {
        assert_eq!(
            notification_body("<a href='https://evil.example'>pay</a> & <img src='x'/>"),
            "&lt;a href='https://evil.example'&gt;pay&lt;/a&gt; &amp; &lt;img src='x'/&gt;"
        );
        assert_eq!(notification_body("你好 :)"), "你好 :)");
    }
}
