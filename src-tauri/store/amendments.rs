//! Changes to a message already held: a correction (XEP-0308) replaces
//! its text and keeps the text it had; a retraction (XEP-0424, or a room
//! moderator's, XEP-0425) leaves a tombstone and forgets the text and its
//! earlier versions, so neither history nor search shows them any more.
//!
//! The sender rule lives here, in the one query that finds the message: a
//! change applies only to a message of the same conversation, the same
//! direction (ours, or the peer's) and, in a room, the same occupant: the
//! same occupant id where the room gives them (XEP-0421), else the same
//! nickname. A correction that finds no such message is shown as the new
//! message it also is; a retraction that finds none changes nothing.

use rusqlite::{params, OptionalExtension, Transaction};

use super::rows::insert_row;
use super::{ChatMessage, NewMessage};
use crate::error::Result;

/// The sender rule's SQL beyond the direction (`?3`, which the message
/// must share): ours are ours under any nickname (the room reflects only
/// our own as ours). Someone else's must have the amending message's
/// occupant id (`?6`) where both have one (a room that offers them,
/// XEP-0421), the nickname then free to have changed; otherwise the same
/// nickname (`?4`; none in a one-to-one conversation).
const SAME_SENDER: &str = "(?3 = 'out' OR CASE WHEN ?6 IS NOT NULL AND occupant_id IS NOT NULL
                                THEN occupant_id = ?6 ELSE sender IS ?4 END)";

/// The message an amendment names, of the conversation `?2`; the newest
/// where ids repeat.
const FIND: &str = "SELECT id, body, retracted_ts IS NOT NULL FROM messages
                    WHERE account = ?1 AND peer = ?2";

/// The row `sql` (a [`FIND`] narrowed down) finds: its id, its text and
/// whether it is a tombstone.
fn find(
    tx: &Transaction,
    sql: &str,
    params: &[&dyn rusqlite::ToSql],
) -> Result<Option<(i64, String, bool)>> {
    Ok(tx
        .prepare_cached(&format!("{sql} ORDER BY id DESC LIMIT 1"))?
        .query_row(params, |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()?)
}

/// Earlier versions kept per message: a sender who corrects a message
/// endlessly cannot grow the profile without bound.
const MAX_VERSIONS: i64 = 20;

/// What a stanza asks of a message held already.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Amendment {
    /// The amending message as intake read it: its conversation,
    /// direction and sender are the ones the target must share; its body is
    /// the corrected text.
    pub message: NewMessage,
    /// The id the stanza names the message by.
    pub target: String,
    pub change: Change,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// XEP-0308: `target` is the original's stanza id (ours are also its
    /// origin-id).
    Correct,
    /// XEP-0424: `target` is the origin-id in a one-to-one conversation, the
    /// room's stanza-id in a room.
    Retract,
    /// XEP-0425: the room removed an occupant's message, named by the
    /// room's stanza-id; any sender's.
    Moderate,
    /// XEP-0444: the sender's whole set of reactions to a message of the
    /// conversation (anyone's), named by its id, or the room's stanza-id.
    React(Vec<String>),
}

/// A version of a message's text that a correction replaced.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct MessageVersion {
    pub body: String,
    /// When the correction that replaced it was sent, in ms.
    #[ts(type = "number")]
    pub replaced_at: i64,
}

/// The correction's own id: the same correction read twice (live, then
/// from the archive) is applied once.
fn key_of(m: &NewMessage) -> String {
    m.origin_id
        .clone()
        .or_else(|| m.message_id.clone())
        .or_else(|| m.stanza_id.as_ref().map(|(id, _)| id.clone()))
        .unwrap_or_else(|| format!("at:{}", m.timestamp))
}

/// Apply `a` within `tx`: a row it changed goes to `changed`, a correction
/// that is a new message after all to `added`.
fn apply(
    tx: &Transaction,
    account: &str,
    a: &Amendment,
    added: &mut Vec<ChatMessage>,
    changed: &mut Vec<i64>,
) -> Result<()> {
    let m = &a.message;
    let direction = super::messages::text_of(m.direction);
    let sender = params![
        account,
        m.peer,
        direction,
        m.sender,
        a.target,
        m.occupant_id
    ];
    let anyone = params![account, m.peer, a.target];
    let target = match &a.change {
        Change::Correct => find(
            tx,
            &format!(
                "{FIND} AND direction = ?3 AND {SAME_SENDER}
                 AND (message_id = ?5 OR origin_id = ?5)"
            ),
            sender,
        )?,
        Change::Retract => find(
            tx,
            &format!(
                "{FIND} AND direction = ?3 AND {SAME_SENDER}
                 AND (origin_id = ?5 OR (stanza_id = ?5 AND stanza_id_by = ?2) OR message_id = ?5)"
            ),
            sender,
        )?,
        Change::React(_) => find(
            tx,
            &format!(
                "{FIND} AND (message_id = ?3 OR origin_id = ?3
                             OR (stanza_id = ?3 AND stanza_id_by = ?2))"
            ),
            anyone,
        )?,
        Change::Moderate => find(
            tx,
            &format!("{FIND} AND stanza_id_by = ?2 AND stanza_id = ?3"),
            anyone,
        )?,
    };
    match (&a.change, target) {
        (Change::Correct, None) => {
            added.extend(insert_row(tx, account, m, m.timestamp, true, changed)?);
        }
        // Nothing to correct in a tombstone.
        (Change::Correct, Some((_, _, true))) => {}
        (Change::Correct, Some((row, old, false))) => {
            let recorded = tx
                .prepare_cached(
                    "INSERT OR IGNORE INTO message_versions (message, key, body, ts)
                     VALUES (?1, ?2, ?3, ?4)",
                )?
                .execute(params![row, key_of(m), old, m.timestamp])?;
            if recorded == 0 || old == m.body {
                return Ok(());
            }
            tx.execute(
                "UPDATE messages SET body = ?2, edited_ts = ?3 WHERE id = ?1",
                params![row, m.body, m.timestamp],
            )?;
            tx.execute(
                "DELETE FROM message_versions WHERE message = ?1 AND rowid NOT IN
                   (SELECT rowid FROM message_versions WHERE message = ?1
                    ORDER BY ts DESC LIMIT ?2)",
                params![row, MAX_VERSIONS],
            )?;
            changed.push(row);
        }
        (Change::Retract | Change::Moderate, Some((row, _, false))) => {
            tx.execute(
                "UPDATE messages SET body = '', edited_ts = NULL, retracted_ts = ?2
                 WHERE id = ?1",
                params![row, m.timestamp],
            )?;
            tx.execute("DELETE FROM message_versions WHERE message = ?1", [row])?;
            changed.push(row);
        }
        (Change::React(emojis), Some((row, _, false))) => {
            if super::reactions::set(tx, row, m, emojis)? {
                changed.push(row);
            }
        }
        (Change::React(_), _) => {}
        (Change::Retract | Change::Moderate, _) => {
            log::debug!("a retraction in {} names no message of its sender", m.peer);
        }
    }
    Ok(())
}

impl super::Store {
    /// A batch of intake, then `amendments` in order, in one transaction:
    /// a correction or retraction finds its message even when that came in
    /// the same batch.
    pub fn write_intake(
        &mut self,
        account: &str,
        batch: &[NewMessage],
        amendments: &[Amendment],
        reached: &[super::SyncPoint],
        position: Option<&super::StreamPosition>,
    ) -> Result<super::Stored> {
        self.write_batch(account, batch, reached, position, |tx, added, changed| {
            for a in amendments {
                apply(tx, account, a, added, changed)?;
            }
            Ok(())
        })
    }

    /// Message `row` and the id its stanza had, for a reply to name it.
    pub fn reply_ref(&self, row: i64) -> Result<Option<(ChatMessage, Option<String>)>> {
        let Some(m) = self.message(row)? else {
            return Ok(None);
        };
        let id: Option<String> = self.conn.query_row(
            "SELECT message_id FROM messages WHERE id = ?1",
            [row],
            |r| r.get(0),
        )?;
        Ok(Some((m, id)))
    }

    /// The message of the conversation with `peer` that a reply names by
    /// `id` (its id, origin-id, or in a room the room's stanza-id).
    pub fn reply_target(&self, account: &str, peer: &str, id: &str) -> Result<Option<ChatMessage>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {} FROM messages
             WHERE account = ?1 AND peer = ?2
               AND (origin_id = ?3 OR message_id = ?3 OR (stanza_id = ?3 AND stanza_id_by = ?2))
             ORDER BY id DESC LIMIT 1",
            super::messages::COLUMNS
        ))?;
        Ok(stmt
            .query_row(params![account, peer, id], super::messages::row_to_message)
            .optional()?)
    }

    /// The texts message `id` had before its corrections, oldest first.
    pub fn message_versions(&self, id: i64) -> Result<Vec<MessageVersion>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT body, ts FROM message_versions WHERE message = ?1 ORDER BY ts, rowid",
        )?;
        let rows = stmt.query_map([id], |r| {
            Ok(MessageVersion {
                body: r.get(0)?,
                replaced_at: r.get(1)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{MessageDirection, MessageKind, Store};

    const ME: &str = "me@x";

    fn chat(peer: &str, direction: MessageDirection, id: &str, body: &str, ts: i64) -> NewMessage {
        NewMessage {
            direction,
            message_id: Some(id.into()),
            origin_id: Some(id.into()),
            ..NewMessage::received(peer, body, ts)
        }
    }

    fn room(nick: &str, id: &str, sid: &str, body: &str, ts: i64) -> NewMessage {
        NewMessage {
            peer: "room@muc".into(),
            kind: MessageKind::Groupchat,
            stanza_id: Some((sid.into(), "room@muc".into())),
            sender: Some(nick.into()),
            ..chat("room@muc", MessageDirection::In, id, body, ts)
        }
    }

    fn amend(
        s: &mut Store,
        message: NewMessage,
        target: &str,
        change: Change,
    ) -> (Vec<ChatMessage>, Vec<ChatMessage>) {
        let a = Amendment {
            message,
            target: target.into(),
            change,
        };
        let stored = s.write_intake(ME, &[], &[a], &[], None).unwrap();
        (stored.added, stored.confirmed)
    }

    fn bodies(s: &Store, peer: &str) -> Vec<String> {
        let page = s.history_page(ME, peer, None, 50).unwrap();
        page.messages.into_iter().map(|m| m.body).collect()
    }

    #[test]
    fn a_correction_replaces_the_text_once_and_keeps_the_old_one() {
        let mut s = Store::open_in_memory().unwrap();
        s.insert_messages(ME, &[chat("bob@x", MessageDirection::In, "m1", "helo", 1)])
            .unwrap();
        let fix = chat("bob@x", MessageDirection::In, "m2", "hello", 2);
        let (added, changed) = amend(&mut s, fix.clone(), "m1", Change::Correct);
        assert!(added.is_empty());
        assert_eq!(changed.len(), 1);
        assert_eq!(changed[0].body, "hello");
        assert_eq!(changed[0].edited, Some(2));
        // The archive's copy of the same correction changes nothing more.
        let (_, again) = amend(&mut s, fix, "m1", Change::Correct);
        assert!(again.is_empty());
        let versions = s.message_versions(changed[0].id).unwrap();
        assert_eq!(versions.len(), 1);
        assert_eq!(versions[0].body, "helo");
        assert_eq!(bodies(&s, "bob@x"), ["hello"]);
        // Search finds the current text only.
        assert_eq!(s.search_messages(ME, "hello", None, 10).unwrap().len(), 1);
        assert!(s.search_messages(ME, "helo", None, 10).unwrap().is_empty());
    }

    #[test]
    fn a_correction_from_someone_else_is_a_new_message() {
        let mut s = Store::open_in_memory().unwrap();
        s.insert_messages(
            ME,
            &[
                chat("bob@x", MessageDirection::Out, "o1", "my words", 1),
                room("carol", "r1", "S1", "carol's words", 1),
            ],
        )
        .unwrap();
        // bob names our message: it stays ours, his is a message of his.
        let (added, changed) = amend(
            &mut s,
            chat("bob@x", MessageDirection::In, "b1", "your words", 2),
            "o1",
            Change::Correct,
        );
        assert!(changed.is_empty());
        assert_eq!(added.len(), 1);
        assert_eq!(bodies(&s, "bob@x"), ["my words", "your words"]);
        // mallory names carol's message in the room.
        let (added, changed) = amend(
            &mut s,
            room("mallory", "x1", "S2", "forged", 2),
            "r1",
            Change::Correct,
        );
        assert!(changed.is_empty());
        assert_eq!(added[0].sender.as_deref(), Some("mallory"));
        assert_eq!(bodies(&s, "room@muc"), ["carol's words", "forged"]);
    }

    #[test]
    fn in_a_room_with_occupant_ids_the_id_says_who_may_change_a_message() {
        let with_id = |m: NewMessage, id: &str| NewMessage {
            occupant_id: Some(id.into()),
            ..m
        };
        let mut s = Store::open_in_memory().unwrap();
        s.insert_messages(
            ME,
            &[with_id(room("bob", "r1", "S1", "bob's words", 1), "B")],
        )
        .unwrap();
        // bob left; mallory took his nickname: same nick, another account.
        let (added, changed) = amend(
            &mut s,
            with_id(room("bob", "x1", "S2", "forged", 2), "M"),
            "r1",
            Change::Correct,
        );
        assert!(changed.is_empty());
        assert_eq!(added.len(), 1);
        let (_, changed) = amend(
            &mut s,
            with_id(room("bob", "x2", "S3", "", 3), "M"),
            "S1",
            Change::Retract,
        );
        assert!(changed.is_empty());
        assert_eq!(bodies(&s, "room@muc"), ["bob's words", "forged"]);
        // bob, now "robert", corrects and then retracts his own message.
        let (added, changed) = amend(
            &mut s,
            with_id(room("robert", "r2", "S4", "bob's own words", 4), "B"),
            "r1",
            Change::Correct,
        );
        assert!(added.is_empty());
        assert_eq!(changed[0].body, "bob's own words");
        let (_, changed) = amend(
            &mut s,
            with_id(room("robert", "r3", "S5", "", 5), "B"),
            "S1",
            Change::Retract,
        );
        assert!(changed[0].retracted);
    }

    #[test]
    fn a_retraction_leaves_a_tombstone_without_text_versions_or_search_hits() {
        let mut s = Store::open_in_memory().unwrap();
        s.insert_messages(
            ME,
            &[chat("bob@x", MessageDirection::In, "m1", "secret plans", 1)],
        )
        .unwrap();
        amend(
            &mut s,
            chat("bob@x", MessageDirection::In, "m2", "secret plan", 2),
            "m1",
            Change::Correct,
        );
        // Someone else cannot retract it.
        let (_, changed) = amend(
            &mut s,
            chat("eve@x", MessageDirection::In, "e1", "", 3),
            "m1",
            Change::Retract,
        );
        assert!(changed.is_empty());
        let (_, changed) = amend(
            &mut s,
            chat("bob@x", MessageDirection::Out, "o9", "", 3),
            "m1",
            Change::Retract,
        );
        assert!(changed.is_empty(), "nor can we retract bob's");
        let (added, changed) = amend(
            &mut s,
            chat("bob@x", MessageDirection::In, "m3", "", 4),
            "m1",
            Change::Retract,
        );
        assert!(added.is_empty());
        assert!(changed[0].retracted);
        assert_eq!(changed[0].body, "");
        assert!(s.message_versions(changed[0].id).unwrap().is_empty());
        assert!(s
            .search_messages(ME, "secret", None, 10)
            .unwrap()
            .is_empty());
        // A correction cannot bring it back.
        let (added, changed) = amend(
            &mut s,
            chat("bob@x", MessageDirection::In, "m4", "back", 5),
            "m1",
            Change::Correct,
        );
        assert!(added.is_empty() && changed.is_empty());
    }

    #[test]
    fn a_room_moderator_removes_anyones_message_by_the_rooms_id() {
        let mut s = Store::open_in_memory().unwrap();
        s.insert_messages(ME, &[room("carol", "r1", "S1", "spam", 1)])
            .unwrap();
        let from_room = NewMessage {
            sender: None,
            ..room("x", "mod1", "S2", "", 2)
        };
        let (_, changed) = amend(&mut s, from_room, "S1", Change::Moderate);
        assert!(changed[0].retracted);
    }

    #[test]
    fn endless_corrections_keep_a_bounded_history() {
        let mut s = Store::open_in_memory().unwrap();
        s.insert_messages(ME, &[chat("bob@x", MessageDirection::In, "m1", "v0", 1)])
            .unwrap();
        for i in 1..=MAX_VERSIONS + 10 {
            let fix = chat(
                "bob@x",
                MessageDirection::In,
                &format!("c{i}"),
                &format!("v{i}"),
                1 + i,
            );
            amend(&mut s, fix, "m1", Change::Correct);
        }
        let id = s.history_page(ME, "bob@x", None, 1).unwrap().messages[0].id;
        let versions = s.message_versions(id).unwrap();
        assert_eq!(versions.len() as i64, MAX_VERSIONS);
        assert_eq!(
            versions.last().unwrap().body,
            format!("v{}", MAX_VERSIONS + 9)
        );
    }
}
