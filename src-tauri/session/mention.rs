//! Whether a room message names us: the one rule, decided here and carried
//! to the page on each message (`ChatMessage::mentions_me`), for new
//! messages and history pages alike.
//!
//! Case-insensitive. Where the text has spaces between words, a nick must
//! be a word of its own: "ann" is not named by "announce". Chinese and
//! Japanese text has no spaces, so a character of those scripts next to
//! the nick is no part of a longer word: "小明你好" and "小明明天来" both
//! name 小明 (the second reads "小明, come tomorrow" or "小明 comes
//! tomorrow"; either way it is about him). The cost is a false alarm for a
//! nick that is also a common word ("明天" in "明天见"): a mention missed
//! would cost more.

use crate::store::{ChatMessage, MessageDirection, MessageKind};

/// A letter or digit of a script that separates words with spaces.
fn is_word(c: char) -> bool {
    (c.is_alphanumeric() || c == '_') && !is_cjk(c)
}

/// Han, kana, Hangul syllables and their punctuation-free neighbours:
/// scripts written without spaces between words.
fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3040..=0x30FF      // Hiragana, Katakana
        | 0x3400..=0x4DBF    // CJK Extension A
        | 0x4E00..=0x9FFF    // CJK Unified Ideographs
        | 0xAC00..=0xD7AF    // Hangul syllables
        | 0xF900..=0xFAFF    // CJK Compatibility Ideographs
        | 0x20000..=0x2FA1F) // CJK Extensions B–F, Compatibility Supplement
}

pub fn mentions_nick(body: &str, nick: &str) -> bool {
    let nick = nick.trim().to_lowercase();
    let (Some(first), Some(last)) = (nick.chars().next(), nick.chars().last()) else {
        return false;
    };
    let body = body.to_lowercase();
    let (need_start, need_end) = (is_word(first), is_word(last));
    let mut from = 0;
    while let Some(found) = body[from..].find(&nick) {
        let at = from + found;
        let end = at + nick.len();
        let before_ok = !need_start || !body[..at].chars().next_back().is_some_and(is_word);
        let after_ok = !need_end || !body[end..].chars().next().is_some_and(is_word);
        if before_ok && after_ok {
            return true;
        }
        // Next char boundary after `at`: occurrences may overlap.
        from = at + body[at..].chars().next().map_or(1, char::len_utf8);
    }
    false
}

/// Whether `m` is someone else's room message that names `nick` (ours in
/// that room).
pub fn names_us(m: &ChatMessage, nick: &str) -> bool {
    m.kind == MessageKind::Groupchat
        && m.direction == MessageDirection::In
        && m.sender.as_deref() != Some(nick)
        && mentions_nick(&m.body, nick)
}

#[cfg(test)]
mod tests {
    use super::mentions_nick;

    #[test]
    fn whole_words_in_any_case() {
        assert!(mentions_nick("Anna, can you review?", "anna"));
        assert!(mentions_nick("ping ANNA", "Anna"));
        assert!(mentions_nick("ask @anna.", "Anna"));
        assert!(!mentions_nick("annals of history", "anna"));
        assert!(!mentions_nick("hannah", "anna"));
        assert!(!mentions_nick("annabelle is here", "anna"));
        assert!(mentions_nick("thanks @anna_b!", "anna_b"));
    }

    #[test]
    fn nicks_with_punctuation() {
        assert!(mentions_nick("[bot] restarted", "[bot]"));
        assert!(mentions_nick("ping [bot]x", "[bot]"));
        assert!(!mentions_nick("anything", "  "));
        // A second occurrence counts when the first is inside a word.
        assert!(mentions_nick("annabel and anna", "anna"));
    }

    #[test]
    fn chinese_needs_no_spaces() {
        assert!(mentions_nick("小明你好", "小明"));
        assert!(mentions_nick("小明：你好", "小明"));
        assert!(mentions_nick("@小明 明天来吗", "小明"));
        assert!(mentions_nick("小明明天来", "小明"));
        assert!(mentions_nick("王博你好", "王博"));
        assert!(mentions_nick("你好王博", "王博"));
        assert!(!mentions_nick("小红你好", "小明"));
        // A Latin nick inside Chinese text stands apart from it.
        assert!(mentions_nick("anna你好", "anna"));
        // A Chinese nick next to Latin letters is still its own.
        assert!(mentions_nick("hi小明", "小明"));
        // Japanese and Korean are written the same way.
        assert!(mentions_nick("さくらさん、こんにちは", "さくら"));
        assert!(mentions_nick("민수야 안녕", "민수"));
    }
}
