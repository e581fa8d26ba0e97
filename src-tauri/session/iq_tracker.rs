//! Outstanding IQ requests: each gets a unique id, a deadline and the JID
//! its answer must come from. A result or error is matched only when both
//! the id and the sender fit (RFC 6120 §8.1.2.1), so nobody can answer a
//! question we asked someone else.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use tokio::sync::oneshot;
use tokio_xmpp::jid::{BareJid, Jid};
use tokio_xmpp::minidom::Element;

use crate::error::HearthError;

pub type IqAnswer = Result<Option<Element>, HearthError>;

struct Pending {
    /// `None` = our own account (server-handled requests without `to`).
    to: Option<Jid>,
    deadline: Instant,
    reply: oneshot::Sender<IqAnswer>,
}

pub struct IqTracker {
    own: BareJid,
    next: u64,
    prefix: String,
    pending: HashMap<String, Pending>,
}

impl IqTracker {
    pub fn new(own: BareJid) -> Self {
        Self {
            own,
            next: 0,
            prefix: crate::features::xep0359_stanza_ids::new_id(),
            pending: HashMap::new(),
        }
    }

    /// Register a request; returns its id and the receiver for the answer.
    pub fn register(
        &mut self,
        to: Option<Jid>,
        timeout: Duration,
    ) -> (String, oneshot::Receiver<IqAnswer>) {
        self.next += 1;
        let id = format!("{}-{}", self.prefix, self.next);
        let (tx, rx) = oneshot::channel();
        self.pending.insert(
            id.clone(),
            Pending {
                to,
                deadline: Instant::now() + timeout,
                reply: tx,
            },
        );
        (id, rx)
    }

    fn sender_matches(&self, expected: &Option<Jid>, from: Option<&Jid>) -> bool {
        let own_full_or_bare = |j: &Jid| j.to_bare() == self.own;
        match (expected, from) {
            // Asked our account: the answer has no from, our bare JID, or
            // our full JID.
            (None, None) => true,
            (None, Some(f)) => own_full_or_bare(f),
            (Some(to), Some(f)) => to == f,
            // Asked our own bare JID: servers answer without `from`.
            (Some(to), None) => to.to_bare() == self.own && to.resource().is_none(),
        }
    }

    /// Deliver an answer. Returns false when it matched nothing (it is then
    /// dropped: an unsolicited result must not be believed).
    pub fn resolve(&mut self, id: &str, from: Option<&Jid>, answer: IqAnswer) -> bool {
        let Some(p) = self.pending.get(id) else {
            return false;
        };
        if !self.sender_matches(&p.to, from) {
            log::warn!("dropping IQ answer {id} from an unexpected sender");
            return false;
        }
        if let Some(p) = self.pending.remove(id) {
            let _ = p.reply.send(answer);
        }
        true
    }

    /// Fail every request whose deadline passed.
    pub fn expire(&mut self, now: Instant) {
        let late: Vec<String> = self
            .pending
            .iter()
            .filter(|(_, p)| p.deadline <= now)
            .map(|(id, _)| id.clone())
            .collect();
        for id in late {
            if let Some(p) = self.pending.remove(&id) {
                let _ = p.reply.send(Err(HearthError::Timeout));
            }
        }
    }

    /// Fail everything (the session ended without resumption).
    pub fn fail_all(&mut self) {
        for (_, p) in self.pending.drain() {
            let _ = p.reply.send(Err(HearthError::NotConnected));
        }
    }

    #[cfg(test)]
    pub fn is_empty(&self) -> bool {
        self.pending.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tracker() -> IqTracker {
        IqTracker::new("me@x".parse().unwrap())
    }

    #[test]
    fn answer_from_the_wrong_sender_is_ignored() {
        let mut t = tracker();
        let bob: Jid = "bob@x/pc".parse().unwrap();
        let (id, mut rx) = t.register(Some(bob.clone()), Duration::from_secs(5));
        assert!(!t.resolve(&id, Some(&"eve@x/pc".parse().unwrap()), Ok(None)));
        assert!(rx.try_recv().is_err());
        assert!(t.resolve(&id, Some(&bob), Ok(None)));
        assert!(matches!(rx.try_recv(), Ok(Ok(None))));
    }

    #[test]
    fn server_answers_without_from_or_from_own_jid() {
        let mut t = tracker();
        let (a, _ra) = t.register(None, Duration::from_secs(5));
        assert!(t.resolve(&a, None, Ok(None)));
        let (b, _rb) = t.register(None, Duration::from_secs(5));
        assert!(t.resolve(&b, Some(&"me@x".parse().unwrap()), Ok(None)));
        let (c, _rc) = t.register(None, Duration::from_secs(5));
        assert!(!t.resolve(&c, Some(&"x".parse().unwrap()), Ok(None)));
    }

    #[test]
    fn requests_time_out() {
        let mut t = tracker();
        let (_, mut rx) = t.register(None, Duration::from_millis(0));
        t.expire(Instant::now() + Duration::from_millis(1));
        assert!(matches!(rx.try_recv(), Ok(Err(HearthError::Timeout))));
        assert!(t.is_empty());
    }
}
