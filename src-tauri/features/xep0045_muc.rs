//! XEP-0045: Multi-User Chat — <https://xmpp.org/extensions/xep-0045.html>.
//!
//! Building the stanzas to join, leave, talk and change the subject, and
//! reading what a room sends: occupant presence (with roles, affiliations
//! and status codes), groupchat messages, subjects and join errors. The
//! muc#user payload is read leniently from the raw element: a status code
//! or attribute this code does not know must not lose the occupant.
//! Callers pass only stanzas whose sender is a room we are in.

use serde::{Deserialize, Serialize};
use tokio_xmpp::jid::{BareJid, Jid};
use tokio_xmpp::minidom::rxml::xml_ncname;
use tokio_xmpp::minidom::Element;
use tokio_xmpp::parsers::iq::Iq;
use tokio_xmpp::parsers::message::{Id, Lang, Message, MessageType};
use tokio_xmpp::parsers::presence::{Presence, Show, Type as PresenceType};
use tokio_xmpp::parsers::stanza_error::StanzaError;
use tokio_xmpp::parsers::stanza_id::OriginId;
use ts_rs::TS;

use super::feature::Feature;
use super::rfc6121_messages::{best_body, bodiless_amendment, remote_error};
use super::rfc6121_presence::PresenceShow;
use super::{xep0203_delay, xep0359_stanza_ids};
use crate::error::{ErrorCode, Problem};
use crate::store::{DeliveryState, MessageDirection, MessageKind, NewMessage};

pub const NS: &str = "http://jabber.org/protocol/muc";
pub const NS_USER: &str = "http://jabber.org/protocol/muc#user";
pub const NS_OWNER: &str = "http://jabber.org/protocol/muc#owner";

pub const FEATURE: Feature = Feature::advertised("XEP-0045 Multi-User Chat", &[NS]);

/// How many messages of history to ask for on a first join.
pub const HISTORY_ON_JOIN: u32 = 50;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum Role {
    Moderator,
    Participant,
    Visitor,
    None,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum Affiliation {
    Owner,
    Admin,
    Member,
    Outcast,
    None,
}

fn role(s: Option<&str>) -> Role {
    match s {
        Some("moderator") => Role::Moderator,
        Some("participant") => Role::Participant,
        Some("visitor") => Role::Visitor,
        _ => Role::None,
    }
}

fn affiliation(s: Option<&str>) -> Affiliation {
    match s {
        Some("owner") => Affiliation::Owner,
        Some("admin") => Affiliation::Admin,
        Some("member") => Affiliation::Member,
        Some("outcast") => Affiliation::Outcast,
        _ => Affiliation::None,
    }
}

/// Someone in a room, as the room shows them to us.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Occupant {
    pub nick: String,
    pub role: Role,
    pub affiliation: Affiliation,
    /// Only in non-anonymous rooms, or for moderators.
    pub real_jid: Option<String>,
    pub show: PresenceShow,
    pub status: Option<String>,
}

/// Why an occupant is no longer in the room.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum Departure {
    Left,
    NickChanged {
        new_nick: String,
    },
    Kicked {
        reason: Option<String>,
    },
    Banned {
        reason: Option<String>,
    },
    /// Removed because of an affiliation change (e.g. members-only).
    Removed,
    /// The room or service shut down.
    Shutdown,
    /// The owner destroyed the room.
    Destroyed {
        reason: Option<String>,
    },
}

/// What an occupant presence from a room means.
#[derive(Debug, Clone, PartialEq)]
pub enum OccupantUpdate {
    Present {
        occupant: Occupant,
        /// Status 110: this is us.
        is_self: bool,
        /// Status 201: we just created the room and it waits for its
        /// configuration.
        created: bool,
    },
    Gone {
        nick: String,
        is_self: bool,
        why: Departure,
    },
    /// The room refused our presence (joining, or changing nick).
    Refused { nick: String, problem: Problem },
}

struct UserData {
    codes: Vec<u16>,
    item: Option<Element>,
    destroy: Option<Element>,
}

fn user_data(payloads: &[Element]) -> Option<UserData> {
    let x = payloads.iter().find(|p| p.is("x", NS_USER))?;
    let codes = x
        .children()
        .filter(|c| c.is("status", NS_USER))
        .filter_map(|c| c.attr("code").and_then(|v| v.parse().ok()))
        .collect();
    let item = x.children().find(|c| c.is("item", NS_USER)).cloned();
    let destroy = x.children().find(|c| c.is("destroy", NS_USER)).cloned();
    Some(UserData {
        codes,
        item,
        destroy,
    })
}

fn show(p: &Presence) -> PresenceShow {
    match p.show {
        None => PresenceShow::Available,
        Some(Show::Chat) => PresenceShow::Chat,
        Some(Show::Away) => PresenceShow::Away,
        Some(Show::Xa) => PresenceShow::Xa,
        Some(Show::Dnd) => PresenceShow::Dnd,
    }
}

fn reason(item: Option<&Element>) -> Option<String> {
    item?
        .children()
        .find(|c| c.is("reason", NS_USER))
        .map(|r| r.text())
        .filter(|t| !t.trim().is_empty())
}

/// Read an occupant presence (`from` = room/nick).
pub fn read_presence(p: &Presence) -> Option<OccupantUpdate> {
    let nick = p.from.as_ref()?.resource()?.to_string();
    if p.type_ == PresenceType::Error {
        let error = p
            .payloads
            .iter()
            .find(|e| e.is("error", "jabber:client"))
            .and_then(|e| StanzaError::try_from(e.clone()).ok());
        return Some(OccupantUpdate::Refused {
            nick,
            problem: join_problem(error.as_ref()),
        });
    }
    let data = user_data(&p.payloads)?;
    let is_self = data.codes.contains(&110);
    let item = data.item.as_ref();
    if p.type_ == PresenceType::Unavailable {
        let why = if let Some(d) = &data.destroy {
            Departure::Destroyed {
                reason: d
                    .get_child("reason", NS_USER)
                    .map(Element::text)
                    .filter(|t| !t.trim().is_empty()),
            }
        } else if data.codes.contains(&303) {
            match item.and_then(|i| i.attr("nick")) {
                Some(new_nick) => Departure::NickChanged {
                    new_nick: new_nick.to_owned(),
                },
                None => Departure::Left,
            }
        } else if data.codes.contains(&301) {
            Departure::Banned {
                reason: reason(item),
            }
        } else if data.codes.contains(&307) {
            Departure::Kicked {
                reason: reason(item),
            }
        } else if data.codes.contains(&321) || data.codes.contains(&322) {
            Departure::Removed
        } else if data.codes.contains(&332) {
            Departure::Shutdown
        } else {
            Departure::Left
        };
        // The room tells each occupant of its destruction once (§10.9),
        // without status 110 in the XEP's example and from ejabberd: a
        // destroy is always about us.
        let is_self = is_self || matches!(why, Departure::Destroyed { .. });
        return Some(OccupantUpdate::Gone { nick, is_self, why });
    }
    if p.type_ != PresenceType::None {
        return None;
    }
    let occupant = Occupant {
        nick,
        role: role(item.and_then(|i| i.attr("role"))),
        affiliation: affiliation(item.and_then(|i| i.attr("affiliation"))),
        real_jid: item
            .and_then(|i| i.attr("jid"))
            .and_then(|j| j.parse::<Jid>().ok())
            .map(|j| j.to_bare().to_string()),
        show: show(p),
        status: p.statuses.values().next().cloned(),
    };
    Some(OccupantUpdate::Present {
        occupant,
        is_self,
        created: data.codes.contains(&201),
    })
}

/// The refusal of a join (or nick change) (XEP-0045 §7.2): the condition
/// says why (`conflict`: nick taken, `registration-required`: members
/// only, `forbidden`: banned, `not-authorized`: password, …).
pub fn join_problem(error: Option<&StanzaError>) -> Problem {
    let problem = Problem::of(ErrorCode::RoomJoinRefused);
    match error.map(remote_error) {
        Some(e) => problem.condition(e.condition).server_text(e.text),
        None => problem,
    }
}

fn occupant_jid(room: &BareJid, nick: &str) -> Option<Jid> {
    room.with_resource_str(nick).ok().map(Jid::from)
}

/// What history a join asks the room for (XEP-0045 §7.2.13).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum History {
    /// What came since the newest message we hold (ms since the epoch).
    Since(i64),
    /// The last messages: a first join.
    Recent,
    /// Nothing: the room's archive (XEP-0313) is read instead.
    None,
}

/// Our presence entering `room` as `nick`, asking for `history`.
pub fn join(
    room: &BareJid,
    nick: &str,
    password: Option<&str>,
    history: History,
) -> Option<Presence> {
    let to = occupant_jid(room, nick)?;
    let mut x = Element::builder("x", NS);
    if let Some(pw) = password.filter(|p| !p.is_empty()) {
        x = x.append(Element::builder("password", NS).append(pw.to_owned()));
    }
    let since = match history {
        History::Since(ms) => chrono::DateTime::from_timestamp_millis(ms),
        _ => None,
    };
    let history = match (since, history) {
        (Some(since), _) => Element::builder("history", NS).attr(
            xml_ncname!("since").to_owned(),
            since.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
        ),
        (None, History::None) => {
            Element::builder("history", NS).attr(xml_ncname!("maxstanzas").to_owned(), "0")
        }
        (None, _) => Element::builder("history", NS).attr(
            xml_ncname!("maxstanzas").to_owned(),
            HISTORY_ON_JOIN.to_string(),
        ),
    };
    x = x.append(history);
    Some(
        Presence::new(PresenceType::None)
            .with_to(to)
            .with_payloads(vec![x.build()]),
    )
}

pub fn leave(room: &BareJid, nick: &str) -> Option<Presence> {
    Some(Presence::new(PresenceType::Unavailable).with_to(occupant_jid(room, nick)?))
}

/// A nickname change is a presence to the new occupant JID.
pub fn change_nick(room: &BareJid, new_nick: &str) -> Option<Presence> {
    Some(Presence::new(PresenceType::None).with_to(occupant_jid(room, new_nick)?))
}

/// Accept the default configuration of a room we just created ("instant
/// room", §10.1.2), which unlocks it.
pub fn instant_room(id: &str, room: &BareJid) -> Iq {
    // An empty submit form: no FORM_TYPE field (servers reject an empty one).
    let form = Element::builder("x", "jabber:x:data")
        .attr(xml_ncname!("type").to_owned(), "submit")
        .build();
    let query = Element::builder("query", NS_OWNER).append(form).build();
    Iq::Set {
        from: None,
        to: Some(Jid::from(room.clone())),
        id: id.to_owned(),
        payload: query,
    }
}

/// A message to everyone in the room; its id doubles as origin-id, so our
/// own message coming back from the room is recognised.
pub fn groupchat(room: &BareJid, body: &str, now_ms: i64, our_nick: &str) -> (Message, NewMessage) {
    let id = xep0359_stanza_ids::new_id();
    let mut m = Message::new(Some(Jid::from(room.clone())))
        .with_body(Lang::default(), body.to_owned())
        .with_payload(OriginId { id: id.clone() });
    m.type_ = MessageType::Groupchat;
    m.id = Some(Id(id.clone()));
    let record = NewMessage {
        peer: room.to_string(),
        direction: MessageDirection::Out,
        kind: MessageKind::Groupchat,
        message_id: Some(id.clone()),
        origin_id: Some(id),
        stanza_id: None,
        body: body.to_owned(),
        subject: None,
        timestamp: now_ms,
        state: DeliveryState::Queued,
        sender: Some(our_nick.to_owned()),
        reply: None,
        unstyled: false,
        occupant_id: None,
    };
    (m, record)
}

pub fn set_subject(room: &BareJid, subject: &str) -> Message {
    let mut m = Message::new(Some(Jid::from(room.clone())));
    m.type_ = MessageType::Groupchat;
    m.subjects.insert(Lang::default(), subject.to_owned());
    m
}

/// What a groupchat message from a room means.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RoomMessage {
    Message(NewMessage),
    /// The room's subject (empty = cleared), and who set it.
    Subject {
        subject: String,
        by: Option<String>,
    },
    Ignored,
}

/// Read a `groupchat` message from `room` (`from` = room or room/nick).
/// `our_nick` marks our own messages as outgoing.
pub fn read_message(m: &Message, room: &BareJid, our_nick: &str, now_ms: i64) -> RoomMessage {
    if m.type_ != MessageType::Groupchat {
        return RoomMessage::Ignored;
    }
    let sender = m
        .from
        .as_ref()
        .and_then(|f| f.resource())
        .map(|r| r.to_string());
    // A retraction or a reaction needs no body (a fallback is never shown).
    let body = best_body(m).or_else(|| bodiless_amendment(m).then(String::new));
    if body.is_none() {
        if let Some(subject) = m.subjects.values().next() {
            return RoomMessage::Subject {
                subject: subject.clone(),
                by: sender,
            };
        }
        return RoomMessage::Ignored;
    }
    let Some(body) = body else {
        return RoomMessage::Ignored;
    };
    let direction = if sender.as_deref() == Some(our_nick) {
        MessageDirection::Out
    } else {
        MessageDirection::In
    };
    RoomMessage::Message(NewMessage {
        peer: room.to_string(),
        direction,
        kind: MessageKind::Groupchat,
        message_id: m.id.as_ref().map(|i| i.0.clone()),
        origin_id: xep0359_stanza_ids::origin_id(&m.payloads),
        // Only the room's own archive id is believed.
        stanza_id: xep0359_stanza_ids::stanza_id_by(&m.payloads, room)
            .map(|id| (id, room.to_string())),
        body,
        subject: None,
        // Room history is dated by the room.
        timestamp: xep0203_delay::stamp_ms(&m.payloads, &[&Jid::from(room.clone())], now_ms),
        state: match direction {
            MessageDirection::Out => DeliveryState::Acked,
            MessageDirection::In => DeliveryState::Received,
        },
        sender,
        reply: None,
        unstyled: super::xep0393_styling::unstyled(m),
        occupant_id: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn presence(xml: &str) -> Presence {
        Presence::try_from(xml.parse::<Element>().unwrap()).unwrap()
    }

    #[test]
    fn self_presence_with_unknown_codes_keeps_the_occupant() {
        let p = presence(
            "<presence xmlns='jabber:client' from='team@conf.example/anna'>
               <show>away</show>
               <x xmlns='http://jabber.org/protocol/muc#user'>
                 <item affiliation='owner' role='moderator' jid='anna@example/desk'/>
                 <status code='110'/><status code='201'/><status code='999'/>
               </x></presence>",
        );
        let Some(OccupantUpdate::Present {
            occupant,
            is_self,
            created,
        }) = read_presence(&p)
        else {
            panic!("not an occupant");
        };
        assert!(is_self && created);
        assert_eq!(occupant.nick, "anna");
        assert_eq!(occupant.role, Role::Moderator);
        assert_eq!(occupant.affiliation, Affiliation::Owner);
        assert_eq!(occupant.real_jid.as_deref(), Some("anna@example"));
        assert_eq!(occupant.show, PresenceShow::Away);
    }

    #[test]
    fn departures_say_why() {
        let kicked = presence(
            "<presence xmlns='jabber:client' type='unavailable' from='team@conf.example/bob'>
               <x xmlns='http://jabber.org/protocol/muc#user'>
                 <item affiliation='none' role='none'><reason>spam</reason></item>
                 <status code='307'/></x></presence>",
        );
        assert_eq!(
            read_presence(&kicked),
            Some(OccupantUpdate::Gone {
                nick: "bob".into(),
                is_self: false,
                why: Departure::Kicked {
                    reason: Some("spam".into())
                }
            })
        );
        let renamed = presence(
            "<presence xmlns='jabber:client' type='unavailable' from='team@conf.example/bob'>
               <x xmlns='http://jabber.org/protocol/muc#user'>
                 <item affiliation='none' role='participant' nick='robert'/>
                 <status code='303'/></x></presence>",
        );
        assert!(matches!(
            read_presence(&renamed),
            Some(OccupantUpdate::Gone { why: Departure::NickChanged { new_nick }, .. }) if new_nick == "robert"
        ));
        // As XEP-0045 §10.9 and ejabberd send it: no status 110.
        let destroyed = presence(
            "<presence xmlns='jabber:client' type='unavailable' from='team@conf.example/anna'>
               <x xmlns='http://jabber.org/protocol/muc#user'>
                 <destroy><reason>done</reason></destroy>
                 <item affiliation='none' role='none'/></x></presence>",
        );
        assert_eq!(
            read_presence(&destroyed),
            Some(OccupantUpdate::Gone {
                nick: "anna".into(),
                is_self: true,
                why: Departure::Destroyed {
                    reason: Some("done".into())
                }
            })
        );
    }

    #[test]
    fn join_errors_carry_their_condition() {
        let p = presence(
            "<presence xmlns='jabber:client' type='error' from='team@conf.example/anna'>
               <error type='cancel'><conflict xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error>
             </presence>",
        );
        let Some(OccupantUpdate::Refused { problem, .. }) = read_presence(&p) else {
            panic!("not a refusal");
        };
        assert_eq!(problem.code, ErrorCode::RoomJoinRefused);
        assert_eq!(problem.condition.as_deref(), Some("conflict"));
        assert_eq!(problem.server_text, None);
    }

    #[test]
    fn own_reflection_is_outgoing_and_forged_stanza_ids_are_ignored() {
        let room: BareJid = "team@conf.example".parse().unwrap();
        let m: Element =
            "<message xmlns='jabber:client' type='groupchat' from='team@conf.example/anna' id='m1'>
               <body>hi</body>
               <origin-id xmlns='urn:xmpp:sid:0' id='o1'/>
               <stanza-id xmlns='urn:xmpp:sid:0' id='forged' by='evil@example'/>
               <stanza-id xmlns='urn:xmpp:sid:0' id='real' by='team@conf.example'/>
             </message>"
                .parse()
                .unwrap();
        let m = Message::try_from(m).unwrap();
        let RoomMessage::Message(mine) = read_message(&m, &room, "anna", 5) else {
            panic!("not a message");
        };
        assert_eq!(mine.direction, MessageDirection::Out);
        assert_eq!(
            mine.stanza_id,
            Some(("real".into(), "team@conf.example".into()))
        );
        let RoomMessage::Message(theirs) = read_message(&m, &room, "bob", 5) else {
            panic!("not a message");
        };
        assert_eq!(theirs.direction, MessageDirection::In);
        assert_eq!(theirs.sender.as_deref(), Some("anna"));
    }

    #[test]
    fn subject_only_messages_are_subjects() {
        let room: BareJid = "team@conf.example".parse().unwrap();
        let m = set_subject(&room, "Release week");
        let mut m = m;
        m.from = Some("team@conf.example/anna".parse().unwrap());
        assert_eq!(
            read_message(&m, &room, "bob", 0),
            RoomMessage::Subject {
                subject: "Release week".into(),
                by: Some("anna".into())
            }
        );
    }
}
