//! XEP-0030: Service Discovery — <https://xmpp.org/extensions/xep-0030.html>.
//! We answer disco#info about ourselves: identity client/pc and the
//! features Hearth implements.

use tokio_xmpp::parsers::disco::{DiscoInfoResult, Identity};

pub const NS_INFO: &str = "http://jabber.org/protocol/disco#info";

pub fn answer(node: Option<String>) -> DiscoInfoResult {
    let features = super::disco_features()
        .into_iter()
        .map(String::from)
        .collect();
    DiscoInfoResult {
        node,
        identities: vec![Identity::new("client", "pc", "en", "Hearth")],
        features,
        extensions: vec![],
    }
}
