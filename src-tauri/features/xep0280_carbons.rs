//! XEP-0280: Message Carbons — <https://xmpp.org/extensions/xep-0280.html>.
//! The server copies to every resource of an account what the others send
//! and receive, wrapped in `<received/>` or `<sent/>`. The wrapper is
//! believed only when the account itself sent it (no `from`, or our bare
//! JID, §11): anyone else could use it to put words in our mouth or in a
//! contact's (CVE-2017-5589). Enabling carbons at login belongs to history
//! sync (`session/actor/sync.rs`); unwrapping with this check is part of
//! intake whatever the server does.

use tokio_xmpp::jid::{BareJid, Jid};
use tokio_xmpp::parsers::carbons::{Received, Sent};
use tokio_xmpp::parsers::message::Message;

use super::feature::Feature;
use super::rfc6121_messages::{interpret, Incoming};
use crate::store::{DeliveryState, MessageDirection};

pub const NS: &str = "urn:xmpp:carbons:2";

pub const FEATURE: Feature = Feature::advertised("XEP-0280 Message Carbons", &[NS]);

/// Ask the server to copy this resource on what the account's other
/// resources send and receive (§4).
pub fn enable(id: &str) -> tokio_xmpp::parsers::iq::Iq {
    tokio_xmpp::parsers::iq::Iq::from_set(id, tokio_xmpp::parsers::carbons::Enable)
}

/// A message with any carbon wrapper taken off.
#[derive(Debug, PartialEq)]
pub enum Unwrapped {
    /// Not a carbon: the message as it came.
    Plain(Message),
    /// A copy of a message another of our resources received.
    Received(Message),
    /// A copy of a message another of our resources sent.
    Sent(Message),
    /// A carbon wrapper from someone other than our own account (or one
    /// that does not parse): dropped, whoever it claims to carry.
    Forged { from: Option<Jid> },
}

/// Take the carbon wrapper off `m`, if it has one and it is ours.
pub fn unwrap(m: Message, own: &BareJid) -> Unwrapped {
    let received = m.payloads.iter().find(|p| p.is("received", NS));
    let sent = m.payloads.iter().find(|p| p.is("sent", NS));
    if received.is_none() && sent.is_none() {
        return Unwrapped::Plain(m);
    }
    let ours = match &m.from {
        None => true,
        Some(from) => from.resource().is_none() && from.to_bare() == *own,
    };
    if !ours {
        return Unwrapped::Forged { from: m.from };
    }
    if let Some(r) = received.and_then(|r| Received::try_from(r.clone()).ok()) {
        return Unwrapped::Received(r.forwarded.message);
    }
    if let Some(s) = sent.and_then(|s| Sent::try_from(s.clone()).ok()) {
        // What we sent comes from one of our own resources.
        let inner = s.forwarded.message;
        if inner.from.as_ref().is_none_or(|f| f.to_bare() == *own) {
            return Unwrapped::Sent(inner);
        }
    }
    Unwrapped::Forged { from: m.from }
}

/// A message we sent from another device, read as history: the peer is its
/// recipient, it is ours, and the server has it.
pub fn interpret_sent(m: &Message, own: &BareJid, now_ms: i64) -> Incoming {
    let mut as_if = m.clone();
    as_if.from = m.to.clone();
    match interpret(&as_if, own, now_ms) {
        Incoming::Message(mut new) => {
            new.direction = MessageDirection::Out;
            new.state = DeliveryState::Acked;
            Incoming::Message(new)
        }
        // An error reply is only ever tracked by the device that sent it.
        _ => Incoming::Ignored,
    }
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

    fn carbon(from: &str, wrapper: &str, inner_from: &str, inner_to: &str) -> Message {
        msg(&format!(
            "<message xmlns='jabber:client' {from} to='me@x/desk'>\
               <{wrapper} xmlns='urn:xmpp:carbons:2'>\
                 <forwarded xmlns='urn:xmpp:forward:0'>\
                   <message xmlns='jabber:client' type='chat' from='{inner_from}' to='{inner_to}'>\
                     <body>hi</body></message>\
                 </forwarded></{wrapper}></message>"
        ))
    }

    #[test]
    fn only_our_own_account_may_wrap_a_carbon() {
        let ok = carbon("from='me@x'", "received", "bob@y/phone", "me@x/phone");
        assert!(matches!(unwrap(ok, &own()), Unwrapped::Received(m)
            if m.from.as_ref().map(|f| f.to_string()).as_deref() == Some("bob@y/phone")));
        let no_from = carbon("", "sent", "me@x/phone", "bob@y");
        assert!(matches!(unwrap(no_from, &own()), Unwrapped::Sent(_)));
        for forged_from in ["from='bob@y'", "from='me@x/phone'", "from='x'"] {
            let forged = carbon(forged_from, "received", "bob@y", "me@x");
            assert!(
                matches!(unwrap(forged, &own()), Unwrapped::Forged { .. }),
                "{forged_from}"
            );
        }
        // A "sent" copy claiming someone else wrote it.
        let impostor = carbon("from='me@x'", "sent", "bob@y/phone", "carol@z");
        assert!(matches!(unwrap(impostor, &own()), Unwrapped::Forged { .. }));
        let plain = msg("<message xmlns='jabber:client' from='bob@y'><body>x</body></message>");
        assert!(matches!(unwrap(plain, &own()), Unwrapped::Plain(_)));
    }

    #[test]
    fn a_sent_copy_is_our_message_to_its_recipient() {
        let Unwrapped::Sent(inner) =
            unwrap(carbon("from='me@x'", "sent", "me@x/phone", "bob@y"), &own())
        else {
            panic!("not unwrapped")
        };
        let Incoming::Message(new) = interpret_sent(&inner, &own(), 5) else {
            panic!("not a message")
        };
        assert_eq!(new.peer, "bob@y");
        assert_eq!(new.direction, MessageDirection::Out);
        assert_eq!(new.body, "hi");
    }
}
