//! XEP-0048: Bookmarks, stored with XEP-0049 Private XML Storage —
//! <https://xmpp.org/extensions/xep-0048.html>. This is how Openfire keeps
//! bookmarks. The whole list is one document: writing it back keeps every
//! element Hearth does not manage (URL bookmarks, other clients' extras).

use tokio_xmpp::jid::Jid;
use tokio_xmpp::minidom::rxml::xml_ncname;
use tokio_xmpp::minidom::Element;
use tokio_xmpp::parsers::iq::Iq;

use super::bookmark::{non_empty, Bookmark};

pub const NS: &str = "storage:bookmarks";
pub const NS_PRIVATE: &str = "jabber:iq:private";

fn storage(children: Vec<Element>) -> Element {
    Element::builder("storage", NS).append_all(children).build()
}

/// Ask for the stored list (no `to`: private storage is our account's).
pub fn request(id: &str) -> Iq {
    let query = Element::builder("query", NS_PRIVATE)
        .append(storage(vec![]))
        .build();
    Iq::Get {
        from: None,
        to: None,
        id: id.to_owned(),
        payload: query,
    }
}

/// The `<storage/>` document inside a private-storage answer.
pub fn storage_of(answer: Option<&Element>) -> Option<Element> {
    answer?
        .get_child("storage", NS)
        .cloned()
        .filter(|s| s.is("storage", NS))
}

fn flag(v: Option<&str>) -> bool {
    matches!(v, Some("true") | Some("1"))
}

pub fn read(storage: &Element) -> Vec<Bookmark> {
    storage
        .children()
        .filter(|c| c.is("conference", NS))
        .filter_map(|c| {
            let jid = c.attr("jid")?.parse::<Jid>().ok()?.to_bare().to_string();
            Some(Bookmark {
                jid,
                name: non_empty(c.attr("name").map(str::to_owned)),
                nick: non_empty(c.get_child("nick", NS).map(Element::text)),
                password: non_empty(c.get_child("password", NS).map(Element::text)),
                autojoin: flag(c.attr("autojoin")),
            })
        })
        .collect()
}

fn conference(b: &Bookmark, old: Option<&Element>) -> Element {
    let mut e = Element::builder("conference", NS)
        .attr(xml_ncname!("jid").to_owned(), b.jid.as_str())
        .attr(
            xml_ncname!("autojoin").to_owned(),
            if b.autojoin { "true" } else { "false" },
        );
    if let Some(name) = &b.name {
        e = e.attr(xml_ncname!("name").to_owned(), name.as_str());
    }
    if let Some(nick) = &b.nick {
        e = e.append(Element::builder("nick", NS).append(nick.as_str()));
    }
    if let Some(pw) = &b.password {
        e = e.append(Element::builder("password", NS).append(pw.as_str()));
    }
    // Keep what other clients put inside this bookmark.
    if let Some(old) = old {
        for child in old.children() {
            if !(child.is("nick", NS) || child.is("password", NS)) {
                e = e.append(child.clone());
            }
        }
    }
    e.build()
}

/// The new document: `bookmarks` as the conferences, every other element
/// of `previous` kept as it was.
pub fn write(previous: Option<&Element>, bookmarks: &[Bookmark]) -> Element {
    let mut children: Vec<Element> = previous
        .map(|p| {
            p.children()
                .filter(|c| !c.is("conference", NS))
                .cloned()
                .collect()
        })
        .unwrap_or_default();
    for b in bookmarks {
        let old = previous.and_then(|p| {
            p.children().find(|c| {
                c.is("conference", NS)
                    && c.attr("jid")
                        .and_then(|j| j.parse::<Jid>().ok())
                        .is_some_and(|j| j.to_bare().to_string() == b.jid)
            })
        });
        children.push(conference(b, old));
    }
    storage(children)
}

pub fn store(id: &str, document: Element) -> Iq {
    let query = Element::builder("query", NS_PRIVATE)
        .append(document)
        .build();
    Iq::Set {
        from: None,
        to: None,
        id: id.to_owned(),
        payload: query,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writing_back_keeps_urls_and_foreign_children() {
        let before: Element = "<storage xmlns='storage:bookmarks'>
              <conference jid='team@conf.example' name='Team' autojoin='1'>
                <nick>anna</nick><x xmlns='urn:example:other-client' flag='1'/>
              </conference>
              <conference jid='old@conf.example' autojoin='false'/>
              <url name='Wiki' url='https://wiki.example'/>
            </storage>"
            .parse()
            .unwrap();
        let mut list = read(&before);
        assert_eq!(list.len(), 2);
        assert!(list[0].autojoin && list[0].nick.as_deref() == Some("anna"));
        list[0].name = Some("The team".into());
        list.remove(1);
        let after = write(Some(&before), &list);
        let xml = String::from(&after);
        assert!(xml.contains("https://wiki.example"), "{xml}");
        assert!(xml.contains("urn:example:other-client"), "{xml}");
        assert!(xml.contains("The team"), "{xml}");
        assert!(!xml.contains("old@conf.example"), "{xml}");
        assert_eq!(read(&after), list);
    }
}
