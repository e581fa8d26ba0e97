//! XEP-0308: Last Message Correction —
//! <https://xmpp.org/extensions/xep-0308.html>.
//! A correction is a new message carrying `<replace id/>`, the id attribute
//! of the message it corrects (a chain of corrections names the first
//! message each time). Whether it may change that message (the same
//! sender, §5) is decided where the message is found, in
//! `store/amendments.rs`; a correction that may not is shown as the new
//! message it also is.

use tokio_xmpp::minidom::rxml::xml_ncname;
use tokio_xmpp::minidom::Element;
use tokio_xmpp::parsers::message::Message;

use super::feature::Feature;

pub const NS: &str = "urn:xmpp:message-correct:0";

pub const FEATURE: Feature = Feature::advertised("XEP-0308 Last Message Correction", &[NS]);

/// The id of the message `m` corrects, if it is a correction.
pub fn replaces(m: &Message) -> Option<String> {
    m.payloads
        .iter()
        .find(|p| p.is("replace", NS))
        .and_then(|p| p.attr("id"))
        .map(str::trim)
        .filter(|id| !id.is_empty())
        .map(str::to_owned)
}

/// `m` as the correction of the message with id `original`.
pub fn correcting(mut m: Message, original: &str) -> Message {
    m.payloads.push(
        Element::builder("replace", NS)
            .attr(xml_ncname!("id").to_owned(), original)
            .build(),
    );
    m
}

#[cfg(test)]
mod tests {
    use super::*;

    fn msg(xml: &str) -> Message {
        Message::try_from(xml.parse::<Element>().unwrap()).unwrap()
    }

    #[test]
    fn a_correction_names_the_message_it_replaces() {
        let m = msg(
            "<message xmlns='jabber:client' from='bob@x/pc' type='chat' id='m2'>\
             <body>fixed</body><replace xmlns='urn:xmpp:message-correct:0' id='m1'/></message>",
        );
        assert_eq!(replaces(&m).as_deref(), Some("m1"));
        let plain =
            msg("<message xmlns='jabber:client' from='bob@x' type='chat'><body>x</body></message>");
        assert_eq!(replaces(&plain), None);
        let empty = msg(
            "<message xmlns='jabber:client' from='bob@x' type='chat'><body>x</body>\
             <replace xmlns='urn:xmpp:message-correct:0' id=' '/></message>",
        );
        assert_eq!(replaces(&empty), None, "an empty id names nothing");
    }

    #[test]
    fn a_correction_we_send_carries_the_original_id() {
        let m = correcting(Message::chat(None), "m1");
        assert_eq!(replaces(&m).as_deref(), Some("m1"));
    }
}
