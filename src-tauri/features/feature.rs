//! What a protocol feature declares about itself: the disco#info features
//! it advertises and the IQ requests it answers without session state.
//! Each feature file exports one `FEATURE`. The session registers each
//! one, with its session half where it has one (the handler that changes
//! the session's state for the messages it takes), on one line of
//! `session/actor/registration.rs`; `registry.rs` answers for that list.

use tokio_xmpp::minidom::Element;
use tokio_xmpp::parsers::stanza_error::DefinedCondition;

/// Whether a route answers `get` or `set` requests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IqKind {
    Get,
    Set,
}

/// A request as a route sees it.
pub struct IqRequest<'a> {
    pub payload: &'a Element,
    /// Every registered feature (what disco#info lists).
    pub features: &'a [&'a Feature],
}

/// A route's answer: a result (with or without a payload) or an error.
pub type IqReply = Result<Option<Element>, DefinedCondition>;

/// One kind of request a feature answers: `<element xmlns=ns/>` in an IQ
/// of `kind`.
pub struct IqRoute {
    pub kind: IqKind,
    pub element: &'static str,
    pub ns: &'static str,
    pub answer: fn(&IqRequest) -> IqReply,
}

/// One protocol feature, as the registry knows it.
pub struct Feature {
    /// Its specification, for logs and documentation.
    pub name: &'static str,
    /// The disco#info `var`s it advertises (XEP-0030 §3.1).
    pub disco: &'static [&'static str],
    /// The requests it answers.
    pub iq: &'static [IqRoute],
}

impl Feature {
    /// A feature that only advertises.
    pub const fn advertised(name: &'static str, disco: &'static [&'static str]) -> Self {
        Self {
            name,
            disco,
            iq: &[],
        }
    }
}
