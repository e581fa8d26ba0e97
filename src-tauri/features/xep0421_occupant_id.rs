//! XEP-0421: Anonymous unique occupant identifiers for MUCs —
//! <https://xmpp.org/extensions/xep-0421.html>.
//! A room that offers it stamps every message with an id of the sender's
//! account that does not change with the nickname and that no other
//! account can have. A correction or retraction in such a room applies to
//! a message with the same id (`store/amendments.rs`), so someone who
//! takes a nickname that someone else left cannot change that person's
//! messages, and someone who changed their nickname still can. The id is
//! read only from rooms that say they offer it (§4: those replace any id
//! the sender put in; elsewhere anyone can write one).

use tokio_xmpp::parsers::message::Message;

use super::feature::Feature;

pub const NS: &str = "urn:xmpp:occupant-id:0";

/// Nothing to advertise: the room offers it, Hearth reads it.
pub const FEATURE: Feature = Feature::advertised("XEP-0421 Occupant Id", &[]);

/// A longer id is not one a room made (they are hashes): it is not kept.
const MAX_ID: usize = 256;

/// Whether a room's disco#info `features` offer occupant ids.
pub fn offered(features: &[String]) -> bool {
    features.iter().any(|f| f == NS)
}

/// The occupant id the room put on `m`, if any.
pub fn of(m: &Message) -> Option<String> {
    m.payloads
        .iter()
        .find(|p| p.is("occupant-id", NS))
        .and_then(|p| p.attr("id"))
        .filter(|id| !id.is_empty() && id.len() <= MAX_ID)
        .map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio_xmpp::minidom::Element;

    fn msg(payload: &str) -> Message {
        let xml = format!(
            "<message xmlns='jabber:client' from='room@muc.x/bob' type='groupchat'>\
             <body>hi</body>{payload}</message>"
        );
        Message::try_from(xml.parse::<Element>().unwrap()).unwrap()
    }

    #[test]
    fn the_id_is_read_in_its_namespace_and_bounded() {
        let id = "<occupant-id xmlns='urn:xmpp:occupant-id:0' id='dGhpcyBpcyBib2I='/>";
        assert_eq!(of(&msg(id)).as_deref(), Some("dGhpcyBpcyBib2I="));
        assert_eq!(of(&msg("<occupant-id xmlns='urn:example' id='x'/>")), None);
        assert_eq!(
            of(&msg("<occupant-id xmlns='urn:xmpp:occupant-id:0' id=''/>")),
            None
        );
        let long = format!(
            "<occupant-id xmlns='urn:xmpp:occupant-id:0' id='{}'/>",
            "a".repeat(300)
        );
        assert_eq!(of(&msg(&long)), None);
        assert!(offered(&["urn:xmpp:occupant-id:0".into()]));
        assert!(!offered(&["urn:xmpp:mam:2".into()]));
    }
}
