//! The deduplication stage's memory: the identities of the last messages
//! taken in, so one delivered twice — an offline copy and its carbon, a
//! room's history replay, a server that resends after a resumption — is
//! taken once. The store's unique indexes stay the authority across
//! restarts; this window also covers messages the disk refused (shown, not
//! stored) and ones that never reach the store.

use std::collections::{HashSet, VecDeque};

use crate::store::NewMessage;

/// How many identities are remembered (a few seconds of a flood).
const WINDOW: usize = 4096;

/// What makes two deliveries the same message (XEP-0359).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Identity {
    /// A stanza-id from the archive we trust (our account, or the room).
    Archive { by: String, id: String },
    /// The sender's own origin-id, per conversation and direction.
    Origin {
        peer: String,
        outgoing: bool,
        id: String,
    },
}

#[derive(Default)]
pub struct RecentIds {
    seen: HashSet<Identity>,
    order: VecDeque<Identity>,
}

impl RecentIds {
    /// Remember `m`; false when it was already taken.
    pub fn take(&mut self, m: &NewMessage) -> bool {
        let ids = identities(m);
        if ids.iter().any(|id| self.seen.contains(id)) {
            return false;
        }
        for id in ids {
            self.remember(id);
        }
        true
    }

    fn remember(&mut self, id: Identity) {
        if self.seen.insert(id.clone()) {
            self.order.push_back(id);
        }
        while self.order.len() > WINDOW {
            if let Some(old) = self.order.pop_front() {
                self.seen.remove(&old);
            }
        }
    }
}

fn identities(m: &NewMessage) -> Vec<Identity> {
    let mut ids = Vec::with_capacity(2);
    if let Some((id, by)) = &m.stanza_id {
        ids.push(Identity::Archive {
            by: by.clone(),
            id: id.clone(),
        });
    }
    if let Some(id) = &m.origin_id {
        ids.push(Identity::Origin {
            peer: m.peer.clone(),
            outgoing: m.direction == crate::store::MessageDirection::Out,
            id: id.clone(),
        });
    }
    ids
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{DeliveryState, MessageDirection, MessageKind};

    fn message(stanza_id: Option<&str>, origin_id: Option<&str>) -> NewMessage {
        NewMessage {
            peer: "bob@y".into(),
            direction: MessageDirection::In,
            kind: MessageKind::Chat,
            message_id: None,
            origin_id: origin_id.map(str::to_owned),
            stanza_id: stanza_id.map(|s| (s.to_owned(), "me@x".to_owned())),
            body: "hi".into(),
            subject: None,
            timestamp: 0,
            state: DeliveryState::Received,
            sender: None,
            reply: None,
            unstyled: false,
            occupant_id: None,
        }
    }

    #[test]
    fn the_same_message_is_taken_once_by_either_id() {
        let mut recent = RecentIds::default();
        assert!(recent.take(&message(Some("s1"), Some("o1"))));
        assert!(!recent.take(&message(Some("s1"), None)), "same archive id");
        assert!(!recent.take(&message(None, Some("o1"))), "same origin id");
        assert!(recent.take(&message(Some("s2"), Some("o2"))));
        // Without any id there is nothing to compare: always taken (the
        // store's own index on message id and body still applies).
        assert!(recent.take(&message(None, None)));
        assert!(recent.take(&message(None, None)));
    }

    #[test]
    fn the_window_is_bounded() {
        let mut recent = RecentIds::default();
        for i in 0..WINDOW + 10 {
            recent.take(&message(Some(&i.to_string()), None));
        }
        assert_eq!(recent.seen.len(), WINDOW);
        assert!(
            recent.take(&message(Some("0"), None)),
            "the oldest is forgotten"
        );
    }
}
