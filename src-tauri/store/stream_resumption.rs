//! The account's resumable stream (XEP-0198) as far as it has been made
//! durable: its id, where the server asked to be reached, the full JID it
//! is bound to, and how many stanzas received on it are handled. Written
//! in the same transaction as the messages those stanzas brought
//! (`Store::insert_messages_at`), so that after a crash the next start
//! resumes the stream from exactly there: the server sends again what was
//! not yet stored, and nothing that was. The stream acknowledges to the
//! server no more than has been recorded here.

use rusqlite::{params, OptionalExtension, Transaction};

use super::{now_ms, Store};
use crate::error::Result;

/// A resumable stream and how much of it is stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StreamPosition {
    /// The stream-management id (`previd` when resuming).
    pub id: String,
    /// Where the server asked to be reached for resumption, if it said.
    pub location: Option<String>,
    /// The full JID the stream is bound to.
    pub jid: String,
    /// Stanzas received on the stream and handled.
    pub h: u32,
    /// The archive catch-up of the session on this stream had ended: after
    /// resuming it, the server's queue is all that is missing.
    pub caught_up: bool,
}

impl Store {
    /// The stream an earlier run left resumable, if any.
    pub fn saved_stream(&self, account: &str) -> Result<Option<StreamPosition>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT stream_id, location, jid, handled, caught_up FROM stream_resumption
             WHERE account = ?1",
        )?;
        Ok(stmt
            .query_row(params![account], |r| {
                Ok(StreamPosition {
                    id: r.get(0)?,
                    location: r.get(1)?,
                    jid: r.get(2)?,
                    h: r.get(3)?,
                    caught_up: r.get(4)?,
                })
            })
            .optional()?)
    }

    /// The archive catch-up on stream `id` ended.
    pub fn stream_caught_up(&mut self, account: &str, id: &str) -> Result<()> {
        self.conn.execute(
            "UPDATE stream_resumption SET caught_up = 1 WHERE account = ?1 AND stream_id = ?2",
            params![account, id],
        )?;
        Ok(())
    }

    /// The account has no resumable stream (a clean end, or a new session
    /// that is not resumable).
    pub fn forget_stream(&mut self, account: &str) -> Result<()> {
        self.conn.execute(
            "DELETE FROM stream_resumption WHERE account = ?1",
            params![account],
        )?;
        Ok(())
    }
}

/// Record `position` within `tx`.
pub(super) fn record(tx: &Transaction, account: &str, position: &StreamPosition) -> Result<()> {
    tx.prepare_cached(
        "INSERT INTO stream_resumption (account, stream_id, location, jid, handled, saved_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT (account) DO UPDATE SET stream_id = excluded.stream_id,
             location = excluded.location, jid = excluded.jid,
             handled = excluded.handled, saved_at = excluded.saved_at,
             caught_up = CASE WHEN stream_resumption.stream_id = excluded.stream_id
                 THEN stream_resumption.caught_up ELSE 0 END",
    )?
    .execute(params![
        account,
        position.id,
        position.location,
        position.jid,
        position.h,
        now_ms()
    ])?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{DeliveryState, MessageDirection, MessageKind, NewMessage};

    fn position(h: u32) -> StreamPosition {
        StreamPosition {
            id: "sm-1".into(),
            location: None,
            jid: "me@x/desk".into(),
            h,
            caught_up: false,
        }
    }

    fn message(body: &str) -> NewMessage {
        NewMessage {
            peer: "bob@x".into(),
            direction: MessageDirection::In,
            kind: MessageKind::Chat,
            message_id: Some(body.into()),
            origin_id: None,
            stanza_id: None,
            body: body.into(),
            subject: None,
            timestamp: 1_000,
            state: DeliveryState::Received,
            sender: None,
            reply: None,
            unstyled: false,
            occupant_id: None,
        }
    }

    #[test]
    fn the_count_moves_with_the_messages_it_counts_and_is_forgotten_on_a_clean_end() {
        let mut s = Store::open_in_memory().unwrap();
        assert_eq!(s.saved_stream("me@x").unwrap(), None);
        s.insert_messages_at("me@x", &[message("one")], &[], Some(&position(3)))
            .unwrap();
        s.insert_messages_at("me@x", &[message("two")], &[], Some(&position(5)))
            .unwrap();
        assert_eq!(s.saved_stream("me@x").unwrap(), Some(position(5)));
        // A batch the disk refuses moves neither the messages nor the count.
        s.conn
            .execute_batch(
                "CREATE TRIGGER refuse BEFORE INSERT ON messages
                 WHEN NEW.body = 'three' BEGIN SELECT RAISE(ABORT, 'disk full'); END;",
            )
            .unwrap();
        assert!(s
            .insert_messages_at("me@x", &[message("three")], &[], Some(&position(9)))
            .is_err());
        assert_eq!(s.saved_stream("me@x").unwrap(), Some(position(5)));
        assert_eq!(s.saved_stream("other@x").unwrap(), None);
        // Caught up on this stream; a new stream starts over.
        s.stream_caught_up("me@x", "sm-1").unwrap();
        s.insert_messages_at("me@x", &[], &[], Some(&position(6)))
            .unwrap();
        assert!(s.saved_stream("me@x").unwrap().unwrap().caught_up);
        let other = StreamPosition {
            id: "sm-2".into(),
            ..position(0)
        };
        s.insert_messages_at("me@x", &[], &[], Some(&other))
            .unwrap();
        assert_eq!(s.saved_stream("me@x").unwrap(), Some(other));
        s.forget_stream("me@x").unwrap();
        assert_eq!(s.saved_stream("me@x").unwrap(), None);
    }
}
