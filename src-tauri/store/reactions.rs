//! Reactions (XEP-0444) held per message and sender: each reaction stanza
//! replaces its sender's whole set (a newer set wins over an older one
//! read later from an archive); a message gets reactions from at most
//! [`MAX_SENDERS`] senders.

use rusqlite::{params, OptionalExtension, Transaction};

use super::messages::REACTION_SEPARATOR as SEPARATOR;
use super::{MessageDirection, NewMessage};
use crate::error::Result;

/// Senders whose reactions one message keeps at most.
pub const MAX_SENDERS: i64 = 200;

/// Who `m` (a reaction) is from, as its set is kept: `""` for us; in a
/// room that gives occupant ids (XEP-0421), the id, after a character no
/// nickname can hold (so a renamed occupant's set stays theirs and one who
/// takes a left nickname gets a set of their own); else the nickname, or
/// the address in a one-to-one conversation.
fn reactor(m: &NewMessage) -> String {
    match (m.direction, &m.occupant_id, &m.sender) {
        (MessageDirection::Out, _, _) => String::new(),
        (MessageDirection::In, Some(id), _) => format!("{SEPARATOR}{id}"),
        (MessageDirection::In, None, Some(nick)) => nick.clone(),
        (MessageDirection::In, None, None) => m.peer.clone(),
    }
}

/// The name `m`'s set is shown under (`""` for us).
fn shown_as(m: &NewMessage) -> String {
    match (m.direction, &m.sender) {
        (MessageDirection::Out, _) => String::new(),
        (MessageDirection::In, Some(nick)) => nick.clone(),
        (MessageDirection::In, None) => m.peer.clone(),
    }
}

/// Keep `m`'s sender's set `emojis` for the message `row`: whether it
/// changed anything.
pub(super) fn set(tx: &Transaction, row: i64, m: &NewMessage, emojis: &[String]) -> Result<bool> {
    let who = reactor(m);
    if emojis.is_empty() {
        let gone = tx.execute(
            "DELETE FROM reactions WHERE message = ?1 AND reactor = ?2 AND ts <= ?3",
            params![row, who, m.timestamp],
        )?;
        return Ok(gone > 0);
    }
    let known: Option<i64> = tx
        .query_row(
            "SELECT 1 FROM reactions WHERE message = ?1 AND reactor = ?2",
            params![row, who],
            |r| r.get(0),
        )
        .optional()?;
    if known.is_none() {
        let senders: i64 = tx.query_row(
            "SELECT count(*) FROM reactions WHERE message = ?1",
            [row],
            |r| r.get(0),
        )?;
        if senders >= MAX_SENDERS {
            return Ok(false);
        }
    }
    let joined: String = emojis.join(&SEPARATOR.to_string());
    let changed = tx.execute(
        "INSERT INTO reactions (message, reactor, sender, emojis, ts) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (message, reactor) DO UPDATE
             SET sender = excluded.sender, emojis = excluded.emojis, ts = excluded.ts
         WHERE excluded.ts >= reactions.ts
           AND (excluded.emojis != reactions.emojis OR excluded.sender != reactions.sender)",
        params![row, who, shown_as(m), joined, m.timestamp],
    )?;
    Ok(changed > 0)
}

impl super::Store {
    /// Our own set of reactions on message `row` (to send it whole, changed).
    pub fn own_reactions(&self, row: i64) -> Result<Vec<String>> {
        let set: Option<String> = self
            .conn
            .query_row(
                "SELECT emojis FROM reactions WHERE message = ?1 AND reactor = ''",
                [row],
                |r| r.get(0),
            )
            .optional()?;
        Ok(set
            .map(|s| {
                s.split(SEPARATOR)
                    .filter(|e| !e.is_empty())
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{Amendment, Change, ChatMessage, Store};

    const ME: &str = "me@x";

    fn react(s: &mut Store, from: &str, emojis: &[&str], ts: i64) -> Vec<ChatMessage> {
        react_as(s, from, None, emojis, ts)
    }

    fn react_as(
        s: &mut Store,
        from: &str,
        occupant_id: Option<&str>,
        emojis: &[&str],
        ts: i64,
    ) -> Vec<ChatMessage> {
        let mut m = NewMessage::received(from, "", ts);
        m.peer = "room@muc".into();
        m.kind = crate::store::MessageKind::Groupchat;
        m.sender = Some(from.into());
        m.occupant_id = occupant_id.map(str::to_owned);
        let a = Amendment {
            message: m,
            target: "S1".into(),
            change: Change::React(emojis.iter().map(|e| e.to_string()).collect()),
        };
        s.write_intake(ME, &[], &[a], &[], None).unwrap().confirmed
    }

    fn stored_message(s: &mut Store) {
        let mut original = NewMessage::received("room@muc", "lunch?", 1);
        original.kind = crate::store::MessageKind::Groupchat;
        original.sender = Some("carol".into());
        original.stanza_id = Some(("S1".into(), "room@muc".into()));
        s.insert_messages(ME, &[original]).unwrap();
    }

    #[test]
    fn with_occupant_ids_a_set_is_its_occupants_under_any_nickname() {
        let mut s = Store::open_in_memory().unwrap();
        stored_message(&mut s);
        react_as(&mut s, "bob", Some("B"), &["👍"], 10);
        // bob, renamed, changes his set: still one set, shown as robert's.
        let shown = react_as(&mut s, "robert", Some("B"), &["🎉"], 11);
        let by: Vec<_> = shown[0]
            .reactions
            .iter()
            .map(|r| (r.emoji.as_str(), r.by.clone()))
            .collect();
        assert_eq!(by, [("🎉", vec!["robert".to_owned()])]);
        // mallory, who took the name bob, has a set of her own.
        let shown = react_as(&mut s, "bob", Some("M"), &[], 12);
        assert!(shown.is_empty());
        let shown = react_as(&mut s, "bob", Some("M"), &["😢"], 13);
        let by: Vec<_> = shown[0]
            .reactions
            .iter()
            .map(|r| (r.emoji.as_str(), r.by.clone()))
            .collect();
        assert_eq!(
            by,
            [
                ("🎉", vec!["robert".to_owned()]),
                ("😢", vec!["bob".to_owned()])
            ]
        );
    }

    #[test]
    fn a_newer_set_wins_an_empty_one_takes_all_back_and_senders_are_bounded() {
        let mut s = Store::open_in_memory().unwrap();
        stored_message(&mut s);

        let shown = react(&mut s, "bob", &["🍕", "👍"], 10);
        assert_eq!(shown[0].reactions.len(), 2);
        assert_eq!(shown[0].reactions[0].by, ["bob"]);
        // An older set read later (from an archive) changes nothing.
        assert!(react(&mut s, "bob", &["😢"], 5).is_empty());
        let shown = react(&mut s, "bob", &[], 20);
        assert!(shown[0].reactions.is_empty());

        for i in 0..MAX_SENDERS + 5 {
            react(&mut s, &format!("occupant{i}"), &["👍"], 30 + i);
        }
        let page = s.history_page(ME, "room@muc", None, 1).unwrap();
        assert_eq!(page.messages[0].reactions[0].by.len() as i64, MAX_SENDERS);
    }
}
