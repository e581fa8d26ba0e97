//! Whether a room message names us. The same rule as the page's highlight
//! (`mentionsNick` in ui/src/state/rooms.ts): case-insensitive, and a nick
//! that starts or ends with a word character must not be part of a longer
//! word ("ann" is not mentioned by "announce").

fn is_word(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
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

#[cfg(test)]
mod tests {
    use super::mentions_nick;

    #[test]
    fn whole_words_in_any_case() {
        assert!(mentions_nick("Anna, can you review?", "anna"));
        assert!(mentions_nick("ping ANNA", "Anna"));
        assert!(!mentions_nick("annals of history", "anna"));
        assert!(!mentions_nick("hannah", "anna"));
        assert!(mentions_nick("thanks @anna_b!", "anna_b"));
    }

    #[test]
    fn nicks_with_punctuation_and_other_scripts() {
        assert!(mentions_nick("[bot] restarted", "[bot]"));
        assert!(mentions_nick("小明：你好", "小明"));
        assert!(!mentions_nick("小明明天来", "小明"));
        assert!(!mentions_nick("anything", "  "));
        // A second occurrence counts when the first is inside a word.
        assert!(mentions_nick("annabel and anna", "anna"));
    }
}
