//! XEP-0077: In-Band Registration — <https://xmpp.org/extensions/xep-0077.html>.
//! Changing the password of the logged-in account (§3.3).

use tokio_xmpp::jid::{BareJid, Jid};
use tokio_xmpp::minidom::Element;
use tokio_xmpp::parsers::iq::Iq;

pub const NS: &str = "jabber:iq:register";

/// The request to change `account`'s password, addressed to its server.
pub fn change_password(id: &str, account: &BareJid, new_password: &str) -> Iq {
    let query = Element::builder("query", NS)
        .append(
            Element::builder("username", NS)
                .append(account.node().map(|n| n.as_str()).unwrap_or_default())
                .build(),
        )
        .append(
            Element::builder("password", NS)
                .append(new_password)
                .build(),
        )
        .build();
    Iq::Set {
        from: None,
        to: Some(Jid::from(account.domain().to_owned())),
        id: id.to_owned(),
        payload: query,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_names_the_user_and_goes_to_the_server() {
        let me: BareJid = "anna@company.com".parse().unwrap();
        let iq = change_password("c1", &me, "n3w");
        assert_eq!(
            iq.to().map(|j| j.to_string()).as_deref(),
            Some("company.com")
        );
        let Iq::Set { payload, .. } = iq else {
            panic!()
        };
        assert_eq!(payload.get_child("username", NS).unwrap().text(), "anna");
        assert_eq!(payload.get_child("password", NS).unwrap().text(), "n3w");
    }
}
