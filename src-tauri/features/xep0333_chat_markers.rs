//! XEP-0333: Displayed Markers — <https://xmpp.org/extensions/xep-0333.html>.
//! Our one-to-one messages are `<markable/>`; the contact's client answers
//! `<displayed id/>` once the user has seen them, and Hearth shows them as
//! read. The marker covers every message up to the one it names (§3.2).
//! Our own markers go out only when the user has seen a message, only to
//! contacts (a stranger must not learn when we read, as with receipts), and
//! never in rooms (out of scope here). Our other devices' markers reach us
//! as sent carbons: what the phone read is read on the desk too.

use tokio_xmpp::jid::Jid;
use tokio_xmpp::minidom::Element;
use tokio_xmpp::parsers::displayed_markers::{Displayed, Markable};
use tokio_xmpp::parsers::message::{Id, Message, MessageType};

use super::feature::Feature;

pub const NS: &str = "urn:xmpp:chat-markers:0";

/// XEP-0334 processing hints: a body-less marker is not archived (and so
/// not caught up by our other devices) unless it asks to be stored.
const NS_HINTS: &str = "urn:xmpp:hints";

pub const FEATURE: Feature = Feature::advertised("XEP-0333 Displayed Markers", &[NS]);

/// `m`, asking the contact's client to say when it was displayed.
pub fn with_markable(m: Message) -> Message {
    m.with_payload(Markable)
}

/// The id a `displayed` marker for `m` would name: a chat or normal message
/// with a body, an id and `<markable/>`. Markers name the message's own id
/// in one-to-one chats (§4: the stanza-id is for rooms).
pub fn markable_id(m: &Message) -> Option<String> {
    if !matches!(m.type_, MessageType::Chat | MessageType::Normal) || m.bodies.is_empty() {
        return None;
    }
    if !m.payloads.iter().any(|p| p.is("markable", NS)) {
        return None;
    }
    m.id.as_ref()
        .map(|id| id.0.clone())
        .filter(|id| !id.is_empty())
}

/// The id of the message `m` marks as displayed, if it is such a marker.
pub fn displayed_id(m: &Message) -> Option<String> {
    m.payloads
        .iter()
        .find(|p| p.is("displayed", NS))
        .and_then(|p| Displayed::try_from(p.clone()).ok())
        .map(|d| d.id.0)
        .filter(|id| !id.is_empty())
}

/// The marker saying everything up to message `id` from `to` was displayed.
/// Type `chat`, so both Prosody and ejabberd carbon-copy it to our other
/// devices, and with a store hint, so archives keep it for a device that
/// was offline.
pub fn displayed(to: Jid, id: &str) -> Message {
    let mut m = Message::new(Some(to));
    m.type_ = MessageType::Chat;
    m.id = Some(Id(super::xep0359_stanza_ids::new_id()));
    let mut m = m.with_payload(Displayed {
        id: Id(id.to_owned()),
    });
    m.payloads.push(Element::builder("store", NS_HINTS).build());
    m
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(xml: &str) -> Message {
        Message::try_from(xml.parse::<Element>().unwrap()).unwrap()
    }

    #[test]
    fn a_marker_names_the_message_and_asks_to_be_kept() {
        let bob: Jid = "bob@x".parse().unwrap();
        let marker = displayed(bob.clone(), "m3");
        assert_eq!(marker.to, Some(bob));
        assert_eq!(marker.type_, MessageType::Chat, "carbon-copied by servers");
        assert_eq!(displayed_id(&marker).as_deref(), Some("m3"));
        assert!(marker.bodies.is_empty(), "a marker says nothing else");
        assert!(marker.payloads.iter().any(|p| p.is("store", NS_HINTS)));
        // Read back as it travels.
        let wire = message(&String::from(&Element::from(marker)));
        assert_eq!(displayed_id(&wire).as_deref(), Some("m3"));
    }

    #[test]
    fn only_markable_chat_messages_with_an_id_and_a_body_can_be_marked() {
        let ours = with_markable(Message::new(None).with_body(Default::default(), "hi".into()));
        assert!(ours.payloads.iter().any(|p| p.is("markable", NS)));
        assert_eq!(
            markable_id(&message(
                "<message xmlns='jabber:client' type='chat' id='m1' from='bob@x/phone'>\
                   <body>hi</body><markable xmlns='urn:xmpp:chat-markers:0'/></message>"
            ))
            .as_deref(),
            Some("m1")
        );
        for xml in [
            // A room message: rooms are not marked here.
            "<message xmlns='jabber:client' type='groupchat' id='m1' from='room@x/bob'>\
               <body>hi</body><markable xmlns='urn:xmpp:chat-markers:0'/></message>",
            "<message xmlns='jabber:client' type='chat' from='bob@x/phone'>\
               <body>no id</body><markable xmlns='urn:xmpp:chat-markers:0'/></message>",
            "<message xmlns='jabber:client' type='chat' id='m1' from='bob@x/phone'>\
               <body>did not ask</body></message>",
            "<message xmlns='jabber:client' type='chat' id='m1' from='bob@x/phone'>\
               <markable xmlns='urn:xmpp:chat-markers:0'/></message>",
        ] {
            assert_eq!(markable_id(&message(xml)), None, "{xml}");
        }
    }

    #[test]
    fn a_marker_without_an_id_names_nothing() {
        for xml in [
            "<message xmlns='jabber:client' type='chat' from='bob@x/phone'>\
               <displayed xmlns='urn:xmpp:chat-markers:0' id=''/></message>",
            "<message xmlns='jabber:client' type='chat' from='bob@x/phone'>\
               <displayed xmlns='urn:xmpp:chat-markers:0'/></message>",
            "<message xmlns='jabber:client' type='chat' from='bob@x/phone'>\
               <received xmlns='urn:xmpp:chat-markers:0' id='m1'/></message>",
        ] {
            assert_eq!(displayed_id(&message(xml)), None, "{xml}");
        }
    }
}
