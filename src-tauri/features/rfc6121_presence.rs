//! Presence, RFC 6121 §4 — <https://www.rfc-editor.org/rfc/rfc6121#section-4>.
//! Tracks each contact's available resources with show/status/priority,
//! and builds our own presence.

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};
use tokio_xmpp::parsers::caps::Caps;
use tokio_xmpp::parsers::message::Lang;
use tokio_xmpp::parsers::presence::{Presence, Priority, Show, Type};
use ts_rs::TS;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum PresenceShow {
    Available,
    Chat,
    Away,
    Xa,
    Dnd,
    Offline,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ResourcePresence {
    pub resource: String,
    pub show: PresenceShow,
    pub status: Option<String>,
    pub priority: i8,
}

/// All available resources of one contact (empty = offline).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ContactPresence {
    pub jid: String,
    pub resources: Vec<ResourcePresence>,
}

#[derive(Debug, Default)]
pub struct PresenceBook {
    contacts: HashMap<String, BTreeMap<String, ResourcePresence>>,
}

fn status_text(p: &Presence) -> Option<String> {
    p.statuses
        .get(&Lang::default())
        .or_else(|| p.statuses.values().next())
        .cloned()
        .filter(|s| !s.trim().is_empty())
}

/// Contacts whose presence is tracked at most: above a large company
/// roster, below what a flood of strangers' directed presence could grow.
pub const MAX_CONTACTS: usize = 20_000;
/// Resources of one contact online at once.
pub const MAX_RESOURCES: usize = 32;

impl PresenceBook {
    /// Apply an incoming presence; returns the contact's new state when it
    /// changed. Subscription requests and errors are not availability.
    ///
    /// Only an available presence creates an entry (errors, probes and
    /// unavailable presences from strangers leave nothing behind), and what
    /// anyone can send us is bounded: resources per contact, and contacts
    /// tracked at all.
    pub fn apply(&mut self, p: &Presence) -> Option<ContactPresence> {
        let from = p.from.as_ref()?;
        let bare = from.to_bare().to_string();
        let resource = from.resource().map(|r| r.to_string()).unwrap_or_default();
        match p.type_ {
            Type::None => {
                if !self.contacts.contains_key(&bare) && self.contacts.len() >= MAX_CONTACTS {
                    log::debug!("presence from {bare} ignored: {MAX_CONTACTS} contacts tracked");
                    return None;
                }
                let entry = self.contacts.entry(bare.clone()).or_default();
                if !entry.contains_key(&resource) && entry.len() >= MAX_RESOURCES {
                    log::debug!(
                        "presence from {from} ignored: {MAX_RESOURCES} resources of {bare} online"
                    );
                    return None;
                }
                let show = match p.show {
                    None => PresenceShow::Available,
                    Some(Show::Chat) => PresenceShow::Chat,
                    Some(Show::Away) => PresenceShow::Away,
                    Some(Show::Xa) => PresenceShow::Xa,
                    Some(Show::Dnd) => PresenceShow::Dnd,
                };
                let rp = ResourcePresence {
                    resource: resource.clone(),
                    show,
                    status: status_text(p),
                    priority: p.priority.0,
                };
                if entry.get(&resource) == Some(&rp) {
                    return None;
                }
                entry.insert(resource, rp);
            }
            Type::Unavailable => {
                let entry = self.contacts.get_mut(&bare)?;
                // A bare-JID unavailable means every resource went away.
                let removed = if from.resource().is_none() {
                    let had = !entry.is_empty();
                    entry.clear();
                    had
                } else {
                    entry.remove(&resource).is_some()
                };
                if entry.is_empty() {
                    self.contacts.remove(&bare);
                }
                if !removed {
                    return None;
                }
            }
            _ => return None,
        }
        Some(self.get(&bare))
    }

    pub fn get(&self, bare: &str) -> ContactPresence {
        ContactPresence {
            jid: bare.to_owned(),
            resources: self
                .contacts
                .get(bare)
                .map(|r| r.values().cloned().collect())
                .unwrap_or_default(),
        }
    }

    pub fn all(&self) -> Vec<ContactPresence> {
        self.contacts
            .keys()
            .map(|k| self.get(k))
            .filter(|c| !c.resources.is_empty())
            .collect()
    }

    /// We may no longer see `bare`'s presence (the roster says so): it goes
    /// offline here. Answers its new state if it was online.
    pub fn forget(&mut self, bare: &str) -> Option<ContactPresence> {
        let had = self.contacts.remove(bare)?;
        (!had.is_empty()).then(|| ContactPresence {
            jid: bare.to_owned(),
            resources: vec![],
        })
    }

    /// Everyone went offline from our point of view (link lost for good).
    pub fn clear(&mut self) -> Vec<ContactPresence> {
        let gone: Vec<_> = self
            .contacts
            .drain()
            .filter(|(_, r)| !r.is_empty())
            .map(|(jid, _)| ContactPresence {
                jid,
                resources: vec![],
            })
            .collect();
        gone
    }
}

/// Our own broadcast presence.
/// Our own presence; `caps` (XEP-0115) rides along when we are available.
pub fn own(show: PresenceShow, status: Option<&str>, priority: i8, caps: Option<Caps>) -> Presence {
    let mut p = match show {
        PresenceShow::Offline => Presence::new(Type::Unavailable),
        _ => Presence::new(Type::None),
    };
    p.show = match show {
        PresenceShow::Chat => Some(Show::Chat),
        PresenceShow::Away => Some(Show::Away),
        PresenceShow::Xa => Some(Show::Xa),
        PresenceShow::Dnd => Some(Show::Dnd),
        PresenceShow::Available | PresenceShow::Offline => None,
    };
    if let Some(s) = status.filter(|s| !s.is_empty()) {
        p.statuses.insert(Lang::default(), s.to_owned());
    }
    p.priority = Priority(priority);
    if show != PresenceShow::Offline {
        if let Some(caps) = caps {
            p.payloads.push(caps.into());
        }
    }
    p
}

#[cfg(test)]
mod tests {
    use super::*;

    fn presence(xml: &str) -> Presence {
        let el: tokio_xmpp::minidom::Element = xml.parse().unwrap();
        Presence::try_from(el).unwrap()
    }

    #[test]
    fn tracks_resources_show_and_status() {
        let mut book = PresenceBook::default();
        let c = book
            .apply(&presence("<presence xmlns='jabber:client' from='bob@x/phone'><show>away</show><status>lunch</status><priority>5</priority></presence>"))
            .unwrap();
        assert_eq!(c.resources[0].show, PresenceShow::Away);
        assert_eq!(c.resources[0].status.as_deref(), Some("lunch"));
        assert_eq!(c.resources[0].priority, 5);
        book.apply(&presence(
            "<presence xmlns='jabber:client' from='bob@x/pc'/>",
        ))
        .unwrap();
        assert_eq!(book.get("bob@x").resources.len(), 2);
        let c = book
            .apply(&presence(
                "<presence xmlns='jabber:client' type='unavailable' from='bob@x/phone'/>",
            ))
            .unwrap();
        assert_eq!(c.resources.len(), 1);
        assert!(book
            .apply(&presence(
                "<presence xmlns='jabber:client' type='subscribe' from='eve@x'/>"
            ))
            .is_none());
    }

    #[test]
    fn only_availability_makes_entries_and_strangers_cannot_grow_the_book() {
        let mut book = PresenceBook::default();
        for kind in ["error", "probe", "unavailable", "subscribe"] {
            let p = format!("<presence xmlns='jabber:client' type='{kind}' from='eve@x/r'/>");
            assert!(book.apply(&presence(&p)).is_none());
        }
        assert!(book.contacts.is_empty(), "{:?}", book.contacts.keys());
        for i in 0..MAX_RESOURCES + 10 {
            let p = format!("<presence xmlns='jabber:client' from='eve@x/r{i}'/>");
            book.apply(&presence(&p));
        }
        assert_eq!(book.get("eve@x").resources.len(), MAX_RESOURCES);
        for i in 0..MAX_CONTACTS + 10 {
            let p = format!("<presence xmlns='jabber:client' from='s{i}@x/r'/>");
            book.apply(&presence(&p));
        }
        assert_eq!(book.contacts.len(), MAX_CONTACTS);
        // Going offline frees the place.
        book.apply(&presence(
            "<presence xmlns='jabber:client' type='unavailable' from='eve@x'/>",
        ));
        assert_eq!(book.contacts.len(), MAX_CONTACTS - 1);
    }

    #[test]
    fn own_presence_carries_show_and_status() {
        let p = own(PresenceShow::Dnd, Some("in a meeting"), 0, None);
        let el: tokio_xmpp::minidom::Element = p.into();
        assert_eq!(el.get_child("show", "jabber:client").unwrap().text(), "dnd");
        assert_eq!(
            el.get_child("status", "jabber:client").unwrap().text(),
            "in a meeting"
        );
    }
}
