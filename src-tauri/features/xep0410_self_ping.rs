//! XEP-0410: MUC Self-Ping (Schrödinger's Chat) —
//! <https://xmpp.org/extensions/xep-0410.html>. A room that lost us without
//! telling (its server restarted, a presence got lost) keeps looking joined;
//! pinging our own occupant JID shows whether we are still in.

use tokio_xmpp::jid::{BareJid, Jid};
use tokio_xmpp::minidom::Element;
use tokio_xmpp::parsers::iq::Iq;

use super::feature::Feature;
use super::xep0199_ping;
use crate::error::HearthError;

/// Announced in disco#info: we answer pings forwarded by rooms (XEP-0410 §3).
pub const NS_SELF_PING: &str = "http://jabber.org/protocol/muc#self-ping-optimization";

pub const FEATURE: Feature = Feature::advertised("XEP-0410 MUC Self-Ping", &[NS_SELF_PING]);

/// How long a room may stay quiet before we check we are still in it.
pub const QUIET_BEFORE_PING: std::time::Duration = std::time::Duration::from_secs(5 * 60);

pub fn request(id: &str, room: &BareJid, nick: &str) -> Option<Iq> {
    let to = room.with_resource_str(nick).ok()?;
    Some(Iq::Get {
        from: None,
        to: Some(Jid::from(to)),
        id: id.to_owned(),
        payload: Element::builder("ping", xep0199_ping::NS).build(),
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Joined,
    NotJoined,
    /// The room's server could not be asked; try again later.
    Unknown,
}

/// Read the answer (§4): a result, or the errors a room returns for a
/// ping it forwarded to us, mean joined; `not-acceptable` and
/// `item-not-found` mean not joined.
pub fn verdict(answer: &Result<Option<Element>, HearthError>) -> Verdict {
    match answer {
        Ok(_) => Verdict::Joined,
        Err(HearthError::Remote(e)) => {
            if e.is("not-acceptable") || e.is("item-not-found") {
                Verdict::NotJoined
            } else if e.is("service-unavailable") || e.is("feature-not-implemented") {
                Verdict::Joined
            } else {
                Verdict::Unknown
            }
        }
        Err(_) => Verdict::Unknown,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_are_judged_as_the_xep_says() {
        assert_eq!(verdict(&Ok(None)), Verdict::Joined);
        let remote = |c: &str| {
            Err(HearthError::Remote(crate::error::RemoteError {
                condition: c.into(),
                text: Some("whatever the room says".into()),
            }))
        };
        assert_eq!(verdict(&remote("not-acceptable")), Verdict::NotJoined);
        assert_eq!(verdict(&remote("item-not-found")), Verdict::NotJoined);
        assert_eq!(verdict(&remote("service-unavailable")), Verdict::Joined);
        assert_eq!(verdict(&remote("remote-server-timeout")), Verdict::Unknown);
        assert_eq!(verdict(&Err(HearthError::Timeout)), Verdict::Unknown);
    }
}
