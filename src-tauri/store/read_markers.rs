//! Read state (XEP-0333 displayed markers): a marker names one message and
//! covers every message before it, so the conversation is marked read up
//! to it in one statement, however long it is.

use rusqlite::{params, OptionalExtension};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::messages::text_of;
use super::{DeliveryState, Store};
use crate::error::Result;

/// Outgoing messages of one conversation that became read. Ids only: the
/// first marker in a long conversation can cover thousands of messages,
/// and the UI needs nothing else to change their state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct MessagesRead {
    pub peer: String,
    #[ts(type = "number[]")]
    pub ids: Vec<i64>,
}

impl Store {
    /// Our messages to `peer` up to and including the one with stanza id
    /// `message_id` (by time, then row) become read; the ones that changed,
    /// oldest first, or `None` when we sent no message with that id.
    ///
    /// The named message is read whatever the link said about it. One
    /// before it is read unless it failed (an error reply said it never
    /// arrived) or never left (queued): the marker speaks for what the
    /// contact had.
    pub fn mark_read_up_to(
        &self,
        account: &str,
        peer: &str,
        message_id: &str,
    ) -> Result<Option<MessagesRead>> {
        let Some(target) = self.outgoing_by_message_id(account, peer, message_id)? else {
            return Ok(None);
        };
        let Some(ts) = self
            .conn
            .query_row("SELECT ts FROM messages WHERE id = ?1", [target], |r| {
                r.get::<_, i64>(0)
            })
            .optional()?
        else {
            return Ok(None);
        };
        let read = text_of(DeliveryState::Read);
        let mut stmt = self.conn.prepare_cached(
            "UPDATE messages SET state = ?5
             WHERE account = ?1 AND peer = ?2 AND direction = 'out' AND (ts, id) <= (?3, ?4)
               AND state != ?5
               AND (id = ?4 OR state NOT IN (?6, ?7))
             RETURNING id, ts",
        )?;
        let mut changed = stmt
            .query_map(
                params![
                    account,
                    peer,
                    ts,
                    target,
                    read,
                    text_of(DeliveryState::Failed),
                    text_of(DeliveryState::Queued)
                ],
                |r| Ok((r.get::<_, i64>(1)?, r.get::<_, i64>(0)?)),
            )?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        // RETURNING gives no order.
        changed.sort_unstable();
        Ok(Some(MessagesRead {
            peer: peer.to_owned(),
            ids: changed.into_iter().map(|(_, id)| id).collect(),
        }))
    }

    /// When the incoming message with stanza id `message_id` from `peer`
    /// was stored (how far another device of ours has read).
    pub fn incoming_timestamp(
        &self,
        account: &str,
        peer: &str,
        message_id: &str,
    ) -> Result<Option<i64>> {
        Ok(self
            .conn
            .query_row(
                "SELECT ts FROM messages WHERE account = ?1 AND peer = ?2 AND message_id = ?3
                 AND direction = 'in' ORDER BY id DESC LIMIT 1",
                params![account, peer, message_id],
                |r| r.get(0),
            )
            .optional()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{MessageDirection, MessageKind, NewMessage};

    const ME: &str = "me@x";

    fn out(peer: &str, id: &str, ts: i64, state: DeliveryState) -> NewMessage {
        NewMessage {
            peer: peer.into(),
            direction: MessageDirection::Out,
            kind: MessageKind::Chat,
            message_id: Some(id.into()),
            origin_id: Some(id.into()),
            stanza_id: None,
            body: format!("body {id}"),
            subject: None,
            timestamp: ts,
            state,
            sender: None,
            reply: None,
            unstyled: false,
            occupant_id: None,
        }
    }

    fn states(s: &Store, peer: &str) -> Vec<(String, DeliveryState)> {
        s.history_page(ME, peer, None, 100)
            .unwrap()
            .messages
            .into_iter()
            .map(|m| (m.body, m.state))
            .collect()
    }

    #[test]
    fn a_marker_reads_our_messages_up_to_the_one_it_names() {
        let mut s = Store::open_in_memory().unwrap();
        let bob = "bob@x";
        let stored = s
            .insert_messages(
                ME,
                &[
                    out(bob, "a", 1_001, DeliveryState::Delivered),
                    out(bob, "b", 1_002, DeliveryState::Acked),
                    out(bob, "c", 1_003, DeliveryState::Failed),
                    out(bob, "d", 1_004, DeliveryState::Acked),
                    out(bob, "e", 1_005, DeliveryState::Acked),
                    out("carol@x", "f", 1_004, DeliveryState::Acked),
                ],
            )
            .unwrap();
        let id = |body: &str| stored.iter().find(|m| m.body == body).unwrap().id;
        let read = s.mark_read_up_to(ME, bob, "d").unwrap().unwrap();
        assert_eq!(read.peer, bob);
        assert_eq!(read.ids, [id("body a"), id("body b"), id("body d")]);
        assert_eq!(
            states(&s, bob),
            [
                ("body a".into(), DeliveryState::Read),
                ("body b".into(), DeliveryState::Read),
                // An error reply said it never arrived.
                ("body c".into(), DeliveryState::Failed),
                ("body d".into(), DeliveryState::Read),
                // Sent after the message the marker names.
                ("body e".into(), DeliveryState::Acked),
            ]
        );
        assert_eq!(
            states(&s, "carol@x"),
            [("body f".into(), DeliveryState::Acked)],
            "another conversation is untouched"
        );
        // The same marker again changes nothing; one for a message we never
        // sent (or sent to someone else) is nothing.
        assert!(s
            .mark_read_up_to(ME, bob, "d")
            .unwrap()
            .unwrap()
            .ids
            .is_empty());
        assert_eq!(s.mark_read_up_to(ME, bob, "f").unwrap(), None);
        assert_eq!(s.mark_read_up_to(ME, bob, "nope").unwrap(), None);
    }

    #[test]
    fn the_named_message_is_read_even_if_the_link_lost_it_and_read_is_final() {
        let mut s = Store::open_in_memory().unwrap();
        let stored = s
            .insert_messages(ME, &[out("bob@x", "a", 1, DeliveryState::Failed)])
            .unwrap();
        let row = stored[0].id;
        assert_eq!(
            s.mark_read_up_to(ME, "bob@x", "a").unwrap().unwrap().ids,
            [row]
        );
        // A late receipt, ack or failure does not take it back.
        for later in [
            DeliveryState::Delivered,
            DeliveryState::Acked,
            DeliveryState::Failed,
        ] {
            let m = s.set_delivery_state(row, later, None).unwrap().unwrap();
            assert_eq!(m.state, DeliveryState::Read, "{later:?}");
        }
    }

    #[test]
    fn a_delivered_message_can_still_become_read() {
        let mut s = Store::open_in_memory().unwrap();
        let row = s
            .insert_messages(ME, &[out("bob@x", "a", 1, DeliveryState::Delivered)])
            .unwrap()[0]
            .id;
        let m = s
            .set_delivery_state(row, DeliveryState::Read, None)
            .unwrap()
            .unwrap();
        assert_eq!(m.state, DeliveryState::Read);
    }

    #[test]
    fn how_far_another_device_read_is_the_time_of_the_message_it_named() {
        let mut s = Store::open_in_memory().unwrap();
        let mut incoming = out("bob@x", "in1", 7_000, DeliveryState::Received);
        incoming.direction = MessageDirection::In;
        s.insert_messages(ME, &[incoming]).unwrap();
        assert_eq!(
            s.incoming_timestamp(ME, "bob@x", "in1").unwrap(),
            Some(7_000)
        );
        assert_eq!(s.incoming_timestamp(ME, "carol@x", "in1").unwrap(), None);
    }
}
