//! The profile's database as the rest of the app holds it: one thread that
//! owns the read-write connection and runs every write, in the order asked
//! (batches stay one transaction each), and a second, read-only connection
//! for history pages and other reads. With WAL, a reader never waits for a
//! writer: a slow disk or a long transaction delays neither the XMPP
//! stream (the session actor hands writes over and goes on) nor the UI.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{mpsc, Arc, Mutex};

use rusqlite::{Connection, OpenFlags};

use super::Store;
use crate::error::{HearthError, Result};

type Job = Box<dyn FnOnce(&mut Store) + Send>;

/// The handle on the database: cheap to clone, shared by the app and each
/// session.
#[derive(Clone)]
pub struct Database {
    jobs: mpsc::Sender<Job>,
    reader: Arc<Mutex<Store>>,
    /// The database file (none in memory).
    file: Option<PathBuf>,
}

fn gone() -> HearthError {
    HearthError::Internal("the history database has stopped".into())
}

impl Database {
    /// Open (and migrate) the database file at `path`.
    pub fn open(path: &Path) -> Result<Self> {
        let writer = Store::open(path)?;
        let reader = Connection::open_with_flags(path, read_only())?;
        let mut db = Self::start(writer, reader)?;
        db.file = Some(path.to_owned());
        Ok(db)
    }

    /// The database file, unless the database is in memory.
    pub fn file(&self) -> Option<&Path> {
        self.file.as_deref()
    }

    /// A private in-memory database (tests, benchmarks): both connections
    /// share one memory database through SQLite's shared cache.
    pub fn in_memory() -> Result<Self> {
        static NEXT: AtomicU64 = AtomicU64::new(0);
        let uri = format!(
            "file:hearth-{}-{}?mode=memory&cache=shared",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        );
        let writer = Store::init(Connection::open_with_flags(
            &uri,
            OpenFlags::SQLITE_OPEN_READ_WRITE
                | OpenFlags::SQLITE_OPEN_CREATE
                | OpenFlags::SQLITE_OPEN_URI,
        )?)?;
        let reader = Connection::open_with_flags(&uri, read_only())?;
        Self::start(writer, reader)
    }

    fn start(mut writer: Store, reader: Connection) -> Result<Self> {
        reader.busy_timeout(std::time::Duration::from_secs(5))?;
        let (jobs, queue) = mpsc::channel::<Job>();
        std::thread::Builder::new()
            .name("hearth-store".into())
            .spawn(move || {
                // Ends when the last handle is dropped.
                for job in queue {
                    job(&mut writer);
                }
            })
            .map_err(|e| HearthError::Internal(format!("cannot start the store thread: {e}")))?;
        Ok(Self {
            jobs,
            reader: Arc::new(Mutex::new(Store { conn: reader })),
            file: None,
        })
    }

    /// Run `job` on the store thread, after everything asked before it, and
    /// hand its outcome to `then` there. Neither waits for the other: this
    /// is how the session actor writes without stalling.
    pub fn submit<R: 'static>(
        &self,
        job: impl FnOnce(&mut Store) -> R + Send + 'static,
        then: impl FnOnce(R) + Send + 'static,
    ) {
        let sent = self.jobs.send(Box::new(move |store| then(job(store))));
        if sent.is_err() {
            log::error!("a write was lost: the store thread has stopped");
        }
    }

    /// Wait until every write asked for before this call has run (writes
    /// run in order on the store thread).
    pub async fn flushed(&self) -> Result<()> {
        self.write(|_| Ok(())).await
    }

    /// Give back what both connections' page caches hold beyond the pages
    /// in use: after a catch-up they are full of pages read once.
    pub async fn release_memory(&self) {
        let written = self.write(|s| Ok(s.conn.release_memory()?)).await;
        let read = self.read(|s| Ok(s.conn.release_memory()?)).await;
        if let Err(e) = written.and(read) {
            log::debug!("the page caches were not released: {e}");
        }
    }

    /// Run `job` on the store thread and wait for its answer without
    /// blocking the async runtime.
    pub async fn write<T: Send + 'static>(
        &self,
        job: impl FnOnce(&mut Store) -> Result<T> + Send + 'static,
    ) -> Result<T> {
        let (tx, rx) = tokio::sync::oneshot::channel();
        self.submit(job, move |r| {
            let _ = tx.send(r);
        });
        rx.await.map_err(|_| gone())?
    }

    /// `write`, for code that is not async (it blocks the calling thread,
    /// so never call it on the async runtime).
    pub fn write_blocking<T: Send + 'static>(
        &self,
        job: impl FnOnce(&mut Store) -> Result<T> + Send + 'static,
    ) -> Result<T> {
        let (tx, rx) = mpsc::sync_channel(1);
        self.submit(job, move |r| {
            let _ = tx.send(r);
        });
        rx.recv().map_err(|_| gone())?
    }

    /// Read through the read-only connection: sees every committed write,
    /// never waits for one in progress. The query runs on the runtime's
    /// blocking pool, so a long one holds up no async task.
    pub async fn read<T: Send + 'static>(
        &self,
        query: impl FnOnce(&Store) -> Result<T> + Send + 'static,
    ) -> Result<T> {
        let reader = self.reader.clone();
        tokio::task::spawn_blocking(move || {
            let reader = reader
                .lock()
                .map_err(|_| HearthError::Internal("the history reader lock is poisoned".into()))?;
            query(&reader)
        })
        .await
        .map_err(|e| HearthError::Internal(format!("a history read failed: {e}")))?
    }
}

fn read_only() -> OpenFlags {
    OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_URI | OpenFlags::SQLITE_OPEN_NO_MUTEX
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::NewMessage;

    fn message(body: &str) -> NewMessage {
        NewMessage::received("bob@y", body, 1)
    }

    #[tokio::test]
    async fn writes_run_in_order_and_reads_see_them() {
        let dir = std::env::temp_dir().join(format!("hearth-db-{}", std::process::id()));
        let db = Database::open(&dir.join("t.sqlite3")).unwrap();
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
        for body in ["one", "two", "three"] {
            let tx = tx.clone();
            db.submit(
                move |s| s.insert_messages("me@x", &[message(body)]),
                move |r| {
                    let _ = tx.send(r.unwrap()[0].body.clone());
                },
            );
        }
        let mut order = Vec::new();
        for _ in 0..3 {
            order.push(rx.recv().await.unwrap());
        }
        assert_eq!(order, ["one", "two", "three"]);
        let page = db
            .read(|s| s.history_page("me@x", "bob@y", None, 10))
            .await
            .unwrap();
        assert_eq!(page.messages.len(), 3);
        // The reader cannot write.
        assert!(db
            .read(|s| s.pin_certificate("me@x", b"not a certificate"))
            .await
            .is_err());
        let _ = std::fs::remove_dir_all(dir);
    }

    #[tokio::test]
    async fn a_long_read_does_not_hold_up_writes() {
        let dir = std::env::temp_dir().join(format!("hearth-db2-{}", std::process::id()));
        let db = Database::open(&dir.join("t.sqlite3")).unwrap();
        db.write_blocking(|s| s.insert_messages("me@x", &[message("first")]))
            .unwrap();
        // A read transaction stays open while a write commits.
        let writer = db.clone();
        let wrote = db
            .read(move |reader| {
                reader.conn.execute_batch("BEGIN")?;
                let _ = reader.history_page("me@x", "bob@y", None, 10)?;
                let wrote =
                    writer.write_blocking(|s| s.insert_messages("me@x", &[message("second")]));
                reader.conn.execute_batch("COMMIT")?;
                wrote
            })
            .await
            .unwrap();
        assert_eq!(wrote.len(), 1);
        let page = db
            .read(|s| s.history_page("me@x", "bob@y", None, 10))
            .await
            .unwrap();
        assert_eq!(page.messages.len(), 2);
        let _ = std::fs::remove_dir_all(dir);
    }
}
