//! The outbox: a one-to-one message is stored before it is sent, so one
//! written while the link was down, or still unconfirmed when the app
//! stopped, is still `queued` on disk at the next start. The session sends
//! those once it is connected and has read the archive — where a copy of a
//! message that did go out marks it acked instead (`confirm_archived`), so
//! nothing is sent twice.

use rusqlite::{params, OptionalExtension, Transaction};

use super::Store;
use crate::error::Result;

/// A message waiting to be sent, as it was first written (same id, so the
/// recipient and the archive know a resend).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Queued {
    pub row: i64,
    pub to: String,
    pub body: String,
    pub id: String,
}

impl Store {
    /// The newest message row: rows up to it existed before this moment.
    pub fn newest_row(&self) -> Result<i64> {
        Ok(self
            .conn
            .query_row("SELECT COALESCE(MAX(id), 0) FROM messages", [], |r| {
                r.get(0)
            })?)
    }

    /// One-to-one messages of `account` still queued, among rows up to
    /// `up_to`, oldest first, at most `limit`.
    pub fn queued_outgoing(&self, account: &str, up_to: i64, limit: u32) -> Result<Vec<Queued>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, peer, body, origin_id FROM messages
             WHERE account = ?1 AND direction = 'out' AND kind = 'chat' AND state = 'queued'
               AND origin_id IS NOT NULL AND id <= ?2
             ORDER BY ts, id LIMIT ?3",
        )?;
        let rows = stmt
            .query_map(params![account, up_to, limit], |r| {
                Ok(Queued {
                    row: r.get(0)?,
                    to: r.get(1)?,
                    body: r.get(2)?,
                    id: r.get(3)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }
}

/// A copy (from the archive or a carbon) of the message we sent to `peer`
/// under `origin` came: if our row never heard that the server took it, it
/// has now. Returns the row that changed.
pub(super) fn confirm_archived(
    tx: &Transaction,
    account: &str,
    peer: &str,
    origin: &str,
) -> Result<Option<i64>> {
    let mut update = tx.prepare_cached(
        "UPDATE messages SET state = 'acked', error = NULL
         WHERE account = ?1 AND peer = ?2 AND direction = 'out' AND origin_id = ?3
           AND state IN ('queued', 'sent', 'failed')
         RETURNING id",
    )?;
    Ok(update
        .query_row(params![account, peer, origin], |r| r.get(0))
        .optional()?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{DeliveryState, MessageDirection, MessageKind, NewMessage};

    fn out(body: &str, origin: &str, state: DeliveryState) -> NewMessage {
        NewMessage {
            peer: "bob@x".into(),
            direction: MessageDirection::Out,
            kind: MessageKind::Chat,
            message_id: Some(origin.into()),
            origin_id: Some(origin.into()),
            stanza_id: None,
            body: body.into(),
            subject: None,
            timestamp: 1_000,
            state,
            sender: None,
            reply: None,
            unstyled: false,
            occupant_id: None,
        }
    }

    #[test]
    fn queued_messages_wait_until_the_archive_shows_they_went_out() {
        let mut s = Store::open_in_memory().unwrap();
        s.insert_messages(
            "me@x",
            &[
                out("went out", "o1", DeliveryState::Queued),
                out("never left", "o2", DeliveryState::Queued),
                out("acked", "o3", DeliveryState::Acked),
            ],
        )
        .unwrap();
        let up_to = s.newest_row().unwrap();
        // Written after the session started: the stream has it already.
        s.insert_messages("me@x", &[out("just now", "o4", DeliveryState::Queued)])
            .unwrap();
        let waiting = |s: &Store| -> Vec<String> {
            s.queued_outgoing("me@x", up_to, 100)
                .unwrap()
                .into_iter()
                .map(|q| q.body)
                .collect()
        };
        assert_eq!(waiting(&s), ["went out", "never left"]);

        // The archive holds a copy of "went out": it is acked, not resent.
        let mut copy = out("went out", "o1", DeliveryState::Acked);
        copy.stanza_id = Some(("A1".into(), "me@x".into()));
        let stored = s.insert_messages_to("me@x", &[copy], &[]).unwrap();
        assert!(stored.added.is_empty());
        assert_eq!(stored.confirmed.len(), 1);
        assert_eq!(stored.confirmed[0].state, DeliveryState::Acked);
        assert_eq!(waiting(&s), ["never left"]);
    }
}
