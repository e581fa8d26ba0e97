//! Resuming the stream after a crash (XEP-0198 state on disk).
//!
//! The stream counts the stanzas it receives. The actor writes that count,
//! with the stream's id and bound JID, in the same transaction as the
//! messages those stanzas brought, and the stream acknowledges to the
//! server no more than has been written (its `AckGate` is confirmed from
//! the store thread after each commit). So when the process dies, the
//! server still holds everything not yet on disk, and the next start
//! resumes the old stream with the count on disk: the server sends the
//! rest again, once. A clean end forgets the stream; a restart whose
//! resumption the server refuses (it expired, or its queue overflowed)
//! binds a new session, and catch-up from the archive fills the gap.
//!
//! Only one running session per profile and account keeps this state: it
//! holds a lock file beside the database for its life. A second Hearth on
//! the same profile neither resumes the first one's stream (that would
//! take its session away) nor overwrites what it saved.

use std::fs::File;

use sha2::{Digest, Sha256};
use tokio_xmpp::jid::Jid;
use tokio_xmpp::stanzastream::{AckGate, Counted, Resumable, SavedStream};

use crate::error::Result;
use crate::store::{Database, Store, StreamPosition};

/// Stanzas handled before the count is written even if the batch of
/// messages is not full: the server keeps what we have not acknowledged
/// (Prosody resumes no more than 500 by default), so a flood must not run
/// far ahead of the acknowledgements.
const ACK_EVERY: usize = 200;

#[derive(Default)]
pub(super) struct Resumption {
    /// This session keeps the account's stream state (it holds the lock).
    owner: bool,
    /// The lock, held while the session runs (the OS lets go of it when
    /// the process ends, however it ends).
    lock: Option<File>,
    gate: AckGate,
    /// What an earlier run left resumable, while its resumption is tried.
    restoring: Option<StreamPosition>,
    /// The stream now up, if the server lets it be resumed.
    current: Option<StreamPosition>,
    /// The last stanza counted on it.
    counted: Option<Counted>,
    /// Stanzas counted since the count was last handed to the store.
    unwritten: usize,
    /// The count (or the stream) changed since it was last handed over.
    dirty: bool,
}

impl Resumption {
    /// Read what an earlier run of `account` left resumable: the stream
    /// to resume first, and the gate for the stream's acknowledgements.
    pub(super) async fn load(db: &Database, account: &str) -> (Self, Option<SavedStream>) {
        let (file, owner) = (db.file().map(|f| f.to_owned()), account.to_owned());
        // Opening and locking a file is blocking I/O: not on the runtime.
        let claimed = tokio::task::spawn_blocking(move || claim(file.as_deref(), &owner));
        let Ok(Some(lock)) = claimed.await else {
            return (Self::default(), None);
        };
        let account = account.to_owned();
        let read = db.read(move |s| {
            let mut saved = s.saved_stream(&account)?;
            if let Some(saved) = saved.as_mut() {
                // What that run sent unconfirmed may or may not have gone
                // out: only the archive can tell (`outbox.rs`).
                saved.caught_up &= s.queued_outgoing(&account, i64::MAX, 1)?.is_empty();
            }
            Ok(saved)
        });
        let saved = match read.await {
            Ok(saved) => saved,
            Err(e) => {
                log::warn!("the saved stream could not be read: {e}");
                None
            }
        };
        let resume = saved.as_ref().map(|p| SavedStream {
            id: p.id.clone(),
            location: p.location.clone(),
            h: p.h,
        });
        let this = Self {
            owner: true,
            lock,
            restoring: saved,
            ..Self::default()
        };
        (this, resume)
    }

    /// Let another session keep the stream state from now on.
    pub(super) fn release(&mut self) {
        self.lock = None;
        self.owner = false;
    }

    /// Nothing to resume: the stream ended, or the new one cannot be.
    pub(super) fn forget(&self, db: &Database, account: &str) {
        if self.owner {
            let account = account.to_owned();
            record(db, "forget the saved stream", move |s| {
                s.forget_stream(&account)
            });
        }
    }

    /// The archive catch-up on the stream now up ended: after resuming
    /// it, only the server's queue is missing.
    pub(super) fn caught_up(&self, db: &Database, account: &str) {
        if let Some(id) = self.stream_id() {
            let account = account.to_owned();
            record(db, "record the catch-up's end", move |s| {
                s.stream_caught_up(&account, &id)
            });
        }
    }

    pub(super) fn gate(&self) -> AckGate {
        self.gate.clone()
    }

    /// A new session is bound: remember it if it can be resumed. Whether
    /// the stream must be forgotten on disk (it cannot).
    pub(super) fn on_reset(&mut self, bound: &Jid, resumable: Option<Resumable>) -> bool {
        self.restoring = None;
        self.counted = None;
        self.unwritten = 0;
        if !self.owner {
            return false;
        }
        self.current = resumable.map(|r| StreamPosition {
            id: r.id,
            location: r.location,
            jid: bound.to_string(),
            h: 0,
            caught_up: false,
        });
        self.dirty = self.current.is_some();
        !self.dirty
    }

    /// The stream resumed. When it is the session an earlier run left (for
    /// this process a new session): its JID, and whether that run had
    /// caught up with the archive.
    pub(super) fn on_resumed(&mut self) -> Option<(Jid, bool)> {
        let restored = self.restoring.take()?;
        let resumed = restored
            .jid
            .parse()
            .ok()
            .map(|jid| (jid, restored.caught_up));
        self.current = Some(restored);
        resumed
    }

    /// The id of the resumable stream now up.
    pub(super) fn stream_id(&self) -> Option<String> {
        self.current.as_ref().map(|p| p.id.clone())
    }

    /// A stanza was handled.
    pub(super) fn handled(&mut self, counted: Option<Counted>) {
        if let Some(c) = counted {
            self.counted = Some(c);
            self.unwritten += 1;
            self.dirty = true;
        }
    }

    /// The count should be written without waiting for the batch.
    pub(super) fn is_pressing(&self) -> bool {
        self.unwritten >= ACK_EVERY
    }

    pub(super) fn is_dirty(&self) -> bool {
        self.dirty && self.current.is_some()
    }

    /// The count to write with the next batch, and what to confirm to the
    /// stream once it is committed.
    pub(super) fn take(&mut self) -> Option<(StreamPosition, Option<Counted>)> {
        if !std::mem::take(&mut self.dirty) {
            return None;
        }
        self.unwritten = 0;
        let mut position = self.current.clone()?;
        if let Some(c) = self.counted {
            position.h = c.h;
        }
        self.current = Some(position.clone());
        Some((position, self.counted))
    }
}

/// A write of stream state, on the store thread in order with the
/// messages. A failure is logged: the state helps a restart, the history
/// does not depend on it.
fn record(
    db: &Database,
    what: &'static str,
    job: impl FnOnce(&mut Store) -> Result<()> + Send + 'static,
) {
    db.submit(job, move |r| {
        if let Err(e) = r {
            log::warn!("could not {what}: {e}");
        }
    });
}

/// Take the lock on `account`'s stream state beside the database `file`:
/// `None` when another running session holds it; `Some(None)` for a
/// database in memory (nothing else can share it).
fn claim(file: Option<&std::path::Path>, account: &str) -> Option<Option<File>> {
    let Some(file) = file else {
        return Some(None);
    };
    let hash = Sha256::digest(account.as_bytes());
    let name: String = hash[..8].iter().map(|b| format!("{b:02x}")).collect();
    let path = file.with_file_name(format!("stream-{name}.lock"));
    let lock = match File::options()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
    {
        Ok(lock) => lock,
        Err(e) => {
            log::warn!("no lock for the stream state ({}): {e}", path.display());
            return None;
        }
    };
    match lock.try_lock() {
        Ok(()) => Some(Some(lock)),
        Err(e) => {
            log::info!("another running session keeps this account's stream state: {e}");
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resumable(id: &str) -> Resumable {
        Resumable {
            id: id.into(),
            location: None,
        }
    }

    fn counted(h: u32) -> Option<Counted> {
        Some(Counted { stream: 7, h })
    }

    #[test]
    fn the_count_written_is_the_last_stanza_handled_and_confirmed_after_it() {
        let mut r = Resumption {
            owner: true,
            ..Resumption::default()
        };
        let bound: Jid = "me@x/desk".parse().unwrap();
        assert!(!r.on_reset(&bound, Some(resumable("s1"))));
        // The new stream is written at once, with nothing handled yet.
        let (position, confirm) = r.take().unwrap();
        assert_eq!((position.id.as_str(), position.h), ("s1", 0));
        assert_eq!(position.jid, "me@x/desk");
        assert_eq!(confirm, None);
        assert!(r.take().is_none(), "nothing new to write");
        // A stanza before stream management was on (not counted) moves nothing.
        r.handled(None);
        assert!(r.take().is_none());
        for h in 1..=3 {
            r.handled(counted(h));
        }
        let (position, confirm) = r.take().unwrap();
        assert_eq!(position.h, 3);
        assert_eq!(confirm, counted(3));
        // A flood is written every ACK_EVERY stanzas, not only per batch.
        for h in 4..4 + ACK_EVERY as u32 {
            assert!(!r.is_pressing());
            r.handled(counted(h));
        }
        assert!(r.is_pressing());
        assert_eq!(r.take().unwrap().0.h, 3 + ACK_EVERY as u32);
        assert!(!r.is_pressing());
    }

    #[test]
    fn a_stream_that_cannot_be_resumed_is_forgotten_and_never_written() {
        let mut r = Resumption {
            owner: true,
            ..Resumption::default()
        };
        let bound: Jid = "me@x/desk".parse().unwrap();
        assert!(r.on_reset(&bound, None));
        // A session that does not keep the state never forgets another's.
        let mut guest = Resumption::default();
        assert!(!guest.on_reset(&bound, Some(resumable("s2"))));
        assert!(guest.take().is_none());
        r.handled(counted(1));
        assert!(!r.is_dirty());
        assert!(r.take().is_none());
        assert_eq!(r.stream_id(), None);
    }

    #[test]
    fn only_the_stream_an_earlier_run_left_makes_a_resumption_a_new_session() {
        let saved = StreamPosition {
            id: "old".into(),
            location: None,
            jid: "me@x/desk".into(),
            h: 2_010,
            caught_up: true,
        };
        let mut r = Resumption {
            restoring: Some(saved),
            ..Resumption::default()
        };
        let (jid, caught_up) = r.on_resumed().unwrap();
        assert_eq!(jid.to_string(), "me@x/desk");
        assert!(caught_up);
        assert_eq!(r.stream_id().as_deref(), Some("old"));
        // Counting goes on from the saved count.
        r.handled(counted(2_011));
        assert_eq!(r.take().unwrap().0.h, 2_011);
        // A later resumption in this run is an ordinary one.
        assert!(r.on_resumed().is_none());
    }
}
