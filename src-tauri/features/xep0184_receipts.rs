//! XEP-0184: Message Delivery Receipts —
//! <https://xmpp.org/extensions/xep-0184.html>.
//! We ask for a receipt on every one-to-one message we send; the contact's
//! client answers `<received id/>` once the message reached it, and Hearth
//! shows the message as delivered (beyond the server's stream-management
//! ack). We answer requests ourselves, but only to contacts: a stranger
//! must not learn that we are online and reading (§7), and never for room
//! messages or errors (§5.4).

use tokio_xmpp::jid::Jid;
use tokio_xmpp::parsers::message::{Message, MessageType};
use tokio_xmpp::parsers::receipts::{Received, Request};

use super::feature::Feature;

pub const NS: &str = "urn:xmpp:receipts";

pub const FEATURE: Feature = Feature::advertised("XEP-0184 Message Delivery Receipts", &[NS]);

/// `m` with a receipt requested.
pub fn with_request(m: Message) -> Message {
    m.with_payload(Request)
}

/// The id of the message `m` confirms, if it is a receipt.
pub fn confirms(m: &Message) -> Option<String> {
    m.payloads
        .iter()
        .find(|p| p.is("received", NS))
        .and_then(|p| Received::try_from(p.clone()).ok())
        .map(|r| r.id)
        .filter(|id| !id.is_empty())
}

/// The receipt to send for `m`, if it asks for one and may get one: a chat
/// or normal message with an id and a sender. Whether the sender is
/// someone we answer is the caller's to decide.
pub fn answer(m: &Message) -> Option<Message> {
    if !m.payloads.iter().any(|p| p.is("request", NS)) {
        return None;
    }
    if !matches!(m.type_, MessageType::Chat | MessageType::Normal) {
        return None;
    }
    let id = m.id.as_ref()?.0.clone();
    let to: Jid = m.from.clone()?;
    let mut receipt = Message::new(Some(to));
    receipt.type_ = m.type_.clone();
    receipt.id = Some(tokio_xmpp::parsers::message::Id(
        super::xep0359_stanza_ids::new_id(),
    ));
    Some(receipt.with_payload(Received { id }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio_xmpp::minidom::Element;

    fn message(xml: &str) -> Message {
        Message::try_from(xml.parse::<Element>().unwrap()).unwrap()
    }

    #[test]
    fn a_request_is_answered_to_the_sender_with_its_id() {
        let asked = message(
            "<message xmlns='jabber:client' type='chat' id='m1' from='bob@x/phone' to='me@x'>\
               <body>hi</body><request xmlns='urn:xmpp:receipts'/></message>",
        );
        let receipt = answer(&asked).expect("a receipt");
        assert_eq!(receipt.to.clone().unwrap().to_string(), "bob@x/phone");
        assert_eq!(confirms(&receipt).as_deref(), Some("m1"));
        assert!(receipt.bodies.is_empty(), "a receipt says nothing else");
    }

    #[test]
    fn no_receipt_for_rooms_errors_or_messages_that_did_not_ask() {
        for xml in [
            "<message xmlns='jabber:client' type='groupchat' id='m1' from='room@x/bob'>\
               <body>hi</body><request xmlns='urn:xmpp:receipts'/></message>",
            "<message xmlns='jabber:client' type='error' id='m1' from='bob@x/phone'>\
               <request xmlns='urn:xmpp:receipts'/></message>",
            "<message xmlns='jabber:client' type='chat' from='bob@x/phone'>\
               <body>no id</body><request xmlns='urn:xmpp:receipts'/></message>",
            "<message xmlns='jabber:client' type='chat' id='m1' from='bob@x/phone'>\
               <body>did not ask</body></message>",
        ] {
            assert!(answer(&message(xml)).is_none(), "{xml}");
        }
    }
}
