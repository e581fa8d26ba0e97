//! Bookmarks in the session actor: which protocol to use (XEP-0402 when the
//! server keeps XEP-0048 in step, both when it has PEP but no such
//! compatibility — Openfire, ejabberd —, else XEP-0048 alone), loading and
//! merging them at login, autojoining, editing, and pushes from our own
//! account.
//!
//! With both, XEP-0048 is the copy every server reads: a change stored
//! there is a success even if the XEP-0402 copy fails, which is logged at
//! WARN, and the session then stays with XEP-0048 alone rather than fail
//! again on every change. How XEP-0402 items are written, on servers that
//! take its publish options and on those that do not, is in
//! `pep_bookmarks.rs`.

use tokio::sync::oneshot;
use tokio_xmpp::jid::{BareJid, Jid};
use tokio_xmpp::minidom::Element;
use tokio_xmpp::parsers::iq::Iq;
use tokio_xmpp::Stanza;

use super::bookmark_state::{wait_for, Source, Storage};
use super::inbound::{Inbound, Via};
use super::{Actor, Internal, IQ_TIMEOUT};
use crate::error::{HearthError, Result};
use crate::features::bookmark::{merge, Bookmark, BookmarkView};
use crate::features::{xep0030_disco, xep0048_bookmarks, xep0402_bookmarks};
use crate::session::command::BookmarkEdit;
use crate::session::event::SessionEvent;
use crate::session::iq_tracker::IqAnswer;

impl Actor {
    fn bookmark_views(&self) -> Vec<BookmarkView> {
        self.bookmarks.list.iter().map(BookmarkView::from).collect()
    }

    pub(super) fn bookmarks_snapshot(&self) -> Vec<BookmarkView> {
        self.bookmark_views()
    }

    /// A fresh session: find out where bookmarks live, then load them.
    pub(super) async fn start_bookmarks(&mut self) {
        self.bookmarks.loaded = false;
        self.bookmarks.pep_writes = Default::default();
        let own = Jid::from(self.own.clone());
        let (id, answer) = self.tracker.register(Some(own.clone()), IQ_TIMEOUT);
        self.send(Stanza::Iq(xep0030_disco::info_request(&id, own)))
            .await;
        let internal = self.internal.clone();
        tokio::spawn(async move {
            let _ = internal.send(Internal::BookmarkDisco(wait_for(answer).await));
        });
    }

    pub(super) async fn on_bookmark_disco(&mut self, answer: IqAnswer) {
        let features = match &answer {
            Ok(payload) => xep0030_disco::features_of(payload.as_ref()),
            Err(e) => {
                log::info!("the account's disco#info failed ({e}); using private storage");
                vec![]
            }
        };
        let has = |f: &str| features.iter().any(|x| x == f);
        let storage = if has(xep0402_bookmarks::COMPAT) {
            Storage::Pep
        } else if has(xep0402_bookmarks::PUBLISH_OPTIONS) {
            Storage::Both
        } else {
            Storage::Private
        };
        log::info!("bookmarks: {storage:?}");
        self.bookmarks.storage = Some(storage);
        self.bookmarks.waiting.clear();
        if matches!(storage, Storage::Private | Storage::Both) {
            self.fetch_bookmarks(Source::Private).await;
        }
        if matches!(storage, Storage::Pep | Storage::Both) {
            self.fetch_bookmarks(Source::Pep).await;
        }
    }

    async fn fetch_bookmarks(&mut self, source: Source) {
        self.bookmarks.waiting.insert(source, None);
        // Private storage is asked of the server, PEP of our own account.
        let to = (source == Source::Pep).then(|| Jid::from(self.own.clone()));
        let (id, answer) = self.tracker.register(to, IQ_TIMEOUT);
        let request: Iq = match source {
            Source::Private => xep0048_bookmarks::request(&id),
            Source::Pep => xep0402_bookmarks::request(&id, &self.own),
        };
        self.send(Stanza::Iq(request)).await;
        let internal = self.internal.clone();
        tokio::spawn(async move {
            let _ = internal.send(Internal::BookmarksFetched(source, wait_for(answer).await));
        });
    }

    pub(super) async fn on_bookmarks_fetched(&mut self, source: Source, answer: IqAnswer) {
        let list = match (source, answer) {
            (Source::Private, Ok(payload)) => {
                let doc = xep0048_bookmarks::storage_of(payload.as_ref());
                let list = doc
                    .as_ref()
                    .map(xep0048_bookmarks::read)
                    .unwrap_or_default();
                self.bookmarks.private_doc = doc;
                list
            }
            (Source::Pep, Ok(payload)) => {
                let items = xep0402_bookmarks::read_items(payload.as_ref());
                self.bookmarks.pep_items = items
                    .iter()
                    .map(|(b, e)| (b.jid.clone(), e.clone()))
                    .collect();
                items.into_iter().map(|(b, _)| b).collect()
            }
            // An empty or missing node or document is an empty list.
            (_, Err(e)) => {
                log::info!("no bookmarks from {source:?}: {e}");
                vec![]
            }
        };
        self.bookmarks.waiting.insert(source, Some(list));
        if self.bookmarks.waiting.values().any(Option::is_none) {
            return;
        }
        let private = self.bookmarks.waiting.remove(&Source::Private).flatten();
        let pep = self.bookmarks.waiting.remove(&Source::Pep).flatten();
        let merged = match (&pep, &private) {
            (Some(p), Some(x)) => merge(p, x),
            (Some(p), None) => p.clone(),
            (None, Some(x)) => x.clone(),
            (None, None) => vec![],
        };
        self.bookmarks.list = merged.clone();
        self.bookmarks.loaded = true;
        self.sink
            .emit(SessionEvent::Bookmarks(self.bookmark_views()));
        // Keep both formats in step: what one lacks, write to it.
        if self.bookmarks.storage == Some(Storage::Both) {
            let pep_rooms: Vec<String> =
                pep.unwrap_or_default().into_iter().map(|b| b.jid).collect();
            let private_list = private.unwrap_or_default();
            if private_list.len() != merged.len() || private_list != merged {
                if let Some(stored) = self.write_private().await {
                    tokio::spawn(async move {
                        if let Err(e) = wait_for(stored).await {
                            log::warn!(
                                "could not store the bookmarks in private storage (XEP-0048): {e}"
                            );
                        }
                    });
                }
            }
            // Failures are logged as they are answered.
            for b in merged.iter().filter(|b| !pep_rooms.contains(&b.jid)) {
                let b = b.clone();
                self.write_pep(&b).await;
            }
        }
        self.autojoin().await;
    }

    async fn autojoin(&mut self) {
        let default_nick = self.own.node().map(|n| n.to_string()).unwrap_or_default();
        let wanted: Vec<Bookmark> = self
            .bookmarks
            .list
            .iter()
            .filter(|b| b.autojoin)
            .cloned()
            .collect();
        for b in wanted {
            let Ok(room) = b.jid.parse::<BareJid>() else {
                continue;
            };
            if self.rooms.contains(&room) {
                continue;
            }
            let nick = b.nick.clone().unwrap_or_else(|| default_nick.clone());
            if room.with_resource_str(&nick).is_ok() {
                self.rooms
                    .begin_join(room.clone(), nick, b.password.clone(), None);
                self.enter_room(room).await;
            }
        }
    }

    /// Write the whole XEP-0048 document; the answer is only logged.
    async fn write_private(&mut self) -> Option<oneshot::Receiver<IqAnswer>> {
        let doc =
            xep0048_bookmarks::write(self.bookmarks.private_doc.as_ref(), &self.bookmarks.list);
        self.bookmarks.private_doc = Some(doc.clone());
        let (id, answer) = self.tracker.register(None, IQ_TIMEOUT);
        self.send(Stanza::Iq(xep0048_bookmarks::store(&id, doc)))
            .await?;
        Some(answer)
    }

    /// Add or change a bookmark in every format the account uses; the
    /// reply comes when the server has stored it.
    pub(super) async fn set_bookmark(
        &mut self,
        edit: BookmarkEdit,
        reply: oneshot::Sender<Result<()>>,
    ) {
        let Some(storage) = self.bookmarks.storage.filter(|_| self.bookmarks.loaded) else {
            let _ = reply.send(Err(HearthError::NotConnected));
            return;
        };
        let jid = edit.jid.to_string();
        let old_password = self
            .bookmarks
            .list
            .iter()
            .find(|b| b.jid == jid)
            .and_then(|b| b.password.clone());
        let bookmark = Bookmark {
            jid: jid.clone(),
            name: edit.name,
            nick: edit.nick,
            password: match edit.password {
                Some(p) if p.is_empty() => None,
                Some(p) => Some(p),
                None => old_password,
            },
            autojoin: edit.autojoin,
        };
        match self.bookmarks.list.iter_mut().find(|b| b.jid == jid) {
            Some(b) => *b = bookmark.clone(),
            None => self.bookmarks.list.push(bookmark.clone()),
        }
        let pep = match storage {
            Storage::Pep | Storage::Both => Some(self.write_pep(&bookmark).await),
            Storage::Private => None,
        };
        let private = match storage {
            Storage::Private | Storage::Both => Some(self.write_private().await),
            Storage::Pep => None,
        };
        self.sink
            .emit(SessionEvent::Bookmarks(self.bookmark_views()));
        tokio::spawn(reply_when_stored(pep, private, reply));
    }

    pub(super) async fn remove_bookmark(
        &mut self,
        room: BareJid,
        reply: oneshot::Sender<Result<()>>,
    ) {
        let Some(storage) = self.bookmarks.storage.filter(|_| self.bookmarks.loaded) else {
            let _ = reply.send(Err(HearthError::NotConnected));
            return;
        };
        let jid = room.to_string();
        self.bookmarks.list.retain(|b| b.jid != jid);
        let pep = match storage {
            Storage::Pep | Storage::Both => Some(self.retract_pep(&jid).await),
            Storage::Private => None,
        };
        let private = match storage {
            Storage::Private | Storage::Both => Some(self.write_private().await),
            Storage::Pep => None,
        };
        self.sink
            .emit(SessionEvent::Bookmarks(self.bookmark_views()));
        tokio::spawn(reply_when_stored(pep, private, reply));
    }

    /// A PEP notification. Believed only from our own bare JID.
    pub(super) fn on_bookmark_push(&mut self, from: Option<&Jid>, event: &Element) -> bool {
        let own = Jid::from(self.own.clone());
        if from != Some(&own) {
            return false;
        }
        let pushes = xep0402_bookmarks::read_push(event);
        if pushes.is_empty() {
            return false;
        }
        for push in pushes {
            match push {
                xep0402_bookmarks::Push::Published(b, raw) => {
                    self.bookmarks.pep_items.insert(b.jid.clone(), raw);
                    match self.bookmarks.list.iter_mut().find(|x| x.jid == b.jid) {
                        Some(x) => *x = b,
                        None => self.bookmarks.list.push(b),
                    }
                }
                xep0402_bookmarks::Push::Retracted(room) => {
                    self.bookmarks.pep_items.remove(&room);
                    self.bookmarks.list.retain(|x| x.jid != room);
                }
            }
        }
        self.sink
            .emit(SessionEvent::Bookmarks(self.bookmark_views()));
        true
    }
}

/// The user's answer to a change. `Some(None)`: the store was to be
/// written but the link was down. With both stores, the private one
/// decides (every server reads it; a PEP failure was logged already).
async fn reply_when_stored(
    pep: Option<Option<oneshot::Receiver<Result<()>>>>,
    private: Option<Option<oneshot::Receiver<IqAnswer>>>,
    reply: oneshot::Sender<Result<()>>,
) {
    let private = match private {
        None => None,
        Some(None) => Some(Err(HearthError::NotConnected)),
        Some(Some(answer)) => Some(wait_for(answer).await.map(|_| ())),
    };
    if let Some(Err(e)) = &private {
        log::warn!("the server did not store the bookmarks in private storage (XEP-0048): {e}");
    }
    let pep = match pep {
        None => None,
        Some(None) => Some(Err(HearthError::NotConnected)),
        Some(Some(done)) => Some(done.await.unwrap_or(Err(HearthError::NotConnected))),
    };
    let result = match (private, pep) {
        (Some(private), _) => private,
        (None, Some(pep)) => pep,
        (None, None) => Ok(()),
    };
    // The UI says the bookmark was not stored; the error says why.
    let _ = reply.send(result);
}

impl Actor {
    /// Events from our own PEP service (XEP-0163): only bookmarks today.
    pub(super) fn on_pep_event(&mut self, inbound: &Inbound) -> bool {
        if inbound.via != Via::Live {
            return false;
        }
        let m = &inbound.message;
        let Some(event) = m
            .payloads
            .iter()
            .find(|p| p.is("event", xep0402_bookmarks::NS_EVENT))
        else {
            return false;
        };
        if !self.on_bookmark_push(m.from.as_ref(), event) {
            log::info!("ignoring a PEP event that is not our own bookmarks");
        }
        true
    }
}
