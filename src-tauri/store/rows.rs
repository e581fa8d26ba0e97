//! Writing one incoming or outgoing message: deduplicated (stanza-id,
//! origin-id, or sender, id and body close in time), placed in time, and
//! what a copy of a held message says about that message (acked, dated by
//! the archive).

use rusqlite::{params, OptionalExtension, Transaction};

use super::messages::{message_in, text_of};
use super::{ChatMessage, MessageDirection, NewMessage, Store};
use crate::error::Result;

/// How far apart in time two copies of one message without an origin-id may
/// be stamped (offline storage and the archive stamp each on their own).
const TWIN_WINDOW_MS: i64 = 10 * 60 * 1000;

/// Store `m` at `timestamp` within `tx`, unless it is held already; the
/// stored row, or `None` for a duplicate. `in_arrival_order`: the message
/// came after every message held (live, or an archive read forward), so a
/// whole-second stamp that ties with one held goes after it; a page read
/// backward is older than what is held and has its times set by the caller.
pub(super) fn insert_row(
    tx: &Transaction,
    account: &str,
    m: &NewMessage,
    timestamp: i64,
    in_arrival_order: bool,
    changed: &mut Vec<i64>,
) -> Result<Option<ChatMessage>> {
    let mut twin = tx.prepare_cached(
        "SELECT id, stanza_id FROM messages INDEXED BY messages_by_message_id
         WHERE account = ?1 AND message_id = ?2 AND peer = ?3 AND direction = ?4
           AND body = ?5 AND sender IS ?6 AND ts BETWEEN ?7 - ?8 AND ?7 + ?8
         LIMIT 1",
    )?;
    let mut same_second = tx.prepare_cached(
        "SELECT max(ts) FROM messages
         WHERE account = ?1 AND peer = ?2 AND ts >= ?3 AND ts < ?3 + 1000",
    )?;
    let mut adopt = tx.prepare_cached(
        "UPDATE OR IGNORE messages SET stanza_id = ?2, stanza_id_by = ?3 WHERE id = ?1",
    )?;
    let mut insert = tx.prepare_cached(
        "INSERT OR IGNORE INTO messages (account, peer, direction, kind, message_id,
             origin_id, stanza_id, stanza_id_by, body, subject, ts, state, sender,
             reply_to, reply_quote, unstyled, occupant_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)",
    )?;
    let (sid, sid_by) = m.stanza_id.clone().unzip();
    if let Some(message_id) = m.message_id.as_deref().filter(|_| m.origin_id.is_none()) {
        // Without an origin-id, the same message reaching us twice
        // (offline storage and the archive; a resend after the
        // link came back) is known by sender, id and body close
        // in time. The copy that has an archive id lends it to
        // the stored one, so later copies dedupe by that id.
        let found: Option<(i64, Option<String>)> = twin
            .query_row(
                params![
                    account,
                    message_id,
                    m.peer,
                    text_of(m.direction),
                    m.body,
                    m.sender,
                    m.timestamp,
                    TWIN_WINDOW_MS
                ],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        if let Some((row, stored_sid)) = found {
            if stored_sid.is_none() && sid.is_some() {
                adopt.execute(params![row, sid, sid_by])?;
            }
            return Ok(None);
        }
    }
    // A stamp in whole seconds (offline storage, Prosody's
    // archive) says only "within this second": a message of that
    // second already held came first, so this one goes after it
    // instead of before (arrival order where times tie).
    let mut timestamp = timestamp;
    if in_arrival_order && timestamp % 1000 == 0 {
        let held: Option<i64> =
            same_second.query_row(params![account, m.peer, timestamp], |r| r.get(0))?;
        timestamp = timestamp.max(held.unwrap_or(timestamp));
    }
    let inserted = insert.execute(params![
        account,
        m.peer,
        text_of(m.direction),
        text_of(m.kind),
        m.message_id,
        m.origin_id,
        sid,
        sid_by,
        m.body,
        m.subject,
        timestamp,
        text_of(m.state),
        m.sender,
        m.reply.as_ref().map(|r| &r.id),
        m.reply.as_ref().and_then(|r| r.quote.as_ref()),
        m.unstyled,
        m.occupant_id,
    ])?;
    if inserted == 0 {
        held_again(tx, account, m, timestamp, in_arrival_order, changed)?;
        return Ok(None);
    }
    Ok(Some(ChatMessage {
        id: tx.last_insert_rowid(),
        peer: m.peer.clone(),
        direction: m.direction,
        kind: m.kind,
        body: m.body.clone(),
        subject: m.subject.clone(),
        timestamp,
        stanza_id: sid,
        origin_id: m.origin_id.clone(),
        state: m.state,
        error: None,
        sender: m.sender.clone(),
        mentions_me: false,
        edited: None,
        retracted: false,
        reply: m.reply.clone(),
        reactions: Vec::new(),
        unstyled: m.unstyled,
    }))
}

/// `m` is held already. The archive's copy of a message we sent proves
/// the server took it: a row left queued or failed (the app stopped before
/// it heard) is done, and is not sent again. And where the archive dates to
/// the millisecond, its time is the server's order (`session/arrival.rs`).
fn held_again(
    tx: &Transaction,
    account: &str,
    m: &NewMessage,
    timestamp: i64,
    in_arrival_order: bool,
    changed: &mut Vec<i64>,
) -> Result<()> {
    // A page read backward had its times set to fit before what is held:
    // they date nothing.
    let dates = in_arrival_order && timestamp % 1000 != 0;
    if let (Some((sid, by)), true) = (&m.stanza_id, dates) {
        let mut restamp = tx.prepare_cached(
            "UPDATE messages SET ts = ?4
             WHERE account = ?1 AND stanza_id_by = ?2 AND stanza_id = ?3 AND ts != ?4
             RETURNING id",
        )?;
        changed.extend(
            restamp
                .query_row(params![account, by, sid, timestamp], |r| r.get::<_, i64>(0))
                .optional()?,
        );
    }
    let ours = m
        .origin_id
        .as_deref()
        .filter(|_| m.direction == MessageDirection::Out);
    if let Some(origin) = ours {
        changed.extend(super::outbox::confirm_archived(
            tx, account, &m.peer, origin,
        )?);
        // The archive's (or the room's) id for our message: a room knows
        // our message by it, for a retraction.
        if let Some((sid, by)) = &m.stanza_id {
            let mut adopt = tx.prepare_cached(
                "UPDATE OR IGNORE messages SET stanza_id = ?4, stanza_id_by = ?5
                 WHERE account = ?1 AND peer = ?2 AND direction = 'out' AND origin_id = ?3
                   AND stanza_id IS NULL
                 RETURNING id",
            )?;
            changed.extend(
                adopt
                    .query_row(params![account, m.peer, origin, sid, by], |r| {
                        r.get::<_, i64>(0)
                    })
                    .optional()?,
            );
        }
    }
    Ok(())
}

/// What a batch changed: the new messages, and stored ones it changed: the
/// server had them (their state moved to acked), or the archive dated them
/// (their time moved to the archive's).
#[derive(Debug, Default)]
pub struct Stored {
    pub added: Vec<ChatMessage>,
    pub confirmed: Vec<ChatMessage>,
}

impl Store {
    /// Store a batch in one transaction. Returns the messages that were new;
    /// duplicates of stored messages are skipped.
    pub fn insert_messages(
        &mut self,
        account: &str,
        batch: &[NewMessage],
    ) -> Result<Vec<ChatMessage>> {
        Ok(self.insert_messages_to(account, batch, &[])?.added)
    }

    /// `insert_messages`, and in the same transaction record how far
    /// `reached` archives have been read: a crash cannot leave the record
    /// ahead of the messages (a gap) or behind them (they dedupe).
    pub fn insert_messages_to(
        &mut self,
        account: &str,
        batch: &[NewMessage],
        reached: &[super::SyncPoint],
    ) -> Result<Stored> {
        self.insert_messages_at(account, batch, reached, None)
    }

    /// `insert_messages_to`, and in the same transaction record how many
    /// stanzas of the resumable stream are handled (`position`): a crash
    /// leaves the count neither ahead of what is stored (the server would
    /// not send it again) nor behind it.
    pub fn insert_messages_at(
        &mut self,
        account: &str,
        batch: &[NewMessage],
        reached: &[super::SyncPoint],
        position: Option<&super::StreamPosition>,
    ) -> Result<Stored> {
        self.write_batch(account, batch, reached, position, |_, _, _| Ok(()))
    }

    /// `insert_messages_at`, with `then` run in the same transaction after
    /// the batch (it may add rows and change held ones).
    pub(super) fn write_batch(
        &mut self,
        account: &str,
        batch: &[NewMessage],
        reached: &[super::SyncPoint],
        position: Option<&super::StreamPosition>,
        then: impl FnOnce(&Transaction, &mut Vec<ChatMessage>, &mut Vec<i64>) -> Result<()>,
    ) -> Result<Stored> {
        let tx = self.conn.transaction()?;
        let mut added = Vec::with_capacity(batch.len());
        let mut changed = Vec::new();
        for m in batch {
            added.extend(insert_row(
                &tx,
                account,
                m,
                m.timestamp,
                true,
                &mut changed,
            )?);
        }
        then(&tx, &mut added, &mut changed)?;
        super::archive_sync::record(&tx, account, reached)?;
        if let Some(position) = position {
            super::stream_resumption::record(&tx, account, position)?;
        }
        changed.sort_unstable();
        changed.dedup();
        let confirmed = changed
            .into_iter()
            .map(|id| message_in(&tx, id))
            .collect::<Result<Vec<_>>>()?
            .into_iter()
            .flatten()
            .collect();
        tx.commit()?;
        Ok(Stored { added, confirmed })
    }
}
