//! The room browser: the rooms of a conference service (XEP-0045 §6 via
//! XEP-0030 disco#items, paged with XEP-0059 where the service supports it)
//! and each room's details from disco#info (`muc#roominfo`).

use serde::{Deserialize, Serialize};
use tokio_xmpp::jid::Jid;
use tokio_xmpp::minidom::Element;
use tokio_xmpp::parsers::iq::Iq;
use ts_rs::TS;

use super::xep0004_data_forms;

pub const NS_ITEMS: &str = "http://jabber.org/protocol/disco#items";
pub const NS_INFO: &str = "http://jabber.org/protocol/disco#info";
pub const NS_RSM: &str = "http://jabber.org/protocol/rsm";
pub const PAGE: u32 = 50;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RoomListing {
    pub jid: String,
    pub name: Option<String>,
    pub description: Option<String>,
    pub occupants: Option<u32>,
    pub members_only: bool,
    pub password_protected: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct RoomPage {
    pub rooms: Vec<RoomListing>,
    /// Pass back to get the next page; `null` when this was the last.
    pub next: Option<String>,
}

pub fn items_request(id: &str, service: &Jid, after: Option<&str>) -> Iq {
    let mut set = Element::builder("set", NS_RSM)
        .append(Element::builder("max", NS_RSM).append(PAGE.to_string()));
    if let Some(after) = after {
        set = set.append(Element::builder("after", NS_RSM).append(after));
    }
    Iq::Get {
        from: None,
        to: Some(service.clone()),
        id: id.to_owned(),
        payload: Element::builder("query", NS_ITEMS).append(set).build(),
    }
}

pub fn info_request(id: &str, to: &Jid) -> Iq {
    Iq::Get {
        from: None,
        to: Some(to.clone()),
        id: id.to_owned(),
        payload: Element::builder("query", NS_INFO).build(),
    }
}

/// The rooms listed and the cursor for the next page.
pub fn read_items(answer: Option<&Element>) -> (Vec<RoomListing>, Option<String>) {
    let Some(q) = answer.filter(|q| q.is("query", NS_ITEMS)) else {
        return (vec![], None);
    };
    let rooms: Vec<RoomListing> = q
        .children()
        .filter(|c| c.is("item", NS_ITEMS))
        .filter_map(|c| {
            Some(RoomListing {
                jid: c.attr("jid")?.parse::<Jid>().ok()?.to_bare().to_string(),
                name: c.attr("name").map(str::to_owned).filter(|n| !n.is_empty()),
                description: None,
                occupants: None,
                members_only: false,
                password_protected: false,
            })
        })
        .collect();
    let set = q.get_child("set", NS_RSM);
    let last = set
        .and_then(|s| s.get_child("last", NS_RSM))
        .map(Element::text);
    let count = set
        .and_then(|s| s.get_child("count", NS_RSM))
        .and_then(|c| c.text().parse::<usize>().ok());
    let index = set
        .and_then(|s| s.get_child("first", NS_RSM))
        .and_then(|f| f.attr("index"))
        .and_then(|i| i.parse::<usize>().ok())
        .unwrap_or(0);
    // More pages only when the service pages (RSM) and has more to give.
    let next = match (last, count) {
        (Some(last), Some(count)) if index + rooms.len() < count => Some(last),
        (Some(last), None) if rooms.len() as u32 >= PAGE => Some(last),
        _ => None,
    };
    (rooms, next)
}

/// Rooms of one page asked for their details (disco#info), and how many
/// of those questions may be open at once.
pub const DETAILS_PER_PAGE: usize = 50;
pub const DETAILS_IN_FLIGHT: usize = 8;

/// Fill in a listing from the room's disco#info.
pub fn add_info(listing: &mut RoomListing, answer: Option<&Element>) {
    let Some(q) = answer.filter(|q| q.is("query", NS_INFO)) else {
        return;
    };
    let has = |f: &str| {
        q.children()
            .any(|c| c.is("feature", NS_INFO) && c.attr("var") == Some(f))
    };
    listing.members_only = has("muc_membersonly");
    listing.password_protected = has("muc_passwordprotected");
    // The room's own name wins over the list's: ejabberd's list appends
    // the occupant count ("Plans (1)"), which the browser shows apart.
    let own_name = q
        .children()
        .find(|c| c.is("identity", NS_INFO))
        .and_then(|i| i.attr("name"))
        .filter(|n| !n.trim().is_empty());
    if let Some(name) = own_name {
        listing.name = Some(name.to_owned());
    }
    if let Some(form) = xep0004_data_forms::find(q) {
        listing.description = xep0004_data_forms::value_of(&form, "muc#roominfo_description")
            .filter(|d| !d.trim().is_empty());
        listing.occupants = xep0004_data_forms::value_of(&form, "muc#roominfo_occupants")
            .and_then(|n| n.parse().ok());
    }
}

/// Whether a disco#info answer describes a conference service.
pub fn is_conference_service(answer: Option<&Element>) -> bool {
    answer.is_some_and(|q| {
        q.children().any(|c| {
            c.is("identity", NS_INFO)
                && c.attr("category") == Some("conference")
                && c.attr("type") == Some("text")
        })
    })
}

/// The items of a server's disco#items (candidate services).
pub fn item_jids(answer: Option<&Element>) -> Vec<Jid> {
    answer
        .filter(|q| q.is("query", NS_ITEMS))
        .map(|q| {
            q.children()
                .filter(|c| c.is("item", NS_ITEMS))
                .filter_map(|c| c.attr("jid")?.parse().ok())
                .collect()
        })
        .unwrap_or_default()
}

/// A plain disco#items request (no paging), to find services.
pub fn plain_items_request(id: &str, to: &Jid) -> Iq {
    Iq::Get {
        from: None,
        to: Some(to.clone()),
        id: id.to_owned(),
        payload: Element::builder("query", NS_ITEMS).build(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_with_more_to_come_and_room_details() {
        let q: Element = "<query xmlns='http://jabber.org/protocol/disco#items'>
              <item jid='a@conf.example' name='A'/><item jid='b@conf.example'/>
              <set xmlns='http://jabber.org/protocol/rsm'>
                <first index='0'>a@conf.example</first><last>b@conf.example</last><count>5</count>
              </set></query>"
            .parse()
            .unwrap();
        let (mut rooms, next) = read_items(Some(&q));
        assert_eq!(rooms.len(), 2);
        assert_eq!(next.as_deref(), Some("b@conf.example"));
        let info: Element = "<query xmlns='http://jabber.org/protocol/disco#info'>
              <identity category='conference' type='text' name='Bee room'/>
              <feature var='muc_passwordprotected'/>
              <x xmlns='jabber:x:data' type='result'>
                <field var='FORM_TYPE' type='hidden'><value>http://jabber.org/protocol/muc#roominfo</value></field>
                <field var='muc#roominfo_description'><value>Bees</value></field>
                <field var='muc#roominfo_occupants'><value>12</value></field>
              </x></query>"
            .parse()
            .unwrap();
        add_info(&mut rooms[1], Some(&info));
        assert_eq!(rooms[1].name.as_deref(), Some("Bee room"));
        assert_eq!(rooms[1].occupants, Some(12));
        assert!(rooms[1].password_protected);
        assert!(is_conference_service(Some(&info)));
        // A list name with ejabberd's occupant count gives way to the
        // room's own.
        add_info(&mut rooms[0], Some(&info));
        assert_eq!(rooms[0].name.as_deref(), Some("Bee room"));
    }
}
