//! How far each server archive has been read (XEP-0313): the newest archive
//! id held from the account's archive and from each room's. Catch-up after a
//! fresh session asks for what came after it. The record moves only in the
//! transaction that stores the messages up to it
//! (`Store::insert_messages_to`).

use rusqlite::{params, OptionalExtension, Transaction};

use super::Store;
use crate::error::Result;

/// The newest message held from `archive`: its archive id and time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyncPoint {
    pub archive: String,
    pub id: String,
    pub timestamp: i64,
}

impl Store {
    /// Where reading `archive` stopped, if it was ever read.
    pub fn sync_point(&self, account: &str, archive: &str) -> Result<Option<SyncPoint>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT last_id, last_ts FROM archive_sync WHERE account = ?1 AND archive = ?2",
        )?;
        Ok(stmt
            .query_row(params![account, archive], |r| {
                Ok(SyncPoint {
                    archive: archive.to_owned(),
                    id: r.get(0)?,
                    timestamp: r.get(1)?,
                })
            })
            .optional()?)
    }
}

/// Record `reached` within `tx`. A point older than the one stored does not
/// move it back (a page of older history read while scrolling back).
pub(super) fn record(tx: &Transaction, account: &str, reached: &[SyncPoint]) -> Result<()> {
    if reached.is_empty() {
        return Ok(());
    }
    let mut upsert = tx.prepare_cached(
        "INSERT INTO archive_sync (account, archive, last_id, last_ts) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (account, archive) DO UPDATE SET last_id = excluded.last_id,
             last_ts = excluded.last_ts
         WHERE excluded.last_ts >= archive_sync.last_ts",
    )?;
    for p in reached {
        upsert.execute(params![account, p.archive, p.id, p.timestamp])?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{DeliveryState, MessageDirection, MessageKind, NewMessage};

    fn incoming(id: &str, body: &str, ts: i64, sid: Option<&str>) -> NewMessage {
        NewMessage {
            peer: "bob@x".into(),
            direction: MessageDirection::In,
            kind: MessageKind::Chat,
            message_id: Some(id.into()),
            origin_id: None,
            stanza_id: sid.map(|s| (s.into(), "me@x".into())),
            body: body.into(),
            subject: None,
            timestamp: ts,
            state: DeliveryState::Received,
            sender: None,
            reply: None,
            unstyled: false,
            occupant_id: None,
        }
    }

    fn point(id: &str, ts: i64) -> SyncPoint {
        SyncPoint {
            archive: "me@x".into(),
            id: id.into(),
            timestamp: ts,
        }
    }

    #[test]
    fn the_point_moves_with_its_messages_and_never_back() {
        let mut s = Store::open_in_memory().unwrap();
        assert_eq!(s.sync_point("me@x", "me@x").unwrap(), None);
        s.insert_messages_to(
            "me@x",
            &[incoming("m1", "hi", 1_000, Some("A1"))],
            &[point("A1", 1_000)],
        )
        .unwrap();
        assert_eq!(
            s.sync_point("me@x", "me@x").unwrap(),
            Some(point("A1", 1_000))
        );
        // An older page (scrolling back) leaves the point where it is.
        s.insert_messages_to("me@x", &[], &[point("A0", 500)])
            .unwrap();
        assert_eq!(
            s.sync_point("me@x", "me@x").unwrap(),
            Some(point("A1", 1_000))
        );
        s.insert_messages_to("me@x", &[], &[point("A2", 2_000)])
            .unwrap();
        assert_eq!(s.sync_point("me@x", "me@x").unwrap().unwrap().id, "A2");
    }

    #[test]
    fn an_offline_copy_and_its_archived_twin_are_one_message() {
        let mut s = Store::open_in_memory().unwrap();
        // Offline storage delivered it without an archive id …
        let first = s
            .insert_messages("me@x", &[incoming("m1", "hi", 10_000, None)])
            .unwrap();
        assert_eq!(first.len(), 1);
        // … the archive has it stamped a few seconds apart: not stored again.
        let twin = s
            .insert_messages("me@x", &[incoming("m1", "hi", 12_000, Some("A1"))])
            .unwrap();
        assert!(twin.is_empty());
        // The stored row took the archive id, so the next copy dedupes by it.
        let page = s.history_page("me@x", "bob@x", None, 10).unwrap();
        assert_eq!(page.messages.len(), 1);
        assert_eq!(page.messages[0].stanza_id.as_deref(), Some("A1"));
        // The same id and body much later is another message (ids get reused).
        let later = s
            .insert_messages("me@x", &[incoming("m1", "hi", 10_000 + 3_600_000, None)])
            .unwrap();
        assert_eq!(later.len(), 1);
        // A different body under the same id is another message too.
        let other = s
            .insert_messages("me@x", &[incoming("m1", "hello", 10_500, None)])
            .unwrap();
        assert_eq!(other.len(), 1);
    }
}
