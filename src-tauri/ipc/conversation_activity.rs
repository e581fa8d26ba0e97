//! Messages for conversations the page does not show are not sent to it one
//! by one: a flood into a background tab would make the web view parse,
//! keep and count every message only to show a number. Such a tab gets what
//! it shows (counts, and the newest messages worth a notification) and reads
//! its messages from history when the user opens it.

use std::collections::{HashMap, HashSet};

use serde::Serialize;
use ts_rs::TS;

use crate::store::{ChatMessage, MessageDirection, MessageKind};

/// New messages in a conversation the page does not show.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ConversationActivity {
    pub peer: String,
    /// The kind of the newest message (`groupchat` for a room).
    pub kind: MessageKind,
    /// New incoming messages.
    pub incoming: u32,
    /// New incoming room messages that name our nick.
    pub mentions: u32,
    /// The newest incoming message.
    pub latest: Option<ChatMessage>,
    /// The newest incoming room message that names our nick.
    pub latest_mention: Option<ChatMessage>,
}

/// Splits added messages into those the page shows (sent whole) and one
/// activity summary per other conversation, in order of first appearance.
pub fn split(
    messages: Vec<ChatMessage>,
    shown: &HashSet<String>,
) -> (Vec<ChatMessage>, Vec<ConversationActivity>) {
    let mut whole = Vec::new();
    let mut activity: Vec<ConversationActivity> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    for m in messages {
        if shown.contains(&m.peer) {
            whole.push(m);
            continue;
        }
        let at = *index.entry(m.peer.clone()).or_insert_with(|| {
            activity.push(ConversationActivity {
                peer: m.peer.clone(),
                kind: m.kind,
                incoming: 0,
                mentions: 0,
                latest: None,
                latest_mention: None,
            });
            activity.len() - 1
        });
        let entry = &mut activity[at];
        entry.kind = m.kind;
        if m.direction != MessageDirection::In {
            continue;
        }
        entry.incoming += 1;
        if m.mentions_me {
            entry.mentions += 1;
            entry.latest_mention = Some(m.clone());
        }
        entry.latest = Some(m);
    }
    (whole, activity)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::DeliveryState;

    fn message(id: i64, peer: &str, direction: MessageDirection, kind: MessageKind) -> ChatMessage {
        ChatMessage {
            id,
            peer: peer.into(),
            direction,
            kind,
            body: format!("message {id}"),
            subject: None,
            timestamp: 1_700_000_000_000 + id,
            stanza_id: None,
            origin_id: None,
            state: DeliveryState::Received,
            error: None,
            sender: None,
            mentions_me: false,
            edited: None,
            retracted: false,
            reply: None,
            reactions: Vec::new(),
            unstyled: false,
        }
    }

    #[test]
    fn the_shown_conversation_gets_messages_and_the_others_counts() {
        use MessageDirection::{In, Out};
        use MessageKind::{Chat, Groupchat};
        let batch = vec![
            message(1, "bob@x", In, Chat),
            message(2, "room@conf.x", In, Groupchat),
            message(3, "anna@x", In, Chat),
            message(4, "room@conf.x", In, Groupchat),
            message(5, "bob@x", Out, Chat),
            message(6, "room@conf.x", In, Groupchat),
            message(7, "bob@x", In, Chat),
        ];
        let mut batch = batch;
        for m in batch.iter_mut().filter(|m| [2, 4].contains(&m.id)) {
            m.mentions_me = true;
        }
        let shown: HashSet<String> = ["anna@x".to_string()].into();
        let (whole, activity) = split(batch, &shown);

        assert_eq!(whole.iter().map(|m| m.id).collect::<Vec<_>>(), [3]);
        assert_eq!(activity.len(), 2);
        let bob = &activity[0];
        assert_eq!(
            (bob.peer.as_str(), bob.incoming, bob.mentions),
            ("bob@x", 2, 0)
        );
        assert_eq!(bob.latest.as_ref().map(|m| m.id), Some(7));
        assert_eq!(bob.latest_mention, None);
        let room = &activity[1];
        assert_eq!((room.kind, room.incoming, room.mentions), (Groupchat, 3, 2));
        assert_eq!(room.latest.as_ref().map(|m| m.id), Some(6));
        assert_eq!(room.latest_mention.as_ref().map(|m| m.id), Some(4));
    }

    #[test]
    fn our_own_messages_elsewhere_count_as_activity_but_not_as_unread() {
        let batch = vec![message(
            1,
            "bob@x",
            MessageDirection::Out,
            MessageKind::Chat,
        )];
        let (whole, activity) = split(batch, &HashSet::new());
        assert!(whole.is_empty());
        assert_eq!(activity.len(), 1);
        assert_eq!(
            (activity[0].incoming, activity[0].latest.is_none()),
            (0, true)
        );
    }
}
