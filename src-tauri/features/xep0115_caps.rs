//! XEP-0115: Entity Capabilities — <https://xmpp.org/extensions/xep-0115.html>.
//! Our presence carries a hash of what we support, so servers and contacts
//! know it without asking; PEP uses it to send us the notifications we
//! subscribe to with `+notify` (our own bookmarks, XEP-0402).

use tokio_xmpp::parsers::caps::{compute_disco, hash_caps, Caps};
use tokio_xmpp::parsers::hashes::Algo;

use super::xep0030_disco;

pub const NODE: &str = "urn:hearth:client";

/// The `<c/>` for our presence; `None` only if hashing failed.
pub fn ours() -> Option<Caps> {
    let data = compute_disco(&xep0030_disco::answer(None));
    hash_caps(&data, Algo::Sha_1)
        .ok()
        .map(|hash| Caps::new(NODE, hash))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hash_covers_our_features_and_is_stable() {
        let a = ours().unwrap();
        let b = ours().unwrap();
        assert_eq!(a.ver, b.ver);
        assert_eq!(a.ver.len(), 20, "SHA-1");
        assert_eq!(a.node, NODE);
    }
}
