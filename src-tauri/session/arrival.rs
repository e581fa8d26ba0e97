//! Order of arrival on the stream. Times come from two clocks: ours for a
//! message that arrives as it is sent, the server's `<delay/>` for one it
//! held (offline storage, or resent after stream management resumed the
//! session) — and Prosody's stamps are whole seconds. The server sends a
//! conversation's messages in its own order, so a message the stream
//! delivers after another is not shown before it on account of a rounded
//! stamp: a whole-second stamp up to two seconds older than the newest
//! message that arrived before it is moved up to that message's time (equal
//! times keep the order they were stored in). A precise stamp, or one much
//! older, is the server's word and stays.

use std::collections::HashMap;

use crate::store::NewMessage;

/// How far a whole-second stamp may lag behind what arrived before it and
/// still be read as "just after it": the second it rounds away, and the
/// time the message spent on the way.
const REORDER_WINDOW_MS: i64 = 2_000;

/// Conversations remembered at most (strangers can open any number).
const MAX_CONVERSATIONS: usize = 4_096;

#[derive(Default)]
pub struct ArrivalOrder {
    /// The newest time given to a message of each conversation this run.
    newest: HashMap<String, i64>,
}

impl ArrivalOrder {
    /// Place `m`, which the stream delivered now, after what it delivered
    /// before in the same conversation.
    pub fn order(&mut self, m: &mut NewMessage) {
        if let Some(&newest) = self.newest.get(&m.peer) {
            // Only a stamp in whole seconds is this vague; a finer one is
            // the server's own order (ejabberd re-routes what a dead session
            // held after newer messages, stamped when they first came).
            let coarse = m.timestamp % 1000 == 0;
            if coarse && m.timestamp < newest && newest - m.timestamp <= REORDER_WINDOW_MS {
                m.timestamp = newest;
            }
        }
        if self.newest.len() >= MAX_CONVERSATIONS && !self.newest.contains_key(&m.peer) {
            self.newest.clear();
        }
        let slot = self.newest.entry(m.peer.clone()).or_insert(m.timestamp);
        *slot = (*slot).max(m.timestamp);
    }
}

/// Order of an archive read forward: the archive's order is the server's,
/// but its stamps are the times messages were archived, while a message
/// that came live is dated by its arrival, a little later. A result
/// stamped no later than the message before it in the read (at first, the
/// point the read starts from, dated however it reached us) is dated just
/// after that message, so re-dating the messages of a read cannot put one
/// before a message the archive holds as older (ejabberd delivers what a
/// resumed session held after newer ones; the read dates them all). Only
/// precise stamps: whole seconds are ordered on arrival, as above.
#[derive(Debug, Default)]
pub struct ArchiveOrder {
    floor: Option<i64>,
}

impl ArchiveOrder {
    /// A read that starts after a message dated `from`.
    pub fn after(from: Option<i64>) -> Self {
        Self { floor: from }
    }

    /// The time to give the next result, stamped `stamp` by the archive.
    pub fn date(&mut self, stamp: Option<i64>) -> Option<i64> {
        let s = stamp?;
        if s % 1000 == 0 {
            return Some(s);
        }
        let mut dated = match self.floor {
            Some(floor) if s <= floor => floor + 1,
            _ => s,
        };
        if dated % 1000 == 0 {
            // Still precise: a whole second would read as "within it".
            dated += 1;
        }
        self.floor = Some(dated);
        Some(dated)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(peer: &str, timestamp: i64) -> NewMessage {
        NewMessage::received(peer, "x", timestamp)
    }

    #[test]
    fn a_resent_message_with_a_coarser_older_stamp_stays_after_what_came_before() {
        let mut order = ArrivalOrder::default();
        let mut live = at("bob@x", 11_050);
        order.order(&mut live);
        // Resent after a resume, stamped 10 s by the server's whole seconds.
        let mut resent = at("bob@x", 10_000);
        order.order(&mut resent);
        assert_eq!(resent.timestamp, 11_050);
        // Another conversation has its own order.
        let mut other = at("carol@x", 10_000);
        order.order(&mut other);
        assert_eq!(other.timestamp, 10_000);
        // A message held for an hour keeps its date.
        let mut old = at("bob@x", 11_000 - 3_600_000);
        order.order(&mut old);
        assert_eq!(old.timestamp, 11_000 - 3_600_000);
        // A precise stamp is the server's own order, even if it came late.
        let mut precise = at("bob@x", 10_990);
        order.order(&mut precise);
        assert_eq!(precise.timestamp, 10_990);
    }

    #[test]
    fn an_archive_read_keeps_the_archive_order_against_arrival_times() {
        // Read from m26, which arrived live at 41.688 though archived at
        // 41.661; m27..m29 were archived at 41.674..41.683 and resent
        // after a cut.
        let mut order = ArchiveOrder::after(Some(41_688));
        assert_eq!(order.date(Some(41_674)), Some(41_689));
        assert_eq!(order.date(Some(41_679)), Some(41_690));
        assert_eq!(order.date(Some(41_683)), Some(41_691));
        // Once the stamps are past the arrival times, they are the times.
        assert_eq!(order.date(Some(41_700)), Some(41_700));
        assert_eq!(order.date(Some(41_999)), Some(41_999));
        assert_eq!(
            order.date(Some(41_990)),
            Some(42_001),
            "never a whole second"
        );
        // Whole seconds and missing stamps pass through.
        assert_eq!(order.date(Some(50_000)), Some(50_000));
        assert_eq!(order.date(None), None);
        // A read from nothing known takes the stamps as they are.
        assert_eq!(ArchiveOrder::after(None).date(Some(1_234)), Some(1_234));
    }
}
