//! One protocol feature per file, named by its specification. Each file
//! owns its stanzas (parse in, build out) and checks who a stanza is from
//! before believing it. Storage and the network are the session's job.

pub mod bookmark;
pub mod rfc6121_messages;
pub mod rfc6121_presence;
pub mod rfc6121_roster;
pub mod server_iq;
pub mod xep0004_data_forms;
pub mod xep0030_disco;
pub mod xep0045_muc;
pub mod xep0045_muc_admin;
pub mod xep0045_muc_invite;
pub mod xep0045_room_directory;
pub mod xep0048_bookmarks;
pub mod xep0077_register;
pub mod xep0092_version;
pub mod xep0115_caps;
pub mod xep0199_ping;
pub mod xep0203_delay;
pub mod xep0359_stanza_ids;
pub mod xep0402_bookmarks;
pub mod xep0410_self_ping;

/// The XML namespaces this client answers to in disco#info.
pub fn disco_features() -> Vec<&'static str> {
    vec![
        xep0030_disco::NS_INFO,
        xep0045_muc::NS,
        xep0045_muc_invite::NS_DIRECT,
        xep0092_version::NS,
        xep0199_ping::NS,
        xep0410_self_ping::NS_SELF_PING,
        // PEP: send us changes to our own bookmarks (XEP-0402 §3.3).
        "urn:xmpp:bookmarks:1+notify",
        "http://jabber.org/protocol/caps",
        xep0359_stanza_ids::NS,
    ]
}
