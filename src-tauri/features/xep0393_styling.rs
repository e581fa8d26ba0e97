//! XEP-0393: Message Styling — <https://xmpp.org/extensions/xep-0393.html>.
//! Styling is drawn by the window (`ui/src/styling.ts`); the core only
//! advertises it (§5) and reads the sender's `<unstyled/>` hint (§6): a
//! message carrying it is shown exactly as written.

use tokio_xmpp::parsers::message::Message;

use super::feature::Feature;

pub const NS: &str = "urn:xmpp:styling:0";

pub const FEATURE: Feature = Feature::advertised("XEP-0393 Message Styling", &[NS]);

/// Whether the sender of `m` asked for its text not to be styled.
pub fn unstyled(m: &Message) -> bool {
    m.payloads.iter().any(|p| p.is("unstyled", NS))
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio_xmpp::minidom::Element;

    fn msg(xml: &str) -> Message {
        Message::try_from(xml.parse::<Element>().unwrap()).unwrap()
    }

    #[test]
    fn the_hint_is_read_in_its_namespace_only() {
        let hinted = msg("<message xmlns='jabber:client' from='bob@x' type='chat'>\
             <body>*not bold*</body><unstyled xmlns='urn:xmpp:styling:0'/></message>");
        assert!(unstyled(&hinted));
        let other = msg("<message xmlns='jabber:client' from='bob@x' type='chat'>\
             <body>*bold*</body><unstyled xmlns='urn:example'/></message>");
        assert!(!unstyled(&other));
    }
}
