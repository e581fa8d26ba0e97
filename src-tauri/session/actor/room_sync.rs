//! Room catch-up from the room's own archive (XEP-0313 at a XEP-0045
//! room). A room keeps only a few dozen messages of join history, so a
//! rejoin after a busy absence would lose the rest. Before entering a room
//! we ask its disco#info (once per room and session); a room that archives
//! is entered with `<history maxstanzas='0'/>` and, once we are in, its
//! archive is read from the room's sync point forward until complete, or,
//! for a room we hold nothing of, its newest page. Rooms without an
//! archive keep `<history since/>`.
//!
//! Live messages that arrive while a room is read are held until its
//! archive is read to the end, then taken in the order they came: they
//! are newer than anything the archive still sends, and times stamped in
//! whole seconds could not say so.
//!
//! Each room's catch-up is its own query (results believed only for that
//! query from that room, `archive_queries`), so rooms catch up side by
//! side and none waits for another. The room's sync point moves in the
//! same transaction as the messages it covers; once a room is caught up,
//! a live message carrying the room's stanza-id moves it too.

use std::collections::{HashMap, HashSet};

use tokio_xmpp::jid::{BareJid, Jid};
use tokio_xmpp::Stanza;

use super::inbound::Via;
use super::{Actor, Internal, IQ_TIMEOUT};
use crate::error::HearthError;
use crate::features::xep0045_muc::{self, History};
use crate::features::xep0313_mam::{self, Page, Query};
use crate::features::{xep0030_disco, xep0359_stanza_ids, xep0421_occupant_id, xep0425_moderation};
use crate::session::arrival::ArchiveOrder;
use crate::session::iq_tracker::IqAnswer;
use crate::session::SessionEvent;
use crate::store::{now_ms, Amendment, NewMessage, SyncPoint};

/// Results asked for per page when reading a room forward.
const ROOM_PAGE: usize = 100;
/// A room we hold nothing of: its newest messages, as join history would.
const FIRST_ROOM_WINDOW: usize = 50;
/// Live messages held per room while it is read at most (beyond, they are
/// taken at once).
const MAX_HELD: usize = 10_000;
/// Pages one room's catch-up reads at most: a room that never says
/// "complete" cannot keep us asking.
const MAX_ROOM_PAGES: u32 = 1_000;

struct RoomCatchUp {
    room: BareJid,
    forward: bool,
    /// The `after` of the last query (a room repeating it would loop).
    after: Option<String>,
    pages: u32,
    /// The newest stamp among this page's results.
    newest_stamp: Option<i64>,
    /// Reading forward: the times the results get.
    order: ArchiveOrder,
}

/// Where a room's catch-up starts, read from the store.
pub(crate) struct RoomStart {
    pub room: BareJid,
    pub point: Option<SyncPoint>,
    /// The newest message held from the room (without a sync point: read
    /// from its time on).
    pub latest: Option<i64>,
}

/// What a room's disco#info says it offers, as far as Hearth uses it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct RoomOffers {
    /// Its own archive (XEP-0313).
    pub archive: bool,
    /// Removal of messages by its moderators (XEP-0425), in this version.
    pub moderation: Option<xep0425_moderation::Version>,
    /// Occupant ids on its messages (XEP-0421).
    pub occupant_id: bool,
}

impl RoomOffers {
    fn of(features: &[String]) -> Self {
        Self {
            archive: features.iter().any(|f| f == xep0313_mam::NS),
            moderation: xep0425_moderation::offered(features),
            occupant_id: xep0421_occupant_id::offered(features),
        }
    }
}

#[derive(Default)]
pub(super) struct RoomSync {
    /// What each room's disco#info said this session.
    offers: HashMap<BareJid, RoomOffers>,
    /// The disco#info each room's join waits for (a later one replaces an
    /// earlier one, whose answer is then ignored).
    asking: HashMap<BareJid, u64>,
    asked: u64,
    /// Catch-ups running, by query id.
    running: HashMap<String, RoomCatchUp>,
    /// Rooms read up to now since we entered them.
    caught_up: HashSet<String>,
    /// Live messages of rooms entered without join history and not read up
    /// to now yet.
    holding: HashMap<BareJid, Vec<NewMessage>>,
    /// The corrections and retractions among them.
    held_amendments: HashMap<BareJid, Vec<Amendment>>,
}

impl RoomSync {
    /// Whether `room` archives, if its disco#info answered this session.
    pub fn has_archive(&self, room: &BareJid) -> Option<bool> {
        self.offers.get(room).map(|o| o.archive)
    }

    /// What `room` offers, if its disco#info answered this session.
    pub fn offers(&self, room: &BareJid) -> Option<RoomOffers> {
        self.offers.get(room).copied()
    }

    pub fn is_caught_up(&self, archive: &str) -> bool {
        self.caught_up.contains(archive)
    }

    /// Whether `query` is a room catch-up's.
    pub fn owns(&self, query: &str) -> bool {
        self.running.contains_key(query)
    }
}

impl Actor {
    /// Send our presence into `room`, whose join the room book has begun:
    /// with no history when the room archives (we read the archive once
    /// in), else with what came since the newest message held. A room not
    /// asked yet is asked first; the presence goes with its answer.
    pub(super) async fn enter_room(&mut self, room: BareJid) {
        self.stop_room_sync(&room);
        if let Some(offers) = self.room_sync.offers(&room) {
            self.rooms
                .set_moderation(&room, offers.moderation.is_some());
        }
        match self.room_sync.has_archive(&room) {
            Some(true) => self.send_join(&room, History::None).await,
            Some(false) => {
                let history = self.history_since(&room).await;
                self.send_join(&room, history).await;
            }
            None => self.ask_room_disco(room).await,
        }
    }

    /// Ask `room` what it offers; the answer comes as `Internal::RoomDisco`.
    pub(super) async fn ask_room_disco(&mut self, room: BareJid) {
        self.room_sync.asked += 1;
        let serial = self.room_sync.asked;
        self.room_sync.asking.insert(room.clone(), serial);
        let to = Jid::from(room.clone());
        let (id, answer) = self.tracker.register(Some(to.clone()), IQ_TIMEOUT);
        self.send(Stanza::Iq(xep0030_disco::info_request(&id, to)))
            .await;
        let internal = self.internal.clone();
        tokio::spawn(async move {
            let answer = answer.await.unwrap_or(Err(HearthError::NotConnected));
            let _ = internal.send(Internal::RoomDisco {
                room,
                serial,
                answer,
            });
        });
    }

    /// History since the newest message held, or the last few on a first
    /// join.
    async fn history_since(&self, room: &BareJid) -> History {
        match self.latest_in(room).await {
            Some(ms) => History::Since(ms),
            None => History::Recent,
        }
    }

    async fn send_join(&mut self, room: &BareJid, history: History) {
        let Some(nick) = self.rooms.nick(room).map(str::to_owned) else {
            return; // left meanwhile
        };
        let password = self.rooms.password(room).map(str::to_owned);
        if let Some(p) = xep0045_muc::join(room, &nick, password.as_deref(), history) {
            if history == History::None {
                self.room_sync.holding.insert(room.clone(), Vec::new());
            }
            self.send(Stanza::Presence(p)).await;
        }
    }

    /// A room message for history: held while its room is read (see the
    /// top of this file), else handed back to be taken now.
    pub(super) fn hold_while_reading(
        &mut self,
        room: &BareJid,
        new: NewMessage,
        via: &Via,
    ) -> Option<NewMessage> {
        match self.room_sync.holding.get_mut(room) {
            Some(held) if *via == Via::Live && held.len() < MAX_HELD => {
                held.push(new);
                None
            }
            _ => Some(new),
        }
    }

    /// `hold_while_reading` for a correction or retraction: it may name a
    /// message held, so it waits with them.
    pub(super) fn hold_amendment_while_reading(
        &mut self,
        room: &BareJid,
        a: Amendment,
        via: &Via,
    ) -> Option<Amendment> {
        if *via != Via::Live || !self.room_sync.holding.contains_key(room) {
            return Some(a);
        }
        let held = self
            .room_sync
            .held_amendments
            .entry(room.clone())
            .or_default();
        if held.len() < MAX_HELD {
            held.push(a);
        }
        None
    }

    /// Take what was held for `room`, in the order it came, then apply
    /// the amendments held with it.
    fn release_held(&mut self, room: &BareJid) {
        for new in self.room_sync.holding.remove(room).unwrap_or_default() {
            self.take(new, &Via::Live);
        }
        for a in self
            .room_sync
            .held_amendments
            .remove(room)
            .unwrap_or_default()
        {
            self.amend(a, &Via::Live);
        }
    }

    /// The room's disco#info answered: remember what it offers (a
    /// room that does not exist yet says nothing, and is asked again next
    /// time) and send the join that waited for it.
    pub(super) async fn on_room_disco(&mut self, room: BareJid, serial: u64, answer: IqAnswer) {
        if self.room_sync.asking.get(&room) != Some(&serial) {
            return;
        }
        self.room_sync.asking.remove(&room);
        let archives = match &answer {
            Ok(payload) => {
                let offers = RoomOffers::of(&xep0030_disco::features_of(payload.as_ref()));
                self.room_sync.offers.insert(room.clone(), offers);
                self.rooms
                    .set_moderation(&room, offers.moderation.is_some());
                offers.archive
            }
            Err(e) => {
                log::debug!("{room} did not answer disco#info: {e}");
                false
            }
        };
        if self.rooms.is_joined(&room) {
            // A room we created answers only once it exists: the UI learns
            // what it offers now.
            if let Some(snapshot) = self.rooms.joined_snapshot(&room) {
                self.sink.emit(SessionEvent::RoomJoined(snapshot));
            }
            return;
        }
        if !self.rooms.contains(&room) {
            return;
        }
        let history = if archives {
            History::None
        } else {
            self.history_since(&room).await
        };
        self.send_join(&room, history).await;
    }

    /// We are in `room`: read its archive if it has one.
    pub(super) fn room_entered(&mut self, room: &BareJid) {
        if self.room_sync.has_archive(room) != Some(true) {
            return;
        }
        let (db, internal) = (self.db.clone(), self.internal.clone());
        let (account, room) = (self.own.to_string(), room.clone());
        tokio::spawn(async move {
            let archive = room.to_string();
            let read = db
                .read(move |s| {
                    Ok((
                        s.sync_point(&account, &archive)?,
                        s.latest_timestamp(&account, &archive)?,
                    ))
                })
                .await;
            let (point, latest) = read.unwrap_or_else(|e| {
                log::warn!("could not read where {room} was last read: {e}");
                (None, None)
            });
            let _ = internal.send(Internal::RoomSyncFrom(RoomStart {
                room,
                point,
                latest,
            }));
        });
    }

    /// Begin reading a room's archive: forward from its sync point (or from
    /// the newest message held), else its newest page.
    pub(super) async fn on_room_sync_from(&mut self, start: RoomStart) {
        let room = start.room;
        let running = self.room_sync.running.values().any(|r| r.room == room);
        if running || !self.rooms.is_joined(&room) || self.room_sync.is_caught_up(room.as_str()) {
            if !running {
                self.release_held(&room);
            }
            return;
        }
        let from_ms = start.point.as_ref().map(|p| p.timestamp).or(start.latest);
        let (forward, query) = match (start.point, start.latest) {
            (Some(p), _) => (true, room_query(Page::After(p.id), None)),
            (None, Some(latest)) => (true, room_query(Page::First, Some(latest))),
            (None, None) => (
                false,
                Query {
                    max: FIRST_ROOM_WINDOW,
                    ..room_query(Page::Before(None), None)
                },
            ),
        };
        let run = RoomCatchUp {
            room,
            forward,
            after: None,
            pages: 0,
            newest_stamp: None,
            order: ArchiveOrder::after(from_ms),
        };
        self.ask_room_archive(run, query).await;
    }

    async fn ask_room_archive(&mut self, mut run: RoomCatchUp, query: Query) {
        let queryid = xep0359_stanza_ids::new_id();
        run.after = match &query.page {
            Page::After(id) => Some(id.clone()),
            _ => None,
        };
        run.newest_stamp = None;
        let to = Jid::from(run.room.clone());
        let (id, answer) = self.tracker.register(Some(to), IQ_TIMEOUT);
        let iq = xep0313_mam::request(&id, &queryid, Some(&run.room), &query);
        self.archive_queries
            .insert(queryid.clone(), run.room.clone());
        self.room_sync.running.insert(queryid.clone(), run);
        self.send(Stanza::Iq(iq)).await;
        let internal = self.internal.clone();
        tokio::spawn(async move {
            let answer = answer.await.unwrap_or(Err(HearthError::NotConnected));
            let _ = internal.send(Internal::ArchivePage { queryid, answer });
        });
    }

    /// Intake took a result of `query` stamped `stamp_ms`: the time to date
    /// it by (a read forward keeps the archive's order).
    pub(super) fn room_archive_result(
        &mut self,
        query: &str,
        stamp_ms: Option<i64>,
    ) -> Option<i64> {
        let Some(run) = self.room_sync.running.get_mut(query) else {
            return stamp_ms;
        };
        let dated = if run.forward {
            run.order.date(stamp_ms)
        } else {
            stamp_ms
        };
        run.newest_stamp = run.newest_stamp.max(dated);
        dated
    }

    /// A room's archive finished a page, or refused the query.
    pub(super) async fn on_room_archive_page(&mut self, queryid: String, answer: IqAnswer) {
        self.archive_queries.remove(&queryid);
        let Some(mut run) = self.room_sync.running.remove(&queryid) else {
            return;
        };
        run.pages += 1;
        let fin = match answer {
            Ok(payload) => xep0313_mam::fin(payload.as_ref()),
            Err(e) => {
                // Not caught up: live messages leave the point where it is,
                // and the next join reads from there.
                log::warn!("catching up {} stopped: {e}", run.room);
                return self.release_held(&run.room);
            }
        };
        let Some(fin) = fin else {
            log::warn!("{} answered a query without <fin/>", run.room);
            return self.release_held(&run.room);
        };
        // The point moves with this page's messages (already in the batch:
        // results come before the answer). The newest page read backward
        // holds the newest message.
        if let Some(last) = fin.last.clone() {
            self.sync_marks.push(SyncPoint {
                archive: run.room.to_string(),
                id: last,
                timestamp: run.newest_stamp.unwrap_or_else(now_ms),
            });
        }
        let next = fin
            .last
            .filter(|last| run.forward && !fin.complete && run.after.as_ref() != Some(last));
        match next {
            Some(last) if run.pages < MAX_ROOM_PAGES && self.rooms.is_joined(&run.room) => {
                self.ask_room_archive(run, room_query(Page::After(last), None))
                    .await;
            }
            _ => {
                log::debug!("{} caught up after {} pages", run.room, run.pages);
                self.room_sync.caught_up.insert(run.room.to_string());
                self.release_held(&run.room);
                // Write the last page and the point now, not at the next flush.
                self.flush();
            }
        }
    }

    /// We leave `room` or enter it again: what its catch-up knew no longer
    /// holds (live messages no longer move its point until it is read
    /// again), and results of a running query are no longer believed.
    pub(super) fn stop_room_sync(&mut self, room: &BareJid) {
        // Held messages were received while we were in: they are kept.
        self.release_held(room);
        self.room_sync.caught_up.remove(room.as_str());
        let stale: Vec<String> = self
            .room_sync
            .running
            .iter()
            .filter(|(_, r)| r.room == *room)
            .map(|(q, _)| q.clone())
            .collect();
        for q in stale {
            self.room_sync.running.remove(&q);
            self.archive_queries.remove(&q);
        }
    }
}

fn room_query(page: Page, start_ms: Option<i64>) -> Query {
    Query {
        page,
        max: ROOM_PAGE,
        start_ms,
        with: None,
    }
}
