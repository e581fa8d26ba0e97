//! Every feature this session speaks, one line each: its protocol half
//! (a `FEATURE` in `features/`, which says what it advertises in
//! disco#info and the caps hash and which IQ requests it answers) and, for
//! a feature that takes messages, its session half (the handler that
//! checks the sender and changes the session's state).
//!
//! disco#info, the caps hash, the IQ answers and the intake's route stage
//! all come from this list, so nothing is advertised that is not handled
//! and adding a XEP is adding its file and a line here. The order of the
//! lines is the order in which the route stage offers a message: the
//! first handler that takes it ends the routing, so specific handlers
//! (a room, an invitation, our PEP service) come before the catch-all
//! conversation handler.

use std::sync::LazyLock;

use tokio_xmpp::jid::Jid;
use tokio_xmpp::minidom::Element;
use tokio_xmpp::parsers::iq::Iq;

use super::inbound::Inbound;
use super::Actor;
use crate::features::feature::{Feature, IqKind};
use crate::features::{
    rfc6121_messages, rfc6121_roster, xep0030_disco, xep0045_muc, xep0045_muc_invite,
    xep0085_chat_states, xep0092_version, xep0115_caps, xep0184_receipts, xep0199_ping,
    xep0280_carbons, xep0308_correction, xep0333_chat_markers, xep0359_stanza_ids, xep0393_styling,
    xep0402_bookmarks, xep0410_self_ping, xep0421_occupant_id, xep0424_retraction,
    xep0425_moderation, xep0444_reactions, xep0461_replies,
};

/// A session half for messages: true when it took the message.
pub(super) type MessageHandler = fn(&mut Actor, &Inbound) -> bool;

/// A session half for IQ requests: the one reply to send.
pub(super) type RequestHandler = fn(&mut Actor, Option<Jid>, String, Element) -> Iq;

/// `<element xmlns=ns/>` in an IQ of `kind`, answered by the session.
pub(super) struct SessionRoute {
    kind: IqKind,
    element: &'static str,
    ns: &'static str,
    answer: RequestHandler,
}

/// One registered feature.
pub(super) struct Registered {
    feature: &'static Feature,
    message: Option<MessageHandler>,
    request: Option<SessionRoute>,
}

/// A feature whose session half takes messages.
const fn takes(feature: &'static Feature, handler: MessageHandler) -> Registered {
    Registered {
        feature,
        message: Some(handler),
        request: None,
    }
}

/// A feature whose session half answers requests.
const fn answers(feature: &'static Feature, route: SessionRoute) -> Registered {
    Registered {
        feature,
        message: None,
        request: Some(route),
    }
}

/// A feature with no session half.
const fn speaks(feature: &'static Feature) -> Registered {
    Registered {
        feature,
        message: None,
        request: None,
    }
}

const REGISTERED: &[Registered] = &[
    // First: a notice without a body is nobody else's, in a room or not.
    takes(&xep0085_chat_states::FEATURE, Actor::on_chat_state),
    takes(&xep0045_muc::FEATURE, Actor::on_room_message),
    takes(&xep0045_muc_invite::FEATURE, Actor::on_invitation),
    takes(&xep0402_bookmarks::FEATURE, Actor::on_pep_event),
    takes(&xep0184_receipts::FEATURE, Actor::on_receipt),
    takes(&xep0333_chat_markers::FEATURE, Actor::on_displayed),
    takes(&rfc6121_messages::FEATURE, Actor::on_conversation_message),
    answers(
        &rfc6121_roster::FEATURE,
        SessionRoute {
            kind: IqKind::Set,
            element: "query",
            ns: rfc6121_roster::NS,
            answer: Actor::on_roster_push,
        },
    ),
    speaks(&xep0030_disco::FEATURE),
    speaks(&xep0092_version::FEATURE),
    speaks(&xep0115_caps::FEATURE),
    speaks(&xep0199_ping::FEATURE),
    speaks(&xep0280_carbons::FEATURE),
    speaks(&xep0359_stanza_ids::FEATURE),
    speaks(&xep0393_styling::FEATURE),
    speaks(&xep0410_self_ping::FEATURE),
    // Read at the apply stage of the conversation and room halves, which
    // know whose message a correction or retraction may change
    // (`amendments.rs`).
    speaks(&xep0308_correction::FEATURE),
    speaks(&xep0421_occupant_id::FEATURE),
    speaks(&xep0424_retraction::FEATURE),
    speaks(&xep0425_moderation::FEATURE),
    speaks(&xep0444_reactions::FEATURE),
    speaks(&xep0461_replies::FEATURE),
];

static FEATURES: LazyLock<Vec<&'static Feature>> =
    LazyLock::new(|| REGISTERED.iter().map(|r| r.feature).collect());

/// The registered features, for `features::registry`.
pub(super) fn features() -> &'static [&'static Feature] {
    &FEATURES
}

/// The route stage's handlers, in order, with the feature each belongs to.
pub(super) fn message_handlers() -> impl Iterator<Item = (&'static str, MessageHandler)> {
    REGISTERED
        .iter()
        .filter_map(|r| r.message.map(|h| (r.feature.name, h)))
}

/// The session half that answers this request, if one is registered.
pub(super) fn request_handler(kind: IqKind, payload: &Element) -> Option<RequestHandler> {
    REGISTERED.iter().find_map(|r| {
        r.request
            .as_ref()
            .filter(|route| route.kind == kind && payload.is(route.element, route.ns))
            .map(|route| route.answer)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::features::registry;

    #[test]
    fn a_feature_is_registered_once_and_what_takes_messages_is_advertised() {
        let names: Vec<&str> = REGISTERED.iter().map(|r| r.feature.name).collect();
        let mut unique = names.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(unique.len(), names.len(), "{names:?}");
        // The conversation handler takes every message: it must be last
        // among the handlers, or the ones after it never run.
        let handlers: Vec<&str> = message_handlers().map(|(n, _)| n).collect();
        assert_eq!(handlers.last(), Some(&rfc6121_messages::FEATURE.name));
        let vars = registry::disco_features(features());
        for ns in [
            xep0184_receipts::NS,
            xep0333_chat_markers::NS,
            xep0280_carbons::NS,
            xep0045_muc::NS,
        ] {
            assert!(vars.contains(&ns), "{ns} advertised");
        }
        assert!(registry::caps(features()).is_some());
        // A roster push changes the session: its session half answers it.
        let push: Element = "<query xmlns='jabber:iq:roster'/>".parse().unwrap();
        assert!(request_handler(IqKind::Set, &push).is_some());
        assert!(request_handler(IqKind::Get, &push).is_none());
    }
}
