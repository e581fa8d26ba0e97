//! One protocol feature per file, named by its specification. Each file
//! owns its stanzas (parse in, build out) and checks who a stanza is from
//! before believing it, and declares what it advertises and answers in a
//! `FEATURE` that `registry.rs` lists. Storage and the network are the
//! session's job.

pub mod bookmark;
pub mod feature;
pub mod registry;
pub mod rfc6121_messages;
pub mod rfc6121_presence;
pub mod rfc6121_roster;
pub mod xep0004_data_forms;
pub mod xep0030_disco;
pub mod xep0045_muc;
pub mod xep0045_muc_admin;
pub mod xep0045_muc_invite;
pub mod xep0045_room_directory;
pub mod xep0048_bookmarks;
pub mod xep0077_register;
pub mod xep0085_chat_states;
pub mod xep0092_version;
pub mod xep0115_caps;
pub mod xep0184_receipts;
pub mod xep0199_ping;
pub mod xep0203_delay;
pub mod xep0280_carbons;
pub mod xep0308_correction;
pub mod xep0313_mam;
pub mod xep0333_chat_markers;
pub mod xep0359_stanza_ids;
pub mod xep0393_styling;
pub mod xep0402_bookmarks;
pub mod xep0410_self_ping;
pub mod xep0421_occupant_id;
pub mod xep0424_retraction;
pub mod xep0425_moderation;
pub mod xep0444_reactions;
pub mod xep0461_replies;
