//! The migration ladder. Append a step; never edit a released one.

use rusqlite::Connection;

use crate::error::Result;

const STEPS: &[&str] = &[
    // 1: accounts, messages (+ FTS5), pinned certificates.
    r#"
    CREATE TABLE accounts (
        jid         TEXT PRIMARY KEY,
        remember    INTEGER NOT NULL DEFAULT 0,
        auto_login  INTEGER NOT NULL DEFAULT 0,
        host        TEXT,
        port        INTEGER,
        resource    TEXT NOT NULL,
        last_used   INTEGER NOT NULL
    );
    CREATE TABLE messages (
        id          INTEGER PRIMARY KEY,
        account     TEXT NOT NULL,
        peer        TEXT NOT NULL,
        direction   TEXT NOT NULL CHECK (direction IN ('in', 'out')),
        kind        TEXT NOT NULL,
        message_id  TEXT,
        origin_id   TEXT,
        stanza_id   TEXT,
        stanza_id_by TEXT,
        body        TEXT NOT NULL,
        subject     TEXT,
        ts          INTEGER NOT NULL,
        state       TEXT NOT NULL,
        error       TEXT
    );
    CREATE INDEX messages_timeline ON messages (account, peer, ts, id);
    CREATE UNIQUE INDEX messages_origin_id ON messages (account, peer, direction, origin_id)
        WHERE origin_id IS NOT NULL;
    CREATE UNIQUE INDEX messages_stanza_id ON messages (account, stanza_id_by, stanza_id)
        WHERE stanza_id IS NOT NULL;
    CREATE UNIQUE INDEX messages_message_id ON messages (account, peer, direction, message_id, body)
        WHERE message_id IS NOT NULL AND origin_id IS NULL AND stanza_id IS NULL;
    CREATE INDEX messages_by_message_id ON messages (account, message_id);
    CREATE VIRTUAL TABLE messages_fts USING fts5 (body, content='messages', content_rowid='id');
    CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages BEGIN
        INSERT INTO messages_fts (rowid, body) VALUES (new.id, new.body);
    END;
    CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN
        INSERT INTO messages_fts (messages_fts, rowid, body) VALUES ('delete', old.id, old.body);
    END;
    CREATE TABLE pinned_certificates (
        account     TEXT NOT NULL,
        fingerprint TEXT NOT NULL,
        der         BLOB NOT NULL,
        added_at    INTEGER NOT NULL,
        PRIMARY KEY (account, fingerprint)
    );
    "#,
    // 2: how the account's connection is secured (STARTTLS / direct TLS).
    "ALTER TABLE accounts ADD COLUMN security TEXT NOT NULL DEFAULT 'startTls';",
    // 3: presence priority and response timeout from the connection settings.
    "ALTER TABLE accounts ADD COLUMN priority INTEGER NOT NULL DEFAULT 0;
     ALTER TABLE accounts ADD COLUMN response_timeout INTEGER NOT NULL DEFAULT 15;",
    // 4: the rest of the advanced connection dialog. No proxy password: that
    // is in the keychain.
    "ALTER TABLE accounts ADD COLUMN open_console INTEGER NOT NULL DEFAULT 0;
     ALTER TABLE accounts ADD COLUMN sasl_mechanisms TEXT NOT NULL
         DEFAULT 'SCRAM-SHA-256,SCRAM-SHA-1,PLAIN';
     ALTER TABLE accounts ADD COLUMN proxy_kind TEXT NOT NULL DEFAULT 'none';
     ALTER TABLE accounts ADD COLUMN proxy_host TEXT NOT NULL DEFAULT '';
     ALTER TABLE accounts ADD COLUMN proxy_port INTEGER;
     ALTER TABLE accounts ADD COLUMN proxy_user TEXT NOT NULL DEFAULT '';",
    // 5: who in a room sent a message (the occupant's nickname).
    "ALTER TABLE messages ADD COLUMN sender TEXT;",
    // 6: how far each archive (the account's, each room's) has been read,
    // written in the same transaction as the messages it covers.
    "CREATE TABLE archive_sync (
        account     TEXT NOT NULL,
        archive     TEXT NOT NULL,
        last_id     TEXT NOT NULL,
        last_ts     INTEGER NOT NULL,
        PRIMARY KEY (account, archive)
    );",
    // 7: the resumable stream and how many of its stanzas are handled,
    // written in the same transaction as the messages they brought.
    "CREATE TABLE stream_resumption (
        account     TEXT PRIMARY KEY,
        stream_id   TEXT NOT NULL,
        location    TEXT,
        jid         TEXT NOT NULL,
        handled     INTEGER NOT NULL,
        caught_up   INTEGER NOT NULL DEFAULT 0,
        saved_at    INTEGER NOT NULL
    );",
    // 8: how much of the archive a new profile fetches.
    "ALTER TABLE accounts ADD COLUMN history_days INTEGER NOT NULL DEFAULT 7;
     ALTER TABLE accounts ADD COLUMN history_messages INTEGER NOT NULL DEFAULT 1000;",
    // 9: search that finds Chinese (store/search_text.rs): the index holds
    // each CJK character as a token, through hearth_index_text(), and each
    // row's conversation as one token, so a search in one conversation
    // walks only its matches. Contentless: the bodies stay in `messages`
    // only; a row leaves the index by rowid, and a changed body is indexed
    // again.
    "DROP TRIGGER messages_fts_insert;
     DROP TRIGGER messages_fts_delete;
     DROP TABLE messages_fts;
     CREATE VIRTUAL TABLE messages_fts USING fts5 (
         body, conversation,
         content='', contentless_delete=1, tokenize='unicode61 remove_diacritics 2'
     );
     INSERT INTO messages_fts (rowid, body, conversation)
         SELECT id, hearth_index_text(body), hearth_conversation_token(account, peer)
         FROM messages;
     CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages BEGIN
         INSERT INTO messages_fts (rowid, body, conversation)
         VALUES (new.id, hearth_index_text(new.body), hearth_conversation_token(new.account, new.peer));
     END;
     CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN
         DELETE FROM messages_fts WHERE rowid = old.id;
     END;
     CREATE TRIGGER messages_fts_update AFTER UPDATE OF body ON messages BEGIN
         DELETE FROM messages_fts WHERE rowid = old.id;
         INSERT INTO messages_fts (rowid, body, conversation)
         VALUES (new.id, hearth_index_text(new.body), hearth_conversation_token(new.account, new.peer));
     END;",
    // 10: corrections and retractions (store/amendments.rs): when a message
    // was last corrected or retracted, and the texts corrections replaced.
    "ALTER TABLE messages ADD COLUMN edited_ts INTEGER;
     ALTER TABLE messages ADD COLUMN retracted_ts INTEGER;
     CREATE TABLE message_versions (
         message INTEGER NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
         key     TEXT NOT NULL,
         body    TEXT NOT NULL,
         ts      INTEGER NOT NULL,
         PRIMARY KEY (message, key)
     );",
    // 11: replies (XEP-0461): the id of the message answered, and the quote
    // of it the reply carried.
    "ALTER TABLE messages ADD COLUMN reply_to TEXT;
     ALTER TABLE messages ADD COLUMN reply_quote TEXT;",
    // 12: reactions (XEP-0444), each sender's whole set per message
    // (store/reactions.rs).
    "CREATE TABLE reactions (
         message INTEGER NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
         sender  TEXT NOT NULL,
         emojis  TEXT NOT NULL,
         ts      INTEGER NOT NULL,
         PRIMARY KEY (message, sender)
     );",
    // 13: the sender asked for the text to be shown as written (XEP-0393 §6).
    "ALTER TABLE messages ADD COLUMN unstyled INTEGER NOT NULL DEFAULT 0;",
    // 14: in a room that offers it, the sender's occupant id (XEP-0421),
    // which a correction or retraction must share (store/amendments.rs).
    "ALTER TABLE messages ADD COLUMN occupant_id TEXT;",
    // 15: a sender's reactions are kept under who they are (`reactor`: the
    // occupant id where the room gives one, else the nickname or address)
    // and shown under the name they reacted as (`sender`).
    "CREATE TABLE reactions_by (
         message INTEGER NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
         reactor TEXT NOT NULL,
         sender  TEXT NOT NULL,
         emojis  TEXT NOT NULL,
         ts      INTEGER NOT NULL,
         PRIMARY KEY (message, reactor)
     );
     INSERT INTO reactions_by (message, reactor, sender, emojis, ts)
         SELECT message, sender, sender, emojis, ts FROM reactions ORDER BY rowid;
     DROP TABLE reactions;
     ALTER TABLE reactions_by RENAME TO reactions;",
];

/// Brings the schema up to date. Also gives the connection the SQL
/// function the search index's triggers call (`store/search_text.rs`): the
/// connection that migrates is the one that writes.
pub fn migrate(conn: &mut Connection) -> Result<()> {
    super::search_text::register(conn)?;
    let current: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    for (index, step) in STEPS.iter().enumerate() {
        let version = index as i64 + 1;
        if version <= current {
            continue;
        }
        let tx = conn.transaction()?;
        tx.execute_batch(step)?;
        tx.pragma_update(None, "user_version", version)?;
        tx.commit()?;
    }
    Ok(())
}

#[cfg(test)]
pub fn latest() -> i64 {
    STEPS.len() as i64
}

/// The ladder's first `version` steps: a profile as that version left it.
#[cfg(test)]
pub fn steps_up_to(version: usize) -> &'static [&'static str] {
    &STEPS[..version]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_1_profile_keeps_its_accounts_and_gets_starttls() {
        // A profile as version 1 left it (frozen: step 1 only).
        let mut conn = Connection::open_in_memory().unwrap();
        conn.execute_batch(STEPS[0]).unwrap();
        conn.pragma_update(None, "user_version", 1).unwrap();
        conn.execute(
            "INSERT INTO accounts (jid, remember, auto_login, resource, last_used)
             VALUES ('anna@company.com', 1, 1, 'Hearth.abc', 1)",
            [],
        )
        .unwrap();
        migrate(&mut conn).unwrap();
        let (jid, security): (String, String) = conn
            .query_row("SELECT jid, security FROM accounts", [], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .unwrap();
        assert_eq!(
            (jid.as_str(), security.as_str()),
            ("anna@company.com", "startTls")
        );
    }

    #[test]
    fn reactions_kept_before_occupant_ids_stay_with_their_senders() {
        let mut conn = Connection::open_in_memory().unwrap();
        super::super::search_text::register(&conn).unwrap();
        for step in steps_up_to(14) {
            conn.execute_batch(step).unwrap();
        }
        conn.pragma_update(None, "user_version", 14).unwrap();
        conn.execute_batch(
            "INSERT INTO messages (id, account, peer, direction, kind, body, ts, state)
                 VALUES (1, 'me@x', 'room@muc', 'in', 'groupchat', 'lunch?', 1, 'received');
             INSERT INTO reactions (message, sender, emojis, ts) VALUES (1, 'bob', '👍', 2);
             INSERT INTO reactions (message, sender, emojis, ts) VALUES (1, '', '🎉', 3);",
        )
        .unwrap();
        migrate(&mut conn).unwrap();
        let kept: Vec<(String, String, String)> = conn
            .prepare("SELECT reactor, sender, emojis FROM reactions ORDER BY ts")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        let kept: Vec<_> = kept
            .iter()
            .map(|(a, b, c)| (a.as_str(), b.as_str(), c.as_str()))
            .collect();
        assert_eq!(kept, [("bob", "bob", "👍"), ("", "", "🎉")]);
    }

    #[test]
    fn migrates_fresh_database_and_is_idempotent() {
        let mut conn = Connection::open_in_memory().unwrap();
        migrate(&mut conn).unwrap();
        migrate(&mut conn).unwrap();
        let v: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap();
        assert_eq!(v, latest());
    }
}
