//! What a list of registered features answers for: disco#info, the
//! XEP-0115 capability hash and the replies to IQ requests all come from
//! the one list the session registers (`session/actor/registration.rs`),
//! so they cannot disagree.

use tokio_xmpp::jid::Jid;
use tokio_xmpp::minidom::Element;
use tokio_xmpp::parsers::caps::Caps;
use tokio_xmpp::parsers::iq::Iq;
use tokio_xmpp::parsers::stanza_error::{DefinedCondition, ErrorType, StanzaError};

use super::feature::{Feature, IqKind, IqRequest};
use super::{xep0030_disco, xep0115_caps};

/// The disco#info `var`s of `features`, in registration order.
pub fn disco_features(features: &[&Feature]) -> Vec<&'static str> {
    features
        .iter()
        .flat_map(|f| f.disco.iter().copied())
        .collect()
}

/// The `<c/>` for our presence; `None` only if hashing failed.
pub fn caps(features: &[&Feature]) -> Option<Caps> {
    xep0115_caps::of(&xep0030_disco::info(None, features))
}

/// The reply to a get/set request from `from` (RFC 6120 §8.2.3: every
/// get/set gets exactly one result or error). A request no feature
/// answers gets `service-unavailable`, so the asker is not left waiting
/// and no feature is implied.
pub fn answer(
    features: &[&Feature],
    from: Option<Jid>,
    id: String,
    kind: IqKind,
    payload: &Element,
) -> Iq {
    let route = features.iter().find_map(|f| {
        f.iq.iter()
            .find(|r| r.kind == kind && payload.is(r.element, r.ns))
            .map(|r| (f.name, r))
    });
    let reply = match route {
        Some((name, route)) => match (route.answer)(&IqRequest { payload, features }) {
            Ok(payload) => {
                log::debug!("answered {} {} ({name})", route.ns, route.element);
                Iq::Result {
                    from: None,
                    to: None,
                    id,
                    payload,
                }
            }
            Err(condition) => error(id, condition),
        },
        None => {
            log::debug!("no feature answers {} {:?}", payload.ns(), payload.name());
            error(id, DefinedCondition::ServiceUnavailable)
        }
    };
    match from {
        Some(to) => reply.with_to(to),
        None => reply,
    }
}

/// An error reply to request `id`.
pub fn error(id: String, condition: DefinedCondition) -> Iq {
    Iq::from_error(id, StanzaError::new(ErrorType::Cancel, condition, "en", ""))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::features::{xep0092_version, xep0184_receipts, xep0199_ping};

    const FEATURES: &[&Feature] = &[
        &xep0030_disco::FEATURE,
        &xep0092_version::FEATURE,
        &xep0184_receipts::FEATURE,
        &xep0199_ping::FEATURE,
    ];

    fn el(xml: &str) -> Element {
        xml.parse().unwrap()
    }

    #[test]
    fn answers_ping_version_disco_and_refuses_the_rest() {
        let server: Jid = "example.org".parse().unwrap();
        let ping = answer(
            FEATURES,
            Some(server.clone()),
            "1".into(),
            IqKind::Get,
            &el("<ping xmlns='urn:xmpp:ping'/>"),
        );
        assert!(matches!(ping, Iq::Result { payload: None, .. }));
        assert_eq!(ping.to(), Some(&server));

        let version = answer(
            FEATURES,
            None,
            "2".into(),
            IqKind::Get,
            &el("<query xmlns='jabber:iq:version'/>"),
        );
        let Iq::Result {
            payload: Some(p), ..
        } = version
        else {
            panic!("no result")
        };
        assert_eq!(
            p.get_child("name", "jabber:iq:version").unwrap().text(),
            "Hearth"
        );

        let disco = answer(
            FEATURES,
            None,
            "3".into(),
            IqKind::Get,
            &el("<query xmlns='http://jabber.org/protocol/disco#info' node='n'/>"),
        );
        let Iq::Result {
            payload: Some(p), ..
        } = disco
        else {
            panic!("no result")
        };
        assert_eq!(p.attr("node"), Some("n"), "the node is echoed");
        let vars: Vec<&str> = p.children().filter_map(|c| c.attr("var")).collect();
        for var in disco_features(FEATURES) {
            assert!(vars.contains(&var), "{var} advertised");
        }
        assert!(vars.contains(&"urn:xmpp:ping"));

        // A ping sent as a set, and an unknown namespace, are not answered
        // as if supported.
        for (kind, xml) in [
            (IqKind::Set, "<ping xmlns='urn:xmpp:ping'/>"),
            (IqKind::Get, "<query xmlns='jabber:iq:last'/>"),
        ] {
            let Iq::Error { error, .. } = answer(FEATURES, None, "4".into(), kind, &el(xml)) else {
                panic!("no error for {xml}")
            };
            assert_eq!(
                error.defined_condition,
                DefinedCondition::ServiceUnavailable
            );
        }
    }

    #[test]
    fn the_caps_hash_follows_the_registered_features() {
        let a = caps(FEATURES).unwrap();
        assert_eq!(a.ver, caps(FEATURES).unwrap().ver, "stable");
        assert_eq!(a.ver.len(), 20, "SHA-1");
        assert_eq!(a.node, xep0115_caps::NODE);
        // Dropping one feature changes the hash.
        let fewer = xep0115_caps::of(&xep0030_disco::info(None, &FEATURES[1..])).unwrap();
        assert_ne!(fewer.ver, a.ver);
    }
}
