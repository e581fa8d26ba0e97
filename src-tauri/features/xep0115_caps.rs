//! XEP-0115: Entity Capabilities — <https://xmpp.org/extensions/xep-0115.html>.
//! Our presence carries a hash of what we support, so servers and contacts
//! know it without asking; PEP uses it to send us the notifications we
//! subscribe to with `+notify` (our own bookmarks, XEP-0402).

use tokio_xmpp::parsers::caps::{compute_disco, hash_caps, Caps};
use tokio_xmpp::parsers::hashes::Algo;

use tokio_xmpp::parsers::disco::DiscoInfoResult;

use super::feature::Feature;

pub const NS: &str = "http://jabber.org/protocol/caps";
pub const NODE: &str = "urn:hearth:client";

pub const FEATURE: Feature = Feature::advertised("XEP-0115 Entity Capabilities", &[NS]);

/// The `<c/>` describing `info`; `None` only if hashing failed.
pub fn of(info: &DiscoInfoResult) -> Option<Caps> {
    let data = compute_disco(info);
    hash_caps(&data, Algo::Sha_1)
        .ok()
        .map(|hash| Caps::new(NODE, hash))
}
