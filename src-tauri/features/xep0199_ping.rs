//! XEP-0199: XMPP Ping — <https://xmpp.org/extensions/xep-0199.html>.
//! The server (and Openfire's idle checks) ping us; we answer with an empty
//! result.

use super::feature::{Feature, IqKind, IqReply, IqRequest, IqRoute};

pub const NS: &str = "urn:xmpp:ping";

pub const FEATURE: Feature = Feature {
    name: "XEP-0199 XMPP Ping",
    disco: &[NS],
    iq: &[IqRoute {
        kind: IqKind::Get,
        element: "ping",
        ns: NS,
        answer: |_: &IqRequest| -> IqReply { Ok(None) },
    }],
};
