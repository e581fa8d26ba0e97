//! A room bookmark, whichever protocol stored it (XEP-0048 or XEP-0402),
//! and how two copies of the list are merged without losing an entry.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// A bookmark as the backend keeps it. The room password stays in the
/// backend: the UI sees only whether there is one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bookmark {
    /// The room's bare JID.
    pub jid: String,
    pub name: Option<String>,
    pub nick: Option<String>,
    pub password: Option<String>,
    pub autojoin: bool,
}

/// A bookmark as the UI sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct BookmarkView {
    pub jid: String,
    pub name: Option<String>,
    pub nick: Option<String>,
    pub autojoin: bool,
    pub has_password: bool,
}

impl From<&Bookmark> for BookmarkView {
    fn from(b: &Bookmark) -> Self {
        Self {
            jid: b.jid.clone(),
            name: b.name.clone(),
            nick: b.nick.clone(),
            autojoin: b.autojoin,
            has_password: b.password.as_deref().is_some_and(|p| !p.is_empty()),
        }
    }
}

/// The union of two lists by room. Where both hold a room, `preferred`
/// wins field by field, falling back to `other` for what it lacks.
pub fn merge(preferred: &[Bookmark], other: &[Bookmark]) -> Vec<Bookmark> {
    let mut by_room: BTreeMap<String, Bookmark> =
        other.iter().map(|b| (b.jid.clone(), b.clone())).collect();
    for b in preferred {
        let merged = match by_room.remove(&b.jid) {
            Some(o) => Bookmark {
                jid: b.jid.clone(),
                name: b.name.clone().or(o.name),
                nick: b.nick.clone().or(o.nick),
                password: b.password.clone().or(o.password),
                autojoin: b.autojoin,
            },
            None => b.clone(),
        };
        by_room.insert(b.jid.clone(), merged);
    }
    by_room.into_values().collect()
}

pub(crate) fn non_empty(s: Option<String>) -> Option<String> {
    s.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn b(jid: &str, name: Option<&str>, autojoin: bool) -> Bookmark {
        Bookmark {
            jid: jid.into(),
            name: name.map(Into::into),
            nick: None,
            password: None,
            autojoin,
        }
    }

    #[test]
    fn merging_keeps_every_room_of_either_list() {
        let pep = [b("a@c", Some("A"), true), b("b@c", None, false)];
        let private = [
            Bookmark {
                password: Some("pw".into()),
                ..b("b@c", Some("Bee"), true)
            },
            b("z@c", Some("Zed"), true),
        ];
        let merged = merge(&pep, &private);
        let rooms: Vec<_> = merged.iter().map(|m| m.jid.as_str()).collect();
        assert_eq!(rooms, ["a@c", "b@c", "z@c"]);
        let bee = &merged[1];
        assert_eq!(bee.name.as_deref(), Some("Bee"));
        assert_eq!(bee.password.as_deref(), Some("pw"));
        assert!(!bee.autojoin, "the preferred list decides autojoin");
        assert!(BookmarkView::from(bee).has_password);
    }
}
