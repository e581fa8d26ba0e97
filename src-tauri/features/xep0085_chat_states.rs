//! XEP-0085: Chat State Notifications —
//! <https://xmpp.org/extensions/xep-0085.html>.
//! Every message we send carries `<active/>` (how a contact's client learns
//! that we speak chat states, §5.1); "composing", "paused" and "gone"
//! notices without a body go only to contacts whose client sent us one,
//! and never into a room larger than [`MAX_ROOM`]. Incoming notices are
//! shown ("bob is typing…") and never stored.

use serde::{Deserialize, Serialize};
use tokio_xmpp::jid::Jid;
use tokio_xmpp::minidom::Element;
use tokio_xmpp::parsers::message::{Message, MessageType};
use ts_rs::TS;

use super::feature::Feature;

pub const NS: &str = "http://jabber.org/protocol/chatstates";
const NS_HINTS: &str = "urn:xmpp:hints";

pub const FEATURE: Feature = Feature::advertised("XEP-0085 Chat State Notifications", &[NS]);

/// Rooms with more occupants than this get no typing notices from us
/// (XEP-0085 §5.5: in a large room they are noise).
pub const MAX_ROOM: usize = 20;

/// A participant's state in a conversation (§2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum ChatState {
    Active,
    Composing,
    Paused,
    Inactive,
    Gone,
}

impl ChatState {
    fn name(self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::Composing => "composing",
            Self::Paused => "paused",
            Self::Inactive => "inactive",
            Self::Gone => "gone",
        }
    }
}

/// Someone's chat state in a conversation, as the window shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ChatStateChanged {
    /// The conversation: a contact's bare JID, an occupant's full JID for a
    /// private conversation, or the room.
    pub peer: String,
    /// In a room: whose state it is.
    pub nick: Option<String>,
    pub state: ChatState,
}

/// The chat state `m` carries, if any.
pub fn state_of(m: &Message) -> Option<ChatState> {
    m.payloads
        .iter()
        .filter(|p| p.ns() == NS)
        .find_map(|p| match p.name() {
            "active" => Some(ChatState::Active),
            "composing" => Some(ChatState::Composing),
            "paused" => Some(ChatState::Paused),
            "inactive" => Some(ChatState::Inactive),
            "gone" => Some(ChatState::Gone),
            _ => None,
        })
}

/// `m` with our state `state`.
pub fn with_state(mut m: Message, state: ChatState) -> Message {
    m.payloads.push(Element::builder(state.name(), NS).build());
    m
}

/// A notice of our state in the conversation with `to` (a room when
/// `groupchat`): no body, and not for any archive (§5.6).
pub fn notice(to: Jid, state: ChatState, groupchat: bool) -> Message {
    let mut m = Message::new(Some(to));
    m.type_ = if groupchat {
        MessageType::Groupchat
    } else {
        MessageType::Chat
    };
    m.payloads
        .push(Element::builder("no-store", NS_HINTS).build());
    with_state(m, state)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn msg(xml: &str) -> Message {
        Message::try_from(xml.parse::<Element>().unwrap()).unwrap()
    }

    #[test]
    fn a_notice_says_its_state_and_asks_not_to_be_stored() {
        let m = notice("bob@x".parse().unwrap(), ChatState::Composing, false);
        assert_eq!(state_of(&m), Some(ChatState::Composing));
        assert!(m.bodies.is_empty());
        assert!(m.payloads.iter().any(|p| p.is("no-store", NS_HINTS)));
        let incoming = msg(
            "<message xmlns='jabber:client' from='bob@x/pc' type='chat'>\
             <paused xmlns='http://jabber.org/protocol/chatstates'/></message>",
        );
        assert_eq!(state_of(&incoming), Some(ChatState::Paused));
        let other = msg(
            "<message xmlns='jabber:client' from='bob@x/pc' type='chat'>\
             <typing xmlns='http://jabber.org/protocol/chatstates'/><body>x</body></message>",
        );
        assert_eq!(state_of(&other), None);
    }
}
