//! XEP-0092: Software Version — <https://xmpp.org/extensions/xep-0092.html>.
//! Openfire's Client Control plugin asks every client for it to enforce an
//! allowed-clients policy, so Hearth answers with its real name and version.

use tokio_xmpp::parsers::version::VersionResult;

use super::feature::{Feature, IqKind, IqReply, IqRequest, IqRoute};

pub const NS: &str = "jabber:iq:version";

pub const FEATURE: Feature = Feature {
    name: "XEP-0092 Software Version",
    disco: &[NS],
    iq: &[IqRoute {
        kind: IqKind::Get,
        element: "query",
        ns: NS,
        answer: |_: &IqRequest| -> IqReply { Ok(Some(answer().into())) },
    }],
};

pub fn answer() -> VersionResult {
    VersionResult {
        name: "Hearth".to_owned(),
        version: env!("CARGO_PKG_VERSION").to_owned(),
        os: Some(std::env::consts::OS.to_owned()),
    }
}
