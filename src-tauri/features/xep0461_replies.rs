//! XEP-0461: Message Replies — <https://xmpp.org/extensions/xep-0461.html>.
//! A reply names the message it answers: `<reply id/>`, the room's
//! stanza-id in a room, the message's id elsewhere. For clients that do
//! not know replies, the sender quotes the original at the start of the
//! body and marks that quote with a fallback (XEP-0428) — which Hearth
//! takes off the body and keeps apart, to show when the original is not
//! held.

use tokio_xmpp::jid::Jid;
use tokio_xmpp::minidom::rxml::xml_ncname;
use tokio_xmpp::minidom::Element;
use tokio_xmpp::parsers::message::{Lang, Message};

use super::feature::Feature;
use crate::store::{NewMessage, ReplyTo};

pub const NS: &str = "urn:xmpp:reply:0";
const NS_FALLBACK: &str = "urn:xmpp:fallback:0";

pub const FEATURE: Feature = Feature::advertised("XEP-0461 Message Replies", &[NS]);

/// Characters of the original quoted in our fallback at most.
const QUOTE_CHARS: usize = 120;

/// `new`, read from `m`: if `m` replies to a message, the reply it names,
/// and its body without the quote its fallback marks.
pub fn read_into(new: &mut NewMessage, m: &Message) {
    let Some(id) = m
        .payloads
        .iter()
        .find(|p| p.is("reply", NS))
        .and_then(|p| p.attr("id"))
        .map(str::trim)
        .filter(|id| !id.is_empty())
    else {
        return;
    };
    let mut quote = None;
    if let Some((start, end)) = fallback_range(m) {
        let chars: Vec<char> = new.body.chars().collect();
        if start < end && end <= chars.len() {
            let quoted: String = chars[start..end].iter().collect();
            let rest: String = chars[..start].iter().chain(&chars[end..]).collect();
            quote = Some(unquote(&quoted)).filter(|q| !q.is_empty());
            new.body = rest;
        }
    }
    new.reply = Some(Box::new(ReplyTo {
        id: id.to_owned(),
        quote,
    }));
}

/// The characters the reply fallback covers in the body, `[start, end)`.
fn fallback_range(m: &Message) -> Option<(usize, usize)> {
    let fallback = m
        .payloads
        .iter()
        .find(|p| p.is("fallback", NS_FALLBACK) && p.attr("for") == Some(NS))?;
    let body = fallback.get_child("body", NS_FALLBACK)?;
    let start = body.attr("start").map_or(Some(0), |s| s.parse().ok())?;
    let end = body.attr("end")?.parse().ok()?;
    Some((start, end))
}

/// The quoted text without its "> " marks.
fn unquote(quoted: &str) -> String {
    quoted
        .lines()
        .map(|l| {
            l.strip_prefix("> ")
                .or_else(|| l.strip_prefix('>'))
                .unwrap_or(l)
        })
        .collect::<Vec<_>>()
        .join("\n")
        .trim()
        .to_owned()
}

/// The short quote of `original` our fallback carries.
pub fn quote_of(original: &str) -> String {
    let first = original.lines().next().unwrap_or_default();
    match first.char_indices().nth(QUOTE_CHARS) {
        Some((cut, _)) => format!("{}…", &first[..cut]),
        None => first.to_owned(),
    }
}

/// `m` (whose body is the reply's text) as a reply to message `id` by
/// `author`, quoting `quote` in front of its body for other clients.
pub fn replying(mut m: Message, author: Option<Jid>, id: &str, quote: &str) -> Message {
    let prefix = format!("> {quote}\n");
    let end = prefix.chars().count();
    let lang = Lang::default();
    let body = m.bodies.remove(&lang).unwrap_or_default();
    m.bodies.insert(lang, format!("{prefix}{body}"));
    let mut reply = Element::builder("reply", NS).attr(xml_ncname!("id").to_owned(), id);
    if let Some(author) = author {
        reply = reply.attr(xml_ncname!("to").to_owned(), author.to_string());
    }
    m.payloads.push(reply.build());
    m.payloads.push(
        Element::builder("fallback", NS_FALLBACK)
            .attr(xml_ncname!("for").to_owned(), NS)
            .append(
                Element::builder("body", NS_FALLBACK)
                    .attr(xml_ncname!("start").to_owned(), "0")
                    .attr(xml_ncname!("end").to_owned(), end.to_string())
                    .build(),
            )
            .build(),
    );
    m
}

#[cfg(test)]
mod tests {
    use super::*;

    fn new(body: &str) -> NewMessage {
        NewMessage::received("bob@x", body, 0)
    }

    #[test]
    fn a_reply_names_its_message_and_loses_the_quote_from_its_text() {
        let sent = replying(
            Message::chat(Some("bob@x".parse().unwrap()))
                .with_body(Lang::default(), "我同意".into()),
            Some("bob@x".parse().unwrap()),
            "m1",
            &quote_of("明天三点开会\nsecond line"),
        );
        assert_eq!(sent.bodies[&Lang::default()], "> 明天三点开会\n我同意");
        let mut read = new("> 明天三点开会\n我同意");
        read_into(&mut read, &sent);
        assert_eq!(read.body, "我同意");
        assert_eq!(
            read.reply.as_deref(),
            Some(&ReplyTo {
                id: "m1".into(),
                quote: Some("明天三点开会".into())
            })
        );
    }

    #[test]
    fn a_fallback_outside_the_body_takes_nothing_off() {
        let m: Element = "<message xmlns='jabber:client' type='chat'><body>short</body>\
            <reply xmlns='urn:xmpp:reply:0' id='m1'/>\
            <fallback xmlns='urn:xmpp:fallback:0' for='urn:xmpp:reply:0'>\
            <body start='0' end='99'/></fallback></message>"
            .parse()
            .unwrap();
        let m = Message::try_from(m).unwrap();
        let mut read = new("short");
        read_into(&mut read, &m);
        assert_eq!(read.body, "short");
        assert_eq!(read.reply.map(|r| r.id).as_deref(), Some("m1"));
        let plain = Message::chat(None);
        let mut untouched = new("x");
        read_into(&mut untouched, &plain);
        assert_eq!(untouched.reply, None);
    }
}
