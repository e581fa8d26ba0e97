//! History sync after every fresh session (not after a resumed one, which
//! lost nothing): carbons (XEP-0280) so that what the account's other
//! devices send and receive reaches us too, then catch-up from the account's
//! archive (XEP-0313) from the newest archive id we hold, page by page until
//! the archive says it is complete. A new profile reads a bounded recent
//! window instead of the whole archive.
//!
//! Every page's results pass through intake like live messages (unwrapped
//! only for the query we sent, deduplicated, stored); the sync point moves in
//! the same transaction as the messages it covers, so a crash or a cut link
//! leaves neither a gap nor doubles. Catch-up starts after "online" and never
//! holds up the UI; it reports its progress as `SessionEvent::HistorySync`.

use tokio_xmpp::jid::Jid;
use tokio_xmpp::Stanza;

use super::{Actor, Internal, IQ_TIMEOUT};
use crate::connection::HistoryWindow;
use crate::error::{ErrorCode, HearthError, Problem};
use crate::features::xep0313_mam::{self, Page, Query};
use crate::features::{xep0030_disco, xep0280_carbons, xep0359_stanza_ids};
use crate::session::arrival::ArchiveOrder;
use crate::session::event::SessionEvent;
use crate::session::history_sync::HistorySync;
use crate::session::iq_tracker::IqAnswer;
use crate::store::{now_ms, SyncPoint};

/// Results asked for per page.
const PAGE: usize = 250;
/// Pages one catch-up reads at most (250,000 messages): a server that never
/// says "complete" cannot keep us asking.
const MAX_PAGES: u32 = 1_000;

/// The steps before catch-up, each waiting for the server's answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SyncStep {
    ServerDisco,
    CarbonsEnabled,
    AccountDisco,
}

/// Which way a catch-up reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Direction {
    /// From our sync point to the newest message.
    Forward,
    /// A new profile: from the newest message back, up to the window.
    Backward,
}

struct CatchUp {
    queryid: String,
    direction: Direction,
    /// The archive id of the last query's `after` (a server repeating it
    /// would loop).
    after: Option<String>,
    pages: u32,
    messages: usize,
    /// The newest stamp among this page's results.
    newest_stamp: Option<i64>,
    /// Reading back: the newest message, the sync point once done.
    newest: Option<SyncPoint>,
    /// Reading forward: the time of the point it started from.
    from_ms: Option<i64>,
    /// Reading forward: the times the results get.
    order: ArchiveOrder,
}

/// Whole-second archive stamps, none finer, after which the archive is
/// taken to date in whole seconds (a precise one rounds to a whole second
/// once in a thousand).
const COARSE_AFTER: u32 = 3;

/// What the actor knows about history sync in this session.
#[derive(Default)]
pub(super) struct Sync {
    running: Option<CatchUp>,
    /// Catch-up finished in this session: a live message with an archive id
    /// moves the sync point (nothing before it can be missing).
    caught_up: bool,
    /// Counts fresh sessions, so a step answered for an earlier one is
    /// not taken for this one's.
    epoch: u64,
    /// The account has an archive (this session's disco#info said so).
    archive: bool,
    /// The archive's stamps have been seen finer than whole seconds.
    precise: bool,
    /// Archive stamps seen in whole seconds (with none finer: a coarse
    /// archive, such as Prosody's, after a few).
    whole_stamps: u32,
    /// Whether the account has an archive (its disco#info said so), once
    /// known: scrolling back asks it only then.
    pub(super) account_archive: Option<bool>,
    /// The session resumed while a catch-up was reading: that read may end
    /// before what came around the gap, so the archive is read again after.
    reread: bool,
    /// The session resumed is one an earlier run left after catching up:
    /// the server's queue brings the rest, the archive has nothing more.
    pub(super) resumes_caught_up: bool,
    /// What a profile that never read the archive fetches.
    window: HistoryWindow,
}

impl Sync {
    pub(super) fn new(window: HistoryWindow) -> Self {
        Self {
            window,
            ..Default::default()
        }
    }

    /// The start of the window a new profile reads, in ms since the epoch.
    fn window_start(&self) -> i64 {
        now_ms() - i64::from(self.window.days) * 24 * 3600 * 1000
    }
}

impl Actor {
    /// A fresh session began: ask what the server offers (carbons), then
    /// what the account offers (its archive). In that order: with carbons
    /// on before the archive is read, nothing another device sends falls in
    /// between.
    pub(super) async fn start_sync(&mut self) {
        if let Some(old) = self.sync.running.take() {
            self.archive_queries.remove(&old.queryid);
            self.older.take_page(&old.queryid);
            self.older.take_amendments(&old.queryid);
        }
        self.sync.caught_up = false;
        self.sync.reread = false;
        self.sync.archive = false;
        // Answers to an earlier session's steps are not this one's.
        self.sync.epoch += 1;
        match self.own.domain().as_str().parse::<Jid>() {
            Ok(domain) => self.ask_disco(domain, SyncStep::ServerDisco).await,
            Err(_) => {
                self.ask_disco(Jid::from(self.own.clone()), SyncStep::AccountDisco)
                    .await
            }
        }
    }

    async fn ask_disco(&mut self, to: Jid, step: SyncStep) {
        let (id, answer) = self.tracker.register(Some(to.clone()), IQ_TIMEOUT);
        self.send(Stanza::Iq(xep0030_disco::info_request(&id, to)))
            .await;
        self.await_sync_step(step, answer);
    }

    fn await_sync_step(&self, step: SyncStep, answer: tokio::sync::oneshot::Receiver<IqAnswer>) {
        let internal = self.internal.clone();
        let epoch = self.sync.epoch;
        tokio::spawn(async move {
            let answer = answer.await.unwrap_or(Err(HearthError::NotConnected));
            let _ = internal.send(Internal::Sync(step, epoch, answer));
        });
    }

    /// The link may be down by now: what we send waits in the stream for
    /// it to resume, and a new session starts over (`start_sync`).
    pub(super) async fn on_sync_step(&mut self, step: SyncStep, epoch: u64, answer: IqAnswer) {
        if epoch != self.sync.epoch {
            return;
        }
        let offers = |ns: &str| match &answer {
            Ok(payload) => xep0030_disco::features_of(payload.as_ref())
                .iter()
                .any(|f| f == ns),
            Err(_) => false,
        };
        match step {
            SyncStep::ServerDisco if offers(xep0280_carbons::NS) => {
                let (id, answer) = self.tracker.register(None, IQ_TIMEOUT);
                self.send(Stanza::Iq(xep0280_carbons::enable(&id))).await;
                self.await_sync_step(SyncStep::CarbonsEnabled, answer);
            }
            SyncStep::ServerDisco | SyncStep::CarbonsEnabled => {
                if let (SyncStep::CarbonsEnabled, Err(e)) = (step, &answer) {
                    log::warn!("the server refused to enable carbons: {e}");
                }
                self.ask_disco(Jid::from(self.own.clone()), SyncStep::AccountDisco)
                    .await;
            }
            SyncStep::AccountDisco if offers(xep0313_mam::NS) => {
                self.sync.archive = true;
                self.sync.account_archive = Some(true);
                if std::mem::take(&mut self.sync.resumes_caught_up) {
                    return self.end_sync(None);
                }
                self.read_sync_point();
            }
            SyncStep::AccountDisco => {
                if answer.is_ok() {
                    self.sync.account_archive = Some(false);
                    log::info!("the account has no archive (XEP-0313): nothing to catch up");
                } else {
                    log::warn!("the account's disco#info failed: no catch-up this session");
                }
                self.release_outbox();
            }
        }
    }

    /// The link is down: until the archive has been read past the gap, a
    /// live message does not move the sync point.
    pub(super) fn sync_suspended(&mut self) {
        self.sync.caught_up = false;
    }

    /// The session resumed (XEP-0198): nothing was lost, but what came
    /// around the gap may have come out of the server's order; reading the
    /// archive from the point before the gap dates it as the server did.
    /// Not worth it where the archive is known to date in whole seconds
    /// (Prosody): they cannot order messages of the same second better
    /// than their arrival did. Until its stamps have been seen (a new
    /// profile, an empty archive) the archive is read: a message the link
    /// lost may come again after newer ones without the server's time.
    pub(super) fn sync_resumed(&mut self) {
        let coarse = !self.sync.precise && self.sync.whole_stamps >= COARSE_AFTER;
        let worth_it = self.sync.archive && !coarse;
        if !worth_it || self.sync.caught_up {
            return;
        }
        if self.sync.running.is_some() {
            self.sync.reread = true;
        } else {
            self.read_sync_point();
        }
    }

    /// Read the account's sync point; catch-up starts from it.
    fn read_sync_point(&mut self) {
        let account = self.own.to_string();
        let db = self.db.clone();
        let internal = self.internal.clone();
        let epoch = self.sync.epoch;
        tokio::spawn(async move {
            let archive = account.clone();
            // On the store thread: after the writes queued before it (the
            // point a catch-up that just ended wrote).
            let point = db
                .write(move |s| s.sync_point(&account, &archive))
                .await
                .unwrap_or_else(|e| {
                    log::warn!("could not read the archive sync point: {e}");
                    None
                });
            let _ = internal.send(Internal::SyncFrom(epoch, point));
        });
    }

    /// Begin catch-up from `point` (or, for a new profile, the recent window).
    pub(super) async fn on_sync_from(&mut self, epoch: u64, point: Option<SyncPoint>) {
        if epoch != self.sync.epoch || self.sync.running.is_some() {
            return;
        }
        if point.is_none() && self.sync.window.messages == 0 {
            // Nothing from before this profile, by choice.
            return self.end_sync(None);
        }
        let from_ms = point.as_ref().map(|p| p.timestamp);
        let (direction, query) = match point {
            Some(p) => (
                Direction::Forward,
                Query {
                    page: Page::After(p.id),
                    max: PAGE,
                    start_ms: None,
                    with: None,
                },
            ),
            None => (
                Direction::Backward,
                Query {
                    page: Page::Before(None),
                    max: PAGE.min(self.sync.window.messages as usize),
                    start_ms: Some(self.sync.window_start()),
                    with: None,
                },
            ),
        };
        self.sync.running = Some(CatchUp {
            queryid: String::new(),
            direction,
            after: None,
            pages: 0,
            messages: 0,
            newest_stamp: None,
            newest: None,
            from_ms,
            order: ArchiveOrder::after(from_ms),
        });
        self.ask_archive(query).await;
    }

    /// Send the next query of the running catch-up.
    async fn ask_archive(&mut self, query: Query) {
        let Some(run) = self.sync.running.as_mut() else {
            return;
        };
        let queryid = xep0359_stanza_ids::new_id();
        run.queryid = queryid.clone();
        run.after = match &query.page {
            Page::After(id) => Some(id.clone()),
            _ => None,
        };
        run.newest_stamp = None;
        if run.direction == Direction::Backward && run.pages > 0 {
            // Older than the pages before it, which are stored already.
            self.older.read_backward(&queryid);
        }
        log::info!("archive query {queryid}: {:?}", query.page);
        self.archive_queries
            .insert(queryid.clone(), self.own.clone());
        let (id, answer) = self.tracker.register(None, IQ_TIMEOUT);
        self.send(Stanza::Iq(xep0313_mam::request(
            &id, &queryid, None, &query,
        )))
        .await;
        let internal = self.internal.clone();
        tokio::spawn(async move {
            let answer = answer.await.unwrap_or(Err(HearthError::NotConnected));
            let _ = internal.send(Internal::ArchivePage { queryid, answer });
        });
    }

    /// Intake took an archived message of `query` stamped `stamp_ms`: the
    /// time to date it by (a catch-up's results keep the archive's order).
    pub(super) fn archive_result(&mut self, query: &str, stamp_ms: Option<i64>) -> Option<i64> {
        match stamp_ms {
            Some(s) if s % 1000 != 0 => self.sync.precise = true,
            Some(_) => self.sync.whole_stamps = self.sync.whole_stamps.saturating_add(1),
            None => {}
        }
        let Some(run) = self.sync.running.as_mut().filter(|r| r.queryid == query) else {
            return stamp_ms;
        };
        let dated = match run.direction {
            Direction::Forward => run.order.date(stamp_ms),
            Direction::Backward => stamp_ms,
        };
        run.messages += 1;
        run.newest_stamp = run.newest_stamp.max(dated);
        dated
    }

    /// The archive finished a page (`<fin/>`), or refused the query.
    pub(super) async fn on_archive_page(&mut self, queryid: String, answer: IqAnswer) {
        // Results after the end are not believed any more.
        self.archive_queries.remove(&queryid);
        if let Some(page) = self.older.take_page(&queryid) {
            self.write_older_and_announce(&queryid, page);
        }
        let Some(run) = self.sync.running.as_mut().filter(|r| r.queryid == queryid) else {
            return;
        };
        run.pages += 1;
        let (direction, pages, messages) = (run.direction, run.pages, run.messages);
        let (newest_stamp, after) = (run.newest_stamp, run.after.clone());
        // The archive forgot the id we stopped at (Prosody keeps 10,000
        // messages per user by default, and expires old ones): read from
        // its time instead; what overlaps dedupes.
        let forgotten = matches!(&answer, Err(HearthError::Remote(p))
            if p.condition == "item-not-found");
        if forgotten && direction == Direction::Forward && pages == 1 && after.is_some() {
            log::info!("the archive no longer has our sync point: reading from its time");
            let start_ms = run.from_ms;
            run.pages = 0;
            return self
                .ask_archive(Query {
                    page: Page::First,
                    max: PAGE,
                    start_ms,
                    with: None,
                })
                .await;
        }
        let fin = match answer {
            Ok(payload) => xep0313_mam::fin(payload.as_ref()),
            Err(e) => {
                log::warn!("archive catch-up stopped: {e}");
                return self.end_sync(Some(e.problem()));
            }
        };
        log::info!("archive query {queryid} ended: {fin:?}, {messages} results, page {pages}");
        let Some(fin) = fin else {
            log::warn!("the archive answered a query without <fin/>");
            return self.end_sync(Some(Problem::of(ErrorCode::Protocol)));
        };
        let point = fin.last.clone().map(|last| SyncPoint {
            archive: self.own.to_string(),
            id: last,
            timestamp: newest_stamp.unwrap_or_else(now_ms),
        });
        match direction {
            // The point moves with this page's messages (they are in the
            // batch or already written: results come before the answer).
            Direction::Forward => self.sync_marks.extend(point),
            // Reading back, the first page holds the newest; but the point
            // is set only once the whole window is read, or a catch-up cut
            // short would leave the rest of the window behind it for good.
            Direction::Backward if pages == 1 => {
                if let Some(run) = self.sync.running.as_mut() {
                    run.newest = point;
                }
            }
            Direction::Backward => {}
        }
        let next = match direction {
            Direction::Forward => fin
                .last
                .filter(|last| !fin.complete && after.as_ref() != Some(last))
                .map(Page::After),
            Direction::Backward => fin
                .first
                .filter(|_| !fin.complete && messages < self.sync.window.messages as usize)
                .map(|first| Page::Before(Some(first))),
        };
        match next {
            Some(page) if pages < MAX_PAGES => {
                self.sink
                    .emit(SessionEvent::HistorySync(self.sync_progress(true, None)));
                let backward = direction == Direction::Backward;
                let start_ms = backward.then(|| self.sync.window_start());
                let window = self.sync.window.messages as usize;
                self.ask_archive(Query {
                    page,
                    // Reading back, no more than the window holds.
                    max: if backward {
                        PAGE.min(window.saturating_sub(messages))
                    } else {
                        PAGE
                    },
                    start_ms,
                    with: None,
                })
                .await;
            }
            _ => self.end_sync(None),
        }
    }

    fn end_sync(&mut self, problem: Option<Problem>) {
        log::info!("archive catch-up over: {problem:?}");
        if let Some(newest) = self
            .sync
            .running
            .as_mut()
            .and_then(|r| r.newest.take())
            .filter(|_| problem.is_none())
        {
            self.sync_marks.push(newest);
        }
        // Write the last page and the point now, not at the next flush.
        self.flush();
        let reread = std::mem::take(&mut self.sync.reread) && problem.is_none();
        let done = self.sync_progress(reread, problem.clone());
        self.sync.running = None;
        self.sync.caught_up = problem.is_none() && !reread;
        if self.sync.caught_up {
            self.resumption.caught_up(&self.db, self.own.as_str());
        }
        self.sink.emit(SessionEvent::HistorySync(done));
        // The confirmations the archive gave are in the write queue before
        // the outbox is read, so what went out is not sent again.
        self.release_outbox();
        if reread {
            // From the point this read just wrote (the write queue keeps
            // the order), over what came around the gap.
            self.read_sync_point();
        }
    }

    fn sync_progress(&self, running: bool, problem: Option<Problem>) -> HistorySync {
        let run = self.sync.running.as_ref();
        HistorySync {
            running,
            pages: run.map_or(0, |r| r.pages),
            messages: run.map_or(0, |r| r.messages as u32),
            problem,
        }
    }

    /// A live message with the archive id `id` from `archive` (ours, or a
    /// room's, `room_sync.rs`) was taken: once that archive is caught up,
    /// nothing before it is missing, so the next catch-up starts there.
    pub(super) fn passed(&mut self, archive: &str, id: &str, timestamp: i64) {
        let caught_up = if archive == self.own.as_str() {
            self.sync.caught_up
        } else {
            self.room_sync.is_caught_up(archive)
        };
        let newer = |p: &SyncPoint| p.archive == archive && p.timestamp > timestamp;
        if caught_up && !self.sync_marks.iter().any(newer) {
            self.sync_marks.retain(|p| p.archive != archive);
            self.sync_marks.push(SyncPoint {
                archive: archive.to_owned(),
                id: id.to_owned(),
                timestamp,
            });
        }
    }
}
