//! XEP-0425: Moderated Message Retraction —
//! <https://xmpp.org/extensions/xep-0425.html>.
//! A room moderator asks the room to remove someone's message (named by the
//! room's stanza-id); the room tells every occupant with a message from its
//! own address. Two versions are deployed and both are spoken:
//! - `urn:xmpp:message-moderate:1` (0.3 and later; ejabberd, Prosody 13):
//!   `<moderate id/>` in the request, `<retract id><moderated/></retract>`
//!   in the room's message;
//! - `urn:xmpp:message-moderate:0` (0.2; Prosody 0.12's community module):
//!   both wrapped in a XEP-0422 `<apply-to id/>`.
//!
//! The room's message is believed only from the room's bare address
//! (`session/actor/amendments.rs`); a room that offers neither version gets
//! no request.

use tokio_xmpp::jid::Jid;
use tokio_xmpp::minidom::rxml::xml_ncname;
use tokio_xmpp::minidom::Element;
use tokio_xmpp::parsers::iq::Iq;
use tokio_xmpp::parsers::message::Message;

use super::feature::Feature;
use super::xep0424_retraction::NS as NS_RETRACT;

pub const NS: &str = "urn:xmpp:message-moderate:1";
pub const NS_0: &str = "urn:xmpp:message-moderate:0";
const NS_FASTEN: &str = "urn:xmpp:fasten:0";
const NS_RETRACT_0: &str = "urn:xmpp:message-retract:0";

/// Nothing to advertise: a client receives moderation as part of
/// retraction (XEP-0425 §6). Registered so that the list of what Hearth
/// speaks is complete.
pub const FEATURE: Feature = Feature::advertised("XEP-0425 Moderated Message Retraction", &[]);

/// Which version of the protocol a room speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Version {
    V1,
    V0,
}

/// The version a room with these disco#info features speaks, newest first.
pub fn offered(features: &[String]) -> Option<Version> {
    if features.iter().any(|f| f == NS) {
        Some(Version::V1)
    } else if features.iter().any(|f| f == NS_0) {
        Some(Version::V0)
    } else {
        None
    }
}

/// The message a moderator's removal names (the room's stanza-id), if `m`
/// announces one. Whether it came from the room is the caller's to check.
pub fn moderated(m: &Message) -> Option<String> {
    let named = |id: Option<&str>| {
        id.map(str::trim)
            .filter(|id| !id.is_empty())
            .map(str::to_owned)
    };
    for p in &m.payloads {
        if p.is("retract", NS_RETRACT) && p.has_child("moderated", NS) {
            return named(p.attr("id"));
        }
        if p.is("apply-to", NS_FASTEN) {
            let removes = p
                .get_child("moderated", NS_0)
                .is_some_and(|m| m.has_child("retract", NS_RETRACT_0));
            if removes {
                return named(p.attr("id"));
            }
        }
    }
    None
}

/// Ask `room` to remove the message it archived as `stanza_id`.
pub fn request(
    room: Jid,
    stanza_id: &str,
    reason: Option<&str>,
    version: Version,
    id: String,
) -> Iq {
    let reason = reason.map(str::trim).filter(|r| !r.is_empty()).map(|r| {
        Element::builder("reason", if version == Version::V1 { NS } else { NS_0 }).append(r)
    });
    let payload = match version {
        Version::V1 => Element::builder("moderate", NS)
            .attr(xml_ncname!("id").to_owned(), stanza_id)
            .append(Element::builder("retract", NS_RETRACT))
            .append_all(reason)
            .build(),
        Version::V0 => Element::builder("apply-to", NS_FASTEN)
            .attr(xml_ncname!("id").to_owned(), stanza_id)
            .append(
                Element::builder("moderate", NS_0)
                    .append(Element::builder("retract", NS_RETRACT_0))
                    .append_all(reason),
            )
            .build(),
    };
    Iq::Set {
        from: None,
        to: Some(room),
        id,
        payload,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn msg(xml: &str) -> Message {
        Message::try_from(xml.parse::<Element>().unwrap()).unwrap()
    }

    #[test]
    fn both_versions_of_the_rooms_word_name_the_message() {
        let v1 = msg(
            "<message xmlns='jabber:client' from='room@muc' type='groupchat'>\
             <retract xmlns='urn:xmpp:message-retract:1' id='S1'>\
             <moderated xmlns='urn:xmpp:message-moderate:1' by='room@muc/mod'/>\
             <reason>spam</reason></retract></message>",
        );
        assert_eq!(moderated(&v1).as_deref(), Some("S1"));
        let v0 = msg(
            "<message xmlns='jabber:client' from='room@muc' type='groupchat'>\
             <apply-to xmlns='urn:xmpp:fasten:0' id='S2'>\
             <moderated xmlns='urn:xmpp:message-moderate:0' by='room@muc/mod'>\
             <retract xmlns='urn:xmpp:message-retract:0'/><reason>spam</reason>\
             </moderated></apply-to></message>",
        );
        assert_eq!(moderated(&v0).as_deref(), Some("S2"));
        // An occupant's own retraction is not a moderator's.
        let own = msg(
            "<message xmlns='jabber:client' from='room@muc/bob' type='groupchat'>\
             <retract xmlns='urn:xmpp:message-retract:1' id='S3'/></message>",
        );
        assert_eq!(moderated(&own), None);
        // A moderation note that removes nothing (0.2 without <retract/>).
        let note = msg(
            "<message xmlns='jabber:client' from='room@muc' type='groupchat'>\
             <apply-to xmlns='urn:xmpp:fasten:0' id='S4'>\
             <moderated xmlns='urn:xmpp:message-moderate:0' by='room@muc/mod'/>\
             </apply-to></message>",
        );
        assert_eq!(moderated(&note), None);
    }

    #[test]
    fn a_request_speaks_the_rooms_version() {
        let room: Jid = "room@muc".parse().unwrap();
        let features = |fs: &[&str]| fs.iter().map(|f| f.to_string()).collect::<Vec<_>>();
        assert_eq!(offered(&features(&[NS_0, NS])), Some(Version::V1));
        assert_eq!(offered(&features(&[NS_0])), Some(Version::V0));
        assert_eq!(offered(&features(&["urn:xmpp:mam:2"])), None);

        let Iq::Set { payload, to, .. } =
            request(room.clone(), "S1", Some(" spam "), Version::V1, "q1".into())
        else {
            panic!("not a set");
        };
        assert_eq!(to, Some(room.clone()));
        assert!(payload.is("moderate", NS));
        assert_eq!(payload.attr("id"), Some("S1"));
        assert!(payload.has_child("retract", NS_RETRACT));
        assert_eq!(
            payload.get_child("reason", NS).map(|r| r.text()).as_deref(),
            Some("spam")
        );

        let Iq::Set { payload, .. } = request(room, "S2", None, Version::V0, "q2".into()) else {
            panic!("not a set");
        };
        assert!(payload.is("apply-to", NS_FASTEN));
        assert_eq!(payload.attr("id"), Some("S2"));
        let moderate = payload.get_child("moderate", NS_0).expect("moderate");
        assert!(moderate.has_child("retract", NS_RETRACT_0));
        assert!(!moderate.has_child("reason", NS_0));
    }
}
