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

/// The FTS5 query for what the user typed: every word must occur; a word
/// with CJK matches where its characters stand together, any other word
/// matches as a prefix. Quoted, so FTS syntax in the query (`OR`, `NEAR`,
/// `*`, `"`) is taken literally. `None` when there is nothing to search.
pub fn match_expression(query: &str) -> Option<String> {
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
            // A prefix only after a word in a spaced script: a CJK
            // character as a prefix would also match nothing more.
            let prefix = if last.chars().any(is_cjk) { "" } else { " *" };
            Some(format!("\"{phrase}\"{prefix}"))
        })
        .collect();
    (!parts.is_empty()).then(|| parts.join(" AND "))
}

/// Registers [`index_text`] as the SQL function the triggers use.
pub fn register(conn: &Connection) -> rusqlite::Result<()> {
    conn.create_scalar_function(
        INDEX_FUNCTION,
        1,
        FunctionFlags::SQLITE_UTF8
            | FunctionFlags::SQLITE_DETERMINISTIC
            | FunctionFlags::SQLITE_INNOCUOUS,
        |ctx| {
            let text: Option<String> = ctx.get(0)?;
            Ok(text.map(|t| index_text(&t)))
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn index_text_sets_cjk_apart_and_leaves_the_rest() {
        assert_eq!(index_text("hello world"), "hello world");
        assert_eq!(index_text("a你b"), "a 你 b");
        assert_eq!(
            match_expression("你好 meet").as_deref(),
            Some("\"你 好\" AND \"meet\" *")
        );
        assert_eq!(match_expression("x\"y").as_deref(), Some("\"x y\" *"));
    }
}
