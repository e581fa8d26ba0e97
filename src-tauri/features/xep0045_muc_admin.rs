//! XEP-0045 §8–§10: moderating a room (roles by nickname), managing who
//! belongs (affiliations by JID, with the member/admin/owner/ban lists),
//! configuring and destroying it (muc#admin, muc#owner).

use serde::{Deserialize, Serialize};
use tokio_xmpp::jid::{BareJid, Jid};
use tokio_xmpp::minidom::rxml::xml_ncname;
use tokio_xmpp::minidom::Element;
use tokio_xmpp::parsers::iq::Iq;
use ts_rs::TS;

use super::xep0004_data_forms;
use super::xep0045_muc::{Affiliation, Role, NS_OWNER};

pub const NS_ADMIN: &str = "http://jabber.org/protocol/muc#admin";

fn role_name(r: Role) -> &'static str {
    match r {
        Role::Moderator => "moderator",
        Role::Participant => "participant",
        Role::Visitor => "visitor",
        Role::None => "none",
    }
}

fn affiliation_name(a: Affiliation) -> &'static str {
    match a {
        Affiliation::Owner => "owner",
        Affiliation::Admin => "admin",
        Affiliation::Member => "member",
        Affiliation::Outcast => "outcast",
        Affiliation::None => "none",
    }
}

fn iq(kind: &str, id: &str, room: &BareJid, payload: Element) -> Iq {
    let to = Some(Jid::from(room.clone()));
    let id = id.to_owned();
    match kind {
        "get" => Iq::Get {
            from: None,
            to,
            id,
            payload,
        },
        _ => Iq::Set {
            from: None,
            to,
            id,
            payload,
        },
    }
}

fn with_reason(item: tokio_xmpp::minidom::ElementBuilder, reason: Option<&str>) -> Element {
    match reason.filter(|r| !r.trim().is_empty()) {
        Some(r) => item
            .append(Element::builder("reason", NS_ADMIN).append(r))
            .build(),
        None => item.build(),
    }
}

/// Kick (`Role::None`), grant or revoke voice (participant / visitor) or
/// moderator status, by nickname (§8).
pub fn set_role(id: &str, room: &BareJid, nick: &str, role: Role, reason: Option<&str>) -> Iq {
    let item = Element::builder("item", NS_ADMIN)
        .attr(xml_ncname!("nick").to_owned(), nick)
        .attr(xml_ncname!("role").to_owned(), role_name(role));
    let query = Element::builder("query", NS_ADMIN)
        .append(with_reason(item, reason))
        .build();
    iq("set", id, room, query)
}

/// Ban (`Outcast`), make member/admin/owner, or remove an affiliation
/// (`None`), by bare JID (§9, §10).
pub fn set_affiliation(
    id: &str,
    room: &BareJid,
    jid: &BareJid,
    affiliation: Affiliation,
    reason: Option<&str>,
) -> Iq {
    let item = Element::builder("item", NS_ADMIN)
        .attr(xml_ncname!("jid").to_owned(), jid.to_string())
        .attr(
            xml_ncname!("affiliation").to_owned(),
            affiliation_name(affiliation),
        );
    let query = Element::builder("query", NS_ADMIN)
        .append(with_reason(item, reason))
        .build();
    iq("set", id, room, query)
}

/// One entry of an affiliation list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct AffiliationEntry {
    pub jid: String,
    pub nick: Option<String>,
    pub reason: Option<String>,
}

pub fn list_request(id: &str, room: &BareJid, affiliation: Affiliation) -> Iq {
    let item = Element::builder("item", NS_ADMIN)
        .attr(
            xml_ncname!("affiliation").to_owned(),
            affiliation_name(affiliation),
        )
        .build();
    iq(
        "get",
        id,
        room,
        Element::builder("query", NS_ADMIN).append(item).build(),
    )
}

pub fn read_list(answer: Option<&Element>) -> Vec<AffiliationEntry> {
    let Some(q) = answer.filter(|q| q.is("query", NS_ADMIN)) else {
        return vec![];
    };
    q.children()
        .filter(|c| c.is("item", NS_ADMIN))
        .filter_map(|c| {
            Some(AffiliationEntry {
                jid: c.attr("jid")?.parse::<Jid>().ok()?.to_bare().to_string(),
                nick: c.attr("nick").map(str::to_owned),
                reason: c
                    .get_child("reason", NS_ADMIN)
                    .map(Element::text)
                    .filter(|r| !r.trim().is_empty()),
            })
        })
        .collect()
}

/// Ask for the room's configuration form (§10.2).
pub fn config_request(id: &str, room: &BareJid) -> Iq {
    iq("get", id, room, Element::builder("query", NS_OWNER).build())
}

pub fn config_submit(id: &str, room: &BareJid, form: Element) -> Iq {
    iq(
        "set",
        id,
        room,
        Element::builder("query", NS_OWNER).append(form).build(),
    )
}

pub fn read_config(answer: Option<&Element>) -> Option<xep0004_data_forms::DataForm> {
    answer
        .filter(|q| q.is("query", NS_OWNER))
        .and_then(xep0004_data_forms::find)
}

/// Destroy the room (§10.9), optionally pointing occupants elsewhere.
pub fn destroy(id: &str, room: &BareJid, reason: Option<&str>) -> Iq {
    let mut d = Element::builder("destroy", NS_OWNER);
    if let Some(r) = reason.filter(|r| !r.trim().is_empty()) {
        d = d.append(Element::builder("reason", NS_OWNER).append(r));
    }
    iq(
        "set",
        id,
        room,
        Element::builder("query", NS_OWNER).append(d).build(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kick_and_ban_requests_name_the_target() {
        let room: BareJid = "team@conf.example".parse().unwrap();
        let Iq::Set { payload, .. } = set_role("1", &room, "troll", Role::None, Some("spam"))
        else {
            panic!()
        };
        let xml = String::from(&payload);
        assert!(
            xml.contains("nick=\"troll\"") || xml.contains("nick='troll'"),
            "{xml}"
        );
        assert!(xml.contains("spam"), "{xml}");
        let who: BareJid = "troll@example".parse().unwrap();
        let Iq::Set { payload, .. } = set_affiliation("2", &room, &who, Affiliation::Outcast, None)
        else {
            panic!()
        };
        assert!(String::from(&payload).contains("outcast"));
    }

    #[test]
    fn lists_are_read_leniently() {
        let q: Element = "<query xmlns='http://jabber.org/protocol/muc#admin'>
              <item affiliation='member' jid='anna@example' nick='anna'/>
              <item affiliation='member' jid='not a jid'/>
            </query>"
            .parse()
            .unwrap();
        let list = read_list(Some(&q));
        assert_eq!(list.len(), 1);
        assert_eq!(list[0].nick.as_deref(), Some("anna"));
    }
}
