//! Gives freed heap back to the system once the app goes quiet.
//!
//! Logging in (a 500-contact roster, twenty rooms joining with their
//! occupants and history) and message floods allocate on the tokio workers,
//! each with its own glibc arena. glibc keeps what was freed in those arenas
//! for reuse, so the idle process stayed 8 MiB larger than what it holds
//! (docs/PERFORMANCE.md); after an archive catch-up SQLite's page caches
//! (the writer's and the reader's) are full too. After a quiet period the
//! caches are released and the arenas trimmed, once; the next burst of
//! events arms it again. Quiet means no session event for
//! `quiet`, so an idle app never wakes for this.

use std::future::Future;
use std::sync::OnceLock;
use std::time::Duration;

use tokio::sync::mpsc;

use crate::store::Database;

/// How long without session events before the heap is trimmed.
pub const QUIET: Duration = Duration::from_secs(5);

/// The cheap handle the event path nudges.
#[derive(Clone)]
pub struct HeapTrim {
    nudge: mpsc::Sender<()>,
}

impl HeapTrim {
    /// The handle and the task to spawn on the runtime. `trim` is
    /// [`release_free_heap`] in the app.
    pub fn new(
        quiet: Duration,
        trim: impl Fn() + Send + 'static,
    ) -> (Self, impl Future<Output = ()> + Send) {
        // One slot: a nudge while one is pending adds nothing.
        let (nudge, mut nudged) = mpsc::channel(1);
        let task = async move {
            while nudged.recv().await.is_some() {
                loop {
                    match tokio::time::timeout(quiet, nudged.recv()).await {
                        Ok(Some(())) => continue,
                        Ok(None) => return,
                        Err(_elapsed) => break,
                    }
                }
                trim();
            }
        };
        (Self { nudge }, task)
    }

    /// Something happened: trim once things are quiet again.
    pub fn activity(&self) {
        let _ = self.nudge.try_send(());
    }
}

/// What the quiet app gives back: the history database's page caches (once
/// it is open), then the free pages of every malloc arena. On the async
/// runtime.
pub fn release_caches_and_heap(db: &OnceLock<Database>) {
    let Some(db) = db.get().cloned() else {
        return release_free_heap();
    };
    tokio::spawn(async move {
        db.release_memory().await;
        release_free_heap();
    });
}

/// Return free pages of every malloc arena to the system.
pub fn release_free_heap() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only walks glibc's own arenas under their locks.
    unsafe {
        libc::malloc_trim(0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;

    #[tokio::test(start_paused = true)]
    async fn trims_once_after_a_burst_goes_quiet_and_again_after_the_next() {
        let trims = Arc::new(AtomicUsize::new(0));
        let counter = trims.clone();
        let (heap, task) = HeapTrim::new(QUIET, move || {
            counter.fetch_add(1, Ordering::SeqCst);
        });
        tokio::spawn(task);

        // A burst longer than the quiet period, events 1 s apart.
        for _ in 0..10 {
            heap.activity();
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
        assert_eq!(trims.load(Ordering::SeqCst), 0, "not while busy");
        tokio::time::sleep(QUIET).await;
        assert_eq!(trims.load(Ordering::SeqCst), 1);

        // Idle: nothing more.
        tokio::time::sleep(QUIET * 10).await;
        assert_eq!(trims.load(Ordering::SeqCst), 1);

        heap.activity();
        tokio::time::sleep(QUIET + Duration::from_secs(1)).await;
        assert_eq!(trims.load(Ordering::SeqCst), 2);
    }
}
