//! Subscription requests waiting for the user (RFC 6121 §3.1.3): strangers
//! can send any number, so the list the user sees is bounded and the rest
//! are counted, so the user learns how many more wait.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Requests listed for the user at most.
pub const MAX_LISTED: usize = 100;
/// Requests beyond the list whose sender is remembered: a request sent twice
/// counts once, and one of them takes the place of each request the user
/// answers. Beyond this, requests are only counted (a repeated one twice),
/// so a flood of strangers costs no more memory.
const MAX_REMEMBERED: usize = 10_000;

/// What the user is shown: who asks, and how many more ask.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct SubscriptionRequests {
    /// Who asked to see our presence and waits for an answer.
    pub jids: Vec<String>,
    /// Requests beyond the list. The server keeps every unanswered request
    /// and delivers it again at the next login, so none of them is lost.
    pub more: u32,
}

#[derive(Debug, Default)]
pub struct Requests {
    listed: BTreeSet<String>,
    remembered: BTreeSet<String>,
    /// Requests past both bounds, counted only.
    counted: u32,
}

impl Requests {
    /// A request from `jid`; whether what the user sees changed.
    pub fn add(&mut self, jid: String) -> bool {
        if self.listed.contains(&jid) || self.remembered.contains(&jid) {
            false
        } else if self.listed.len() < MAX_LISTED {
            self.listed.insert(jid)
        } else if self.remembered.len() < MAX_REMEMBERED {
            self.remembered.insert(jid)
        } else {
            self.counted = self.counted.saturating_add(1);
            true
        }
    }

    /// `jid`'s request is gone (answered or withdrawn); whether what the
    /// user sees changed.
    pub fn remove(&mut self, jid: &str) -> bool {
        if self.listed.remove(jid) {
            // The next waiting request takes the free place.
            if let Some(next) = self.remembered.pop_first() {
                self.listed.insert(next);
            }
            true
        } else {
            self.remembered.remove(jid)
        }
    }

    pub fn view(&self) -> SubscriptionRequests {
        let more = u32::try_from(self.remembered.len())
            .unwrap_or(u32::MAX)
            .saturating_add(self.counted);
        SubscriptionRequests {
            jids: self.listed.iter().cloned().collect(),
            more,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jid(i: usize) -> String {
        format!("stranger{i:05}@example.org")
    }

    #[test]
    fn past_the_list_requests_are_counted_once_each() {
        let mut r = Requests::default();
        for i in 0..MAX_LISTED + 5 {
            assert!(r.add(jid(i)));
        }
        // Sent again: neither listed twice nor counted twice.
        assert!(!r.add(jid(0)));
        assert!(!r.add(jid(MAX_LISTED + 1)));
        let view = r.view();
        assert_eq!(view.jids.len(), MAX_LISTED);
        assert_eq!(view.more, 5);
    }

    #[test]
    fn answering_one_lists_the_next() {
        let mut r = Requests::default();
        for i in 0..MAX_LISTED + 2 {
            r.add(jid(i));
        }
        assert!(r.remove(&jid(3)));
        let view = r.view();
        assert_eq!(view.jids.len(), MAX_LISTED);
        assert!(view.jids.contains(&jid(MAX_LISTED)));
        assert!(!view.jids.contains(&jid(3)));
        assert_eq!(view.more, 1);
        // A request withdrawn before it was listed no longer counts.
        assert!(r.remove(&jid(MAX_LISTED + 1)));
        assert_eq!(r.view().more, 0);
        assert!(!r.remove(&jid(MAX_LISTED + 1)));
    }

    #[test]
    fn a_flood_is_counted_without_being_remembered() {
        let mut r = Requests::default();
        let total = MAX_LISTED + MAX_REMEMBERED + 7;
        for i in 0..total {
            r.add(jid(i));
        }
        assert_eq!(r.remembered.len(), MAX_REMEMBERED);
        assert_eq!(r.view().more as usize, total - MAX_LISTED);
    }
}
