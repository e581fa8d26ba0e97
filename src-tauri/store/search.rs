//! Search queries over the index `search_text.rs` describes: messages
//! that match, and the stretch of a conversation a result opens.

use std::collections::HashSet;

use rusqlite::params;

use super::messages::{row_to_message, COLUMNS};
use super::search_text::{conversation_token, has_prefix_words, match_expression, Words};
use super::{ChatMessage, HistoryCursor, HistoryPage, Store};
use crate::error::Result;

/// Most results a search returns.
pub const MAX_RESULTS: u32 = 200;

/// Messages from the one a search jumps to on that are loaded with it:
/// where more follow, the tab holds a window that does not reach the newest
/// and reads on as it is scrolled down (`history_after`).
pub const MAX_THROUGH: u32 = 500;

impl Store {
    /// Messages whose body matches `query`, newest first, in one
    /// conversation (`peer`) or in all of them. "Newest" is the order in
    /// which they were stored: the index walks back from the last one, so
    /// a search costs the matches it reads, not the size of the history.
    pub fn search_messages(
        &self,
        account: &str,
        query: &str,
        peer: Option<&str>,
        limit: u32,
    ) -> Result<Vec<ChatMessage>> {
        let limit = limit.clamp(1, MAX_RESULTS);
        let Some(whole) = match_expression(query, Words::Whole) else {
            return Ok(Vec::new());
        };
        let mut found = self.matching(account, &whole, peer, limit)?;
        // Too few whole words: words that start with them too ("meet",
        // "meeting"), merged in.
        if found.len() < limit as usize && has_prefix_words(query) {
            if let Some(prefix) = match_expression(query, Words::Prefix) {
                let more = self.matching(account, &prefix, peer, limit)?;
                let held: HashSet<i64> = found.iter().map(|m| m.id).collect();
                found.extend(more.into_iter().filter(|m| !held.contains(&m.id)));
            }
        }
        // Stored order is nearly time order; archive pages read later can
        // be older than what came live, so the results are put in time
        // order, newest first.
        found.sort_by_key(|m| std::cmp::Reverse((m.timestamp, m.id)));
        found.truncate(limit as usize);
        Ok(found)
    }

    /// The newest `limit` rows the index matches for `expression`, in one
    /// conversation (its token ANDed into the match) or in all.
    fn matching(
        &self,
        account: &str,
        expression: &str,
        peer: Option<&str>,
        limit: u32,
    ) -> Result<Vec<ChatMessage>> {
        let expression = match peer {
            Some(peer) => format!(
                "conversation : {} AND body : ({expression})",
                conversation_token(account, peer)
            ),
            None => format!("body : ({expression})"),
        };
        let cols = COLUMNS
            .split(", ")
            .map(|c| format!("m.{c}"))
            .collect::<Vec<_>>()
            .join(", ");
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {cols} FROM messages_fts f JOIN messages m ON m.id = f.rowid
             WHERE messages_fts MATCH ?2 AND m.account = ?1 AND (?3 IS NULL OR m.peer = ?3)
             ORDER BY f.rowid DESC LIMIT ?4"
        ))?;
        let rows = stmt.query_map(params![account, expression, peer, limit], row_to_message)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The page a search result opens: `before` messages before `at`, then
    /// `at` and up to [`MAX_THROUGH`] messages from it on, oldest first.
    /// `complete` when they reach the newest message.
    pub fn history_through(
        &self,
        account: &str,
        peer: &str,
        at: HistoryCursor,
        before: u32,
    ) -> Result<HistoryPage> {
        // `at` and what follows it: the page after the cursor just before
        // it (ids are whole numbers, so nothing lies between the two).
        let just_before = HistoryCursor {
            timestamp: at.timestamp,
            id: at.id - 1,
        };
        let from = self.history_after(account, peer, just_before, MAX_THROUGH)?;
        let older = self.history_page(account, peer, Some(at), before.max(1))?;
        let mut page = older.messages;
        page.extend(from.messages);
        Ok(HistoryPage {
            messages: page,
            complete: from.complete,
        })
    }
}

#[cfg(test)]
mod tests;
