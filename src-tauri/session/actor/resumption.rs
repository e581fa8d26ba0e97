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

use tokio_xmpp::jid::Jid;
use tokio_xmpp::stanzastream::{AckGate, Counted, Resumable, SavedStream};

use crate::store::{Database, StreamPosition};

/// Stanzas handled before the count is written even if the batch of
/// messages is not full: the server keeps what we have not acknowledged
/// (Prosody resumes no more than 500 by default), so a flood must not run
/// far ahead of the acknowledgements.
const ACK_EVERY: usize = 200;

#[derive(Default)]
pub(super) struct Resumption {
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
            restoring: saved,
            ..Self::default()
        };
        (this, resume)
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
