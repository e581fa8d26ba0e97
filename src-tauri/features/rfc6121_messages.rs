//! Exchanging messages, RFC 6121 §5 — <https://www.rfc-editor.org/rfc/rfc6121#section-5>.
//!
//! `chat` and `normal` messages with a body become history; `headline`
//! messages are notices (stored, shown apart); an `error` message is the
//! answer to one we sent and marks that message failed. Bodies are picked
//! by best language, since servers stamp `xml:lang`.

use tokio_xmpp::jid::{BareJid, Jid};
use tokio_xmpp::minidom::Element;
use tokio_xmpp::parsers::message::{Lang, Message, MessageType};
use tokio_xmpp::parsers::stanza_error::StanzaError;
use tokio_xmpp::parsers::stanza_id::OriginId;

use super::feature::Feature;
use super::xep0424_retraction::retracts;
use super::{xep0203_delay, xep0359_stanza_ids};
use crate::error::{ErrorCode, Problem, RemoteError};
use crate::store::{DeliveryState, MessageDirection, MessageKind, NewMessage};

/// Core IM: nothing to advertise (RFC 6121 is what every client speaks).
pub const FEATURE: Feature = Feature::advertised("RFC 6121 messages", &[]);

/// Upper bound on a stored body; longer bodies are cut, not dropped.
pub const MAX_BODY_CHARS: usize = 64 * 1024;

/// What an incoming message means to us.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Incoming {
    Message(NewMessage),
    /// The error reply to our message with stanza id `id`.
    Error {
        peer: String,
        id: String,
        problem: Problem,
    },
    /// Nothing to show (chat states, receipts without body, groupchat...).
    Ignored,
}

pub(crate) fn best_body(m: &Message) -> Option<String> {
    let lang = Lang::default();
    m.bodies
        .get(&lang)
        .or_else(|| m.get_best_body(vec!["en"]).map(|(_, b)| b))
        .or_else(|| m.bodies.values().next())
        .map(|b| truncate(b))
}

fn truncate(s: &str) -> String {
    match s.char_indices().nth(MAX_BODY_CHARS) {
        Some((cut, _)) => format!("{}…", &s[..cut]),
        None => s.to_owned(),
    }
}

/// The error stanza as a typed remote error: its condition by the XML
/// name RFC 6120 §8.3.3 gives it, and its text.
pub fn remote_error(e: &StanzaError) -> RemoteError {
    RemoteError {
        condition: Element::from(e.defined_condition.clone()).name().to_owned(),
        text: e
            .texts
            .values()
            .next()
            .filter(|t| !t.trim().is_empty())
            .cloned(),
    }
}

/// `m` changes another message without a body of its own: a retraction
/// (XEP-0424) or reactions (XEP-0444).
pub(crate) fn bodiless_amendment(m: &Message) -> bool {
    retracts(m).is_some()
        || super::xep0425_moderation::moderated(m).is_some()
        || super::xep0444_reactions::reactions_of(m).is_some()
}

/// Interpret a message addressed to `own` (the account's bare JID).
pub fn interpret(m: &Message, own: &BareJid, now_ms: i64) -> Incoming {
    let Some(from) = m.from.as_ref() else {
        return Incoming::Ignored;
    };
    let peer = from.to_bare().to_string();
    let kind = match m.type_ {
        MessageType::Chat => MessageKind::Chat,
        MessageType::Normal => MessageKind::Normal,
        MessageType::Headline => MessageKind::Headline,
        MessageType::Error => {
            let problem = m
                .payloads
                .iter()
                .find(|p| p.is("error", "jabber:client"))
                .and_then(|p| StanzaError::try_from(p.clone()).ok())
                .map(|e| remote_error(&e).problem())
                .unwrap_or_else(|| Problem::of(ErrorCode::RemoteError));
            return match &m.id {
                Some(id) => Incoming::Error {
                    peer,
                    id: id.0.clone(),
                    problem,
                },
                None => Incoming::Ignored,
            };
        }
        MessageType::Groupchat => return Incoming::Ignored,
    };
    // A retraction or a reaction needs no body (a fallback is never shown).
    let Some(body) = best_body(m).or_else(|| bodiless_amendment(m).then(String::new)) else {
        return Incoming::Ignored;
    };
    let subject = m.subjects.values().next().cloned();
    Incoming::Message(NewMessage {
        peer,
        direction: MessageDirection::In,
        kind,
        message_id: m.id.as_ref().map(|i| i.0.clone()),
        origin_id: xep0359_stanza_ids::origin_id(&m.payloads),
        stanza_id: xep0359_stanza_ids::stanza_id_by(&m.payloads, own)
            .map(|id| (id, own.to_string())),
        body,
        subject,
        // Offline storage is our server's (or, as some servers stamp it,
        // our account's).
        // Our server (offline storage), or our account: a server
        // resending what one of our sessions left unacknowledged dates it
        // from that session's full JID (ejabberd does).
        timestamp: xep0203_delay::stamp_ms_by(
            &m.payloads,
            |from| from.to_bare() == *own || from.as_str() == own.domain().as_str(),
            now_ms,
        ),
        state: DeliveryState::Received,
        sender: None,
        reply: None,
        unstyled: super::xep0393_styling::unstyled(m),
        occupant_id: None,
    })
}

/// A chat message to `to`, with an id that is also its origin-id.
pub fn outgoing(to: &Jid, body: &str, now_ms: i64) -> (Message, NewMessage) {
    outgoing_as(to, body, xep0359_stanza_ids::new_id(), now_ms)
}

/// `outgoing` under a given id: a message from the outbox is sent again as
/// it was first written, so the recipient and the archive know it.
pub fn outgoing_as(to: &Jid, body: &str, id: String, now_ms: i64) -> (Message, NewMessage) {
    let mut m = Message::chat(Some(to.clone()))
        .with_body(Lang::default(), body.to_owned())
        .with_payload(OriginId { id: id.clone() });
    m.id = Some(tokio_xmpp::parsers::message::Id(id.clone()));
    let record = NewMessage {
        peer: to.to_bare().to_string(),
        direction: MessageDirection::Out,
        kind: MessageKind::Chat,
        message_id: Some(id.clone()),
        origin_id: Some(id),
        stanza_id: None,
        body: body.to_owned(),
        subject: None,
        timestamp: now_ms,
        state: DeliveryState::Queued,
        sender: None,
        reply: None,
        unstyled: false,
        occupant_id: None,
    };
    (m, record)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn msg(xml: &str) -> Message {
        let el: tokio_xmpp::minidom::Element = xml.parse().unwrap();
        Message::try_from(el).unwrap()
    }

    fn own() -> BareJid {
        "me@x".parse().unwrap()
    }

    #[test]
    fn chat_with_lang_stamped_body_is_kept_with_ids() {
        let m = msg(
            "<message xmlns='jabber:client' from='bob@x/pc' type='chat' id='m1' xml:lang='en'>\
            <body>hello</body><origin-id xmlns='urn:xmpp:sid:0' id='o1'/>\
            <stanza-id xmlns='urn:xmpp:sid:0' id='s1' by='me@x'/></message>",
        );
        let Incoming::Message(n) = interpret(&m, &own(), 7) else {
            panic!("not a message")
        };
        assert_eq!(n.body, "hello");
        assert_eq!(n.peer, "bob@x");
        assert_eq!(n.origin_id.as_deref(), Some("o1"));
        assert_eq!(n.stanza_id, Some(("s1".into(), "me@x".into())));
        assert_eq!(n.timestamp, 7);
    }

    #[test]
    fn offline_message_keeps_its_send_time() {
        let now = 1_800_000_000_000;
        let m = msg(
            "<message xmlns='jabber:client' from='bob@x' type='normal'><body>b</body>\
            <delay xmlns='urn:xmpp:delay' from='x' stamp='2024-01-02T03:04:05Z'/></message>",
        );
        let Incoming::Message(n) = interpret(&m, &own(), now) else {
            panic!()
        };
        assert_eq!(n.kind, MessageKind::Normal);
        assert_eq!(n.timestamp, 1704164645000);
        // The same stamp put there by bob himself dates nothing.
        let forged = msg(
            "<message xmlns='jabber:client' from='bob@x' type='normal'><body>b</body>\
            <delay xmlns='urn:xmpp:delay' from='bob@x' stamp='2024-01-02T03:04:05Z'/></message>",
        );
        let Incoming::Message(n) = interpret(&forged, &own(), now) else {
            panic!()
        };
        assert_eq!(n.timestamp, now);
    }

    #[test]
    fn error_reply_points_at_our_message() {
        let m = msg("<message xmlns='jabber:client' from='bob@x' type='error' id='abc'>\
            <error type='cancel'><service-unavailable xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></message>");
        assert_eq!(
            interpret(&m, &own(), 0),
            Incoming::Error {
                peer: "bob@x".into(),
                id: "abc".into(),
                problem: Problem::of(ErrorCode::RemoteError).condition("service-unavailable")
            }
        );
    }

    #[test]
    fn headline_and_bodiless() {
        let h = msg("<message xmlns='jabber:client' from='x' type='headline'><subject>Maintenance</subject><body>at 6</body></message>");
        let Incoming::Message(n) = interpret(&h, &own(), 0) else {
            panic!()
        };
        assert_eq!(n.kind, MessageKind::Headline);
        assert_eq!(n.subject.as_deref(), Some("Maintenance"));
        let typing = msg("<message xmlns='jabber:client' from='bob@x' type='chat'><composing xmlns='http://jabber.org/protocol/chatstates'/></message>");
        assert_eq!(interpret(&typing, &own(), 0), Incoming::Ignored);
    }

    #[test]
    fn outgoing_has_origin_id_equal_to_id() {
        let to: Jid = "bob@x".parse().unwrap();
        let (m, rec) = outgoing(&to, "hi", 1);
        assert_eq!(m.id.as_ref().unwrap().0, rec.origin_id.clone().unwrap());
        assert_eq!(rec.state, DeliveryState::Queued);
    }
}
