//! Roster management, RFC 6121 §2 — <https://www.rfc-editor.org/rfc/rfc6121#section-2>.
//!
//! Invariant: a roster push is believed only when it comes from our own
//! account (no `from`, or our bare JID); anything else is answered with an
//! error and ignored, as §2.1.6 requires.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use tokio_xmpp::jid::{BareJid, Jid};
use tokio_xmpp::minidom::Element;
use tokio_xmpp::parsers::iq::Iq;
use tokio_xmpp::parsers::roster::{self, Roster};
use ts_rs::TS;

pub const NS: &str = "jabber:iq:roster";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum Subscription {
    None,
    To,
    From,
    Both,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RosterItem {
    pub jid: String,
    pub name: Option<String>,
    pub groups: Vec<String>,
    pub subscription: Subscription,
    /// We asked to see their presence and they have not answered yet.
    pub pending_out: bool,
}

/// The roster as the server last told us.
#[derive(Debug, Default, Clone)]
pub struct RosterBook {
    items: BTreeMap<String, RosterItem>,
}

pub fn request(id: &str) -> Iq {
    Iq::from_get(
        id,
        Roster {
            ver: None,
            items: vec![],
        },
    )
}

fn convert(item: &roster::Item) -> Option<RosterItem> {
    let subscription = match item.subscription {
        roster::Subscription::None => Subscription::None,
        roster::Subscription::To => Subscription::To,
        roster::Subscription::From => Subscription::From,
        roster::Subscription::Both => Subscription::Both,
        roster::Subscription::Remove => return None,
    };
    let mut groups: Vec<String> = item.groups.iter().map(|g| g.0.clone()).collect();
    groups.sort();
    groups.dedup();
    Some(RosterItem {
        jid: item.jid.to_string(),
        name: item.name.clone().filter(|n| !n.trim().is_empty()),
        groups,
        subscription,
        pending_out: item.ask == roster::Ask::Subscribe,
    })
}

/// Is `from` allowed to push roster changes to `own`?
/// RFC 6121 §2.1.6: a push is believed only with no `from` or from the
/// account's bare JID. Another resource of our own account is a client,
/// not the server, and may not rewrite our roster either.
pub fn push_allowed(from: Option<&Jid>, own: &BareJid) -> bool {
    match from {
        None => true,
        Some(from) => from.resource().is_none() && from.to_bare() == *own,
    }
}

impl RosterBook {
    /// Replace everything with a roster result.
    pub fn load(&mut self, payload: Element) -> Result<(), String> {
        let roster = Roster::try_from(payload).map_err(|e| e.to_string())?;
        self.items = roster
            .items
            .iter()
            .filter_map(convert)
            .map(|i| (i.jid.clone(), i))
            .collect();
        Ok(())
    }

    /// Apply a push (already checked with [`push_allowed`]).
    pub fn apply_push(&mut self, payload: Element) -> Result<(), String> {
        let roster = Roster::try_from(payload).map_err(|e| e.to_string())?;
        // §2.1.6: a push contains exactly one item.
        let [item] = roster.items.as_slice() else {
            return Err("a roster push must contain exactly one item".into());
        };
        match convert(item) {
            Some(i) => {
                self.items.insert(i.jid.clone(), i);
            }
            None => {
                self.items.remove(&item.jid.to_string());
            }
        }
        Ok(())
    }

    pub fn items(&self) -> Vec<RosterItem> {
        self.items.values().cloned().collect()
    }

    pub fn contains(&self, jid: &str) -> bool {
        self.items.contains_key(jid)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn el(xml: &str) -> Element {
        xml.parse().unwrap()
    }

    #[test]
    fn loads_groups_and_applies_pushes() {
        let mut book = RosterBook::default();
        book.load(el("<query xmlns='jabber:iq:roster'>\
            <item jid='bob@x' name='Bob' subscription='both'><group>Sales</group><group>Friends</group></item>\
            <item jid='carol@x' subscription='none' ask='subscribe'/></query>")).unwrap();
        let items = book.items();
        assert_eq!(items.len(), 2);
        assert_eq!(items[0].groups, vec!["Friends", "Sales"]);
        assert!(items[1].pending_out);

        book.apply_push(el(
            "<query xmlns='jabber:iq:roster'><item jid='carol@x' subscription='remove'/></query>",
        ))
        .unwrap();
        assert_eq!(book.items().len(), 1);
        assert!(book
            .apply_push(el("<query xmlns='jabber:iq:roster'/>"))
            .is_err());
    }

    #[test]
    fn pushes_only_from_own_account() {
        let own: BareJid = "me@x".parse().unwrap();
        assert!(push_allowed(None, &own));
        assert!(push_allowed(Some(&"me@x".parse().unwrap()), &own));
        assert!(!push_allowed(Some(&"me@x/laptop".parse().unwrap()), &own));
        assert!(!push_allowed(Some(&"mallory@x".parse().unwrap()), &own));
        assert!(!push_allowed(Some(&"x".parse().unwrap()), &own));
    }
}
