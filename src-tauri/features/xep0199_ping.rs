//! XEP-0199: XMPP Ping — <https://xmpp.org/extensions/xep-0199.html>.
//! The server (and Openfire's idle checks) ping us; we answer with an empty
//! result.

pub const NS: &str = "urn:xmpp:ping";
