//! XEP-0359: Unique and Stable Stanza IDs —
//! <https://xmpp.org/extensions/xep-0359.html>.
//! We put an origin-id on every message we send; the server stamps a
//! stanza-id on what it archives. A stanza-id is believed only when `by` is
//! the archive we trust (our own account for 1:1 chats), since anyone can
//! put one in a message.

use super::feature::Feature;
use tokio_xmpp::jid::BareJid;
use tokio_xmpp::minidom::Element;
use tokio_xmpp::parsers::stanza_id::{OriginId, StanzaId};

pub const NS: &str = "urn:xmpp:sid:0";

pub const FEATURE: Feature = Feature::advertised("XEP-0359 Unique and Stable Stanza IDs", &[NS]);

pub fn origin_id(payloads: &[Element]) -> Option<String> {
    payloads
        .iter()
        .filter(|p| p.is("origin-id", NS))
        .find_map(|p| OriginId::try_from(p.clone()).ok())
        .map(|o| o.id)
}

/// The stanza-id assigned by `archive`, ignoring ids claimed by anyone else.
pub fn stanza_id_by(payloads: &[Element], archive: &BareJid) -> Option<String> {
    payloads
        .iter()
        .filter(|p| p.is("stanza-id", NS))
        .filter_map(|p| StanzaId::try_from(p.clone()).ok())
        .find(|s| s.by.to_bare() == *archive)
        .map(|s| s.id)
}

pub fn new_id() -> String {
    use rand::Rng;
    let bytes: [u8; 12] = rand::thread_rng().gen();
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stanza_id_from_a_stranger_is_ignored() {
        let me: BareJid = "me@example.org".parse().unwrap();
        let forged: Element = "<stanza-id xmlns='urn:xmpp:sid:0' id='X' by='evil@example.org'/>"
            .parse()
            .unwrap();
        let real: Element = "<stanza-id xmlns='urn:xmpp:sid:0' id='R' by='me@example.org'/>"
            .parse()
            .unwrap();
        assert_eq!(stanza_id_by(std::slice::from_ref(&forged), &me), None);
        assert_eq!(stanza_id_by(&[forged, real], &me).as_deref(), Some("R"));
    }
}
