//! XEP-0424: Message Retraction — <https://xmpp.org/extensions/xep-0424.html>.
//! A retraction is a message carrying `<retract id/>`: the origin-id of the
//! sender's message in a one-to-one conversation, the room's stanza-id in
//! a room. It comes with a fallback body for clients that do not know it,
//! which Hearth never shows. A room moderator's retraction is the room's
//! (`xep0425_moderation.rs`). Who may retract which message is decided
//! where it is found (`store/amendments.rs`).

use tokio_xmpp::jid::Jid;
use tokio_xmpp::minidom::rxml::xml_ncname;
use tokio_xmpp::minidom::Element;
use tokio_xmpp::parsers::message::{Id, Lang, Message, MessageType};

use super::feature::Feature;

pub const NS: &str = "urn:xmpp:message-retract:1";
const NS_FALLBACK: &str = "urn:xmpp:fallback:0";
const NS_HINTS: &str = "urn:xmpp:hints";

pub const FEATURE: Feature = Feature::advertised("XEP-0424 Message Retraction", &[NS]);

/// What a `<retract/>` in a message asks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Retraction {
    /// The id it names the message by.
    pub id: String,
}

/// The retraction `m` carries, if any.
pub fn retracts(m: &Message) -> Option<Retraction> {
    let retract = m.payloads.iter().find(|p| p.is("retract", NS))?;
    let id = retract
        .attr("id")
        .map(str::trim)
        .filter(|id| !id.is_empty())?;
    Some(Retraction { id: id.to_owned() })
}

/// Retract our message `target` (its origin-id; a room's stanza-id in a
/// room) in the conversation with `to`.
pub fn retraction(to: Jid, target: &str, groupchat: bool, id: String) -> Message {
    let mut m = Message::new(Some(to));
    m.type_ = if groupchat {
        MessageType::Groupchat
    } else {
        MessageType::Chat
    };
    m.id = Some(Id(id));
    m.bodies.insert(
        Lang::default(),
        "This person attempted to retract a previous message, but it's unsupported by your client."
            .to_owned(),
    );
    m.payloads.extend([
        Element::builder("retract", NS)
            .attr(xml_ncname!("id").to_owned(), target)
            .build(),
        Element::builder("fallback", NS_FALLBACK)
            .attr(xml_ncname!("for").to_owned(), NS)
            .build(),
        Element::builder("store", NS_HINTS).build(),
    ]);
    m
}

#[cfg(test)]
mod tests {
    use super::*;

    fn msg(xml: &str) -> Message {
        Message::try_from(xml.parse::<Element>().unwrap()).unwrap()
    }

    #[test]
    fn a_retraction_names_its_message() {
        let own = msg(
            "<message xmlns='jabber:client' from='bob@x/pc' type='chat'><body>fallback</body>\
             <retract xmlns='urn:xmpp:message-retract:1' id='o1'/></message>",
        );
        assert_eq!(retracts(&own), Some(Retraction { id: "o1".into() }));
        let nameless = msg("<message xmlns='jabber:client' from='bob@x' type='chat'>\
             <retract xmlns='urn:xmpp:message-retract:1'/></message>");
        assert_eq!(retracts(&nameless), None);
    }

    #[test]
    fn our_retraction_has_a_fallback_and_asks_to_be_stored() {
        let m = retraction("bob@x".parse().unwrap(), "o1", false, "r1".into());
        assert_eq!(retracts(&m).map(|r| r.id).as_deref(), Some("o1"));
        assert!(m.payloads.iter().any(|p| p.is("fallback", NS_FALLBACK)));
        assert!(m.payloads.iter().any(|p| p.is("store", NS_HINTS)));
        assert_eq!(m.type_, MessageType::Chat);
    }
}
