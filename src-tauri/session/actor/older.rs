//! Scrolling back past local history (XEP-0313): when the user reaches the
//! oldest message stored, the conversation's archive (our account's,
//! filtered `with` the contact, or the room's own) is asked for the page
//! before the oldest archive id held there, or the newest page when none
//! is held. The results pass through intake like any archive result
//! (believed only for that query from that archive, deduplicated), then
//! wait until the page ends and are written together as older than what
//! the conversation holds (`Store::insert_older`). They are the answer to
//! the request, not news: no `MessagesAdded`, no unread count.

use std::collections::HashMap;

use tokio::sync::oneshot;
use tokio_xmpp::jid::{BareJid, Jid};
use tokio_xmpp::Stanza;

use super::{Actor, Internal, IQ_TIMEOUT};
use crate::error::{ErrorCode, HearthError, Problem, Result};
use crate::features::xep0313_mam::{self, Page, Query};
use crate::features::xep0359_stanza_ids;
use crate::session::event::SessionEvent;
use crate::session::iq_tracker::IqAnswer;
use crate::store::{Amendment, ChatMessage, HistoryPage, NewMessage};

/// Messages asked for per page when scrolling back (a screenful or two).
const OLDER_PAGE: usize = 50;

/// Amendments held per page at most (a page asks for no more results).
const MAX_HELD: usize = 1_000;

pub(crate) type OlderReply = oneshot::Sender<Result<HistoryPage>>;

/// Where a scroll-back query goes and what it asks, once the store said
/// which archive id is the oldest held.
pub(crate) struct OlderRequest {
    pub archive: BareJid,
    pub with: Option<BareJid>,
    pub before: Option<String>,
    pub reply: OlderReply,
}

#[derive(Default)]
pub(super) struct Older {
    /// Queries read backward: their results wait here for the end of the
    /// page.
    pages: HashMap<String, Vec<NewMessage>>,
    /// Corrections and retractions among those results: applied after the
    /// page is written, since they may name a message in it.
    amendments: HashMap<String, Vec<Amendment>>,
    /// Scroll-back requests waiting for their page, by query id.
    fetches: HashMap<String, OlderReply>,
}

impl Older {
    /// The page that results of `query` wait in, if it is read backward.
    pub fn page(&mut self, query: &str) -> Option<&mut Vec<NewMessage>> {
        self.pages.get_mut(query)
    }

    /// `query` reads backward: keep its results for the end of its page.
    pub fn read_backward(&mut self, query: &str) {
        self.pages.insert(query.to_owned(), Vec::new());
    }

    pub fn take_page(&mut self, query: &str) -> Option<Vec<NewMessage>> {
        self.pages.remove(query)
    }

    /// Hold `a`, a result of `query`, until its page is written; gives it
    /// back when `query` is not read backward.
    pub fn hold(&mut self, query: &str, a: Amendment) -> Option<Amendment> {
        if !self.pages.contains_key(query) {
            return Some(a);
        }
        let held = self.amendments.entry(query.to_owned()).or_default();
        // As many as a page has results: the archive cannot grow this.
        if held.len() < MAX_HELD {
            held.push(a);
        }
        None
    }

    /// The amendments held for `query`'s page.
    pub fn take_amendments(&mut self, query: &str) -> Vec<Amendment> {
        self.amendments.remove(query).unwrap_or_default()
    }

    /// Whether `query` is a scroll-back request's.
    pub fn is_fetch(&self, query: &str) -> bool {
        self.fetches.contains_key(query)
    }
}

fn no_older() -> Result<HistoryPage> {
    Ok(HistoryPage {
        messages: vec![],
        complete: true,
    })
}

impl Actor {
    /// The user scrolled past the oldest message held with `peer`.
    pub(super) async fn fetch_older(&mut self, peer: String, reply: OlderReply) {
        if !self.state.borrow().is_online() {
            let _ = reply.send(Err(HearthError::NotConnected));
            return;
        }
        let Ok(jid) = peer.parse::<Jid>() else {
            let _ = reply.send(no_older());
            return;
        };
        // A private chat through a room is in no archive we can filter by.
        if jid.resource().is_some() {
            let _ = reply.send(no_older());
            return;
        }
        let bare = jid.to_bare();
        let (archive, with) = if self.rooms.contains(&bare) {
            // The room's archive answers only occupants, and intake takes a
            // room's results only while we are in it.
            if !self.rooms.is_joined(&bare) {
                let _ = reply.send(Err(Problem::of(ErrorCode::NotInRoom).into()));
                return;
            }
            if self.room_sync.has_archive(&bare) != Some(true) {
                let _ = reply.send(no_older());
                return;
            }
            (bare, None)
        } else {
            if self.sync.account_archive == Some(false) {
                let _ = reply.send(no_older());
                return;
            }
            (self.own.clone(), Some(bare))
        };
        let (db, internal, account) =
            (self.db.clone(), self.internal.clone(), self.own.to_string());
        tokio::spawn(async move {
            let from = archive.to_string();
            // On the store thread, after the writes already asked for (the
            // last page of a catch-up may still be on its way to the disk).
            let before = db
                .write(move |s| s.oldest_archive_id(&account, &peer, &from))
                .await;
            match before {
                Ok(before) => {
                    let _ = internal.send(Internal::OlderFrom(OlderRequest {
                        archive,
                        with,
                        before,
                        reply,
                    }));
                }
                Err(e) => {
                    let _ = reply.send(Err(e));
                }
            }
        });
    }

    /// Ask the archive for the page before the oldest id held.
    pub(super) async fn on_older_from(&mut self, request: OlderRequest) {
        let queryid = xep0359_stanza_ids::new_id();
        let query = Query {
            page: Page::Before(request.before),
            max: OLDER_PAGE,
            start_ms: None,
            with: request.with,
        };
        let to = (request.archive != self.own).then_some(request.archive.clone());
        let (id, answer) = self.tracker.register(to.clone().map(Jid::from), IQ_TIMEOUT);
        let iq = xep0313_mam::request(&id, &queryid, to.as_ref(), &query);
        if self.send(Stanza::Iq(iq)).await.is_none() {
            let _ = request.reply.send(Err(HearthError::NotConnected));
            return;
        }
        self.archive_queries
            .insert(queryid.clone(), request.archive);
        self.older.read_backward(&queryid);
        self.older.fetches.insert(queryid.clone(), request.reply);
        let internal = self.internal.clone();
        tokio::spawn(async move {
            let answer = answer.await.unwrap_or(Err(HearthError::NotConnected));
            let _ = internal.send(Internal::ArchivePage { queryid, answer });
        });
    }

    /// A scroll-back page ended: store it and answer with what was new,
    /// and whether the archive has nothing older.
    pub(super) fn on_older_page(&mut self, queryid: String, answer: IqAnswer) {
        self.archive_queries.remove(&queryid);
        let page = self.older.take_page(&queryid).unwrap_or_default();
        let held = self.older.take_amendments(&queryid);
        let Some(reply) = self.older.fetches.remove(&queryid) else {
            return;
        };
        let fin = match answer {
            Ok(payload) => xep0313_mam::fin(payload.as_ref()),
            Err(e) => {
                let _ = reply.send(Err(e));
                return;
            }
        };
        let Some(fin) = fin else {
            let _ = reply.send(Err(Problem::of(ErrorCode::Protocol).into()));
            return;
        };
        // An empty page is the start too, whatever `complete` says: asking
        // again before nothing would never end.
        let complete = fin.complete || fin.first.is_none();
        self.write_older(page, move |stored| {
            let _ = reply.send(stored.map(|mut messages| {
                messages.sort_by_key(|m| (m.timestamp, m.id));
                HistoryPage { messages, complete }
            }));
        });
        // After the page: they may name a message in it.
        self.amendments.extend(held);
    }

    /// Write a page read backward, after what waits in the batch (the store
    /// thread runs jobs in order, so the page sees the newer messages).
    pub(super) fn write_older(
        &mut self,
        page: Vec<NewMessage>,
        done: impl FnOnce(Result<Vec<ChatMessage>>) + Send + 'static,
    ) {
        self.flush();
        let account = self.own.to_string();
        self.db
            .submit(move |s| s.insert_older(&account, &page, &[]), done);
    }

    /// `write_older` for catch-up, whose messages are news to this device.
    pub(super) fn write_older_and_announce(&mut self, queryid: &str, page: Vec<NewMessage>) {
        let held = self.older.take_amendments(queryid);
        if page.is_empty() {
            self.amendments.extend(held);
            return;
        }
        let sink = self.sink.clone();
        self.write_older(page, move |stored| match stored {
            Ok(messages) if !messages.is_empty() => {
                sink.emit(SessionEvent::MessagesAdded { messages })
            }
            Ok(_) => {}
            Err(e) => log::error!("could not store a page of history: {e}"),
        });
        self.amendments.extend(held);
    }
}
