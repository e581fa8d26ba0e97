//! The IPC contract, rendered as TypeScript for the UI (`ui/src/bindings.ts`).
//! Types come from ts-rs; the command and event tables below are the single
//! list both sides use. `cargo test` fails when the committed file is stale;
//! `HEARTH_WRITE_BINDINGS=1 cargo test --lib ipc::contract` rewrites it.

use ts_rs::{Config, TS};

use super::commands::{
    AddContactArgs, AffiliationListArgs, ChangePasswordArgs, ConfigureRoomArgs, DestroyRoomArgs,
    FingerprintArgs, HistoryArgs, JoinRoomArgs, NotifyArgs, RoomTextArgs, SendMessageArgs,
    SendRawArgs, SetPresenceArgs, SubscriptionAnswer, UiProbeReport,
};
use super::conversation_activity::ConversationActivity;
use super::error::IpcError;
use crate::app::{
    BookmarkInput, ConnectionReport, ConnectionStep, InvitationAnswer, InviteArgs, LoginRequest,
    Moderation, RegistrationRequest, RegistrationTarget, RegistrationValue, RoomListArgs,
    SavedLogin, StepFinding, StepKind, StepOutcome,
};
use crate::error::{CertificateFault, ErrorCode, InputField, Problem};
use crate::features::bookmark::BookmarkView;
use crate::features::rfc6121_presence::{ContactPresence, PresenceShow, ResourcePresence};
use crate::features::rfc6121_roster::{RosterItem, Subscription};
use crate::features::xep0004_data_forms::{
    DataForm, FormField, FormFieldKind, FormOption, FormValue,
};
use crate::features::xep0045_muc::{Affiliation, Occupant, Role};
use crate::features::xep0045_muc_admin::AffiliationEntry;
use crate::features::xep0045_room_directory::{RoomListing, RoomPage};
use crate::features::xep0077_register::form::{FieldKind, RegistrationField, RegistrationForm};
use crate::session::{
    CertificateInfo, ConnectionSecurity, ConnectionSettings, ConnectionState, ConsoleDirection,
    ConsoleEntry, Invitation, OccupantsChanged, ProxyKind, ProxySettings, RoomLeft, RoomProblem,
    RoomSnapshot, RoomSubject, RosterSnapshot, SaslPolicy,
};
use crate::store::{
    ChatMessage, DeliveryState, HistoryCursor, HistoryPage, MessageDirection, MessageKind,
};

/// (command, TypeScript argument object, TypeScript result).
pub const COMMANDS: &[(&str, &str, &str)] = &[
    ("ui_ready", "Record<string, never>", "null"),
    ("show_conversations", "{ peers: Array<string> }", "null"),
    ("saved_login", "Record<string, never>", "SavedLogin | null"),
    ("login", "{ request: LoginRequest }", "null"),
    (
        "test_connection",
        "{ request: LoginRequest }",
        "ConnectionReport",
    ),
    (
        "default_connection_settings",
        "Record<string, never>",
        "ConnectionSettings",
    ),
    ("logout", "{ forgetPassword: boolean }", "null"),
    (
        "connection_state",
        "Record<string, never>",
        "ConnectionState",
    ),
    ("roster_snapshot", "Record<string, never>", "RosterSnapshot"),
    ("set_presence", "{ args: SetPresenceArgs }", "null"),
    ("send_message", "{ args: SendMessageArgs }", "ChatMessage"),
    ("history_page", "{ args: HistoryArgs }", "HistoryPage"),
    ("add_contact", "{ args: AddContactArgs }", "null"),
    (
        "untrusted_certificate",
        "Record<string, never>",
        "CertificateInfo | null",
    ),
    ("trust_certificate", "{ args: FingerprintArgs }", "null"),
    (
        "pinned_certificates",
        "Record<string, never>",
        "Array<CertificateInfo>",
    ),
    ("forget_certificate", "{ args: FingerprintArgs }", "null"),
    ("set_console_open", "{ open: boolean }", "null"),
    ("send_raw", "{ args: SendRawArgs }", "null"),
    ("change_password", "{ args: ChangePasswordArgs }", "null"),
    (
        "registration_form",
        "{ target: RegistrationTarget }",
        "RegistrationForm",
    ),
    ("register", "{ request: RegistrationRequest }", "null"),
    ("join_room", "{ args: JoinRoomArgs }", "RoomSnapshot"),
    ("leave_room", "{ room: string }", "null"),
    ("send_room_message", "{ args: RoomTextArgs }", "ChatMessage"),
    ("set_room_subject", "{ args: RoomTextArgs }", "null"),
    ("change_room_nick", "{ args: RoomTextArgs }", "null"),
    ("rooms", "Record<string, never>", "Array<RoomSnapshot>"),
    ("bookmarks", "Record<string, never>", "Array<BookmarkView>"),
    ("set_bookmark", "{ bookmark: BookmarkInput }", "null"),
    ("remove_bookmark", "{ room: string }", "null"),
    ("moderate", "{ request: Moderation }", "null"),
    (
        "affiliation_list",
        "{ args: AffiliationListArgs }",
        "Array<AffiliationEntry>",
    ),
    ("room_config", "{ room: string }", "DataForm"),
    ("configure_room", "{ args: ConfigureRoomArgs }", "null"),
    ("destroy_room", "{ args: DestroyRoomArgs }", "null"),
    ("invite", "{ args: InviteArgs }", "null"),
    (
        "answer_invitation",
        "{ answer: InvitationAnswer }",
        "RoomSnapshot | null",
    ),
    ("list_rooms", "{ args: RoomListArgs }", "RoomPage"),
    ("notify", "{ args: NotifyArgs }", "null"),
    (
        "ui_probe_interval",
        "Record<string, never>",
        "number | null",
    ),
    ("ui_probe_report", "{ report: UiProbeReport }", "null"),
    (
        "answer_subscription",
        "{ answer: SubscriptionAnswer }",
        "null",
    ),
];

/// (event, TypeScript payload).
pub const EVENTS: &[(&str, &str)] = &[
    ("connection-state", "ConnectionState"),
    ("roster-changed", "Array<RosterItem>"),
    ("presence-changed", "Array<ContactPresence>"),
    ("messages-added", "Array<ChatMessage>"),
    ("conversation-activity", "Array<ConversationActivity>"),
    ("message-updated", "ChatMessage"),
    ("xml-console", "Array<ConsoleEntry>"),
    ("room-joined", "RoomSnapshot"),
    ("room-left", "RoomLeft"),
    ("occupants-changed", "Array<OccupantsChanged>"),
    ("room-subject", "RoomSubject"),
    ("room-problem", "RoomProblem"),
    ("room-invitation", "Invitation"),
    ("subscription-requests", "Array<string>"),
    ("bookmarks-changed", "Array<BookmarkView>"),
];

fn decl<T: TS>(cfg: &Config) -> String {
    format!("export {}\n", T::decl(cfg))
}

pub fn typescript() -> String {
    let cfg = Config::new();
    let mut out = String::from(
        "// Generated from the Rust types in src-tauri/ (cargo test regenerates and checks it). Do not edit.\n\n",
    );
    for d in [
        decl::<ErrorCode>(&cfg),
        decl::<InputField>(&cfg),
        decl::<CertificateFault>(&cfg),
        decl::<Problem>(&cfg),
        decl::<ConnectionState>(&cfg),
        decl::<PresenceShow>(&cfg),
        decl::<Subscription>(&cfg),
        decl::<RosterItem>(&cfg),
        decl::<ResourcePresence>(&cfg),
        decl::<ContactPresence>(&cfg),
        decl::<MessageDirection>(&cfg),
        decl::<MessageKind>(&cfg),
        decl::<DeliveryState>(&cfg),
        decl::<ChatMessage>(&cfg),
        decl::<ConversationActivity>(&cfg),
        decl::<HistoryCursor>(&cfg),
        decl::<HistoryPage>(&cfg),
        decl::<ConnectionSecurity>(&cfg),
        decl::<SaslPolicy>(&cfg),
        decl::<ProxyKind>(&cfg),
        decl::<ProxySettings>(&cfg),
        decl::<ConnectionSettings>(&cfg),
        decl::<StepKind>(&cfg),
        decl::<StepOutcome>(&cfg),
        decl::<StepFinding>(&cfg),
        decl::<ConnectionStep>(&cfg),
        decl::<ConnectionReport>(&cfg),
        decl::<LoginRequest>(&cfg),
        decl::<SavedLogin>(&cfg),
        decl::<SetPresenceArgs>(&cfg),
        decl::<SendMessageArgs>(&cfg),
        decl::<HistoryArgs>(&cfg),
        decl::<AddContactArgs>(&cfg),
        decl::<RosterSnapshot>(&cfg),
        decl::<CertificateInfo>(&cfg),
        decl::<FingerprintArgs>(&cfg),
        decl::<ConsoleDirection>(&cfg),
        decl::<ConsoleEntry>(&cfg),
        decl::<SendRawArgs>(&cfg),
        decl::<ChangePasswordArgs>(&cfg),
        decl::<FieldKind>(&cfg),
        decl::<RegistrationField>(&cfg),
        decl::<RegistrationForm>(&cfg),
        decl::<RegistrationTarget>(&cfg),
        decl::<RegistrationValue>(&cfg),
        decl::<RegistrationRequest>(&cfg),
        decl::<Role>(&cfg),
        decl::<Affiliation>(&cfg),
        decl::<Occupant>(&cfg),
        decl::<RoomSnapshot>(&cfg),
        decl::<OccupantsChanged>(&cfg),
        decl::<RoomLeft>(&cfg),
        decl::<RoomSubject>(&cfg),
        decl::<RoomProblem>(&cfg),
        decl::<JoinRoomArgs>(&cfg),
        decl::<RoomTextArgs>(&cfg),
        decl::<BookmarkView>(&cfg),
        decl::<BookmarkInput>(&cfg),
        decl::<Invitation>(&cfg),
        decl::<Moderation>(&cfg),
        decl::<AffiliationEntry>(&cfg),
        decl::<AffiliationListArgs>(&cfg),
        decl::<FormFieldKind>(&cfg),
        decl::<FormOption>(&cfg),
        decl::<FormField>(&cfg),
        decl::<DataForm>(&cfg),
        decl::<FormValue>(&cfg),
        decl::<ConfigureRoomArgs>(&cfg),
        decl::<DestroyRoomArgs>(&cfg),
        decl::<InviteArgs>(&cfg),
        decl::<InvitationAnswer>(&cfg),
        decl::<RoomListArgs>(&cfg),
        decl::<RoomListing>(&cfg),
        decl::<RoomPage>(&cfg),
        decl::<NotifyArgs>(&cfg),
        decl::<SubscriptionAnswer>(&cfg),
        decl::<UiProbeReport>(&cfg),
        decl::<IpcError>(&cfg),
    ] {
        out.push_str(&d);
        out.push('\n');
    }
    out.push_str(
        "/** Every command: its argument object and its result. */\nexport interface Commands {\n",
    );
    for (name, args, result) in COMMANDS {
        out.push_str(&format!(
            "  {name}: {{ args: {args}, result: {result} }};\n"
        ));
    }
    out.push_str("}\n\n/** Every event: its payload. */\nexport interface Events {\n");
    for (name, payload) in EVENTS {
        out.push_str(&format!("  \"{name}\": {payload};\n"));
    }
    out.push_str("}\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn committed_bindings_are_current() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("ui/src/bindings.ts");
        let fresh = typescript();
        if std::env::var_os("HEARTH_WRITE_BINDINGS").is_some() {
            std::fs::write(&path, &fresh).unwrap();
        }
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            committed == fresh,
            "ui/src/bindings.ts is stale: run `HEARTH_WRITE_BINDINGS=1 cargo test --lib ipc::contract`"
        );
    }
}
