//! XEP-0030: Service Discovery — <https://xmpp.org/extensions/xep-0030.html>.
//! We answer disco#info about ourselves: identity client/pc and the
//! features Hearth implements.

use tokio_xmpp::parsers::disco::{DiscoInfoQuery, DiscoInfoResult, Identity};

use super::feature::{Feature, IqKind, IqReply, IqRequest, IqRoute};

pub const NS_INFO: &str = "http://jabber.org/protocol/disco#info";

pub const FEATURE: Feature = Feature {
    name: "XEP-0030 Service Discovery",
    disco: &[NS_INFO],
    iq: &[IqRoute {
        kind: IqKind::Get,
        element: "query",
        ns: NS_INFO,
        answer: answer_info,
    }],
};

fn answer_info(request: &IqRequest) -> IqReply {
    let node = DiscoInfoQuery::try_from(request.payload.clone())
        .ok()
        .and_then(|q| q.node);
    Ok(Some(info(node, request.features).into()))
}

/// Who we are and what `features` advertise, for `node` (echoed).
pub fn info(node: Option<String>, features: &[&Feature]) -> DiscoInfoResult {
    let features = features
        .iter()
        .flat_map(|f| f.disco.iter().map(|v| v.to_string()))
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
