//! Tauri commands: thin adapters from IPC to `app::App`. No protocol logic
//! here. Each command is declared once, in `ipc_commands!` below: that one
//! declaration is the function, its entry in the handler, its permission
//! name and its TypeScript signature (see `declare.rs`).

use std::sync::Arc;

use tauri::State;

use super::args::*;
use super::declare::ipc_commands;
use crate::app::{
    App, ConnectionReport, LoginRequest, RegistrationRequest, RegistrationTarget, SavedLogin,
};
use crate::app::{BookmarkInput, InvitationAnswer, InviteArgs, Moderation, RoomListArgs};
use crate::connection::{CertificateInfo, ConnectionSettings};
use crate::features::bookmark::BookmarkView;
use crate::features::xep0004_data_forms::DataForm;
use crate::features::xep0045_muc_admin::AffiliationEntry;
use crate::features::xep0045_room_directory::RoomPage;
use crate::features::xep0077_register::form::RegistrationForm;
use crate::session::{ConnectionState, RoomSnapshot, RosterSnapshot};
use crate::store::{ChatMessage, HistoryPage, MessageVersion};

pub type AppState = Arc<App>;
pub type UiEvents = Arc<super::events::WindowSink>;

ipc_commands! {
    /// The UI listens for events now; events that happened before are delivered.
    fn ui_ready[events: State<'_, UiEvents>]() -> () {
        events.ui_ready();
        Ok(())
    }

    /// The conversations the page shows now: their new messages are sent
    /// whole, the others' as activity summaries.
    fn show_conversations[events: State<'_, UiEvents>](peers: Vec<String>) -> () {
        events.show(peers);
        Ok(())
    }

    async fn saved_login[app: State<'_, AppState>]() -> Option<SavedLogin> {
        Ok(app.saved_login().await?)
    }

    async fn login[app: State<'_, AppState>](request: LoginRequest) -> () {
        Ok(app.login(request).await?)
    }

    /// Try each step of a login with these settings; nothing is saved.
    async fn test_connection[app: State<'_, AppState>](request: LoginRequest) -> ConnectionReport {
        Ok(app.test_connection(request).await?)
    }

    /// What "Reset to defaults" restores.
    fn default_connection_settings[]() -> ConnectionSettings {
        Ok(ConnectionSettings::default())
    }

    async fn logout[app: State<'_, AppState>](forget_password: bool) -> () {
        Ok(app.logout(forget_password).await?)
    }

    async fn connection_state[app: State<'_, AppState>]() -> ConnectionState {
        Ok(app.connection_state().await)
    }

    async fn roster_snapshot[app: State<'_, AppState>]() -> RosterSnapshot {
        Ok(app.roster_snapshot().await)
    }

    async fn set_presence[app: State<'_, AppState>](args: SetPresenceArgs) -> () {
        Ok(app.set_presence(args.show, args.status).await?)
    }

    async fn send_message[app: State<'_, AppState>](args: SendMessageArgs) -> ChatMessage {
        Ok(match args.reply_to {
            Some(answering) => app.send_reply(&args.to, &args.body, answering.id).await?,
            None => app.send_message(&args.to, &args.body).await?,
        })
    }

    /// Our whole set of reactions to message `id` (XEP-0444).
    async fn react[app: State<'_, AppState>](args: ReactArgs) -> () {
        Ok(app.react(args.id, args.emojis).await?)
    }

    /// The message a reply in `peer`'s conversation names by `id`, if held.
    async fn reply_target[app: State<'_, AppState>](args: ReplyTargetArgs) -> Option<ChatMessage> {
        Ok(app.reply_target(&args.peer, &args.id).await?)
    }

    /// The user is typing, paused, or left the conversation with `peer`
    /// (XEP-0085); nothing is sent where it is not welcome.
    async fn set_chat_state[app: State<'_, AppState>](args: ChatStateArgs) -> () {
        Ok(app.set_chat_state(&args.peer, args.state).await?)
    }

    /// Correct our message `id` to `body` (XEP-0308).
    async fn correct_message[app: State<'_, AppState>](args: CorrectArgs) -> () {
        Ok(app.correct_message(args.id, &args.body).await?)
    }

    /// Retract our message `id` for everyone (XEP-0424).
    async fn retract_message[app: State<'_, AppState>](args: MessageRef) -> () {
        Ok(app.retract_message(args.id).await?)
    }

    /// As a room moderator, remove message `id` for everyone (XEP-0425).
    async fn moderate_message[app: State<'_, AppState>](args: ModerateArgs) -> () {
        Ok(app.moderate_message(args.id, args.reason).await?)
    }

    /// The texts message `id` had before it was corrected, oldest first.
    async fn message_versions[app: State<'_, AppState>](args: MessageRef) -> Vec<MessageVersion> {
        Ok(app.message_versions(args.id).await?)
    }

    /// The user has seen the conversation with `peer` (the window is
    /// focused and shows it): the contact may learn it (XEP-0333).
    async fn mark_displayed[app: State<'_, AppState>](peer: String) -> () {
        app.mark_displayed(&peer).await?;
        Ok(())
    }

    /// The messages after `after`, oldest first: scrolling back down to
    /// the newest.
    async fn history_after[app: State<'_, AppState>](args: HistoryAfterArgs) -> HistoryPage {
        Ok(app.history_after(&args.peer, args.after, args.limit).await?)
    }

    async fn history_page[app: State<'_, AppState>](args: HistoryArgs) -> HistoryPage {
        Ok(app
            .history_page(&args.peer, args.before, args.limit)
            .await?)
    }

    async fn search_messages[app: State<'_, AppState>](args: SearchArgs) -> Vec<ChatMessage> {
        Ok(app
            .search_messages(&args.query, args.peer, args.limit)
            .await?)
    }

    async fn history_through[app: State<'_, AppState>](args: HistoryThroughArgs) -> HistoryPage {
        Ok(app
            .history_through(&args.peer, args.at, args.before)
            .await?)
    }

    /// Past the oldest stored message: the page before it from the
    /// server's archive.
    async fn fetch_older[app: State<'_, AppState>](args: PeerArgs) -> HistoryPage {
        Ok(app.fetch_older(&args.peer).await?)
    }

    async fn add_contact[app: State<'_, AppState>](args: AddContactArgs) -> () {
        Ok(app
            .add_contact(&args.jid, args.name, args.groups, args.share)
            .await?)
    }

    async fn update_contact[app: State<'_, AppState>](args: UpdateContactArgs) -> () {
        Ok(app
            .update_contact(&args.jid, args.name, args.groups)
            .await?)
    }

    async fn regroup[app: State<'_, AppState>](args: RegroupArgs) -> () {
        Ok(app.regroup(&args.from, &args.to).await?)
    }

    async fn remove_contact[app: State<'_, AppState>](args: ContactArgs) -> () {
        Ok(app.remove_contact(&args.jid).await?)
    }

    async fn ask_presence[app: State<'_, AppState>](args: AskPresenceArgs) -> () {
        Ok(app.ask_presence(&args.jid, args.ask).await?)
    }

    async fn untrusted_certificate[app: State<'_, AppState>]() -> Option<CertificateInfo> {
        Ok(app.untrusted_certificate().await)
    }

    async fn trust_certificate[app: State<'_, AppState>](args: FingerprintArgs) -> () {
        Ok(app.trust_certificate(&args.fingerprint).await?)
    }

    async fn pinned_certificates[app: State<'_, AppState>]() -> Vec<CertificateInfo> {
        Ok(app.pinned_certificates().await?)
    }

    async fn forget_certificate[app: State<'_, AppState>](args: FingerprintArgs) -> () {
        Ok(app.forget_pinned_certificate(&args.fingerprint).await?)
    }

    /// Open or close the XML console (traffic is recorded only while open).
    async fn set_console_open[app: State<'_, AppState>](open: bool) -> () {
        app.set_console_open(open).await;
        Ok(())
    }

    /// A stanza typed in the XML console; refused while the console is closed.
    async fn send_raw[app: State<'_, AppState>](args: SendRawArgs) -> () {
        Ok(app.send_raw(&args.xml).await?)
    }

    async fn change_password[app: State<'_, AppState>](args: ChangePasswordArgs) -> () {
        Ok(app.change_password(&args.new_password).await?)
    }

    async fn registration_form[app: State<'_, AppState>](
        target: RegistrationTarget,
    ) -> RegistrationForm {
        Ok(app.registration_form(&target).await?)
    }

    async fn register[app: State<'_, AppState>](request: RegistrationRequest) -> () {
        Ok(app.register(&request).await?)
    }

    /// Enter a room; the answer comes once the room let us in.
    async fn join_room[app: State<'_, AppState>](args: JoinRoomArgs) -> RoomSnapshot {
        Ok(app.join_room(&args.room, &args.nick, args.password).await?)
    }

    async fn leave_room[app: State<'_, AppState>](room: String) -> () {
        Ok(app.leave_room(&room).await?)
    }

    async fn send_room_message[app: State<'_, AppState>](args: RoomMessageArgs) -> ChatMessage {
        Ok(match args.reply_to {
            Some(answering) => app.send_reply(&args.room, &args.text, answering.id).await?,
            None => app.send_room_message(&args.room, &args.text).await?,
        })
    }

    async fn set_room_subject[app: State<'_, AppState>](args: RoomTextArgs) -> () {
        Ok(app.set_room_subject(&args.room, &args.text).await?)
    }

    async fn change_room_nick[app: State<'_, AppState>](args: RoomTextArgs) -> () {
        Ok(app.change_room_nick(&args.room, &args.text).await?)
    }

    async fn rooms[app: State<'_, AppState>]() -> Vec<RoomSnapshot> {
        Ok(app.rooms().await)
    }

    async fn bookmarks[app: State<'_, AppState>]() -> Vec<BookmarkView> {
        Ok(app.bookmarks().await)
    }

    /// Add or change a bookmark; answers once the server stored it.
    async fn set_bookmark[app: State<'_, AppState>](bookmark: BookmarkInput) -> () {
        Ok(app.set_bookmark(bookmark).await?)
    }

    async fn remove_bookmark[app: State<'_, AppState>](room: String) -> () {
        Ok(app.remove_bookmark(&room).await?)
    }

    /// Kick, ban, (de)voice, grant or revoke moderator/member/admin/owner.
    async fn moderate[app: State<'_, AppState>](request: Moderation) -> () {
        Ok(app.moderate(request).await?)
    }

    async fn affiliation_list[app: State<'_, AppState>](
        args: AffiliationListArgs,
    ) -> Vec<AffiliationEntry> {
        Ok(app.affiliation_list(&args.room, args.affiliation).await?)
    }

    async fn room_config[app: State<'_, AppState>](room: String) -> DataForm {
        Ok(app.room_config(&room).await?)
    }

    async fn configure_room[app: State<'_, AppState>](args: ConfigureRoomArgs) -> () {
        Ok(app.configure_room(&args.room, args.values).await?)
    }

    async fn destroy_room[app: State<'_, AppState>](args: DestroyRoomArgs) -> () {
        Ok(app.destroy_room(&args.room, args.reason).await?)
    }

    async fn invite[app: State<'_, AppState>](args: InviteArgs) -> () {
        Ok(app.invite(args).await?)
    }

    /// Accept (join) or decline an invitation; the room's state when joined.
    async fn answer_invitation[app: State<'_, AppState>](
        answer: InvitationAnswer,
    ) -> Option<RoomSnapshot> {
        Ok(app.answer_invitation(answer).await?)
    }

    async fn list_rooms[app: State<'_, AppState>](args: RoomListArgs) -> RoomPage {
        Ok(app.list_rooms(args).await?)
    }

    /// A link from a message, opened by the system (the browser, the mail
    /// program), never inside the window. Only web and mail addresses:
    /// whatever the page asks, a `file:`, `javascript:` or custom-scheme
    /// address is refused here.
    fn open_link[app: tauri::AppHandle](url: String) -> () {
        use tauri_plugin_opener::OpenerExt;
        let url = super::links::openable(&url).ok_or_else(|| {
            crate::error::HearthError::from(crate::error::Problem::of(
                crate::error::ErrorCode::LinkRefused,
            ))
        })?;
        app.opener()
            .open_url(url.as_str(), None::<&str>)
            .map_err(|e| {
                log::info!("no program opened a link: {e}");
                crate::error::HearthError::from(crate::error::Problem::of(
                    crate::error::ErrorCode::LinkNotOpened,
                ))
            })?;
        Ok(())
    }

    /// Show a desktop notification (a message while the window is in the
    /// background, a mention of our nick). The UI decides when; a desktop
    /// without a notification service just shows nothing.
    fn notify[app: tauri::AppHandle](args: NotifyArgs) -> () {
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
        Ok(())
    }

    /// Answer a request (from someone not in the roster) to see our presence.
    async fn answer_subscription[app: State<'_, AppState>](answer: SubscriptionAnswer) -> () {
        Ok(app.answer_subscription(&answer.jid, answer.accept).await?)
    }

    /// Benchmarks: how often the page should report its main thread's longest
    /// stall (`HEARTH_UI_PROBE=1`: every 2 s); `null` = do not measure.
    fn ui_probe_interval[]() -> Option<u32> {
        Ok(std::env::var("HEARTH_UI_PROBE")
            .is_ok_and(|v| v == "1")
            .then_some(2000))
    }

    /// Benchmarks read this line from the log.
    fn ui_probe_report[](report: UiProbeReport) -> () {
        log::info!(
            "ui probe: longest main-thread stall {} ms in the last {} ms",
            report.max_stall_ms,
            report.window_ms
        );
        Ok(())
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
