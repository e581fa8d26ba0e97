//! XEP-0313: Message Archive Management —
//! <https://xmpp.org/extensions/xep-0313.html>.
//! An archive answers a query with each stored message wrapped in
//! `<result queryid id><forwarded>…</forwarded></result>`. A result is
//! believed only when it comes from the archive we asked (our own account:
//! no `from` or our bare JID; a room: its bare JID) and carries the id of a
//! query we sent there and have not seen finish; anything else could slip
//! words into history under anyone's name, with any date. Querying (catch-up,
//! paging back) belongs to history sync; the check stands for every message.

use tokio_xmpp::jid::BareJid;
use tokio_xmpp::parsers::forwarding::Forwarded;
use tokio_xmpp::parsers::message::Message;

pub const NS: &str = "urn:xmpp:mam:2";

/// A message the archive `archive` stored under `id`.
#[derive(Debug, PartialEq)]
pub struct Archived {
    pub archive: BareJid,
    pub id: String,
    /// When the archive stored it (ms since the epoch), from the result's
    /// own `<delay/>`, which the archive adds.
    pub stamp_ms: Option<i64>,
    pub message: Message,
}

#[derive(Debug, PartialEq)]
pub enum Unwrapped {
    /// Not an archive result.
    Plain(Message),
    Archived(Archived),
    /// A result from anyone but the archive asked, or for no query of ours.
    Forged {
        from: Option<String>,
    },
}

/// Take the archive wrapper off `m`. `asked(queryid)` is the archive that
/// query went to, while it is running.
pub fn unwrap(m: Message, own: &BareJid, asked: impl Fn(&str) -> Option<BareJid>) -> Unwrapped {
    let Some(result) = m.payloads.iter().find(|p| p.is("result", NS)) else {
        return Unwrapped::Plain(m);
    };
    let forged = || Unwrapped::Forged {
        from: m.from.as_ref().map(|f| f.to_string()),
    };
    let archive = match &m.from {
        None => own.clone(),
        Some(from) if from.resource().is_none() => from.to_bare(),
        Some(_) => return forged(),
    };
    let (Some(query), Some(id)) = (result.attr("queryid"), result.attr("id")) else {
        return forged();
    };
    if asked(query).as_ref() != Some(&archive) {
        return forged();
    }
    let Some(forwarded) = result
        .get_child("forwarded", "urn:xmpp:forward:0")
        .and_then(|f| Forwarded::try_from(f.clone()).ok())
    else {
        return forged();
    };
    Unwrapped::Archived(Archived {
        archive,
        id: id.to_owned(),
        stamp_ms: forwarded.delay.map(|d| d.stamp.0.timestamp_millis()),
        message: forwarded.message,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn own() -> BareJid {
        "me@x".parse().unwrap()
    }

    fn result(from: &str, queryid: &str) -> Message {
        let xml = format!(
            "<message xmlns='jabber:client' {from} to='me@x/desk'>\
               <result xmlns='urn:xmpp:mam:2' queryid='{queryid}' id='A7'>\
                 <forwarded xmlns='urn:xmpp:forward:0'>\
                   <delay xmlns='urn:xmpp:delay' stamp='2026-01-02T03:04:05Z'/>\
                   <message xmlns='jabber:client' type='chat' from='bob@y/phone' to='me@x'>\
                     <body>from the archive</body></message>\
                 </forwarded></result></message>"
        );
        let el: tokio_xmpp::minidom::Element = xml.parse().unwrap();
        Message::try_from(el).unwrap()
    }

    /// Query `q1` went to our own archive, `r1` to the room's.
    fn asked(query: &str) -> Option<BareJid> {
        match query {
            "q1" => Some(own()),
            "r1" => Some("team@rooms.x".parse().unwrap()),
            _ => None,
        }
    }

    #[test]
    fn a_result_counts_only_from_the_archive_asked_for_a_query_of_ours() {
        let Unwrapped::Archived(a) = unwrap(result("", "q1"), &own(), asked) else {
            panic!("our own archive's answer")
        };
        assert_eq!((a.archive.as_str(), a.id.as_str()), ("me@x", "A7"));
        assert_eq!(a.stamp_ms, Some(1_767_323_045_000));
        assert_eq!(
            a.message.bodies.values().next().unwrap(),
            "from the archive"
        );
        assert!(matches!(
            unwrap(result("from='me@x'", "q1"), &own(), asked),
            Unwrapped::Archived(_)
        ));
        assert!(matches!(
            unwrap(result("from='team@rooms.x'", "r1"), &own(), asked),
            Unwrapped::Archived(a) if a.archive.as_str() == "team@rooms.x"
        ));
        for (from, query) in [
            ("from='bob@y'", "q1"),        // a stranger answering our query
            ("from='me@x/phone'", "q1"),   // not the archive, a resource
            ("from='team@rooms.x'", "q1"), // the room, for our own query
            ("", "r1"),                    // our archive, for the room's query
            ("", "nobody-asked"),          // no such query
        ] {
            assert!(
                matches!(
                    unwrap(result(from, query), &own(), asked),
                    Unwrapped::Forged { .. }
                ),
                "{from} {query}"
            );
        }
        let plain: tokio_xmpp::minidom::Element =
            "<message xmlns='jabber:client' from='bob@y'><body>x</body></message>"
                .parse()
                .unwrap();
        assert!(matches!(
            unwrap(Message::try_from(plain).unwrap(), &own(), asked),
            Unwrapped::Plain(_)
        ));
    }
}
