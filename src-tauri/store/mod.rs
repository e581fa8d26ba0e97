//! Local storage: one SQLite file per profile (WAL, foreign keys on),
//! schema by an append-only migration ladder keyed on `user_version`.
//! Only this module writes SQL.

mod accounts;
mod amendments;
mod archive_sync;
mod database;
mod messages;
mod migrations;
mod older;
mod outbox;
mod pinned_certificates;
mod reactions;
mod read_markers;
mod rows;
mod search;
mod search_text;
mod stream_resumption;

use std::path::Path;

use rusqlite::Connection;

pub use accounts::AccountSettings;
pub use amendments::{Amendment, Change, MessageVersion};
pub use archive_sync::SyncPoint;
pub use database::Database;
pub use messages::now_ms;
pub use messages::{
    ChatMessage, DeliveryState, HistoryCursor, HistoryPage, MessageDirection, MessageKind,
    NewMessage, Reaction, ReplyTo,
};
pub use outbox::Queued;
pub use pinned_certificates::PinnedCertificate;
pub use read_markers::MessagesRead;
pub use rows::Stored;
pub use search::{MAX_RESULTS, MAX_THROUGH};
pub use stream_resumption::StreamPosition;

use crate::error::Result;

pub struct Store {
    conn: Connection,
}

impl Store {
    pub fn open(path: &Path) -> Result<Self> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| {
                crate::error::HearthError::Internal(format!(
                    "cannot create the data folder {}: {e}",
                    dir.display()
                ))
            })?;
        }
        let conn = Connection::open(path)?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        Self::init(conn)
    }

    pub fn open_in_memory() -> Result<Self> {
        Self::init(Connection::open_in_memory()?)
    }

    fn init(mut conn: Connection) -> Result<Self> {
        conn.pragma_update(None, "foreign_keys", "ON")?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        migrations::migrate(&mut conn)?;
        Ok(Self { conn })
    }

    pub fn schema_version(&self) -> Result<i64> {
        Ok(self
            .conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))?)
    }
}
