//! Answers to IQ requests addressed to us (RFC 6120 §8.2.3: every get/set
//! gets exactly one result or error). Known: ping, disco#info, version.
//! Everything else gets `service-unavailable`, so the asker is not left
//! waiting and no feature is implied.

use tokio_xmpp::jid::Jid;
use tokio_xmpp::minidom::Element;
use tokio_xmpp::parsers::disco::DiscoInfoQuery;
use tokio_xmpp::parsers::iq::Iq;
use tokio_xmpp::parsers::stanza_error::{DefinedCondition, ErrorType, StanzaError};

use super::{xep0030_disco, xep0092_version, xep0199_ping};

/// The reply to a get/set request. `from` is who asked; the reply goes back
/// to them.
pub fn answer(from: Option<Jid>, id: String, is_get: bool, payload: &Element) -> Iq {
    let reply = if is_get && payload.is("ping", xep0199_ping::NS) {
        Iq::Result {
            from: None,
            to: None,
            id,
            payload: None,
        }
    } else if is_get && payload.is("query", xep0030_disco::NS_INFO) {
        let node = DiscoInfoQuery::try_from(payload.clone())
            .ok()
            .and_then(|q| q.node);
        Iq::from_result(id, Some(xep0030_disco::answer(node)))
    } else if is_get && payload.is("query", xep0092_version::NS) {
        Iq::from_result(id, Some(xep0092_version::answer()))
    } else {
        error(id, DefinedCondition::ServiceUnavailable)
    };
    match from {
        Some(to) => reply.with_to(to),
        None => reply,
    }
}

pub fn error(id: String, condition: DefinedCondition) -> Iq {
    Iq::from_error(id, StanzaError::new(ErrorType::Cancel, condition, "en", ""))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn el(xml: &str) -> Element {
        xml.parse().unwrap()
    }

    #[test]
    fn answers_ping_version_disco_and_refuses_the_rest() {
        let server: Jid = "example.org".parse().unwrap();
        let ping = answer(
            Some(server.clone()),
            "1".into(),
            true,
            &el("<ping xmlns='urn:xmpp:ping'/>"),
        );
        assert!(matches!(ping, Iq::Result { payload: None, .. }));
        assert_eq!(ping.to(), Some(&server));

        let version = answer(
            None,
            "2".into(),
            true,
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
            None,
            "3".into(),
            true,
            &el("<query xmlns='http://jabber.org/protocol/disco#info'/>"),
        );
        let Iq::Result {
            payload: Some(p), ..
        } = disco
        else {
            panic!("no result")
        };
        assert!(p.children().any(|c| c.attr("var") == Some("urn:xmpp:ping")));

        let other = answer(
            None,
            "4".into(),
            false,
            &el("<query xmlns='jabber:iq:last'/>"),
        );
        let Iq::Error { error, .. } = other else {
            panic!("no error")
        };
        assert_eq!(
            error.defined_condition,
            DefinedCondition::ServiceUnavailable
        );
    }
}
