//! XEP-0402: PEP Native Bookmarks — <https://xmpp.org/extensions/xep-0402.html>.
//! One PEP item per room on our own account's node, published privately
//! (`access_model` whitelist). `<extensions/>` and anything else another
//! client put in an item are kept when Hearth edits it.

use tokio_xmpp::jid::{BareJid, Jid};
use tokio_xmpp::minidom::rxml::xml_ncname;
use tokio_xmpp::minidom::Element;
use tokio_xmpp::parsers::iq::Iq;

use super::bookmark::{non_empty, Bookmark};
use super::feature::Feature;

pub const NODE: &str = "urn:xmpp:bookmarks:1";
/// The server keeps XEP-0048 private storage in step with this node.
pub const COMPAT: &str = "urn:xmpp:bookmarks:1#compat";
pub const NS_PUBSUB: &str = "http://jabber.org/protocol/pubsub";
pub const NS_EVENT: &str = "http://jabber.org/protocol/pubsub#event";
pub const PUBLISH_OPTIONS: &str = "http://jabber.org/protocol/pubsub#publish-options";

/// PEP sends us changes to our own bookmarks (XEP-0402 §3.3) because our
/// capabilities ask for them.
pub const FEATURE: Feature = Feature::advertised(
    "XEP-0402 PEP Native Bookmarks",
    &["urn:xmpp:bookmarks:1+notify"],
);

pub fn request(id: &str, own: &BareJid) -> Iq {
    let items = Element::builder("items", NS_PUBSUB)
        .attr(xml_ncname!("node").to_owned(), NODE)
        .build();
    Iq::Get {
        from: None,
        to: Some(Jid::from(own.clone())),
        id: id.to_owned(),
        payload: Element::builder("pubsub", NS_PUBSUB).append(items).build(),
    }
}

fn flag(v: Option<&str>) -> bool {
    matches!(v, Some("true") | Some("1"))
}

/// An `<item id='room'><conference/></item>` (of a fetch or a push) as a
/// bookmark, with the raw `<conference/>` to keep what others put in it.
pub fn read_item(item: &Element) -> Option<(Bookmark, Element)> {
    let room = item.attr("id")?.parse::<Jid>().ok()?.to_bare().to_string();
    let c = item.get_child("conference", NODE)?;
    Some((
        Bookmark {
            jid: room,
            name: non_empty(c.attr("name").map(str::to_owned)),
            nick: non_empty(c.get_child("nick", NODE).map(Element::text)),
            password: non_empty(c.get_child("password", NODE).map(Element::text)),
            autojoin: flag(c.attr("autojoin")),
        },
        c.clone(),
    ))
}

/// The items of a fetch answer (`<pubsub><items>…`).
pub fn read_items(answer: Option<&Element>) -> Vec<(Bookmark, Element)> {
    answer
        .and_then(|p| p.get_child("items", NS_PUBSUB))
        .map(|items| {
            items
                .children()
                .filter(|c| c.is("item", NS_PUBSUB))
                .filter_map(read_item)
                .collect()
        })
        .unwrap_or_default()
}

fn conference(b: &Bookmark, old: Option<&Element>) -> Element {
    let mut e = Element::builder("conference", NODE).attr(
        xml_ncname!("autojoin").to_owned(),
        if b.autojoin { "true" } else { "false" },
    );
    if let Some(name) = &b.name {
        e = e.attr(xml_ncname!("name").to_owned(), name.as_str());
    }
    if let Some(nick) = &b.nick {
        e = e.append(Element::builder("nick", NODE).append(nick.as_str()));
    }
    if let Some(pw) = &b.password {
        e = e.append(Element::builder("password", NODE).append(pw.as_str()));
    }
    if let Some(old) = old {
        for child in old.children() {
            if !(child.is("nick", NODE) || child.is("password", NODE)) {
                e = e.append(child.clone());
            }
        }
    }
    e.build()
}

fn field(var: &str, value: &str) -> Element {
    let mut f = Element::builder("field", "jabber:x:data").attr(xml_ncname!("var").to_owned(), var);
    if var == "FORM_TYPE" {
        f = f.attr(xml_ncname!("type").to_owned(), "hidden");
    }
    f.append(Element::builder("value", "jabber:x:data").append(value))
        .build()
}

/// The node configuration a publish asks for (XEP-0060 §7.1.5).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PublishOptions {
    /// All that XEP-0402 §3 asks for.
    Full,
    /// Only what keeps the bookmarks stored and private, for servers that
    /// refuse the rest as unknown fields (ejabberd 23.01 knows neither
    /// `pubsub#max_items` nor `pubsub#send_last_published_item` there);
    /// the node is configured for the rest first.
    Essential,
}

/// Publish (add or replace) one bookmark, privately and persistently.
pub fn publish(id: &str, b: &Bookmark, old: Option<&Element>, options: PublishOptions) -> Iq {
    let item = Element::builder("item", NS_PUBSUB)
        .attr(xml_ncname!("id").to_owned(), b.jid.as_str())
        .append(conference(b, old));
    let publish = Element::builder("publish", NS_PUBSUB)
        .attr(xml_ncname!("node").to_owned(), NODE)
        .append(item);
    let mut form = Element::builder("x", "jabber:x:data")
        .attr(xml_ncname!("type").to_owned(), "submit")
        .append(field("FORM_TYPE", PUBLISH_OPTIONS))
        .append(field("pubsub#persist_items", "true"))
        .append(field("pubsub#access_model", "whitelist"));
    if options == PublishOptions::Full {
        form = form
            .append(field("pubsub#max_items", "max"))
            .append(field("pubsub#send_last_published_item", "never"));
    }
    let options = Element::builder("publish-options", NS_PUBSUB).append(form);
    pubsub_set(id, NS_PUBSUB, [publish.build(), options.build()])
}

/// An IQ set on our own PEP service with `<pubsub xmlns=ns>` around `children`.
fn pubsub_set(id: &str, ns: &str, children: impl IntoIterator<Item = Element>) -> Iq {
    Iq::Set {
        from: None,
        to: None,
        id: id.to_owned(),
        payload: Element::builder("pubsub", ns).append_all(children).build(),
    }
}

pub const NS_PUBSUB_OWNER: &str = "http://jabber.org/protocol/pubsub#owner";
const NODE_CONFIG: &str = "http://jabber.org/protocol/pubsub#node_config";

/// The node configuration XEP-0402 §3 asks for, as a submitted form.
fn node_config() -> Element {
    Element::builder("x", "jabber:x:data")
        .attr(xml_ncname!("type").to_owned(), "submit")
        .append(field("FORM_TYPE", NODE_CONFIG))
        .append(field("pubsub#persist_items", "true"))
        .append(field("pubsub#max_items", "max"))
        .append(field("pubsub#send_last_published_item", "never"))
        .append(field("pubsub#access_model", "whitelist"))
        .build()
}

/// Create the node configured as XEP-0402 wants (XEP-0060 §8.1.3), for a
/// server that does not take that configuration as publish options.
pub fn create_configured(id: &str) -> Iq {
    let create = Element::builder("create", NS_PUBSUB)
        .attr(xml_ncname!("node").to_owned(), NODE)
        .build();
    let configure = Element::builder("configure", NS_PUBSUB)
        .append(node_config())
        .build();
    pubsub_set(id, NS_PUBSUB, [create, configure])
}

/// Configure the existing node as XEP-0402 wants (XEP-0060 §8.2.4): a node
/// another client created may keep a single item (ejabberd's default).
pub fn configure(id: &str) -> Iq {
    let configure = Element::builder("configure", NS_PUBSUB_OWNER)
        .attr(xml_ncname!("node").to_owned(), NODE)
        .append(node_config())
        .build();
    pubsub_set(id, NS_PUBSUB_OWNER, [configure])
}

pub fn retract(id: &str, room: &str) -> Iq {
    let item = Element::builder("item", NS_PUBSUB)
        .attr(xml_ncname!("id").to_owned(), room)
        .build();
    let retract = Element::builder("retract", NS_PUBSUB)
        .attr(xml_ncname!("node").to_owned(), NODE)
        .attr(xml_ncname!("notify").to_owned(), "true")
        .append(item)
        .build();
    pubsub_set(id, NS_PUBSUB, [retract])
}

/// A change pushed by our own account's PEP service.
#[derive(Debug, Clone, PartialEq)]
pub enum Push {
    Published(Bookmark, Element),
    Retracted(String),
}

/// Read a PEP event message. Callers check it came from our own bare JID.
pub fn read_push(event: &Element) -> Vec<Push> {
    let Some(items) = event
        .children()
        .find(|c| c.is("items", NS_EVENT) && c.attr("node") == Some(NODE))
    else {
        return vec![];
    };
    items
        .children()
        .filter_map(|c| {
            if c.is("item", NS_EVENT) {
                read_item(c).map(|(b, raw)| Push::Published(b, raw))
            } else if c.is("retract", NS_EVENT) {
                Some(Push::Retracted(
                    c.attr("id")?.parse::<Jid>().ok()?.to_bare().to_string(),
                ))
            } else {
                None
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn items_round_trip_and_keep_extensions() {
        let answer: Element = "<pubsub xmlns='http://jabber.org/protocol/pubsub'>
              <items node='urn:xmpp:bookmarks:1'>
                <item id='team@conf.example'>
                  <conference xmlns='urn:xmpp:bookmarks:1' name='Team' autojoin='true'>
                    <nick>anna</nick>
                    <extensions><state xmlns='urn:example:x'/></extensions>
                  </conference>
                </item>
              </items></pubsub>"
            .parse()
            .unwrap();
        let items = read_items(Some(&answer));
        assert_eq!(items.len(), 1);
        let (b, old) = &items[0];
        assert!(b.autojoin);
        assert_eq!(b.nick.as_deref(), Some("anna"));
        let iq = publish("1", b, Some(old), PublishOptions::Full);
        let Iq::Set { payload, .. } = iq else {
            panic!()
        };
        let xml = String::from(&payload);
        assert!(xml.contains("urn:example:x"), "{xml}");
        assert!(xml.contains("whitelist"), "{xml}");
        assert!(xml.contains("pubsub#max_items"), "{xml}");
        let Iq::Set { payload, .. } = publish("2", b, Some(old), PublishOptions::Essential) else {
            panic!()
        };
        let xml = String::from(&payload);
        assert!(
            xml.contains("whitelist") && xml.contains("pubsub#persist_items"),
            "{xml}"
        );
        assert!(!xml.contains("pubsub#max_items"), "{xml}");
        assert!(!xml.contains("pubsub#send_last_published_item"), "{xml}");
    }

    #[test]
    fn pushes_are_read() {
        let event: Element = "<event xmlns='http://jabber.org/protocol/pubsub#event'>
              <items node='urn:xmpp:bookmarks:1'>
                <retract id='gone@conf.example'/>
              </items></event>"
            .parse()
            .unwrap();
        assert_eq!(
            read_push(&event),
            vec![Push::Retracted("gone@conf.example".into())]
        );
    }
}
