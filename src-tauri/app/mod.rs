//! Composition root: the profile's store, the keychain and the account's
//! session. The IPC layer calls these methods; nothing here knows Tauri.

mod certificates;
mod connection_test;
mod demo;
pub mod heap_trim;
pub mod logging;
mod login;
mod registration;
mod rooms;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use tokio::sync::Mutex as AsyncMutex;

pub use connection_test::{ConnectionReport, ConnectionStep, StepFinding, StepKind, StepOutcome};
pub use demo::{pem_certificates, DemoProfile};
pub use login::{LoginRequest, SavedLogin};
pub use registration::{RegistrationRequest, RegistrationTarget, RegistrationValue};
pub use rooms::{InvitationAnswer, InviteArgs, Moderation, RoomListArgs};

use crate::connection::NameServers;
use crate::credentials::SecretStore;
use crate::error::{ErrorCode, HearthError, Problem, Result};
use crate::features::bookmark::BookmarkView;
use crate::features::rfc6121_presence::PresenceShow;
use crate::features::xep0085_chat_states::ChatState;
use crate::session::{
    BookmarkEdit, ConnectionState, EventSink, RoomSnapshot, RosterSnapshot, SessionHandle,
};
use crate::store::{ChatMessage, Database, HistoryCursor, HistoryPage, MessageVersion, Store};

/// A bookmark as the UI sends it.
#[derive(Debug, Clone, serde::Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct BookmarkInput {
    pub jid: String,
    pub name: Option<String>,
    pub nick: Option<String>,
    pub autojoin: bool,
    /// `null` = keep the stored password; "" = none.
    pub password: Option<String>,
}

pub struct App {
    db: Database,
    secrets: Arc<dyn SecretStore>,
    sink: Arc<dyn EventSink>,
    session: AsyncMutex<Option<SessionHandle>>,
    /// The last login, kept in memory only, so that "trust this certificate
    /// and connect" does not make the user type the password again.
    last_login: Mutex<Option<LoginRequest>>,
    /// The XML console is open (new sessions inherit it).
    console_open: std::sync::atomic::AtomicBool,
    demo: Option<DemoProfile>,
    /// DNS servers for SRV lookups (the system's unless set).
    name_servers: Mutex<NameServers>,
    /// XEP-0410: silence in a room before we check that we are still in it.
    room_quiet_before_ping: Mutex<std::time::Duration>,
}

/// The profile folder: `HEARTH_DATA_DIR`, else the OS data directory.
pub fn data_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("HEARTH_DATA_DIR") {
        return PathBuf::from(dir);
    }
    directories::ProjectDirs::from("org", "hearth", "Hearth")
        .map(|d| d.data_dir().to_path_buf())
        .unwrap_or_else(|| PathBuf::from(".hearth"))
}

impl App {
    pub fn open(
        dir: &Path,
        secrets: Arc<dyn SecretStore>,
        sink: Arc<dyn EventSink>,
        demo: Option<DemoProfile>,
    ) -> Result<Self> {
        let db = Database::open(&dir.join("hearth.sqlite3"))?;
        if let Some(demo) = &demo {
            let demo = demo.clone();
            db.write_blocking(move |store: &mut Store| demo.pin(store))?;
        }
        Ok(Self {
            db,
            secrets,
            sink,
            session: AsyncMutex::new(None),
            last_login: Mutex::new(None),
            console_open: std::sync::atomic::AtomicBool::new(false),
            demo,
            name_servers: Mutex::new(NameServers::System),
            room_quiet_before_ping: Mutex::new(
                crate::features::xep0410_self_ping::QUIET_BEFORE_PING,
            ),
        })
    }

    /// Ask these DNS servers, not the system's, for SRV records.
    pub fn use_name_servers(&self, servers: NameServers) {
        if let Ok(mut ns) = self.name_servers.lock() {
            *ns = servers;
        }
    }

    /// Sessions started from now on check quiet rooms after `quiet`
    /// instead of five minutes (tests).
    pub fn ping_rooms_after(&self, quiet: std::time::Duration) {
        if let Ok(mut q) = self.room_quiet_before_ping.lock() {
            *q = quiet;
        }
    }

    fn room_quiet_before_ping(&self) -> std::time::Duration {
        self.room_quiet_before_ping
            .lock()
            .map(|q| *q)
            .unwrap_or(crate::features::xep0410_self_ping::QUIET_BEFORE_PING)
    }

    fn name_servers(&self) -> NameServers {
        self.name_servers
            .lock()
            .map(|n| n.clone())
            .unwrap_or_default()
    }

    /// The profile's database (writes on its own thread, reads apart).
    pub fn database(&self) -> Database {
        self.db.clone()
    }

    pub(crate) async fn session(&self) -> Result<SessionHandle> {
        self.session
            .lock()
            .await
            .clone()
            .ok_or(HearthError::NotConnected)
    }

    pub async fn connection_state(&self) -> ConnectionState {
        match self.session.lock().await.as_ref() {
            Some(s) => s.state(),
            None => ConnectionState::Offline { reason: None },
        }
    }

    pub async fn roster_snapshot(&self) -> RosterSnapshot {
        match self.session().await {
            Ok(s) => s.roster().await,
            Err(_) => RosterSnapshot {
                items: vec![],
                presences: vec![],
                requests: Default::default(),
            },
        }
    }

    pub async fn answer_subscription(&self, jid: &str, accept: bool) -> Result<()> {
        self.session().await?.answer_subscription(jid, accept).await
    }

    pub async fn set_presence(&self, show: PresenceShow, status: Option<String>) -> Result<()> {
        self.session().await?.set_presence(show, status).await
    }

    pub async fn send_message(&self, to: &str, body: &str) -> Result<ChatMessage> {
        self.session().await?.send_message(to, body).await
    }

    /// Our reactions to message `row` (see `SessionHandle::react`).
    pub async fn react(&self, row: i64, emojis: Vec<String>) -> Result<()> {
        self.session().await?.react(row, emojis).await
    }

    /// A reply (see `SessionHandle::send_reply`).
    pub async fn send_reply(&self, to: &str, body: &str, answering: i64) -> Result<ChatMessage> {
        self.session().await?.send_reply(to, body, answering).await
    }

    /// The message a reply in `peer`'s conversation names by `id`, if held.
    pub async fn reply_target(&self, peer: &str, id: &str) -> Result<Option<ChatMessage>> {
        let account = self.session().await?.account().to_string();
        let (peer, id) = (peer.to_owned(), id.to_owned());
        self.db
            .read(move |s| s.reply_target(&account, &peer, &id))
            .await
    }

    /// The user's chat state with `peer` (see `SessionHandle::set_chat_state`).
    pub async fn set_chat_state(&self, peer: &str, state: ChatState) -> Result<()> {
        self.session().await?.set_chat_state(peer, state).await
    }

    /// Correct our message `row` (see `SessionHandle::correct_message`).
    pub async fn correct_message(&self, row: i64, body: &str) -> Result<()> {
        self.session().await?.correct_message(row, body).await
    }

    /// Retract our message `row` (see `SessionHandle::retract_message`).
    pub async fn retract_message(&self, row: i64) -> Result<()> {
        self.session().await?.retract_message(row).await
    }

    /// As a moderator, remove room message `row` for everyone (see
    /// `SessionHandle::moderate_message`).
    pub async fn moderate_message(&self, row: i64, reason: Option<String>) -> Result<()> {
        self.session().await?.moderate_message(row, reason).await
    }

    /// The texts our copy of message `row` had before its corrections.
    pub async fn message_versions(&self, row: i64) -> Result<Vec<MessageVersion>> {
        self.db.read(move |s| s.message_versions(row)).await
    }

    /// The user has seen the conversation with `peer` (see
    /// `SessionHandle::mark_displayed`).
    pub async fn mark_displayed(&self, peer: &str) -> Result<bool> {
        self.session().await?.mark_displayed(peer).await
    }

    pub async fn set_console_open(&self, open: bool) {
        self.console_open
            .store(open, std::sync::atomic::Ordering::Relaxed);
        if let Some(s) = self.session.lock().await.as_ref() {
            s.set_console_open(open);
        }
    }

    pub async fn join_room(
        &self,
        room: &str,
        nick: &str,
        password: Option<String>,
    ) -> Result<RoomSnapshot> {
        self.session().await?.join_room(room, nick, password).await
    }

    pub async fn leave_room(&self, room: &str) -> Result<()> {
        self.session().await?.leave_room(room).await
    }

    pub async fn send_room_message(&self, room: &str, body: &str) -> Result<ChatMessage> {
        self.session().await?.send_room_message(room, body).await
    }

    pub async fn set_room_subject(&self, room: &str, subject: &str) -> Result<()> {
        self.session().await?.set_room_subject(room, subject).await
    }

    pub async fn change_room_nick(&self, room: &str, nick: &str) -> Result<()> {
        self.session().await?.change_room_nick(room, nick).await
    }

    pub async fn rooms(&self) -> Vec<RoomSnapshot> {
        match self.session().await {
            Ok(s) => s.rooms().await,
            Err(_) => vec![],
        }
    }

    pub async fn bookmarks(&self) -> Vec<BookmarkView> {
        match self.session().await {
            Ok(s) => s.bookmarks().await,
            Err(_) => vec![],
        }
    }

    /// Add or change a bookmark. `password: None` keeps the stored one.
    pub async fn set_bookmark(&self, b: BookmarkInput) -> Result<()> {
        let jid = crate::session::parse_room(&b.jid)?;
        let clean = |s: Option<String>| s.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty());
        self.session()
            .await?
            .set_bookmark(BookmarkEdit {
                jid,
                name: clean(b.name),
                nick: clean(b.nick),
                autojoin: b.autojoin,
                password: b.password,
            })
            .await
    }

    pub async fn remove_bookmark(&self, room: &str) -> Result<()> {
        self.session().await?.remove_bookmark(room).await
    }

    /// Send a stanza typed in the XML console. Refused while the console is
    /// closed: whatever else in the page might call this (a bug, injected
    /// script) cannot put arbitrary XML on the stream unseen.
    pub async fn send_raw(&self, xml: &str) -> Result<()> {
        if !self.console_open.load(std::sync::atomic::Ordering::Relaxed) {
            return Err(Problem::of(ErrorCode::ConsoleClosed).into());
        }
        self.session().await?.send_raw(xml).await
    }

    pub async fn add_contact(
        &self,
        jid: &str,
        name: Option<String>,
        groups: Vec<String>,
        share: bool,
    ) -> Result<()> {
        self.session()
            .await?
            .add_contact(jid, name, groups, share)
            .await
    }

    pub async fn update_contact(
        &self,
        jid: &str,
        name: Option<String>,
        groups: Vec<String>,
    ) -> Result<()> {
        self.session()
            .await?
            .update_contact(jid, name, groups)
            .await
    }

    pub async fn regroup(&self, from: &str, to: &str) -> Result<()> {
        self.session().await?.regroup(from, to).await
    }

    pub async fn remove_contact(&self, jid: &str) -> Result<()> {
        self.session().await?.remove_contact(jid).await
    }

    pub async fn ask_presence(&self, jid: &str, ask: bool) -> Result<()> {
        self.session().await?.ask_presence(jid, ask).await
    }

    pub async fn history_after(
        &self,
        peer: &str,
        after: HistoryCursor,
        limit: u32,
    ) -> Result<HistoryPage> {
        self.read_page(peer, move |s, account, peer| {
            s.history_after(account, peer, after, limit)
        })
        .await
    }

    pub async fn history_page(
        &self,
        peer: &str,
        before: Option<HistoryCursor>,
        limit: u32,
    ) -> Result<HistoryPage> {
        self.read_page(peer, move |s, account, peer| {
            s.history_page(account, peer, before, limit)
        })
        .await
    }

    /// A page of the conversation with `peer` that `query` reads (on the
    /// read-only connection), with the messages that mention us marked.
    async fn read_page(
        &self,
        peer: &str,
        query: impl FnOnce(&Store, &str, &str) -> Result<HistoryPage> + Send + 'static,
    ) -> Result<HistoryPage> {
        let session = self.session().await?;
        let account = session.account().to_string();
        let mut page = self
            .db
            .read({
                let peer = peer.to_owned();
                move |s| query(s, &account, &peer)
            })
            .await?;
        session.mark_mentions(peer, &mut page.messages).await;
        Ok(page)
    }

    /// Stored messages whose text matches `query`, newest first, in the
    /// conversation with `peer` or in all of them (`store/search.rs`).
    pub async fn search_messages(
        &self,
        query: &str,
        peer: Option<String>,
        limit: u32,
    ) -> Result<Vec<ChatMessage>> {
        let session = self.session().await?;
        let account = session.account().to_string();
        let query = query.to_owned();
        self.db
            .read(move |s| s.search_messages(&account, &query, peer.as_deref(), limit))
            .await
    }

    /// What a search result opens: a few messages before `at`, and `at`
    /// with everything after it, so the conversation holds no gap.
    pub async fn history_through(
        &self,
        peer: &str,
        at: HistoryCursor,
        before: u32,
    ) -> Result<HistoryPage> {
        self.read_page(peer, move |s, account, peer| {
            s.history_through(account, peer, at, before)
        })
        .await
    }

    /// Scrolling back past what is stored: the page before it from the
    /// server's archive, stored, with whether the archive has anything
    /// older (`complete`: the start of history).
    pub async fn fetch_older(&self, peer: &str) -> Result<HistoryPage> {
        let session = self.session().await?;
        let mut page = session.fetch_older(peer).await?;
        session.mark_mentions(peer, &mut page.messages).await;
        Ok(page)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::credentials::MemorySecrets;
    use crate::error::ErrorCode;

    #[tokio::test]
    async fn raw_xml_is_sent_only_while_the_console_is_open() {
        let dir = tempfile::tempdir().unwrap();
        let (events, _) = tokio::sync::mpsc::unbounded_channel();
        let app = App::open(
            dir.path(),
            Arc::new(MemorySecrets::default()),
            Arc::new(events),
            None,
        )
        .unwrap();
        let stanza = "<message to='bob@example.com'><body>hi</body></message>";
        let code = |r: Result<()>| r.unwrap_err().code();

        assert_eq!(code(app.send_raw(stanza).await), ErrorCode::ConsoleClosed);
        // Open, the stanza goes to the session (here: none yet).
        app.set_console_open(true).await;
        assert_eq!(code(app.send_raw(stanza).await), ErrorCode::NotConnected);
        app.set_console_open(false).await;
        assert_eq!(code(app.send_raw(stanza).await), ErrorCode::ConsoleClosed);
    }
}
