//! History read backward from a server archive (scrolling back, a new
//! profile's catch-up past its first page): every message of such a page
//! is older than what the conversation already holds, although it is
//! written later. Its time decides its place, so a page whose stamps tie
//! with (or, in whole seconds, fall after) the oldest message held is
//! placed just before it, in the archive's order.

use std::collections::HashMap;

use rusqlite::{params, OptionalExtension};

use super::rows::insert_row;
use super::{ChatMessage, NewMessage, Store, SyncPoint};
use crate::error::Result;

impl Store {
    /// Store `page` (oldest first, each message older than everything held
    /// with its peer) and record `reached` in the same transaction; returns
    /// the rows that were new.
    pub fn insert_older(
        &mut self,
        account: &str,
        page: &[NewMessage],
        reached: &[SyncPoint],
    ) -> Result<Vec<ChatMessage>> {
        let tx = self.conn.transaction()?;
        // Newest first: each message goes no later than the one after it,
        // and no later than just before the oldest held message of its
        // time or after (a held message of the same whole second is newer:
        // it came from a newer page). Held messages older than it (a
        // profile's history before the window read) stay before it.
        let mut after: HashMap<&str, i64> = HashMap::new();
        let mut times = vec![0; page.len()];
        for (i, m) in page.iter().enumerate().rev() {
            // A whole-second stamp may be anywhere in its second, and the
            // pages read before this one were placed just below it.
            let from = if m.timestamp % 1000 == 0 {
                m.timestamp - 1000
            } else {
                m.timestamp
            };
            let held: Option<i64> = tx.query_row(
                "SELECT MIN(ts) FROM messages WHERE account = ?1 AND peer = ?2 AND ts > ?3",
                params![account, m.peer, from - 1],
                |r| r.get(0),
            )?;
            let mut ts = held.map_or(m.timestamp, |h| m.timestamp.min(h - 1));
            if let Some(&next) = after.get(m.peer.as_str()) {
                ts = ts.min(next);
            }
            times[i] = ts;
            after.insert(&m.peer, ts);
        }
        let mut added = Vec::with_capacity(page.len());
        for (m, ts) in page.iter().zip(times) {
            // What older pages change in rows held is left to catch-up.
            added.extend(insert_row(&tx, account, m, ts, false, &mut Vec::new())?);
        }
        super::archive_sync::record(&tx, account, reached)?;
        tx.commit()?;
        Ok(added)
    }

    /// The archive id (from `archive`) of the oldest message held with
    /// `peer`: scrolling back asks the archive for what came before it.
    pub fn oldest_archive_id(
        &self,
        account: &str,
        peer: &str,
        archive: &str,
    ) -> Result<Option<String>> {
        Ok(self
            .conn
            .query_row(
                "SELECT stanza_id FROM messages
                 WHERE account = ?1 AND peer = ?2 AND stanza_id_by = ?3
                 ORDER BY ts, id LIMIT 1",
                params![account, peer, archive],
                |r| r.get(0),
            )
            .optional()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{DeliveryState, MessageDirection, MessageKind};

    fn from_bob(sid: &str, ts: i64) -> NewMessage {
        NewMessage {
            peer: "bob@x".into(),
            direction: MessageDirection::In,
            kind: MessageKind::Chat,
            message_id: None,
            origin_id: None,
            stanza_id: Some((sid.into(), "me@x".into())),
            body: sid.into(),
            subject: None,
            timestamp: ts,
            state: DeliveryState::Received,
            sender: None,
            reply: None,
            unstyled: false,
            occupant_id: None,
        }
    }

    fn bodies(s: &Store) -> Vec<String> {
        let page = s.history_page("me@x", "bob@x", None, 100).unwrap();
        page.messages.into_iter().map(|m| m.body).collect()
    }

    #[test]
    fn an_older_page_goes_before_what_is_held_even_within_the_same_second() {
        let mut s = Store::open_in_memory().unwrap();
        // The newest page came first: three messages of one whole second.
        s.insert_messages("me@x", &[from_bob("A4", 5_000), from_bob("A5", 5_000)])
            .unwrap();
        // The page before it: two of the same second, one of the second before.
        let added = s
            .insert_older(
                "me@x",
                &[
                    from_bob("A1", 4_000),
                    from_bob("A2", 5_000),
                    from_bob("A3", 5_000),
                ],
                &[],
            )
            .unwrap();
        assert_eq!(added.len(), 3);
        assert_eq!(bodies(&s), ["A1", "A2", "A3", "A4", "A5"]);
        // And the page before that, again within a second already held.
        s.insert_older("me@x", &[from_bob("A0", 4_000)], &[])
            .unwrap();
        assert_eq!(bodies(&s), ["A0", "A1", "A2", "A3", "A4", "A5"]);
        // A message held already is not stored again.
        assert!(s
            .insert_older("me@x", &[from_bob("A2", 5_000)], &[])
            .unwrap()
            .is_empty());
        assert_eq!(
            s.oldest_archive_id("me@x", "bob@x", "me@x")
                .unwrap()
                .as_deref(),
            Some("A0")
        );
        assert_eq!(
            s.oldest_archive_id("me@x", "bob@x", "room@x").unwrap(),
            None
        );
    }
}
