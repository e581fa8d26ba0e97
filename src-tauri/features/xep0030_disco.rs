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

/// Ask `to` what it supports.
pub fn info_request(id: &str, to: tokio_xmpp::jid::Jid) -> tokio_xmpp::parsers::iq::Iq {
    tokio_xmpp::parsers::iq::Iq::Get {
        from: None,
        to: Some(to),
        id: id.to_owned(),
        payload: tokio_xmpp::minidom::Element::builder("query", NS_INFO).build(),
    }
}

/// The `var`s of the features in a disco#info answer.
pub fn features_of(answer: Option<&tokio_xmpp::minidom::Element>) -> Vec<String> {
    answer
        .filter(|q| q.is("query", NS_INFO))
        .map(|q| {
            q.children()
                .filter(|c| c.is("feature", NS_INFO))
                .filter_map(|c| c.attr("var").map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}
