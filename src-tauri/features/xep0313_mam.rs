//! XEP-0313: Message Archive Management —
//! <https://xmpp.org/extensions/xep-0313.html>.
//! An archive answers a query with each stored message wrapped in
//! `<result queryid id><forwarded>…</forwarded></result>`. A result is
//! believed only when it comes from the archive we asked (our own account:
//! no `from` or our bare JID; a room: its bare JID) and carries the id of a
//! query we sent there and have not seen finish; anything else could slip
//! words into history under anyone's name, with any date. Querying (catch-up,
//! paging back) belongs to history sync; the check stands for every message.

use tokio_xmpp::jid::{BareJid, Jid};
use tokio_xmpp::minidom::rxml::xml_ncname;
use tokio_xmpp::minidom::Element;
use tokio_xmpp::parsers::forwarding::Forwarded;
use tokio_xmpp::parsers::iq::Iq;
use tokio_xmpp::parsers::message::Message;

pub const NS: &str = "urn:xmpp:mam:2";

/// A message the archive `archive` stored under `id`.
#[derive(Debug, PartialEq)]
pub struct Archived {
    pub archive: BareJid,
    /// The query it answers.
    pub query: String,
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
        query: query.to_owned(),
        id: id.to_owned(),
        stamp_ms: forwarded
            .delay
            .map(|d| super::xep0203_delay::millis(&d.stamp)),
        message: forwarded.message,
    })
}

const NS_RSM: &str = "http://jabber.org/protocol/rsm";

/// Which page of an archive to ask for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Page {
    /// The oldest page from the query's `start` (forward): catching up a
    /// room whose messages we hold from before any sync point.
    First,
    /// What came after the archive id (forward, oldest first): catching up
    /// from the last message we hold.
    After(String),
    /// The newest page, or the page before an archive id (backward): a new
    /// profile's recent window, and scrolling back.
    Before(Option<String>),
}

/// One archive query: the page, at most `max` results, none older than
/// `start_ms` (ms since the epoch).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Query {
    pub page: Page,
    pub max: usize,
    pub start_ms: Option<i64>,
    /// Only the conversation with this address (scrolling back in one chat).
    pub with: Option<BareJid>,
}

/// The IQ that asks `archive` (our own account's when `None`) for `query`;
/// its results carry `queryid`.
pub fn request(iq_id: &str, queryid: &str, archive: Option<&BareJid>, query: &Query) -> Iq {
    let mut fields = vec![field("FORM_TYPE", NS).attr(xml_ncname!("type").to_owned(), "hidden")];
    if let Some(start) = query
        .start_ms
        .and_then(chrono::DateTime::from_timestamp_millis)
    {
        let stamp = start.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string();
        fields.push(field("start", &stamp));
    }
    if let Some(with) = &query.with {
        fields.push(field("with", with.as_str()));
    }
    let form = Element::builder("x", "jabber:x:data")
        .attr(xml_ncname!("type").to_owned(), "submit")
        .append_all(fields.into_iter().map(|f| f.build()))
        .build();
    let mut set = Element::builder("set", NS_RSM)
        .append(Element::builder("max", NS_RSM).append(query.max.to_string()));
    set = match &query.page {
        Page::First => set,
        Page::After(id) => set.append(Element::builder("after", NS_RSM).append(id.as_str())),
        Page::Before(Some(id)) => {
            set.append(Element::builder("before", NS_RSM).append(id.as_str()))
        }
        Page::Before(None) => set.append(Element::builder("before", NS_RSM)),
    };
    let payload = Element::builder("query", NS)
        .attr(xml_ncname!("queryid").to_owned(), queryid)
        .append(form)
        .append(set)
        .build();
    Iq::Set {
        from: None,
        to: archive.cloned().map(Jid::from),
        id: iq_id.to_owned(),
        payload,
    }
}

fn field(var: &str, value: &str) -> tokio_xmpp::minidom::ElementBuilder {
    Element::builder("field", "jabber:x:data")
        .attr(xml_ncname!("var").to_owned(), var)
        .append(Element::builder("value", "jabber:x:data").append(value))
}

/// The end of one page (`<fin/>`): whether the archive has nothing more in
/// the direction asked, and the first and last archive ids of the page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fin {
    pub complete: bool,
    pub first: Option<String>,
    pub last: Option<String>,
}

/// Read the `<fin/>` that ends a query's answer.
pub fn fin(payload: Option<&Element>) -> Option<Fin> {
    let fin = payload.filter(|p| p.is("fin", NS))?;
    let set = fin.get_child("set", NS_RSM);
    let text = |name: &str| {
        set.and_then(|s| s.get_child(name, NS_RSM))
            .map(|e| e.text())
            .filter(|t| !t.is_empty())
    };
    Some(Fin {
        complete: matches!(fin.attr("complete"), Some("true" | "1")),
        first: text("first"),
        last: text("last"),
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
    fn catching_up_asks_for_what_came_after_and_reads_where_the_page_ended() {
        let query = Query {
            page: Page::After("A7".into()),
            max: 250,
            start_ms: Some(1_767_323_045_000),
            with: None,
        };
        let iq: Element = request("i1", "q1", None, &query).into();
        let q = iq.get_child("query", NS).unwrap();
        assert_eq!(q.attr("queryid"), Some("q1"));
        assert_eq!(iq.attr("to"), None, "our own archive is the account");
        let set = q.get_child("set", NS_RSM).unwrap();
        assert_eq!(set.get_child("after", NS_RSM).unwrap().text(), "A7");
        assert_eq!(set.get_child("max", NS_RSM).unwrap().text(), "250");
        let start = q
            .get_child("x", "jabber:x:data")
            .unwrap()
            .children()
            .find(|f| f.attr("var") == Some("start"))
            .unwrap();
        assert_eq!(
            start.children().next().unwrap().text(),
            "2026-01-02T03:04:05.000Z"
        );

        let room: BareJid = "team@rooms.x".parse().unwrap();
        let newest = Query {
            page: Page::Before(None),
            max: 50,
            start_ms: None,
            with: None,
        };
        let iq: Element = request("i2", "r1", Some(&room), &newest).into();
        assert_eq!(iq.attr("to"), Some("team@rooms.x"));
        let before = iq
            .get_child("query", NS)
            .unwrap()
            .get_child("set", NS_RSM)
            .unwrap();
        assert_eq!(before.get_child("before", NS_RSM).unwrap().text(), "");

        let end: Element = "<fin xmlns='urn:xmpp:mam:2' complete='true'>\
            <set xmlns='http://jabber.org/protocol/rsm'><first index='0'>A8</first>\
            <last>A9</last></set></fin>"
            .parse()
            .unwrap();
        assert_eq!(
            fin(Some(&end)),
            Some(Fin {
                complete: true,
                first: Some("A8".into()),
                last: Some("A9".into())
            })
        );
        let empty: Element =
            "<fin xmlns='urn:xmpp:mam:2'><set xmlns='http://jabber.org/protocol/rsm'/></fin>"
                .parse()
                .unwrap();
        assert_eq!(
            fin(Some(&empty)),
            Some(Fin {
                complete: false,
                first: None,
                last: None
            })
        );
        assert_eq!(fin(None), None);
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
