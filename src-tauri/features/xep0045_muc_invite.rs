//! Invitations to rooms: mediated through the room (XEP-0045 §7.8.2) and
//! direct (XEP-0249, <https://xmpp.org/extensions/xep-0249.html>).

use tokio_xmpp::jid::{BareJid, Jid};
use tokio_xmpp::minidom::rxml::xml_ncname;
use tokio_xmpp::minidom::Element;
use tokio_xmpp::parsers::message::Message;

use super::feature::Feature;
use super::xep0045_muc::NS_USER;

pub const NS_DIRECT: &str = "jabber:x:conference";

pub const FEATURE: Feature = Feature::advertised("XEP-0249 Direct MUC Invitations", &[NS_DIRECT]);

/// An invitation someone sent us.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invite {
    pub room: BareJid,
    /// Who invited us (bare JID).
    pub from: String,
    pub reason: Option<String>,
    pub password: Option<String>,
    /// XEP-0249 (no decline message exists for it).
    pub direct: bool,
}

fn text(e: Option<&Element>) -> Option<String> {
    e.map(Element::text).filter(|t| !t.trim().is_empty())
}

/// Read an invitation in `m`, whichever kind it is. A mediated one wins:
/// rooms add a legacy `jabber:x:conference` copy to it.
///
/// A mediated invitation is believed only from a room, which sends it from
/// its bare JID: from anyone else (a client always has a resource) its
/// `from` would let a stranger name any inviter. It is then a direct
/// invitation at most, shown with its real sender.
pub fn read(m: &Message) -> Option<Invite> {
    let sender = m.from.as_ref()?;
    let from_a_room = sender.resource().is_none();
    let mediated = m.payloads.iter().filter(|_| from_a_room).find_map(|p| {
        let invite = p
            .is("x", NS_USER)
            .then(|| p.get_child("invite", NS_USER))
            .flatten()?;
        Some(Invite {
            room: sender.to_bare(),
            // A semi-anonymous room names the inviter by occupant JID
            // (room/nick): keep the nick then.
            from: invite
                .attr("from")
                .and_then(|f| f.parse::<Jid>().ok())
                .map(|j| {
                    if j.to_bare() == sender.to_bare() {
                        j.to_string()
                    } else {
                        j.to_bare().to_string()
                    }
                })
                .unwrap_or_else(|| sender.to_bare().to_string()),
            reason: text(invite.get_child("reason", NS_USER)),
            password: text(p.get_child("password", NS_USER)),
            direct: false,
        })
    });
    if mediated.is_some() {
        return mediated;
    }
    let p = m.payloads.iter().find(|p| p.is("x", NS_DIRECT))?;
    Some(Invite {
        room: p.attr("jid")?.parse::<Jid>().ok()?.to_bare(),
        from: sender.to_bare().to_string(),
        reason: p
            .attr("reason")
            .map(str::to_owned)
            .filter(|r| !r.is_empty()),
        password: p
            .attr("password")
            .map(str::to_owned)
            .filter(|r| !r.is_empty()),
        direct: true,
    })
}

/// Invitations are `normal` messages (a `chat` one is refused by rooms).
fn with_payload(mut m: Message, payload: Element) -> Message {
    m.type_ = tokio_xmpp::parsers::message::MessageType::Normal;
    m.payloads.push(payload);
    m
}

/// Ask the room to invite `who` (it adds them to the member list when the
/// room is members-only and we may).
pub fn mediated(room: &BareJid, who: &BareJid, reason: Option<&str>) -> Message {
    let mut invite =
        Element::builder("invite", NS_USER).attr(xml_ncname!("to").to_owned(), who.to_string());
    if let Some(r) = reason.filter(|r| !r.trim().is_empty()) {
        invite = invite.append(Element::builder("reason", NS_USER).append(r));
    }
    let x = Element::builder("x", NS_USER).append(invite).build();
    with_payload(Message::new(Some(Jid::from(room.clone()))), x)
}

/// Invite `who` directly (XEP-0249).
pub fn direct(room: &BareJid, who: &BareJid, reason: Option<&str>) -> Message {
    let mut x =
        Element::builder("x", NS_DIRECT).attr(xml_ncname!("jid").to_owned(), room.to_string());
    if let Some(r) = reason.filter(|r| !r.trim().is_empty()) {
        x = x.attr(xml_ncname!("reason").to_owned(), r);
    }
    with_payload(Message::new(Some(Jid::from(who.clone()))), x.build())
}

/// Decline a mediated invitation; the room tells the inviter.
pub fn decline(room: &BareJid, inviter: &str, reason: Option<&str>) -> Message {
    let mut d = Element::builder("decline", NS_USER).attr(xml_ncname!("to").to_owned(), inviter);
    if let Some(r) = reason.filter(|r| !r.trim().is_empty()) {
        d = d.append(Element::builder("reason", NS_USER).append(r));
    }
    let x = Element::builder("x", NS_USER).append(d).build();
    with_payload(Message::new(Some(Jid::from(room.clone()))), x)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(xml: &str) -> Message {
        Message::try_from(xml.parse::<Element>().unwrap()).unwrap()
    }

    #[test]
    fn both_kinds_are_read() {
        let mediated = message(
            "<message xmlns='jabber:client' from='team@conf.example'>
               <x xmlns='http://jabber.org/protocol/muc#user'>
                 <invite from='anna@example/pc'><reason>Standup</reason></invite>
                 <password>s3cret</password>
               </x></message>",
        );
        let i = read(&mediated).unwrap();
        assert_eq!(i.room.to_string(), "team@conf.example");
        assert_eq!(i.from, "anna@example");
        assert_eq!(i.password.as_deref(), Some("s3cret"));
        assert!(!i.direct);
        let direct = message(
            "<message xmlns='jabber:client' from='anna@example/pc'>
               <x xmlns='jabber:x:conference' jid='team@conf.example' reason='Join us'/></message>",
        );
        let i = read(&direct).unwrap();
        assert!(i.direct && i.from == "anna@example");
        assert_eq!(i.reason.as_deref(), Some("Join us"));
    }

    #[test]
    fn a_mediated_invitation_from_a_client_is_not_believed() {
        // mallory claims the boss invites us to mallory's "room".
        let forged = "<message xmlns='jabber:client' from='mallory@evil.example/pc'>
               <x xmlns='http://jabber.org/protocol/muc#user'>
                 <invite from='boss@company.example'><reason>Urgent</reason></invite>
               </x>@@DIRECT@@</message>";
        assert_eq!(read(&message(&forged.replace("@@DIRECT@@", ""))), None);
        // With a direct copy, it is mallory's direct invitation.
        let both = forged.replace(
            "@@DIRECT@@",
            "<x xmlns='jabber:x:conference' jid='trap@conf.evil.example'/>",
        );
        let i = read(&message(&both)).unwrap();
        assert!(i.direct);
        assert_eq!(i.from, "mallory@evil.example");
        assert_eq!(i.room.to_string(), "trap@conf.evil.example");
    }
}
