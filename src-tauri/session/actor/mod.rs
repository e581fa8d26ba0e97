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

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures::{FutureExt, StreamExt};
use serde::{Deserialize, Serialize};
use tokio::sync::{mpsc, oneshot, watch};
use tokio_xmpp::jid::{BareJid, Jid};
use tokio_xmpp::parsers::iq::Iq;
use tokio_xmpp::parsers::message::Message;
use tokio_xmpp::stanzastream::{Event, StanzaStream, StreamEvent};
use tokio_xmpp::xmlstream::Timeouts;
use tokio_xmpp::Stanza;
use ts_rs::TS;

mod account;
mod bookmarks;
mod contacts;
mod pep_bookmarks;
mod rooms;

pub use bookmarks::BookmarkEdit;

use crate::error::{ErrorCode, HearthError, Problem, Result};
use crate::features::bookmark::BookmarkView;
use crate::features::rfc6121_messages::{self, Incoming};
use crate::features::rfc6121_presence::{self, ContactPresence, PresenceBook, PresenceShow};
use crate::features::rfc6121_roster::{self, RosterBook, RosterItem};
use crate::features::server_iq;
use crate::session::connector::{Connector, ServerAddress};
use crate::session::delivery::follow_delivery;
use crate::session::handle::SessionHandle;
use crate::session::iq_tracker::{IqAnswer, IqTracker};
use crate::session::link::{reconnector, LinkConfig, LinkStatus};
use crate::session::room_book::{
    Invitation, OccupantsChanged, RoomBook, RoomLeft, RoomProblem, RoomSnapshot, RoomSubject,
};
use crate::session::settings::SaslPolicy;
use crate::session::state::ConnectionState;
use crate::session::tls_trust::TrustVerifier;
use crate::session::xml_console::{Console, ConsoleEntry};
use crate::session::EventSink;
use crate::store::{
    now_ms, ChatMessage, DeliveryState, MessageDirection, MessageKind, NewMessage, Store,
};

/// Most incoming stanzas handled before the batch is written and announced.
const BATCH: usize = 500;
/// The shortest time between two writes-and-announcements of incoming
/// messages and presences. A message after a quiet period goes out at once;
/// during a flood, what arrives is written in one transaction and shown in
/// one UI update per interval instead of one per stanza.
const COALESCE: Duration = Duration::from_millis(100);
const IQ_TIMEOUT: Duration = Duration::from_secs(30);

pub struct SessionConfig {
    pub jid: BareJid,
    pub resource: String,
    pub password: String,
    pub address: ServerAddress,
    /// SHA-256 fingerprints of certificates the user trusts for this account.
    pub pinned: Vec<String>,
    pub retry_first_attempt: bool,
    /// Presence priority (RFC 6121 §4.7.2.3).
    pub priority: i8,
    /// How long the server may take to answer a liveness probe; the probe
    /// goes out after three times this much silence. A dead link is thus
    /// noticed after about four times this value (default 15 s: one minute).
    pub response_timeout: Duration,
    /// SASL mechanisms the user allows.
    pub sasl: SaslPolicy,
    /// How long a joined room may stay silent before we check (XEP-0410)
    /// that it still counts us as an occupant.
    pub room_quiet_before_ping: Duration,
}

#[derive(Debug, Clone, PartialEq)]
pub enum SessionEvent {
    State(ConnectionState),
    Roster(Vec<RosterItem>),
    Presence(Vec<ContactPresence>),
    /// Stored messages, and the ids among them of room messages that name
    /// our nick there (decided here, where the nick is known).
    MessagesAdded {
        messages: Vec<ChatMessage>,
        mentions: Vec<i64>,
    },
    MessageUpdated(ChatMessage),
    /// XML console lines (only while the console is open).
    Console(Vec<ConsoleEntry>),
    /// We are in a room (joined, or joined again after a reconnect).
    RoomJoined(RoomSnapshot),
    RoomLeft(RoomLeft),
    Occupants(Vec<OccupantsChanged>),
    RoomSubject(RoomSubject),
    RoomProblem(RoomProblem),
    Invitation(Invitation),
    /// Everyone (not in the roster) waiting for us to answer their request
    /// to see our presence.
    SubscriptionRequests(Vec<String>),
    /// The account's room bookmarks (all of them, after any change).
    Bookmarks(Vec<BookmarkView>),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct RosterSnapshot {
    pub items: Vec<RosterItem>,
    pub presences: Vec<ContactPresence>,
    /// Who asked to see our presence and waits for an answer.
    pub requests: Vec<String>,
}

pub(super) enum Command {
    SendMessage {
        to: Jid,
        body: String,
        reply: oneshot::Sender<Result<ChatMessage>>,
    },
    SetPresence {
        show: PresenceShow,
        status: Option<String>,
        reply: oneshot::Sender<Result<()>>,
    },
    AddContact {
        jid: BareJid,
        name: Option<String>,
        groups: Vec<String>,
        reply: oneshot::Sender<Result<()>>,
    },
    ChangePassword {
        new_password: String,
        reply: oneshot::Sender<Result<()>>,
    },
    /// Raw XML from the XML console: must parse as one stanza.
    SendRaw {
        stanza: Box<Stanza>,
        reply: oneshot::Sender<Result<()>>,
    },
    Roster {
        reply: oneshot::Sender<RosterSnapshot>,
    },
    Logout {
        reply: oneshot::Sender<()>,
    },
    JoinRoom {
        room: BareJid,
        nick: String,
        password: Option<String>,
        reply: oneshot::Sender<Result<RoomSnapshot>>,
    },
    LeaveRoom {
        room: BareJid,
        reply: oneshot::Sender<Result<()>>,
    },
    SendRoomMessage {
        room: BareJid,
        body: String,
        reply: oneshot::Sender<Result<ChatMessage>>,
    },
    SetRoomSubject {
        room: BareJid,
        subject: String,
        reply: oneshot::Sender<Result<()>>,
    },
    ChangeRoomNick {
        room: BareJid,
        nick: String,
        reply: oneshot::Sender<Result<()>>,
    },
    Rooms {
        reply: oneshot::Sender<Vec<RoomSnapshot>>,
    },
    SetBookmark {
        edit: BookmarkEdit,
        reply: oneshot::Sender<Result<()>>,
    },
    RemoveBookmark {
        room: BareJid,
        reply: oneshot::Sender<Result<()>>,
    },
    Bookmarks {
        reply: oneshot::Sender<Vec<BookmarkView>>,
    },
    /// Any request/answer exchange: the actor picks the id, tracks the
    /// answer (from `to`, with a timeout) and hands it back.
    Query {
        to: Option<Jid>,
        build: Box<dyn FnOnce(&str) -> Iq + Send>,
        reply: oneshot::Sender<IqAnswer>,
    },
    AnswerSubscription {
        jid: BareJid,
        accept: bool,
        reply: oneshot::Sender<Result<()>>,
    },
    AnswerInvitation {
        id: String,
        /// `Some(nick)`: accept and join; `None`: decline.
        accept: Option<String>,
        reason: Option<String>,
        reply: oneshot::Sender<Result<Option<RoomSnapshot>>>,
    },
}

/// Results that come back to the actor from helper tasks.
pub(super) enum Internal {
    RosterLoaded(IqAnswer),
    Delivery {
        id: i64,
        state: DeliveryState,
        error: Option<Problem>,
    },
    /// A join that is still unanswered now fails.
    JoinDeadline(BareJid),
    /// The instant configuration of a room we created was answered.
    RoomUnlocked(BareJid, Result<()>),
    /// What our account supports (decides where bookmarks live).
    BookmarkDisco(IqAnswer),
    BookmarksFetched(bookmarks::Source, IqAnswer),
    /// The answer to a XEP-0402 publish.
    PepPublished(pep_bookmarks::PepPublish, IqAnswer),
    /// The answer to creating or configuring the XEP-0402 node.
    PepConfigured(pep_bookmarks::ConfigStep, IqAnswer),
    /// The answer to a XEP-0410 self-ping in a room.
    SelfPing(BareJid, IqAnswer),
    /// Accepting failed: the invitation stays answerable.
    KeepInvitation(String, crate::features::xep0045_muc_invite::Invite),
}

pub fn start(
    cfg: SessionConfig,
    store: Arc<Mutex<Store>>,
    sink: Arc<dyn EventSink>,
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
    let stream = StanzaStream::new(reconnector(link.clone(), link_tx), 256);
    let (internal_tx, internal_rx) = mpsc::unbounded_channel();
    let actor = Actor {
        priority: cfg.priority,
        link,
        own: cfg.jid,
        bound: None,
        stream: Some(stream),
        store,
        sink,
        state: state_tx,
        tracker: IqTracker::new(account.clone()),
        roster: RosterBook::default(),
        presence: PresenceBook::default(),
        own_show: PresenceShow::Available,
        own_status: None,
        batch: Vec::new(),
        presence_batch: Vec::new(),
        rooms: RoomBook::default(),
        room_quiet_before_ping: cfg.room_quiet_before_ping,
        bookmarks: Default::default(),
        invitations: Default::default(),
        requests: Default::default(),
        requests_changed: false,
        lost_reason: None,
        stopped: None,
        internal: internal_tx,
    };
    tokio::spawn(actor.run(cmd_rx, link_rx, internal_rx, console_rx));
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
    store: Arc<Mutex<Store>>,
    sink: Arc<dyn EventSink>,
    state: watch::Sender<ConnectionState>,
    tracker: IqTracker,
    roster: RosterBook,
    presence: PresenceBook,
    own_show: PresenceShow,
    own_status: Option<String>,
    batch: Vec<NewMessage>,
    presence_batch: Vec<ContactPresence>,
    rooms: RoomBook,
    room_quiet_before_ping: Duration,
    bookmarks: bookmarks::Bookmarks,
    invitations: std::collections::HashMap<String, crate::features::xep0045_muc_invite::Invite>,
    /// Subscription requests from people not in the roster, unanswered.
    requests: std::collections::BTreeSet<String>,
    /// The requests changed since the UI was last told (a burst of them is
    /// one event, not one list per request).
    requests_changed: bool,
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
        while let Some(stream) = self.stream.as_mut() {
            tokio::select! {
                ev = stream.next() => match ev {
                    Some(ev) => {
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
            if self.batch.len() >= BATCH {
                flush_at = None;
                last_flush = tokio::time::Instant::now();
                self.flush();
            } else if flush_at.is_none()
                && (!self.batch.is_empty()
                    || !self.presence_batch.is_empty()
                    || self.requests_changed
                    || self.rooms.has_changes())
            {
                flush_at = Some(tokio::time::Instant::now().max(last_flush + COALESCE));
            }
        }
        self.flush();
        let was_logout = logout_reply.is_some();
        if let Some(stream) = self.stream.take() {
            if was_logout && self.state.borrow().is_online() {
                let bye = rfc6121_presence::own(PresenceShow::Offline, None, 0);
                let _ = stream.send(Box::new(Stanza::Presence(bye))).await;
            }
            let _ = tokio::time::timeout(Duration::from_secs(5), stream.close()).await;
        }
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
        // Late delivery reports (messages failed at shutdown) still count.
        while let Ok(msg) = internal.try_recv() {
            self.on_internal(msg).await;
        }
        if let Some(reply) = logout_reply {
            let _ = reply.send(());
        }
    }

    fn set_state(&self, s: ConnectionState) {
        if *self.state.borrow() != s {
            self.state.send_replace(s.clone());
            self.sink.emit(SessionEvent::State(s));
        }
    }

    fn with_store<T>(&self, f: impl FnOnce(&mut Store) -> Result<T>) -> Result<T> {
        let mut store = self
            .store
            .lock()
            .map_err(|_| HearthError::Internal("the history database lock is poisoned".into()))?;
        f(&mut store)
    }

    /// Write and announce what accumulated.
    fn flush(&mut self) {
        if !self.batch.is_empty() {
            let batch = std::mem::take(&mut self.batch);
            let account = self.own.to_string();
            match self.with_store(|s| s.insert_messages(&account, &batch)) {
                Ok(added) if !added.is_empty() => {
                    let mentions = self.mentions(&added);
                    self.sink.emit(SessionEvent::MessagesAdded {
                        messages: added,
                        mentions,
                    })
                }
                Ok(_) => {}
                Err(e) => {
                    // Keep the messages visible even if the disk refused them.
                    log::error!("could not store {} messages: {e}", batch.len());
                    let shown: Vec<ChatMessage> = batch
                        .into_iter()
                        .enumerate()
                        .map(|(i, m)| ChatMessage {
                            id: -(i as i64) - 1,
                            peer: m.peer,
                            direction: m.direction,
                            kind: m.kind,
                            body: m.body,
                            subject: m.subject,
                            timestamp: m.timestamp,
                            stanza_id: m.stanza_id.map(|s| s.0),
                            origin_id: m.origin_id,
                            state: m.state,
                            error: Some(e.problem()),
                            sender: m.sender,
                        })
                        .collect();
                    let mentions = self.mentions(&shown);
                    self.sink.emit(SessionEvent::MessagesAdded {
                        messages: shown,
                        mentions,
                    });
                }
            }
        }
        if !self.presence_batch.is_empty() {
            let mut changed = std::mem::take(&mut self.presence_batch);
            // Keep only the latest state per contact.
            changed.reverse();
            let mut seen = std::collections::HashSet::new();
            changed.retain(|c| seen.insert(c.jid.clone()));
            changed.reverse();
            self.sink.emit(SessionEvent::Presence(changed));
        }
        if self.rooms.has_changes() {
            self.sink
                .emit(SessionEvent::Occupants(self.rooms.take_changes()));
        }
        if std::mem::take(&mut self.requests_changed) {
            self.sink
                .emit(SessionEvent::SubscriptionRequests(self.request_list()));
        }
    }

    /// Incoming room messages that name our nick in that room.
    fn mentions(&self, messages: &[ChatMessage]) -> Vec<i64> {
        messages
            .iter()
            .filter(|m| m.kind == MessageKind::Groupchat && m.direction == MessageDirection::In)
            .filter(|m| {
                let Ok(room) = m.peer.parse::<BareJid>() else {
                    return false;
                };
                self.rooms.nick(&room).is_some_and(|nick| {
                    m.sender.as_deref() != Some(nick)
                        && super::mention::mentions_nick(&m.body, nick)
                })
            })
            .map(|m| m.id)
            .collect()
    }

    fn on_link(&mut self, status: LinkStatus) {
        match status {
            LinkStatus::Connecting => {
                if !matches!(*self.state.borrow(), ConnectionState::Reconnecting { .. }) {
                    self.set_state(ConnectionState::Connecting);
                }
            }
            LinkStatus::Waiting { reason, delay } => {
                self.lost_reason = Some(reason.clone());
                self.set_state(ConnectionState::Reconnecting {
                    reason,
                    retry_in_secs: delay.as_secs_f64().ceil() as u32,
                });
            }
            LinkStatus::Stopped(problem) => {
                self.stopped = Some(problem.clone());
                self.set_state(ConnectionState::Offline {
                    reason: Some(problem),
                });
            }
        }
    }

    async fn send(&mut self, stanza: Stanza) -> Option<tokio_xmpp::stanzastream::StanzaToken> {
        let stream = self.stream.as_ref()?;
        Some(stream.send(Box::new(stanza)).await)
    }

    async fn on_event(&mut self, ev: Event) {
        match ev {
            Event::Stream(StreamEvent::Reset { bound_jid, .. }) => {
                self.on_fresh_session(bound_jid).await
            }
            Event::Stream(StreamEvent::Resumed) => {
                self.lost_reason = None;
                if let Some(jid) = &self.bound {
                    self.set_state(ConnectionState::Online {
                        jid: jid.to_string(),
                        new_session_after_loss: false,
                    });
                }
            }
            Event::Stream(StreamEvent::Suspended) => {
                let reason = self
                    .lost_reason
                    .clone()
                    .unwrap_or_else(|| Problem::of(ErrorCode::ConnectionLost));
                self.set_state(ConnectionState::Reconnecting {
                    reason,
                    retry_in_secs: 0,
                });
            }
            Event::Stanza(Stanza::Iq(iq)) => self.on_iq(iq).await,
            Event::Stanza(Stanza::Message(m)) => self.on_message(m),
            Event::Stanza(Stanza::Presence(p)) => self.on_presence(p).await,
        }
    }

    /// A new session (first login, or resumption failed): ask for the
    /// roster, announce presence, then report online.
    async fn on_fresh_session(&mut self, bound: Jid) {
        self.tracker.fail_all();
        // A previous session existed: the server could not resume it.
        let after_loss = self.bound.is_some();
        let gone = self.presence.clear();
        self.presence_batch.extend(gone);
        self.bound = Some(bound.clone());
        let (id, answer) = self.tracker.register(None, IQ_TIMEOUT);
        let request = rfc6121_roster::request(&id);
        self.send(Stanza::Iq(request)).await;
        let internal = self.internal.clone();
        tokio::spawn(async move {
            let result = answer.await.unwrap_or(Err(HearthError::NotConnected));
            let _ = internal.send(Internal::RosterLoaded(result));
        });
        let presence =
            rfc6121_presence::own(self.own_show, self.own_status.as_deref(), self.priority);
        self.send(Stanza::Presence(presence)).await;
        self.rejoin_rooms().await;
        self.start_bookmarks().await;
        self.lost_reason = None;
        self.set_state(ConnectionState::Online {
            jid: bound.to_string(),
            new_session_after_loss: after_loss,
        });
    }

    async fn on_internal(&mut self, msg: Internal) {
        match msg {
            Internal::RosterLoaded(Ok(Some(payload))) => match self.roster.load(payload) {
                Ok(()) => self.sink.emit(SessionEvent::Roster(self.roster.items())),
                Err(e) => log::warn!("unreadable roster: {e}"),
            },
            Internal::RosterLoaded(Ok(None)) => {
                self.sink.emit(SessionEvent::Roster(self.roster.items()))
            }
            Internal::RosterLoaded(Err(e)) => log::warn!("roster request failed: {e}"),
            Internal::Delivery { id, state, error } => {
                match self.with_store(|s| s.set_delivery_state(id, state, error.as_ref())) {
                    Ok(Some(m)) => self.sink.emit(SessionEvent::MessageUpdated(m)),
                    Ok(None) => {}
                    Err(e) => log::error!("could not record delivery state: {e}"),
                }
            }
            Internal::JoinDeadline(room) => self.rooms.join_timed_out(&room),
            Internal::RoomUnlocked(room, result) => {
                if let Err(e) = &result {
                    log::warn!("the new room could not be unlocked: {e}");
                }
                self.rooms.unlocked(&room, result);
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
        }
    }

    async fn on_iq(&mut self, iq: Iq) {
        match iq {
            Iq::Get {
                from, id, payload, ..
            } => {
                let reply = server_iq::answer(from, id, true, &payload);
                self.send(Stanza::Iq(reply)).await;
            }
            Iq::Set {
                from, id, payload, ..
            } => {
                if payload.is("query", rfc6121_roster::NS) {
                    self.on_roster_push(from, id, payload).await;
                } else {
                    let reply = server_iq::answer(from, id, false, &payload);
                    self.send(Stanza::Iq(reply)).await;
                }
            }
            Iq::Result {
                from, id, payload, ..
            } => {
                self.tracker.resolve(&id, from.as_ref(), Ok(payload));
            }
            Iq::Error {
                from, id, error, ..
            } => {
                let remote = rfc6121_messages::remote_error(&error);
                self.tracker
                    .resolve(&id, from.as_ref(), Err(HearthError::Remote(remote)));
            }
        }
    }

    fn on_message(&mut self, m: Message) {
        if self.on_room_message(&m) {
            return;
        }
        if self.on_invitation(&m) {
            return;
        }
        let pep_event = m
            .payloads
            .iter()
            .find(|p| p.is("event", crate::features::xep0402_bookmarks::NS_EVENT));
        if let Some(event) = pep_event {
            if !self.on_bookmark_push(m.from.as_ref(), event) {
                log::info!("ignoring a PEP event that is not our own bookmarks");
            }
            return;
        }
        match rfc6121_messages::interpret(&m, &self.own, now_ms()) {
            Incoming::Message(mut new) => {
                // A private message through a room belongs to that occupant,
                // not to the room.
                if let Some(from) = m.from.as_ref() {
                    if self.rooms.contains(&from.to_bare()) {
                        new.peer = from.to_string();
                        new.sender = from.resource().map(|r| r.to_string());
                    }
                }
                self.batch.push(new)
            }
            Incoming::Error { peer, id, problem } => {
                let account = self.own.to_string();
                match self.with_store(|s| s.outgoing_by_message_id(&account, &peer, &id)) {
                    Ok(Some(row)) => {
                        let _ = self.internal.send(Internal::Delivery {
                            id: row,
                            state: DeliveryState::Failed,
                            error: Some(problem),
                        });
                    }
                    Ok(None) => log::info!("error reply for an unknown message from {peer}"),
                    Err(e) => log::error!("history lookup failed: {e}"),
                }
            }
            Incoming::Ignored => {}
        }
    }

    async fn on_command(&mut self, cmd: Command) {
        match cmd {
            Command::SendMessage { to, body, reply } => {
                let _ = reply.send(self.send_message(to, body).await);
            }
            Command::SetPresence {
                show,
                status,
                reply,
            } => {
                self.own_show = show;
                self.own_status = status.filter(|s| !s.trim().is_empty());
                if self.state.borrow().is_online() {
                    let p = rfc6121_presence::own(show, self.own_status.as_deref(), self.priority);
                    self.send(Stanza::Presence(p)).await;
                }
                let _ = reply.send(Ok(()));
            }
            Command::AddContact {
                jid,
                name,
                groups,
                reply,
            } => {
                let _ = reply.send(self.add_contact(jid, name, groups).await);
            }
            Command::ChangePassword {
                new_password,
                reply,
            } => {
                self.change_password(new_password, reply).await;
            }
            Command::SendRaw { stanza, reply } => {
                let sent = self
                    .send(*stanza)
                    .await
                    .map(|_| ())
                    .ok_or(HearthError::NotConnected);
                let _ = reply.send(sent);
            }
            Command::Roster { reply } => {
                let _ = reply.send(RosterSnapshot {
                    items: self.roster.items(),
                    presences: self.presence.all(),
                    requests: self.request_list(),
                });
            }
            Command::Logout { reply } => {
                let _ = reply.send(());
            }
            Command::JoinRoom {
                room,
                nick,
                password,
                reply,
            } => self.join_room(room, nick, password, reply).await,
            Command::LeaveRoom { room, reply } => {
                let _ = reply.send(self.leave_room(room).await);
            }
            Command::SendRoomMessage { room, body, reply } => {
                let _ = reply.send(self.send_room_message(room, body).await);
            }
            Command::SetRoomSubject {
                room,
                subject,
                reply,
            } => {
                let _ = reply.send(self.set_room_subject(room, subject).await);
            }
            Command::ChangeRoomNick { room, nick, reply } => {
                let _ = reply.send(self.change_room_nick(room, nick).await);
            }
            Command::Rooms { reply } => {
                let _ = reply.send(self.rooms.snapshots());
            }
            Command::SetBookmark { edit, reply } => self.set_bookmark(edit, reply).await,
            Command::RemoveBookmark { room, reply } => self.remove_bookmark(room, reply).await,
            Command::Bookmarks { reply } => {
                let _ = reply.send(self.bookmarks_snapshot());
            }
            Command::Query { to, build, reply } => {
                let (id, answer) = self.tracker.register(to, IQ_TIMEOUT);
                if self.send(Stanza::Iq(build(&id))).await.is_none() {
                    let _ = reply.send(Err(HearthError::NotConnected));
                    return;
                }
                tokio::spawn(async move {
                    let _ = reply.send(answer.await.unwrap_or(Err(HearthError::NotConnected)));
                });
            }
            Command::AnswerSubscription { jid, accept, reply } => {
                let _ = reply.send(self.answer_subscription(jid, accept).await);
            }
            Command::AnswerInvitation {
                id,
                accept,
                reason,
                reply,
            } => self.answer_invitation(id, accept, reason, reply).await,
        }
    }

    async fn send_message(&mut self, to: Jid, body: String) -> Result<ChatMessage> {
        let (mut stanza, mut record) = rfc6121_messages::outgoing(&to, &body, now_ms());
        if self.rooms.contains(&to.to_bare()) && to.resource().is_some() {
            // A private message to a room occupant (XEP-0045 §7.5): its own
            // conversation, marked so the room relays it.
            record.peer = to.to_string();
            stanza.payloads.push(
                tokio_xmpp::minidom::Element::builder("x", crate::features::xep0045_muc::NS_USER)
                    .build(),
            );
        }
        self.store_and_send(stanza, record).await
    }

    /// Store an outgoing message first (so it is never lost), send it, and
    /// follow its delivery state.
    async fn store_and_send(&mut self, stanza: Message, record: NewMessage) -> Result<ChatMessage> {
        let account = self.own.to_string();
        let stored = self
            .with_store(|s| s.insert_messages(&account, std::slice::from_ref(&record)))?
            .into_iter()
            .next()
            .ok_or_else(|| HearthError::Internal("the message was not stored".into()))?;
        let Some(token) = self.send(Stanza::Message(stanza)).await else {
            return Err(HearthError::NotConnected);
        };
        tokio::spawn(follow_delivery(token, stored.id, self.internal.clone()));
        Ok(stored)
    }
}

/// Sleep until `at`, or forever when there is nothing to wait for.
async fn sleep_until_some(at: Option<tokio::time::Instant>) {
    match at {
        Some(at) => tokio::time::sleep_until(at).await,
        None => std::future::pending().await,
    }
}
