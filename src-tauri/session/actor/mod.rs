//! The session actor: owns the `StanzaStream`, the roster and presence
//! books and the IQ tracker; writes history through the store.
//!
//! Invariants:
//! - Only this task touches the stream.
//! - Incoming messages are stored in batches (everything already waiting
//!   on the stream, up to `BATCH`), then announced in one event.
//! - Every outgoing message is stored before it is handed to the stream,
//!   and its delivery state follows the stream's token: a message that was
//!   never acknowledged is marked failed, never silently forgotten.

use std::sync::Arc;
use std::time::{Duration, Instant};

use futures::{FutureExt, StreamExt};
use tokio::sync::{mpsc, oneshot, watch};
use tokio_xmpp::jid::{BareJid, Jid};
use tokio_xmpp::stanzastream::{Connection, StanzaStream};
use tokio_xmpp::xmlstream::Timeouts;
use tokio_xmpp::Stanza;

mod account;
mod amendments;
mod announce;
mod bookmark_state;
mod bookmarks;
mod chat_states;
mod commands;
mod config;
mod contacts;
mod conversation;
mod inbound;
mod intake;
mod lifecycle;
mod markers;
mod moderation;
mod older;
mod outbox;
mod pep_bookmarks;
mod reactions;
mod receipts;
mod registration;
mod replies;
mod resumption;
mod room_sync;
mod rooms;
mod sync;
#[cfg(test)]
mod tests;

use crate::connection::link::{reconnector, LinkConfig, LinkStatus};
use crate::connection::{Connector, Console, ConsoleEntry, TrustVerifier};
use crate::error::{Problem, Result};
use crate::features::rfc6121_presence::{self, ContactPresence, PresenceBook, PresenceShow};
use crate::features::rfc6121_roster::RosterBook;
use crate::session::command::Command;
use crate::session::event::EventSink;
use crate::session::event::SessionEvent;
use crate::session::handle::SessionHandle;
use crate::session::iq_tracker::{IqAnswer, IqTracker};
use crate::session::recent_ids::RecentIds;
use crate::session::room_book::RoomBook;
use crate::session::state::ConnectionState;
use crate::store::{Database, NewMessage};
pub use config::SessionConfig;
pub(crate) use moderation::ModerationTarget;

/// Most incoming stanzas handled before the batch is written and announced.
const BATCH: usize = 500;
/// The shortest time between two writes-and-announcements of incoming
/// messages and presences. A message after a quiet period goes out at once;
/// during a flood, what arrives is written in one transaction and shown in
/// one UI update per interval instead of one per stanza.
const COALESCE: Duration = Duration::from_millis(100);
const IQ_TIMEOUT: Duration = Duration::from_secs(30);

/// Results that come back to the actor from helper tasks.
pub(super) enum Internal {
    RosterLoaded(IqAnswer),
    /// An outgoing message is stored: send it now.
    OutgoingStored {
        stanza: Box<tokio_xmpp::parsers::message::Message>,
        stored: Result<crate::store::ChatMessage>,
        reply: oneshot::Sender<Result<crate::store::ChatMessage>>,
    },
    /// A join that is still unanswered now fails.
    JoinDeadline(BareJid),
    /// The instant configuration of a room we created was answered.
    RoomUnlocked(BareJid, Result<()>),
    /// What our account supports (decides where bookmarks live).
    BookmarkDisco(IqAnswer),
    BookmarksFetched(bookmark_state::Source, IqAnswer),
    /// The answer to a XEP-0402 publish.
    PepPublished(bookmark_state::PepPublish, IqAnswer),
    /// The answer to creating or configuring the XEP-0402 node.
    PepConfigured(bookmark_state::ConfigStep, IqAnswer),
    /// The answer to a XEP-0410 self-ping in a room.
    SelfPing(BareJid, IqAnswer),
    /// Accepting failed: the invitation stays answerable.
    KeepInvitation(String, crate::features::xep0045_muc_invite::Invite),
    /// A stanza decided on where the actor cannot wait for the stream
    /// (an answer to a receipt request).
    Send(Box<Stanza>),
    /// Messages an earlier run left queued, to send now.
    Outbox(Vec<crate::store::Queued>),
    /// A step before history catch-up was answered.
    Sync(sync::SyncStep, u64, IqAnswer),
    /// Where the account's archive was last read (none: a new profile).
    SyncFrom(u64, Option<crate::store::SyncPoint>),
    /// The end of one page of an archive query.
    ArchivePage {
        queryid: String,
        answer: IqAnswer,
    },
    /// A room's disco#info, which its join waits for.
    RoomDisco {
        room: BareJid,
        serial: u64,
        answer: IqAnswer,
    },
    /// Where a room we entered was last read.
    RoomSyncFrom(room_sync::RoomStart),
    /// Scrolling back: the store said where the conversation's archive
    /// ids end.
    OlderFrom(older::OlderRequest),
}

/// What gives the stream a new connection whenever it needs one.
type Reconnect = Box<dyn FnMut(Option<std::io::Error>, oneshot::Sender<Connection>) + Send>;

pub fn start(cfg: SessionConfig, db: Database, sink: Arc<dyn EventSink>) -> SessionHandle {
    start_on(cfg, db, sink, None)
}

/// `start`, with `connect` in place of the network when given (the unit
/// tests feed the actor a scripted server this way).
fn start_on(
    cfg: SessionConfig,
    db: Database,
    sink: Arc<dyn EventSink>,
    connect: Option<Reconnect>,
) -> SessionHandle {
    let (cmd_tx, cmd_rx) = mpsc::channel(64);
    let (state_tx, state_rx) = watch::channel(ConnectionState::Connecting);
    let account = cfg.jid.clone();
    let full: Jid = cfg
        .jid
        .with_resource_str(&cfg.resource)
        .map(Jid::from)
        .unwrap_or_else(|_| Jid::from(cfg.jid.clone()));
    let trust = TrustVerifier::new(cfg.pinned.clone());
    let handle_trust = trust.clone();
    let (console, console_rx) = Console::new();
    let link = Arc::new(LinkConfig {
        jid: full,
        password: std::sync::Mutex::new(cfg.password),
        connector: Connector::new(cfg.address, trust, console.clone()),
        timeouts: Timeouts {
            read_timeout: cfg.response_timeout * 3,
            response_timeout: cfg.response_timeout,
        },
        retry_first_attempt: cfg.retry_first_attempt,
        sasl: cfg.sasl,
    });
    let (link_tx, link_rx) = mpsc::unbounded_channel();
    let connect = connect.unwrap_or_else(|| reconnector(link.clone(), link_tx));
    let (internal_tx, internal_rx) = mpsc::unbounded_channel();
    let mut actor = Actor {
        priority: cfg.priority,
        link,
        own: cfg.jid,
        bound: None,
        stream: None,
        resumption: Default::default(),
        db,
        sink,
        state: state_tx,
        tracker: IqTracker::new(account.clone()),
        roster: RosterBook::default(),
        presence: PresenceBook::default(),
        own_show: PresenceShow::Available,
        own_status: None,
        batch: Vec::new(),
        amendments: Vec::new(),
        chat_states: Default::default(),
        recent: RecentIds::default(),
        archive_queries: Default::default(),
        sync: sync::Sync::new(cfg.new_device_history),
        room_sync: Default::default(),
        older: Default::default(),
        markable: Default::default(),
        sync_marks: Vec::new(),
        arrival: Default::default(),
        outbox_up_to: None,
        presence_batch: Vec::new(),
        rooms: RoomBook::default(),
        room_quiet_before_ping: cfg.room_quiet_before_ping,
        bookmarks: Default::default(),
        invitations: Default::default(),
        requests: Default::default(),
        requests_changed: false,
        preapproved: Default::default(),
        lost_reason: None,
        stopped: None,
        internal: internal_tx,
    };
    tokio::spawn(async move {
        // A stream an earlier run left (it crashed) is resumed first.
        let (resumption, saved) = resumption::Resumption::load(&actor.db, actor.own.as_str()).await;
        let gate = resumption.gate();
        actor.resumption = resumption;
        actor.stream = Some(StanzaStream::durable(connect, 256, gate, saved));
        actor.run(cmd_rx, link_rx, internal_rx, console_rx).await
    });
    SessionHandle {
        account,
        commands: cmd_tx,
        state: state_rx,
        trust: handle_trust,
        console,
    }
}

struct Actor {
    priority: i8,
    link: Arc<LinkConfig>,
    own: BareJid,
    bound: Option<Jid>,
    stream: Option<StanzaStream>,
    /// The stream's state on disk, for resuming it after a crash.
    resumption: resumption::Resumption,
    db: Database,
    sink: Arc<dyn EventSink>,
    state: watch::Sender<ConnectionState>,
    tracker: IqTracker,
    roster: RosterBook,
    presence: PresenceBook,
    own_show: PresenceShow,
    own_status: Option<String>,
    batch: Vec<NewMessage>,
    /// Corrections and retractions, written after the batch
    /// (`amendments.rs`).
    amendments: Vec<crate::store::Amendment>,
    /// Who speaks chat states, and what we last told each conversation.
    chat_states: chat_states::ChatStates,
    /// The deduplication stage's memory.
    recent: RecentIds,
    /// Archive queries running (XEP-0313 `queryid` → the archive asked):
    /// results are believed only for these.
    archive_queries: std::collections::HashMap<String, BareJid>,
    sync: sync::Sync,
    room_sync: room_sync::RoomSync,
    /// Pages read backward, and the scroll-back requests waiting for them.
    older: older::Older,
    /// The newest incoming message of each conversation that asked for a
    /// displayed marker (XEP-0333).
    markable: markers::Markable,
    /// How far archives have been read, written with the next batch.
    sync_marks: Vec<crate::store::SyncPoint>,
    /// Keeps what the stream delivers in the order it came.
    arrival: crate::session::arrival::ArrivalOrder,
    /// The newest row before this actor stored anything, until the outbox
    /// is released.
    outbox_up_to: Option<i64>,
    presence_batch: Vec<ContactPresence>,
    rooms: RoomBook,
    room_quiet_before_ping: Duration,
    bookmarks: bookmark_state::Bookmarks,
    invitations: std::collections::HashMap<String, crate::features::xep0045_muc_invite::Invite>,
    /// Subscription requests from people not in the roster, unanswered.
    requests: crate::session::requests::Requests,
    /// The requests changed since the UI was last told (a burst of them is
    /// one event, not one list per request).
    requests_changed: bool,
    /// Contacts the user added choosing to share presence with them this
    /// run: their request to see it is approved without asking.
    preapproved: std::collections::HashSet<String>,
    /// Why the link was last lost (for the "reconnecting" banner).
    lost_reason: Option<Problem>,
    /// Set when the reconnector gave up for good.
    stopped: Option<Problem>,
    internal: mpsc::UnboundedSender<Internal>,
}

impl Actor {
    async fn run(
        mut self,
        mut commands: mpsc::Receiver<Command>,
        mut link: mpsc::UnboundedReceiver<LinkStatus>,
        mut internal: mpsc::UnboundedReceiver<Internal>,
        mut console: mpsc::Receiver<ConsoleEntry>,
    ) {
        let mut tick = tokio::time::interval(Duration::from_secs(1));
        let mut logout_reply = None;
        let mut flush_at: Option<tokio::time::Instant> = None;
        let mut last_flush = tokio::time::Instant::now();
        // The watch starts at Connecting; the UI still needs to hear it.
        self.sink
            .emit(SessionEvent::State(ConnectionState::Connecting));
        self.mark_outbox().await;
        while let Some(stream) = self.stream.as_mut() {
            tokio::select! {
                ev = stream.next() => match ev {
                    Some(ev) => {
                        // Reports made before this event first: no stale "connecting".
                        while let Ok(status) = link.try_recv() {
                            self.on_link(status);
                        }
                        self.on_event(ev).await;
                        // Take everything else that is already waiting, so a
                        // flood is written in few transactions.
                        for _ in 0..BATCH {
                            let Some(stream) = self.stream.as_mut() else { break };
                            match stream.next().now_or_never() {
                                Some(Some(ev)) => self.on_event(ev).await,
                                _ => break,
                            }
                        }
                    }
                    None => break,
                },
                Some(status) = link.recv() => self.on_link(status),
                Some(cmd) = commands.recv() => {
                    if let Command::Logout { reply } = cmd {
                        logout_reply = Some(reply);
                        break;
                    }
                    self.on_command(cmd).await;
                }
                Some(msg) = internal.recv() => self.on_internal(msg).await,
                Some(first) = console.recv() => {
                    let mut lines = vec![first];
                    while let Ok(more) = console.try_recv() {
                        lines.push(more);
                    }
                    self.sink.emit(SessionEvent::Console(lines));
                }
                _ = tick.tick() => {
                    self.tracker.expire(Instant::now());
                    if self.state.borrow().is_online() {
                        self.ping_quiet_rooms().await;
                    }
                }
                _ = sleep_until_some(flush_at) => {
                    flush_at = None;
                    last_flush = tokio::time::Instant::now();
                    self.flush();
                }
            }
            if self.batch.len() >= BATCH || self.resumption.is_pressing() {
                flush_at = None;
                last_flush = tokio::time::Instant::now();
                self.flush();
            } else if flush_at.is_none()
                && (!self.batch.is_empty()
                    || !self.amendments.is_empty()
                    || !self.sync_marks.is_empty()
                    || !self.presence_batch.is_empty()
                    || self.requests_changed
                    || self.resumption.is_dirty()
                    || self.rooms.has_changes())
            {
                flush_at = Some(tokio::time::Instant::now().max(last_flush + COALESCE));
            }
        }
        self.flush();
        let was_logout = logout_reply.is_some();
        if let Some(stream) = self.stream.take() {
            if was_logout && self.state.borrow().is_online() {
                let bye = rfc6121_presence::own(PresenceShow::Offline, None, 0, None);
                let _ = stream.send(Box::new(Stanza::Presence(bye))).await;
            }
            let _ = tokio::time::timeout(Duration::from_secs(5), stream.close()).await;
        }
        // Closed by us or lost for good: nothing to resume next time. And
        // before anyone hears that we stopped, so that a new session of
        // this profile may take the lock at once.
        self.resumption.forget(&self.db, self.own.as_str());
        self.resumption.release();
        // Drain status reports sent while the stream ended.
        while let Ok(status) = link.try_recv() {
            self.on_link(status);
        }
        self.tracker.fail_all();
        let gone = self.presence.clear();
        if !gone.is_empty() {
            self.sink.emit(SessionEvent::Presence(gone));
        }
        let reason = if was_logout {
            None
        } else {
            self.stopped.clone().or(self.lost_reason.clone())
        };
        self.set_state(ConnectionState::Offline { reason });
        // Messages stored but not yet handed over are answered (failed).
        while let Ok(msg) = internal.try_recv() {
            self.on_internal(msg).await;
        }
        if let Some(reply) = logout_reply {
            let _ = reply.send(());
        }
    }

    async fn send(&mut self, stanza: Stanza) -> Option<tokio_xmpp::stanzastream::StanzaToken> {
        let stream = self.stream.as_ref()?;
        Some(stream.send(Box::new(stanza)).await)
    }

    async fn on_internal(&mut self, msg: Internal) {
        match msg {
            Internal::RosterLoaded(Ok(Some(payload))) => match self.roster.load(payload) {
                Ok(()) => self.sink.emit(SessionEvent::Roster(self.roster.items())),
                Err(e) => log::warn!("unreadable roster: {e}"),
            },
            Internal::RosterLoaded(Ok(None)) => {
                self.roster.not_loaded();
                self.sink.emit(SessionEvent::Roster(self.roster.items()))
            }
            Internal::RosterLoaded(Err(e)) => {
                self.roster.not_loaded();
                log::warn!("roster request failed: {e}")
            }
            Internal::OutgoingStored {
                stanza,
                stored,
                reply,
            } => self.sent_after_storing(*stanza, stored, reply).await,
            Internal::JoinDeadline(room) => self.rooms.join_timed_out(&room),
            Internal::RoomUnlocked(room, result) => {
                if let Err(e) = &result {
                    log::warn!("the new room could not be unlocked: {e}");
                }
                let unlocked = result.is_ok();
                self.rooms.unlocked(&room, result);
                // It did not exist when it was asked before the join.
                if unlocked && self.room_sync.offers(&room).is_none() {
                    self.ask_room_disco(room).await;
                }
            }
            Internal::BookmarkDisco(answer) => self.on_bookmark_disco(answer).await,
            Internal::PepPublished(publish, answer) => self.on_pep_published(publish, answer).await,
            Internal::PepConfigured(step, answer) => self.on_pep_configured(step, answer).await,
            Internal::SelfPing(room, answer) => self.on_self_ping(room, answer).await,
            Internal::KeepInvitation(id, invite) => {
                self.invitations.insert(id, invite);
            }
            Internal::BookmarksFetched(source, answer) => {
                self.on_bookmarks_fetched(source, answer).await
            }
            Internal::Outbox(queued) => self.on_outbox(queued).await,
            Internal::Send(stanza) => {
                self.send(*stanza).await;
            }
            Internal::Sync(step, epoch, answer) => self.on_sync_step(step, epoch, answer).await,
            Internal::SyncFrom(epoch, point) => self.on_sync_from(epoch, point).await,
            Internal::ArchivePage { queryid, answer } => {
                if self.room_sync.owns(&queryid) {
                    self.on_room_archive_page(queryid, answer).await
                } else if self.older.is_fetch(&queryid) {
                    self.on_older_page(queryid, answer)
                } else {
                    self.on_archive_page(queryid, answer).await
                }
            }
            Internal::RoomDisco {
                room,
                serial,
                answer,
            } => self.on_room_disco(room, serial, answer).await,
            Internal::RoomSyncFrom(start) => self.on_room_sync_from(start).await,
            Internal::OlderFrom(request) => self.on_older_from(request).await,
        }
    }
}

/// Sleep until `at`, or forever when there is nothing to wait for.
async fn sleep_until_some(at: Option<tokio::time::Instant>) {
    match at {
        Some(at) => tokio::time::sleep_until(at).await,
        None => std::future::pending().await,
    }
}
