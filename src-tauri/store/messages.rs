//! Message history. Each message is stored once: the unique indexes on
//! origin-id, server stanza-id and (id, body) make a message that arrives
//! twice (live and again after a reconnect) an ignored insert.

use rusqlite::{params, OptionalExtension, Row};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::Store;
use crate::error::{ErrorCode, Problem, Result};

/// A failure reason as stored: the problem's JSON, or (rows written before
/// reasons were data) a text kept as the detail.
fn stored_problem(stored: &str) -> Problem {
    serde_json::from_str(stored)
        .unwrap_or_else(|_| Problem::of(ErrorCode::MessageNotSent).detail(stored))
}

pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum MessageDirection {
    In,
    Out,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum MessageKind {
    Chat,
    Normal,
    Headline,
    /// A message in a multi-user chat room (XEP-0045); `peer` is the room.
    Groupchat,
}

/// Outgoing: queued → sent → acked (by the server, XEP-0198) → delivered
/// → read, or failed. Incoming messages are `received`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum DeliveryState {
    Queued,
    Sent,
    Acked,
    /// The contact's client confirmed it (XEP-0184).
    Delivered,
    /// The contact's client displayed it, or a later message (XEP-0333).
    Read,
    Received,
    Failed,
}

/// How an enum is written in its column: its serde name.
pub(super) fn text_of<T: Serialize>(v: T) -> String {
    serde_json::to_value(v)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

fn parse_of<T: for<'de> Deserialize<'de>>(s: &str) -> Option<T> {
    serde_json::from_value(serde_json::Value::String(s.to_owned())).ok()
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ChatMessage {
    #[ts(type = "number")]
    pub id: i64,
    pub peer: String,
    pub direction: MessageDirection,
    pub kind: MessageKind,
    pub body: String,
    pub subject: Option<String>,
    /// Milliseconds since the Unix epoch.
    #[ts(type = "number")]
    pub timestamp: i64,
    pub stanza_id: Option<String>,
    pub origin_id: Option<String>,
    pub state: DeliveryState,
    /// Why a message failed.
    pub error: Option<Problem>,
    /// In a room: the sender's nickname. `null` for 1:1 messages and for
    /// the room's own notices.
    pub sender: Option<String>,
    /// A room message that names our nick there (`session/mention.rs`).
    /// Not stored: decided when the message is announced or a page of
    /// history is read, with the nick we have in the room then.
    #[serde(default)]
    pub mentions_me: bool,
    /// When the text was last corrected (XEP-0308), in ms; `null` if never.
    #[ts(type = "number | null")]
    #[serde(default)]
    pub edited: Option<i64>,
    /// Retracted by its sender or removed by a room moderator: the text is
    /// gone, a tombstone is shown.
    #[serde(default)]
    pub retracted: bool,
    /// The message it answers (XEP-0461).
    #[serde(default)]
    pub reply: Option<Box<ReplyTo>>,
    /// Emojis under it (XEP-0444), in the order first chosen.
    #[serde(default)]
    pub reactions: Vec<Reaction>,
    /// Shown as written, without message styling (XEP-0393 §6).
    pub unstyled: bool,
}

/// A message about to be stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewMessage {
    pub peer: String,
    pub direction: MessageDirection,
    pub kind: MessageKind,
    pub message_id: Option<String>,
    pub origin_id: Option<String>,
    /// Server-assigned id and the JID that assigned it (XEP-0359).
    pub stanza_id: Option<(String, String)>,
    pub body: String,
    pub subject: Option<String>,
    pub timestamp: i64,
    pub state: DeliveryState,
    /// In a room: the sender's nickname.
    pub sender: Option<String>,
    /// The message it answers (XEP-0461). Boxed: most messages answer none.
    pub reply: Option<Box<ReplyTo>>,
    /// The sender asked for its text to be shown as written, without
    /// message styling (XEP-0393 §6).
    pub unstyled: bool,
    /// In a room that offers them (XEP-0421): the id the room gave the
    /// sender's account, the same under any nickname.
    pub occupant_id: Option<String>,
}

/// What a reply names (XEP-0461): the id of the message it answers, and
/// the quote of it that the sender put before the reply's text (for a
/// client that cannot show replies; shown here when that message is not
/// held).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ReplyTo {
    pub id: String,
    pub quote: Option<String>,
}

#[cfg(test)]
impl NewMessage {
    /// A message `body` from `peer`, received at `timestamp`, for tests.
    pub fn received(peer: &str, body: &str, timestamp: i64) -> Self {
        Self {
            peer: peer.into(),
            direction: MessageDirection::In,
            kind: MessageKind::Chat,
            message_id: None,
            origin_id: None,
            stanza_id: None,
            body: body.into(),
            subject: None,
            timestamp,
            state: DeliveryState::Received,
            sender: None,
            reply: None,
            unstyled: false,
            occupant_id: None,
        }
    }
}

/// How a sender's set of reactions is kept in its column (a unit
/// separator cannot be in an emoji).
pub(super) const REACTION_SEPARATOR: char = '\u{1f}';

/// One emoji under a message: who chose it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Reaction {
    pub emoji: String,
    /// The contacts (their address) or occupants (their nick) who chose it,
    /// in the order they did; we are not among them (`mine`).
    pub by: Vec<String>,
    pub mine: bool,
}

/// Give each of `messages` the reactions held for it.
pub(super) fn fill_reactions(
    conn: &rusqlite::Connection,
    messages: &mut [ChatMessage],
) -> Result<()> {
    let mut stmt = conn.prepare_cached(
        "SELECT sender, emojis FROM reactions WHERE message = ?1 ORDER BY ts, rowid",
    )?;
    for m in messages.iter_mut() {
        let sets = stmt
            .query_map([m.id], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let mut reactions: Vec<Reaction> = Vec::new();
        for (who, emojis) in sets {
            for emoji in emojis.split(REACTION_SEPARATOR).filter(|e| !e.is_empty()) {
                let at = match reactions.iter().position(|r| r.emoji == emoji) {
                    Some(at) => at,
                    None => {
                        reactions.push(Reaction {
                            emoji: emoji.to_owned(),
                            by: Vec::new(),
                            mine: false,
                        });
                        reactions.len() - 1
                    }
                };
                if who.is_empty() {
                    reactions[at].mine = true;
                } else {
                    reactions[at].by.push(who.clone());
                }
            }
        }
        m.reactions = reactions;
    }
    Ok(())
}

pub(super) fn message_in(conn: &rusqlite::Connection, id: i64) -> Result<Option<ChatMessage>> {
    let mut stmt = conn.prepare_cached(&format!("SELECT {COLUMNS} FROM messages WHERE id = ?1"))?;
    let mut found = stmt.query_row([id], row_to_message).optional()?;
    if let Some(m) = found.as_mut() {
        fill_reactions(conn, std::slice::from_mut(m))?;
    }
    Ok(found)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct HistoryCursor {
    #[ts(type = "number")]
    pub timestamp: i64,
    #[ts(type = "number")]
    pub id: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct HistoryPage {
    /// Oldest first.
    pub messages: Vec<ChatMessage>,
    /// True when there is nothing older (`history_after`: nothing newer).
    pub complete: bool,
}

pub(super) const COLUMNS: &str = "id, peer, direction, kind, body, subject, ts, stanza_id, \
     origin_id, state, error, sender, edited_ts, retracted_ts IS NOT NULL, reply_to, reply_quote, \
     unstyled";

pub(super) fn row_to_message(r: &Row<'_>) -> rusqlite::Result<ChatMessage> {
    let direction: String = r.get(2)?;
    let kind: String = r.get(3)?;
    let state: String = r.get(9)?;
    Ok(ChatMessage {
        id: r.get(0)?,
        peer: r.get(1)?,
        direction: parse_of(&direction).unwrap_or(MessageDirection::In),
        kind: parse_of(&kind).unwrap_or(MessageKind::Chat),
        body: r.get(4)?,
        subject: r.get(5)?,
        timestamp: r.get(6)?,
        stanza_id: r.get(7)?,
        origin_id: r.get(8)?,
        state: parse_of(&state).unwrap_or(DeliveryState::Failed),
        error: r.get::<_, Option<String>>(10)?.map(|e| stored_problem(&e)),
        sender: r.get(11)?,
        mentions_me: false,
        edited: r.get(12)?,
        retracted: r.get(13)?,
        reply: r.get::<_, Option<String>>(14)?.map(|id| {
            Box::new(ReplyTo {
                id,
                quote: r.get(15).ok().flatten(),
            })
        }),
        reactions: Vec::new(),
        unstyled: r.get(16)?,
    })
}

impl Store {
    /// The page of `limit` messages before `before` (or the latest page).
    pub fn history_page(
        &self,
        account: &str,
        peer: &str,
        before: Option<HistoryCursor>,
        limit: u32,
    ) -> Result<HistoryPage> {
        let limit = limit.clamp(1, 500) as i64;
        let (ts, id) = before.map_or((i64::MAX, i64::MAX), |c| (c.timestamp, c.id));
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {COLUMNS} FROM messages
             WHERE account = ?1 AND peer = ?2 AND (ts, id) < (?3, ?4)
             ORDER BY ts DESC, id DESC LIMIT ?5"
        ))?;
        let mut messages = stmt
            .query_map(params![account, peer, ts, id, limit + 1], row_to_message)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let complete = messages.len() as i64 <= limit;
        messages.truncate(limit as usize);
        messages.reverse();
        fill_reactions(&self.conn, &mut messages)?;
        Ok(HistoryPage { messages, complete })
    }

    /// The page of `limit` messages after `after`, oldest first; `complete`
    /// when it reaches the newest (a conversation scrolled back down after
    /// the window let go of its newest messages).
    pub fn history_after(
        &self,
        account: &str,
        peer: &str,
        after: HistoryCursor,
        limit: u32,
    ) -> Result<HistoryPage> {
        let limit = limit.clamp(1, 500) as i64;
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {COLUMNS} FROM messages
             WHERE account = ?1 AND peer = ?2 AND (ts, id) > (?3, ?4)
             ORDER BY ts, id LIMIT ?5"
        ))?;
        let mut messages = stmt
            .query_map(
                params![account, peer, after.timestamp, after.id, limit + 1],
                row_to_message,
            )?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let complete = messages.len() as i64 <= limit;
        messages.truncate(limit as usize);
        fill_reactions(&self.conn, &mut messages)?;
        Ok(HistoryPage { messages, complete })
    }

    pub fn message(&self, id: i64) -> Result<Option<ChatMessage>> {
        message_in(&self.conn, id)
    }

    /// Move an outgoing message forward; a state never goes back
    /// (an ack that arrives after a failure report does not hide the error).
    pub fn set_delivery_state(
        &self,
        id: i64,
        state: DeliveryState,
        error: Option<&Problem>,
    ) -> Result<Option<ChatMessage>> {
        let rank = |s: DeliveryState| match s {
            DeliveryState::Queued => 0,
            DeliveryState::Sent => 1,
            DeliveryState::Acked | DeliveryState::Received => 2,
            DeliveryState::Failed => 3,
            DeliveryState::Delivered => 4,
            DeliveryState::Read => 5,
        };
        let Some(current) = self.message(id)? else {
            return Ok(None);
        };
        // A failure shows even over an ack that comes later; but once the
        // contact's client confirmed the message, it was delivered, whatever
        // the link reported (and a receipt beats an earlier failure). Read
        // is the last word: a receipt that comes after the marker changes
        // nothing.
        let moves = match (current.state, state) {
            (DeliveryState::Read, _) => false,
            (DeliveryState::Delivered, next) => next == DeliveryState::Read,
            (_, DeliveryState::Failed) => true,
            _ => rank(state) > rank(current.state),
        };
        if !moves {
            return Ok(Some(current));
        }
        // Stored as the JSON of the problem, so the UI phrases it in the
        // language of the day it is shown.
        let error = error.and_then(|e| serde_json::to_string(e).ok());
        self.conn.execute(
            "UPDATE messages SET state = ?2, error = COALESCE(?3, error) WHERE id = ?1",
            params![id, text_of(state), error],
        )?;
        self.message(id)
    }

    /// The outgoing message a stanza `id` refers to (for error replies).
    pub fn outgoing_by_message_id(
        &self,
        account: &str,
        peer: &str,
        message_id: &str,
    ) -> Result<Option<i64>> {
        Ok(self
            .conn
            .query_row(
                "SELECT id FROM messages WHERE account = ?1 AND peer = ?2 AND message_id = ?3
                 AND direction = 'out' ORDER BY id DESC LIMIT 1",
                params![account, peer, message_id],
                |r| r.get(0),
            )
            .optional()?)
    }

    /// When the newest stored message with `peer` was sent.
    pub fn latest_timestamp(&self, account: &str, peer: &str) -> Result<Option<i64>> {
        Ok(self.conn.query_row(
            "SELECT MAX(ts) FROM messages WHERE account = ?1 AND peer = ?2",
            params![account, peer],
            |r| r.get(0),
        )?)
    }

    pub fn message_count(&self, account: &str) -> Result<i64> {
        Ok(self.conn.query_row(
            "SELECT COUNT(*) FROM messages WHERE account = ?1",
            [account],
            |r| r.get(0),
        )?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn msg(body: &str, ts: i64, origin: Option<&str>) -> NewMessage {
        NewMessage {
            peer: "bob@example.org".into(),
            direction: MessageDirection::In,
            kind: MessageKind::Chat,
            message_id: Some(format!("id-{body}")),
            origin_id: origin.map(str::to_owned),
            stanza_id: None,
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

    #[test]
    fn duplicates_are_stored_once() {
        let mut s = Store::open_in_memory().unwrap();
        let a = "me@example.org";
        let first = s
            .insert_messages(a, &[msg("hi", 1, Some("o1")), msg("yo", 2, None)])
            .unwrap();
        assert_eq!(first.len(), 2);
        let again = s
            .insert_messages(a, &[msg("hi", 5, Some("o1")), msg("yo", 2, None)])
            .unwrap();
        assert!(again.is_empty());
        let mut sid = msg("via-archive", 3, None);
        sid.stanza_id = Some(("S1".into(), a.into()));
        sid.message_id = None;
        assert_eq!(s.insert_messages(a, &[sid.clone()]).unwrap().len(), 1);
        assert!(s.insert_messages(a, &[sid]).unwrap().is_empty());
        assert_eq!(s.message_count(a).unwrap(), 3);
    }

    #[test]
    fn pages_back_from_latest() {
        let mut s = Store::open_in_memory().unwrap();
        let a = "me@example.org";
        let batch: Vec<_> = (0..25)
            .map(|i| msg(&format!("m{i}"), 1000 + i, None))
            .collect();
        s.insert_messages(a, &batch).unwrap();
        let p1 = s.history_page(a, "bob@example.org", None, 10).unwrap();
        assert_eq!(p1.messages.first().unwrap().body, "m15");
        assert_eq!(p1.messages.last().unwrap().body, "m24");
        assert!(!p1.complete);
        let first = &p1.messages[0];
        let cursor = HistoryCursor {
            timestamp: first.timestamp,
            id: first.id,
        };
        let p2 = s
            .history_page(a, "bob@example.org", Some(cursor), 10)
            .unwrap();
        assert_eq!(p2.messages.last().unwrap().body, "m14");
        let first = &p2.messages[0];
        let cursor = HistoryCursor {
            timestamp: first.timestamp,
            id: first.id,
        };
        let p3 = s
            .history_page(a, "bob@example.org", Some(cursor), 10)
            .unwrap();
        assert_eq!(p3.messages.len(), 5);
        assert!(p3.complete);

        // And forward again, from the oldest, up to the newest.
        let oldest = &p3.messages[0];
        let mut after = HistoryCursor {
            timestamp: oldest.timestamp,
            id: oldest.id,
        };
        let mut bodies = vec![oldest.body.clone()];
        loop {
            let page = s.history_after(a, "bob@example.org", after, 10).unwrap();
            bodies.extend(page.messages.iter().map(|m| m.body.clone()));
            let newest = page.messages.last().unwrap();
            after = HistoryCursor {
                timestamp: newest.timestamp,
                id: newest.id,
            };
            if page.complete {
                break;
            }
        }
        let expected: Vec<_> = (0..25).map(|i| format!("m{i}")).collect();
        assert_eq!(bodies, expected);
    }

    #[test]
    fn delivery_state_moves_forward_and_failure_sticks() {
        let mut s = Store::open_in_memory().unwrap();
        let mut out = msg("hello", 1, Some("o"));
        out.direction = MessageDirection::Out;
        out.state = DeliveryState::Queued;
        let id = s.insert_messages("me@x", &[out]).unwrap()[0].id;
        assert_eq!(
            s.set_delivery_state(id, DeliveryState::Acked, None)
                .unwrap()
                .unwrap()
                .state,
            DeliveryState::Acked
        );
        assert_eq!(
            s.set_delivery_state(id, DeliveryState::Sent, None)
                .unwrap()
                .unwrap()
                .state,
            DeliveryState::Acked
        );
        let refused = Problem::of(ErrorCode::RemoteError).condition("recipient-unavailable");
        let failed = s
            .set_delivery_state(id, DeliveryState::Failed, Some(&refused))
            .unwrap()
            .unwrap();
        assert_eq!(failed.error, Some(refused));
        // A row from before reasons were stored as data keeps its text as
        // a detail.
        s.conn
            .execute(
                "UPDATE messages SET error = 'Not sent: broken pipe' WHERE id = ?1",
                params![id],
            )
            .unwrap();
        let old = s.message(id).unwrap().unwrap().error.unwrap();
        assert_eq!(
            (old.code, old.detail.as_deref()),
            (ErrorCode::MessageNotSent, Some("Not sent: broken pipe"))
        );
    }

    #[test]
    fn a_stamp_in_whole_seconds_goes_after_what_that_second_already_holds() {
        let mut s = Store::open_in_memory().unwrap();
        // Live, stamped by our clock in ms; then two messages the server
        // delayed, stamped in whole seconds of that same second.
        s.insert_messages("me@x", &[msg("live", 5_400, None)])
            .unwrap();
        s.insert_messages(
            "me@x",
            &[msg("delayed 1", 5_000, None), msg("delayed 2", 5_000, None)],
        )
        .unwrap();
        // One from an earlier second keeps its place.
        s.insert_messages("me@x", &[msg("earlier", 4_000, None)])
            .unwrap();
        let order: Vec<String> = s
            .history_page("me@x", "bob@example.org", None, 10)
            .unwrap()
            .messages
            .into_iter()
            .map(|m| m.body)
            .collect();
        assert_eq!(order, ["earlier", "live", "delayed 1", "delayed 2"]);
    }
}
