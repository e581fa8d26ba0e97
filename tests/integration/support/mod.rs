//! Shared test support: real servers (Prosody, ejabberd) and Hearth clients
//! driven through the same `App` API the window uses.
#![allow(dead_code)]

pub mod bench;
pub mod component;
pub mod dns;
pub mod ejabberd;
pub mod own_process;
pub mod pki;
pub mod prosody;
pub mod proxies;
pub mod relay;
pub mod server;

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use std::time::Duration;

use hearth::app::{App, LoginRequest};
use hearth::connection::ConnectionSettings;
use hearth::credentials::{MemorySecrets, SecretStore};
use hearth::session::{ConnectionState, Invitation, RoomLeft, SessionEvent};
use hearth::store::{ChatMessage, MessageDirection};
use tokio::sync::mpsc;

#[allow(unused_imports)] // the benchmarks use a subset
pub use server::{jid, password, Kind, Options, Server};

/// Generous bound for anything over loopback; tests wait *up to* this.
pub const WAIT: Duration = Duration::from_secs(20);

impl Server {
    /// A server with `users`, each logged in with a fresh profile, in the
    /// order given.
    pub async fn with_online<const N: usize>(kind: Kind, users: [&str; N]) -> (Self, [Client; N]) {
        let server = Self::start_on(kind, &users);
        let mut clients = Vec::with_capacity(N);
        for user in users {
            let mut client = Client::new(&server, user);
            client.login(&server).await;
            clients.push(client);
        }
        let Ok(clients) = clients.try_into() else {
            unreachable!("one client per user")
        };
        (server, clients)
    }
}

pub struct Client {
    pub app: Arc<App>,
    pub jid: String,
    pub dir: tempfile::TempDir,
    events: mpsc::UnboundedReceiver<SessionEvent>,
    /// Everything seen so far, in order.
    pub seen: Vec<SessionEvent>,
}

impl Client {
    /// A Hearth profile for `user` that trusts the test server's certificate.
    pub fn new(server: &Server, user: &str) -> Self {
        Self::with_secrets(server, user, Arc::new(MemorySecrets::default()))
    }

    pub fn with_secrets(server: &Server, user: &str, secrets: Arc<dyn SecretStore>) -> Self {
        let dir = tempfile::tempdir().unwrap();
        Self::in_dir(server, user, secrets, dir)
    }

    /// A profile that trusts nothing but the OS roots.
    pub fn untrusting(server: &Server, user: &str) -> Self {
        let client = Self::new(server, user);
        let pinned = hearth::connection::fingerprint(&server.certificate_der());
        // The store thread answers whatever runs the future.
        futures::executor::block_on(client.app.forget_certificate(&client.jid, &pinned)).unwrap();
        client
    }

    pub fn in_dir(
        server: &Server,
        user: &str,
        secrets: Arc<dyn SecretStore>,
        dir: tempfile::TempDir,
    ) -> Self {
        let client = Self::open(&server.jid(user), secrets, dir);
        futures::executor::block_on(
            client
                .app
                .pin_certificate(&client.jid, &server.certificate_der()),
        )
        .unwrap();
        client
    }

    /// A fresh profile for `jid` that trusts nothing of its own, for
    /// servers a test fakes.
    pub fn for_account(jid: &str) -> Self {
        Self::open(
            jid,
            Arc::new(MemorySecrets::default()),
            tempfile::tempdir().unwrap(),
        )
    }

    fn open(jid: &str, secrets: Arc<dyn SecretStore>, dir: tempfile::TempDir) -> Self {
        // RUST_LOG=hearth=debug shows the core's log under the test.
        let _ = env_logger::builder().is_test(true).try_init();
        let (tx, rx) = mpsc::unbounded_channel();
        let app = App::open(dir.path(), secrets, Arc::new(tx), None).unwrap();
        Self {
            app: Arc::new(app),
            jid: jid.to_owned(),
            dir,
            events: rx,
            seen: vec![],
        }
    }

    pub fn request(&self, server: &Server, password: &str) -> LoginRequest {
        LoginRequest {
            connection: Some(ConnectionSettings {
                host: Some("127.0.0.1".into()),
                port: Some(server.port),
                ..Default::default()
            }),
            ..LoginRequest::new(&self.jid, password)
        }
    }

    pub async fn login(&mut self, server: &Server) {
        let user = self.jid.split('@').next().unwrap().to_owned();
        self.app
            .login(self.request(server, &password(&user)))
            .await
            .unwrap();
        self.wait_state(|s| s.is_online()).await;
    }

    /// Every event this client has had so far, for a failure message.
    pub fn story(&mut self) -> String {
        while let Ok(ev) = self.events.try_recv() {
            self.seen.push(ev);
        }
        format!("{:#?}", self.seen)
    }

    /// Wait for an event matching `pred` (events before it are kept in `seen`).
    pub async fn wait_event<T>(&mut self, mut pred: impl FnMut(&SessionEvent) -> Option<T>) -> T {
        let deadline = tokio::time::Instant::now() + WAIT;
        loop {
            let ev = tokio::time::timeout_at(deadline, self.events.recv())
                .await
                .unwrap_or_else(|_| panic!("timed out; events seen: {:#?}", self.seen))
                .expect("event channel closed");
            let hit = pred(&ev);
            self.seen.push(ev);
            if let Some(t) = hit {
                return t;
            }
        }
    }

    /// Like `wait_event`, but also satisfied by an event already seen.
    pub async fn seen_or_wait<T>(&mut self, mut pred: impl FnMut(&SessionEvent) -> Option<T>) -> T {
        if let Some(t) = self.seen.iter().find_map(&mut pred) {
            return t;
        }
        self.wait_event(pred).await
    }

    pub async fn wait_state(&mut self, pred: impl Fn(&ConnectionState) -> bool) -> ConnectionState {
        self.wait_event(|e| match e {
            SessionEvent::State(s) if pred(s) => Some(s.clone()),
            _ => None,
        })
        .await
    }

    /// Wait until the session stops with a reason, and return it.
    pub async fn wait_offline_reason(&mut self) -> hearth::error::Problem {
        match self
            .wait_state(|s| matches!(s, ConnectionState::Offline { reason: Some(_) }))
            .await
        {
            ConnectionState::Offline { reason: Some(r) } => r,
            other => panic!("unexpected state {other:?}"),
        }
    }

    /// The XML console lines seen so far, going `direction` (both when
    /// `None`), in order.
    pub fn console_lines(
        &self,
        direction: Option<hearth::connection::ConsoleDirection>,
    ) -> Vec<&str> {
        self.seen
            .iter()
            .filter_map(|e| match e {
                SessionEvent::Console(lines) => Some(lines),
                _ => None,
            })
            .flatten()
            .filter(|l| direction.is_none_or(|d| l.direction == d))
            .map(|l| l.xml.as_str())
            .collect()
    }

    /// The incoming message with `body`, already seen or yet to come.
    pub async fn received(&mut self, body: &str) -> ChatMessage {
        self.seen_or_wait(|e| match e {
            SessionEvent::MessagesAdded { messages, .. } => messages
                .iter()
                .find(|m| m.body == body && m.direction == MessageDirection::In)
                .cloned(),
            _ => None,
        })
        .await
    }

    /// Wait until `n` incoming messages have been announced in all.
    pub async fn count_incoming(&mut self, n: usize) {
        let incoming = |e: &SessionEvent| match e {
            SessionEvent::MessagesAdded { messages, .. } => messages
                .iter()
                .filter(|m| m.direction == MessageDirection::In)
                .count(),
            _ => 0,
        };
        let mut received: usize = self.seen.iter().map(incoming).sum();
        if received >= n {
            return;
        }
        self.wait_event(|e| {
            received += incoming(e);
            (received >= n).then_some(())
        })
        .await;
    }

    /// Wait for a presence update that shows `jid` available (`true`, with
    /// at least one resource) or gone (`false`).
    pub async fn wait_presence(&mut self, jid: &str, available: bool) {
        self.wait_event(|e| match e {
            SessionEvent::Presence(list)
                if list
                    .iter()
                    .any(|c| c.jid == jid && c.resources.is_empty() != available) =>
            {
                Some(())
            }
            _ => None,
        })
        .await
    }

    /// The next invitation to a room.
    pub async fn wait_invitation(&mut self) -> Invitation {
        self.wait_event(|e| match e {
            SessionEvent::Invitation(i) => Some(i.clone()),
            _ => None,
        })
        .await
    }

    /// Wait until we are out of `room`, and say why.
    pub async fn wait_left(&mut self, room: &str) -> RoomLeft {
        self.wait_event(|e| match e {
            SessionEvent::RoomLeft(l) if l.room == room => Some(l.clone()),
            _ => None,
        })
        .await
    }

    /// Send raw XML as "another client" would, and return the incoming
    /// stanza (as the XML console shows it) that contains `needle`, e.g.
    /// "id='r1'" for the answer to an IQ (the console must be open:
    /// `app.set_console_open(true)`).
    pub async fn raw_exchange(&mut self, xml: &str, needle: &str) -> String {
        self.app.send_raw(xml).await.unwrap();
        let chunk = self
            .wait_event(|e| match e {
                SessionEvent::Console(lines) => lines
                    .iter()
                    .find(|l| {
                        l.direction == hearth::connection::ConsoleDirection::In
                            && l.xml.contains(needle)
                    })
                    .map(|l| l.xml.clone()),
                _ => None,
            })
            .await;
        // A console line may hold several stanzas: keep the one asked for.
        let at = chunk.find(needle).unwrap_or(0);
        let start = chunk[..at].rfind('<').unwrap_or(0);
        let name: String = chunk[start + 1..]
            .chars()
            .take_while(|c| c.is_alphanumeric())
            .collect();
        let close = format!("</{name}>");
        let end = match (chunk[at..].find(&close), chunk[at..].find("/>")) {
            (Some(c), Some(e)) if e < c && !chunk[at..at + e].contains('>') => at + e + 2,
            (Some(c), _) => at + c + close.len(),
            (None, Some(e)) => at + e + 2,
            (None, None) => chunk.len(),
        };
        chunk[start..end].to_owned()
    }

    /// The events of the time in which a reconnect would have begun: the
    /// first backoff delay is at most 1.25 s (1 s ± 25 %). A session that
    /// stopped for good shows nothing here.
    pub async fn events_while_a_retry_would_come(&mut self) -> Vec<SessionEvent> {
        self.events_during(Duration::from_millis(1500)).await
    }

    /// Returns once this session has handled everything `from` sent it
    /// before the call: `from` sends a message to this session's full JID,
    /// and it is announced here. A server relays one sender's stanzas to a
    /// session in the order sent, and the session handles and announces
    /// them in that order, so the effect of anything earlier (an event, a
    /// changed list) is there by now. A test that something did NOT happen
    /// checks right after this, instead of waiting for a guessed time.
    pub async fn handled_from(&mut self, from: &Client) {
        static BARRIERS: AtomicU32 = AtomicU32::new(0);
        let body = format!("barrier {}", BARRIERS.fetch_add(1, Ordering::Relaxed));
        let ConnectionState::Online { jid: full, .. } = self.app.connection_state().await else {
            panic!("{} is not online", self.jid)
        };
        from.app.send_message(&full, &body).await.unwrap();
        self.received(&body).await;
    }

    /// Collect events for `d` (used to show that something does NOT happen).
    pub async fn events_during(&mut self, d: Duration) -> Vec<SessionEvent> {
        let deadline = tokio::time::Instant::now() + d;
        let mut out = vec![];
        while let Ok(Some(ev)) = tokio::time::timeout_at(deadline, self.events.recv()).await {
            self.seen.push(ev.clone());
            out.push(ev);
        }
        out
    }
}

/// The connection settings a test request carries.
pub fn settings(request: &mut LoginRequest) -> &mut ConnectionSettings {
    request
        .connection
        .get_or_insert_with(ConnectionSettings::default)
}

/// Runs the test `async fn $name(kind: Kind)` once on each server, as
/// `$name::prosody` and `$name::ejabberd` (a module and a function may
/// share a name).
#[macro_export]
macro_rules! on_both_servers {
    ($($name:ident),+ $(,)?) => {$(
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn prosody() {
                super::$name($crate::support::Kind::Prosody).await
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn ejabberd() {
                super::$name($crate::support::Kind::Ejabberd).await
            }
        }
    )+};
}
