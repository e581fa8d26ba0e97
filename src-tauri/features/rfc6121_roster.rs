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

use super::feature::Feature;

pub const NS: &str = "jabber:iq:roster";

/// The roster: nothing to advertise; pushes are answered by the session.
pub const FEATURE: Feature = Feature::advertised("RFC 6121 roster", &[]);

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
    /// While a roster request is out: the pushes applied meanwhile (item,
    /// or `None` for a removal). The result may be handled after pushes
    /// the server sent later (the answer takes a detour through the IQ
    /// tracker), so it must not undo them.
    pushed_while_loading: Option<Vec<(String, Option<RosterItem>)>>,
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

/// Longest name or group name we send (the server would refuse or cut a
/// longer one; Prosody and ejabberd keep far less than 1,000 characters).
pub const MAX_LABEL_CHARS: usize = 1_000;
/// Groups one contact is put in at most.
pub const MAX_GROUPS: usize = 100;

/// A roster set that gives `jid` this name and these groups (RFC 6121
/// §2.3), creating the item if there is none. Blank names and groups are
/// left out; the same group twice is sent once.
pub fn set(id: &str, jid: BareJid, name: Option<String>, groups: Vec<String>) -> Iq {
    let mut names: Vec<String> = groups
        .into_iter()
        .map(|g| g.trim().chars().take(MAX_LABEL_CHARS).collect::<String>())
        .filter(|g| !g.is_empty())
        .collect();
    names.sort();
    names.dedup();
    names.truncate(MAX_GROUPS);
    let name = name
        .map(|n| n.trim().chars().take(MAX_LABEL_CHARS).collect::<String>())
        .filter(|n| !n.is_empty());
    // §2.1.2.5: a set carries no subscription state but "remove"; "none"
    // is the parser's default, which it leaves out.
    let groups = names.into_iter().map(roster::Group).collect();
    one_item(id, jid, name, roster::Subscription::None, groups)
}

/// A roster set that removes `jid` (RFC 6121 §2.5): the server also ends
/// the subscriptions both ways and tells the contact.
pub fn remove(id: &str, jid: BareJid) -> Iq {
    one_item(id, jid, None, roster::Subscription::Remove, Vec::new())
}

/// A roster set of one item.
fn one_item(
    id: &str,
    jid: BareJid,
    name: Option<String>,
    subscription: roster::Subscription,
    groups: Vec<roster::Group>,
) -> Iq {
    let item = roster::Item {
        jid,
        name,
        subscription,
        ask: Default::default(),
        groups,
        approved: None,
    };
    Iq::from_set(
        id,
        Roster {
            ver: None,
            items: vec![item],
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
    /// A roster request went out: pushes from now on survive its result.
    pub fn loading(&mut self) {
        self.pushed_while_loading = Some(Vec::new());
    }

    /// The request brought no roster (an error, or nothing changed).
    pub fn not_loaded(&mut self) {
        self.pushed_while_loading = None;
    }

    /// Replace everything with a roster result, then apply again what was
    /// pushed while it was on its way (a push states the whole item, so
    /// one the result already reflects changes nothing).
    pub fn load(&mut self, payload: Element) -> Result<(), String> {
        let pushed = self.pushed_while_loading.take().unwrap_or_default();
        let roster = Roster::try_from(payload).map_err(|e| e.to_string())?;
        self.items = roster
            .items
            .iter()
            .filter_map(convert)
            .map(|i| (i.jid.clone(), i))
            .collect();
        for (jid, item) in pushed {
            self.set(jid, item);
        }
        Ok(())
    }

    fn set(&mut self, jid: String, item: Option<RosterItem>) {
        match item {
            Some(i) => {
                self.items.insert(jid, i);
            }
            None => {
                self.items.remove(&jid);
            }
        }
    }

    /// Apply a push (already checked with [`push_allowed`]). Answers the
    /// contact whose presence we may no longer see (removed, or a
    /// subscription that no longer goes their way), if that is what it says:
    /// servers do not always send their unavailable presence then.
    pub fn apply_push(&mut self, payload: Element) -> Result<Option<String>, String> {
        let roster = Roster::try_from(payload).map_err(|e| e.to_string())?;
        // §2.1.6: a push contains exactly one item.
        let [item] = roster.items.as_slice() else {
            return Err("a roster push must contain exactly one item".into());
        };
        let (jid, item) = (item.jid.to_string(), convert(item));
        let unseen = !item
            .as_ref()
            .is_some_and(|i| matches!(i.subscription, Subscription::To | Subscription::Both));
        if let Some(pushed) = self.pushed_while_loading.as_mut() {
            pushed.push((jid.clone(), item.clone()));
        }
        self.set(jid.clone(), item);
        Ok(unseen.then_some(jid))
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
    #[test]
    fn a_set_names_the_contact_and_its_groups_once_and_a_remove_says_remove() {
        let jid: BareJid = "bob@x".parse().unwrap();
        let xml = String::from(&Element::from(super::set(
            "s1",
            jid.clone(),
            Some("  Bob  ".into()),
            vec!["Sales".into(), " ".into(), "Sales".into(), "销售".into()],
        )));
        assert!(xml.contains("name='Bob'"), "{xml}");
        assert_eq!(xml.matches("<group>Sales</group>").count(), 1, "{xml}");
        assert!(xml.contains("<group>销售</group>"), "{xml}");
        assert!(
            !xml.contains("<group></group>") && !xml.contains("<group> </group>"),
            "{xml}"
        );
        let xml = String::from(&Element::from(super::set(
            "s2",
            jid.clone(),
            Some(" ".into()),
            vec![],
        )));
        assert!(!xml.contains("name="), "a blank name is no name: {xml}");
        let xml = String::from(&Element::from(super::remove("s3", jid)));
        assert!(xml.contains("subscription='remove'"), "{xml}");
    }

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

        // What a push tells about seeing the contact's presence.
        let pushed = |book: &mut RosterBook, item: &str| {
            book.apply_push(el(&format!(
                "<query xmlns='jabber:iq:roster'>{item}</query>"
            )))
            .unwrap()
        };
        assert_eq!(
            pushed(&mut book, "<item jid='bob@x' subscription='to'/>"),
            None
        );
        assert_eq!(
            pushed(&mut book, "<item jid='bob@x' subscription='from'/>").as_deref(),
            Some("bob@x"),
            "no longer theirs to see"
        );
        assert_eq!(
            pushed(&mut book, "<item jid='bob@x' subscription='both'/>"),
            None
        );
        assert_eq!(
            pushed(&mut book, "<item jid='carol@x' subscription='remove'/>").as_deref(),
            Some("carol@x")
        );
        assert_eq!(book.items().len(), 1);
        assert!(book
            .apply_push(el("<query xmlns='jabber:iq:roster'/>"))
            .is_err());
    }

    #[test]
    fn a_roster_result_handled_after_pushes_does_not_undo_them() {
        let mut book = RosterBook::default();
        book.loading();
        book.apply_push(el(
            "<query xmlns='jabber:iq:roster'><item jid='alice@x' subscription='both'/></query>",
        ))
        .unwrap();
        book.apply_push(el(
            "<query xmlns='jabber:iq:roster'><item jid='carol@x' subscription='remove'/></query>",
        ))
        .unwrap();
        // The result was sent before those pushes.
        book.load(el(
            "<query xmlns='jabber:iq:roster'>\
            <item jid='bob@x' subscription='both'/><item jid='carol@x' subscription='to'/></query>",
        ))
        .unwrap();
        let jids: Vec<String> = book.items().into_iter().map(|i| i.jid).collect();
        assert_eq!(jids, ["alice@x", "bob@x"]);
        // Only while loading: a later result is the whole truth.
        book.load(el(
            "<query xmlns='jabber:iq:roster'><item jid='bob@x' subscription='both'/></query>",
        ))
        .unwrap();
        assert_eq!(book.items().len(), 1);
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
