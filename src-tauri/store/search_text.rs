//! Full-text search over message bodies, Chinese included.
//!
//! FTS5's `unicode61` tokenizer splits on spaces and punctuation, so a run
//! of Chinese (or Japanese, or a Korean word) is one token: "你好" inside
//! "小明你好吗" was never found. Here every CJK character is its own token
//! (the text is indexed through [`index_text`], which puts spaces around
//! them), and a query's CJK run becomes a phrase of its characters, which
//! matches exactly where those characters stand side by side: any
//! substring, of one character or of ten. Words in other scripts stay
//! words and match by prefix ("meet" finds "meeting").
//!
//! Chosen over FTS5's `trigram` tokenizer, which cannot find one- or
//! two-character queries (most Chinese words are two characters) without a
//! full scan, and over ICU word breaking, which SQLite's bundled build
//! does not have and which would split "小明你好" into words that "明你"
//! no longer matches.

use rusqlite::functions::FunctionFlags;
use rusqlite::Connection;

/// The SQL function the index triggers call (registered on the writing
/// connection when it migrates).
pub const INDEX_FUNCTION: &str = "hearth_index_text";
/// The SQL function that gives a row's conversation token.
pub const CONVERSATION_FUNCTION: &str = "hearth_conversation_token";

/// Whether `c` is written without spaces between words: Han ideographs,
/// kana, Hangul, and their punctuation and full-width forms.
fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x2E80..=0x2FDF      // radicals
        | 0x3000..=0x303F    // CJK punctuation
        | 0x3040..=0x30FF    // hiragana, katakana
        | 0x3100..=0x31FF    // bopomofo, kana extensions
        | 0x3400..=0x4DBF    // extension A
        | 0x4E00..=0x9FFF    // unified ideographs
        | 0xAC00..=0xD7AF    // Hangul syllables
        | 0xF900..=0xFAFF    // compatibility ideographs
        | 0xFF00..=0xFFEF    // full-width forms
        | 0x20000..=0x3134F  // extensions B–G
    )
}

/// The text as the index sees it: each CJK character set apart by spaces.
/// Text without CJK is returned as it is.
pub fn index_text(text: &str) -> String {
    if !text.chars().any(is_cjk) {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len() * 2);
    for c in text.chars() {
        if is_cjk(c) {
            out.push(' ');
            out.push(c);
            out.push(' ');
        } else {
            out.push(c);
        }
    }
    out
}

/// How a word in a spaced script matches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Words {
    /// Whole words only: the index streams the newest matches.
    Whole,
    /// Words that start with it ("meet" finds "meeting"). FTS5 merges the
    /// matches of every such word before it can return any, so this is
    /// asked only when whole words found too few.
    Prefix,
}

/// The FTS5 query for what the user typed: every word must occur; a word
/// with CJK matches where its characters stand together, any other word
/// as `words` says. Quoted, so FTS syntax in the query (`OR`, `NEAR`, `*`,
/// `"`) is taken literally. `None` when there is nothing to search.
pub fn match_expression(query: &str, words: Words) -> Option<String> {
    let parts: Vec<String> = query
        .split_whitespace()
        .filter_map(|word| {
            // Tokens as the index has them: letters and digits of one word,
            // or single CJK characters.
            let spaced = index_text(word);
            let tokens: Vec<&str> = spaced
                .split(|c: char| !c.is_alphanumeric())
                .filter(|t| !t.is_empty())
                .collect();
            let last = tokens.last()?;
            let phrase = tokens.join(" ").replace('"', "\"\"");
            // A CJK character as a prefix would match nothing more; a word
            // of one or two letters as a prefix would match half the index.
            let prefix = words == Words::Prefix
                && !last.chars().any(is_cjk)
                && last.chars().count() >= MIN_PREFIX;
            Some(format!("\"{phrase}\"{}", if prefix { " *" } else { "" }))
        })
        .collect();
    (!parts.is_empty()).then(|| parts.join(" AND "))
}

/// Whether searching by prefix could find more than whole words did.
pub fn has_prefix_words(query: &str) -> bool {
    query.split_whitespace().any(|word| {
        let spaced = index_text(word);
        spaced
            .split(|c: char| !c.is_alphanumeric())
            .rfind(|t| !t.is_empty())
            .is_some_and(|t| !t.chars().any(is_cjk) && t.chars().count() >= MIN_PREFIX)
    })
}

/// Shortest word searched by prefix.
const MIN_PREFIX: usize = 3;

/// The token that stands for one conversation in the index's
/// `conversation` column, so a search in one conversation walks only the
/// matches in it (FTS5 steps through the two lists together). FNV-1a, not
/// std's hasher: the tokens are stored and must not change between builds.
pub fn conversation_token(account: &str, peer: &str) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in account.bytes().chain([b'\n']).chain(peer.bytes()) {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    format!("c{hash:016x}")
}

/// Registers the SQL functions the triggers use: [`index_text`] and
/// [`conversation_token`].
pub fn register(conn: &Connection) -> rusqlite::Result<()> {
    let flags = FunctionFlags::SQLITE_UTF8
        | FunctionFlags::SQLITE_DETERMINISTIC
        | FunctionFlags::SQLITE_INNOCUOUS;
    conn.create_scalar_function(INDEX_FUNCTION, 1, flags, |ctx| {
        let text: Option<String> = ctx.get(0)?;
        Ok(text.map(|t| index_text(&t)))
    })?;
    conn.create_scalar_function(CONVERSATION_FUNCTION, 2, flags, |ctx| {
        let account: String = ctx.get(0)?;
        let peer: String = ctx.get(1)?;
        Ok(conversation_token(&account, &peer))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn index_text_sets_cjk_apart_and_leaves_the_rest() {
        assert_eq!(index_text("hello world"), "hello world");
        assert_eq!(index_text("a你b"), "a 你 b");
        assert_eq!(
            match_expression("你好 meet", Words::Prefix).as_deref(),
            Some("\"你 好\" AND \"meet\" *")
        );
        assert_eq!(
            match_expression("你好 meet", Words::Whole).as_deref(),
            Some("\"你 好\" AND \"meet\"")
        );
        assert_eq!(
            match_expression("x\"yz go", Words::Prefix).as_deref(),
            Some("\"x yz\" AND \"go\""),
            "short words are never prefixes"
        );
        assert!(has_prefix_words("你好 meet"));
        assert!(!has_prefix_words("你好 go"));
    }

    #[test]
    fn a_conversation_token_is_stable_and_one_token() {
        let a = conversation_token("me@x", "bob@y");
        assert_eq!(a, conversation_token("me@x", "bob@y"));
        assert_ne!(a, conversation_token("me@x", "bob@z"));
        assert_ne!(a, conversation_token("me@xb", "ob@y"));
        // Stored in the index: the same in every build.
        assert_eq!(a, "c1599c51242e4fd31");
        assert!(a.chars().all(|c| c.is_ascii_alphanumeric()));
    }
}
