// Hearth patch (whole file): stream-management acknowledgements that follow
// what the application has made durable, and resumption of a stream from
// state the application saved before a restart.
//
// XEP-0198 acknowledges a stanza to the server as handled; the server then
// forgets it. If the application acknowledges a stanza it has not yet
// written to disk and is killed, the stanza is gone from the server's queue
// and absent from the disk. With an `AckGate`, the stream acknowledges no
// further than the application has confirmed, and the application saves
// the stream's id and count in the same transaction as what it stored, so
// that after a crash it can resume the old stream and receive the rest of
// its queue exactly once.

use core::task::Waker;
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::sync::Arc;

use futures::task::AtomicWaker;

/// What an application saved of a resumable stream, to resume it after a
/// restart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SavedStream {
    /// The XEP-0198 stream id (`previd` when resuming).
    pub id: String,

    /// Where the server asked to be reached for resumption, if it said.
    pub location: Option<String>,

    /// Stanzas received on the stream and made durable.
    pub h: u32,
}

/// The place of a received stanza in its stream's inbound count. Handed to
/// [`AckGate::confirm`] once what the stanza brought is durable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Counted {
    /// Which stream-management session counted it (unique per process).
    pub stream: u32,

    /// The inbound count including this stanza.
    pub h: u32,
}

/// A resumable stream as negotiated: what to save to resume it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resumable {
    /// The XEP-0198 stream id.
    pub id: String,

    /// Where the server asked to be reached for resumption, if it said.
    pub location: Option<String>,
}

/// The application's confirmations, shared with the stream.
#[derive(Debug, Clone, Default)]
pub struct AckGate {
    inner: Arc<GateInner>,
}

#[derive(Debug, Default)]
struct GateInner {
    /// The latest confirmation: stream in the high half, count in the low.
    confirmed: AtomicU64,
    /// The stream's task, woken when a confirmation lets it acknowledge
    /// what it had to hold back.
    waker: AtomicWaker,
}

impl AckGate {
    /// A gate with nothing confirmed yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Everything up to and including `counted` is durable: the stream may
    /// acknowledge it. Confirmations must come in the order counted.
    pub fn confirm(&self, counted: Counted) {
        let packed = (u64::from(counted.stream) << 32) | u64::from(counted.h);
        self.inner.confirmed.store(packed, Ordering::Release);
        self.inner.waker.wake();
    }

    /// The count confirmed for `stream`, if any.
    pub(super) fn confirmed(&self, stream: u32) -> Option<u32> {
        let packed = self.inner.confirmed.load(Ordering::Acquire);
        ((packed >> 32) as u32 == stream).then_some(packed as u32)
    }

    pub(super) fn register(&self, waker: &Waker) {
        self.inner.waker.register(waker);
    }
}

/// A process-wide number for each stream-management session, so that a
/// confirmation for an earlier session is never taken for this one's.
pub(super) fn next_stream() -> u32 {
    static NEXT: AtomicU32 = AtomicU32::new(1);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

/// `a` is at or before `b` in RFC 1982 serial arithmetic (the counters wrap).
pub(super) fn serial_le(a: u32, b: u32) -> bool {
    b.wrapping_sub(a) < u32::MAX / 2
}
