//! XEP-0444: Message Reactions — <https://xmpp.org/extensions/xep-0444.html>.
//! A reaction message carries `<reactions id/>` with the sender's whole set
//! of reactions to one message (an empty set takes them all back), naming
//! it by the room's stanza-id in a room and by its id elsewhere. Anyone in
//! the conversation may react; what a stranger can grow is bounded.

use tokio_xmpp::jid::Jid;
use tokio_xmpp::minidom::rxml::xml_ncname;
use tokio_xmpp::minidom::Element;
use tokio_xmpp::parsers::message::{Message, MessageType};

use super::feature::Feature;

pub const NS: &str = "urn:xmpp:reactions:0";
const NS_HINTS: &str = "urn:xmpp:hints";

pub const FEATURE: Feature = Feature::advertised("XEP-0444 Message Reactions", &[NS]);

/// Reactions one sender keeps on one message at most.
pub const MAX_PER_SENDER: usize = 20;
/// Bytes of one reaction at most: an emoji, even one of several code
/// points (a family, a flag with modifiers), not a text.
pub const MAX_REACTION_BYTES: usize = 64;

/// What a `<reactions/>` says: the message, and the sender's set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reactions {
    pub id: String,
    pub emojis: Vec<String>,
}

/// The reactions `m` carries, if any: empty and oversized ones dropped,
/// repeats once, at most [`MAX_PER_SENDER`].
pub fn reactions_of(m: &Message) -> Option<Reactions> {
    let el = m.payloads.iter().find(|p| p.is("reactions", NS))?;
    let id = el.attr("id").map(str::trim).filter(|id| !id.is_empty())?;
    let mut emojis: Vec<String> = Vec::new();
    for r in el.children().filter(|c| c.is("reaction", NS)) {
        let text = r.text();
        let text = text.trim();
        if text.is_empty() || text.len() > MAX_REACTION_BYTES || emojis.iter().any(|e| e == text) {
            continue;
        }
        emojis.push(text.to_owned());
        if emojis.len() == MAX_PER_SENDER {
            break;
        }
    }
    Some(Reactions {
        id: id.to_owned(),
        emojis,
    })
}

/// Our whole set of reactions `emojis` to message `id` in the conversation
/// with `to` (a room when `groupchat`).
pub fn reacting(to: Jid, id: &str, emojis: &[String], groupchat: bool) -> Message {
    let mut m = Message::new(Some(to));
    m.type_ = if groupchat {
        MessageType::Groupchat
    } else {
        MessageType::Chat
    };
    let mut reactions = Element::builder("reactions", NS).attr(xml_ncname!("id").to_owned(), id);
    for e in emojis {
        reactions = reactions.append(Element::builder("reaction", NS).append(e.as_str()).build());
    }
    m.payloads.push(reactions.build());
    m.payloads.push(Element::builder("store", NS_HINTS).build());
    m
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_set_of_reactions_is_read_once_each_and_bounded() {
        let ours = reacting(
            "bob@x".parse().unwrap(),
            "m1",
            &["👍".to_owned(), "🎉".to_owned()],
            false,
        );
        assert_eq!(
            reactions_of(&ours),
            Some(Reactions {
                id: "m1".into(),
                emojis: vec!["👍".into(), "🎉".into()]
            })
        );
        let many: String = (0..50)
            .map(|i| {
                format!(
                    "<reaction>{}</reaction>",
                    char::from_u32(0x1F600 + i).unwrap()
                )
            })
            .collect();
        let xml = format!(
            "<message xmlns='jabber:client' type='chat'><reactions xmlns='urn:xmpp:reactions:0' id='m1'>\
             <reaction>👍</reaction><reaction>👍</reaction><reaction> </reaction>\
             <reaction>{}</reaction>{many}</reactions></message>",
            "x".repeat(200)
        );
        let m = Message::try_from(xml.parse::<Element>().unwrap()).unwrap();
        let read = reactions_of(&m).unwrap();
        assert_eq!(read.emojis.len(), MAX_PER_SENDER);
        assert_eq!(read.emojis[0], "👍");
        assert!(read.emojis.iter().all(|e| e.len() <= MAX_REACTION_BYTES));
        let none = reacting("bob@x".parse().unwrap(), "m1", &[], false);
        assert_eq!(reactions_of(&none).map(|r| r.emojis.len()), Some(0));
    }
}
