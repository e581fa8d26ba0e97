//! The rooms this session is in (XEP-0045): our nickname, the occupants and
//! the subject of each, and the occupant changes not yet shown. Pure state;
//! the actor feeds it stanzas and sends what it returns.

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};
use tokio::sync::oneshot;
use tokio_xmpp::jid::BareJid;
use ts_rs::TS;

use crate::error::{ErrorCode, HearthError, Problem, Result};
use crate::features::xep0045_muc::{Departure, Occupant, OccupantUpdate};

/// A room as the UI shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct RoomSnapshot {
    pub room: String,
    pub nick: String,
    pub subject: Option<String>,
    /// Sorted by nickname.
    pub occupants: Vec<Occupant>,
    /// Its moderators can remove messages (XEP-0425).
    pub moderation: bool,
}

/// Occupants who arrived or changed, and nicknames that left, in one room.
/// Sent in batches: joining a busy room is one event, not thousands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct OccupantsChanged {
    pub room: String,
    pub present: Vec<Occupant>,
    pub gone: Vec<String>,
}

/// We are no longer in `room`: by our choice (`reason` null) or not.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct RoomLeft {
    pub room: String,
    pub reason: Option<Problem>,
}

/// Someone invited us to a room. The room password, if any, stays in the
/// backend and is used when the invitation is accepted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Invitation {
    pub id: String,
    pub room: String,
    pub from: String,
    pub reason: Option<String>,
    pub has_password: bool,
    /// XEP-0249: declining sends nothing (the protocol has no decline).
    pub direct: bool,
}

/// The room refused a request but we are still in it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct RoomProblem {
    pub room: String,
    pub problem: Problem,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct RoomSubject {
    pub room: String,
    pub subject: String,
    pub by: Option<String>,
}

pub(super) type JoinReply = oneshot::Sender<Result<RoomSnapshot>>;

struct Room {
    nick: String,
    password: Option<String>,
    /// Our own presence came back: we are in.
    joined: bool,
    occupants: BTreeMap<String, Occupant>,
    subject: Option<String>,
    pending_join: Option<JoinReply>,
    changed: OccupantsChanged,
    /// Our old nick left with status 303: the new one is on its way.
    renaming: bool,
    /// When the room last sent us anything (XEP-0410 pings quiet rooms).
    last_heard: std::time::Instant,
    pinging: bool,
    /// It offers message moderation (from its disco#info).
    moderation: bool,
}

impl Room {
    fn snapshot(&self, room: &BareJid) -> RoomSnapshot {
        RoomSnapshot {
            room: room.to_string(),
            nick: self.nick.clone(),
            subject: self.subject.clone(),
            occupants: self.occupants.values().cloned().collect(),
            moderation: self.moderation,
        }
    }
}

/// What the actor must do after a room presence.
#[derive(Debug, PartialEq)]
pub(super) enum RoomOutcome {
    Nothing,
    Joined(RoomSnapshot),
    /// We created the room: accept the default configuration to unlock it.
    Created(RoomSnapshot),
    Left(RoomLeft),
    /// Our nickname changed: the room's state again, with the new nick.
    Renamed(RoomSnapshot),
    /// The room refused something while we stay in it (a nick change).
    Problem(RoomProblem),
}

#[derive(Default)]
pub(super) struct RoomBook {
    rooms: HashMap<BareJid, Room>,
}

/// Why the room sent us away; the moderator's or owner's reason is their
/// own text.
fn departure_problem(why: &Departure) -> Option<Problem> {
    let (code, reason) = match why {
        Departure::Left | Departure::NickChanged { .. } | Departure::Shutdown => return None,
        Departure::Kicked { reason } => (ErrorCode::RoomKicked, reason),
        Departure::Banned { reason } => (ErrorCode::RoomBanned, reason),
        Departure::Removed => (ErrorCode::RoomMembershipLost, &None),
        Departure::Destroyed { reason } => (ErrorCode::RoomDestroyed, reason),
    };
    Some(Problem::of(code).server_text(reason.clone()))
}

impl RoomBook {
    pub fn contains(&self, room: &BareJid) -> bool {
        self.rooms.contains_key(room)
    }

    pub fn nick(&self, room: &BareJid) -> Option<&str> {
        self.rooms.get(room).map(|r| r.nick.as_str())
    }

    pub fn password(&self, room: &BareJid) -> Option<&str> {
        self.rooms.get(room).and_then(|r| r.password.as_deref())
    }

    pub fn is_joined(&self, room: &BareJid) -> bool {
        self.rooms.get(room).is_some_and(|r| r.joined)
    }

    /// How many are in `room` (us included), if we are in it.
    pub fn occupant_count(&self, room: &BareJid) -> Option<usize> {
        self.rooms
            .get(room)
            .filter(|r| r.joined)
            .map(|r| r.occupants.len())
    }

    /// Start joining; a second join of the same room replaces the first.
    pub fn begin_join(
        &mut self,
        room: BareJid,
        nick: String,
        password: Option<String>,
        reply: Option<JoinReply>,
    ) {
        if let Some(old) = self
            .rooms
            .get_mut(&room)
            .and_then(|r| r.pending_join.take())
        {
            let _ = old.send(Err(Problem::of(ErrorCode::RoomJoinSuperseded).into()));
        }
        self.rooms.insert(
            room.clone(),
            Room {
                nick,
                password,
                joined: false,
                occupants: BTreeMap::new(),
                subject: None,
                pending_join: reply,
                renaming: false,
                last_heard: std::time::Instant::now(),
                pinging: false,
                moderation: false,
                changed: OccupantsChanged {
                    room: room.to_string(),
                    present: vec![],
                    gone: vec![],
                },
            },
        );
    }

    /// After a fresh session every room must be entered again: returns each
    /// room with our nickname and its password.
    pub fn for_rejoin(&mut self) -> Vec<(BareJid, String, Option<String>)> {
        self.rooms
            .iter_mut()
            .map(|(jid, r)| {
                r.joined = false;
                r.occupants.clear();
                (jid.clone(), r.nick.clone(), r.password.clone())
            })
            .collect()
    }

    /// The room sent something: it still knows us.
    pub fn heard(&mut self, room: &BareJid) {
        if let Some(r) = self.rooms.get_mut(room) {
            r.last_heard = std::time::Instant::now();
            r.pinging = false;
        }
    }

    /// Joined rooms quiet for `quiet`, with our nick; each is marked as
    /// being pinged so it is asked once.
    pub fn due_for_ping(
        &mut self,
        now: std::time::Instant,
        quiet: std::time::Duration,
    ) -> Vec<(BareJid, String)> {
        self.rooms
            .iter_mut()
            .filter(|(_, r)| r.joined && !r.pinging && now.duration_since(r.last_heard) >= quiet)
            .map(|(jid, r)| {
                r.pinging = true;
                (jid.clone(), r.nick.clone())
            })
            .collect()
    }

    /// The self-ping says we are not in `room`: returns what to join it
    /// again with.
    pub fn dropped(&mut self, room: &BareJid) -> Option<(String, Option<String>)> {
        let r = self.rooms.get_mut(room)?;
        r.joined = false;
        r.pinging = false;
        r.occupants.clear();
        Some((r.nick.clone(), r.password.clone()))
    }

    /// Forget `room` (we left it). A join still waiting is answered: the
    /// user left before the room let them in.
    pub fn remove(&mut self, room: &BareJid) {
        if let Some(reply) = self
            .rooms
            .remove(room)
            .and_then(|mut r| r.pending_join.take())
        {
            let _ = reply.send(Err(Problem::of(ErrorCode::RoomJoinSuperseded).into()));
        }
    }

    pub fn snapshots(&self) -> Vec<RoomSnapshot> {
        self.rooms
            .iter()
            .filter(|(_, r)| r.joined)
            .map(|(jid, r)| r.snapshot(jid))
            .collect()
    }

    /// `room` as the UI shows it, if we are in it.
    pub fn joined_snapshot(&self, room: &BareJid) -> Option<RoomSnapshot> {
        self.rooms
            .get(room)
            .filter(|r| r.joined)
            .map(|r| r.snapshot(room))
    }

    pub fn set_moderation(&mut self, room: &BareJid, offered: bool) {
        if let Some(r) = self.rooms.get_mut(room) {
            r.moderation = offered;
        }
    }

    pub fn set_subject(&mut self, room: &BareJid, subject: &str) {
        if let Some(r) = self.rooms.get_mut(room) {
            r.subject = Some(subject.to_owned()).filter(|s| !s.is_empty());
        }
    }

    /// Apply an occupant presence from `room`.
    pub fn apply(&mut self, room: &BareJid, update: OccupantUpdate) -> RoomOutcome {
        let Some(r) = self.rooms.get_mut(room) else {
            return RoomOutcome::Nothing;
        };
        match update {
            OccupantUpdate::Present {
                occupant,
                is_self,
                created,
            } => {
                let nick = occupant.nick.clone();
                if r.joined {
                    r.changed.gone.retain(|g| g != &nick);
                    r.changed.present.retain(|o| o.nick != nick);
                    r.changed.present.push(occupant.clone());
                }
                r.occupants.insert(nick.clone(), occupant);
                if is_self && !r.joined {
                    // The room may have given us another nick (status 210).
                    r.nick = nick;
                    r.joined = true;
                    let snapshot = r.snapshot(room);
                    if created {
                        // Others cannot enter until it is unlocked: answer
                        // the join once it is (`unlocked`).
                        return RoomOutcome::Created(snapshot);
                    }
                    if let Some(reply) = r.pending_join.take() {
                        let _ = reply.send(Ok(snapshot.clone()));
                    }
                    return RoomOutcome::Joined(snapshot);
                }
                if is_self && r.renaming {
                    r.renaming = false;
                    r.nick = nick;
                    return RoomOutcome::Renamed(r.snapshot(room));
                }
                RoomOutcome::Nothing
            }
            OccupantUpdate::Gone { nick, is_self, why } => {
                r.occupants.remove(&nick);
                if r.joined {
                    r.changed.present.retain(|o| o.nick != nick);
                    r.changed.gone.push(nick.clone());
                }
                if !is_self {
                    return RoomOutcome::Nothing;
                }
                if let Departure::NickChanged { new_nick } = &why {
                    r.nick = new_nick.clone();
                    r.renaming = true;
                    return RoomOutcome::Nothing;
                }
                if matches!(why, Departure::Left | Departure::Shutdown) {
                    // Not our choice (leaving removes the room first): the
                    // server or room went away. Keep the room so the next
                    // session enters it again.
                    r.joined = false;
                    r.occupants.clear();
                    return RoomOutcome::Left(RoomLeft {
                        room: room.to_string(),
                        reason: Some(Problem::of(ErrorCode::RoomPresenceEnded)),
                    });
                }
                let reason = departure_problem(&why);
                if let Some(reply) = self
                    .rooms
                    .remove(room)
                    .and_then(|mut r| r.pending_join.take())
                {
                    // Sent away while entering: the join fails with why.
                    let problem = reason
                        .clone()
                        .unwrap_or_else(|| Problem::of(ErrorCode::RoomPresenceEnded));
                    let _ = reply.send(Err(HearthError::Refused(problem)));
                }
                RoomOutcome::Left(RoomLeft {
                    room: room.to_string(),
                    reason,
                })
            }
            OccupantUpdate::Refused { nick, problem } => {
                if r.joined {
                    // A refused nick change: we stay under the old nick.
                    if nick != r.nick {
                        return RoomOutcome::Problem(RoomProblem {
                            room: room.to_string(),
                            problem,
                        });
                    }
                }
                let reply = r.pending_join.take();
                self.rooms.remove(room);
                if let Some(reply) = reply {
                    let _ = reply.send(Err(HearthError::Refused(problem.clone())));
                }
                RoomOutcome::Left(RoomLeft {
                    room: room.to_string(),
                    reason: Some(problem),
                })
            }
        }
    }

    /// The room we created accepted its configuration (or refused it).
    pub fn unlocked(&mut self, room: &BareJid, result: Result<()>) {
        let Some(r) = self.rooms.get_mut(room) else {
            return;
        };
        let snapshot = r.snapshot(room);
        if let Some(reply) = r.pending_join.take() {
            let _ = reply.send(result.map(|()| snapshot));
        }
    }

    /// Fail a join that got no answer.
    pub fn join_timed_out(&mut self, room: &BareJid) {
        let waiting = self
            .rooms
            .get(room)
            .is_some_and(|r| r.pending_join.is_some());
        if waiting {
            if let Some(mut r) = self.rooms.remove(room) {
                if let Some(reply) = r.pending_join.take() {
                    let _ = reply.send(Err(Problem::of(ErrorCode::RoomJoinTimeout).into()));
                }
            }
        }
    }

    pub fn has_changes(&self) -> bool {
        self.rooms
            .values()
            .any(|r| !r.changed.present.is_empty() || !r.changed.gone.is_empty())
    }

    /// The occupant changes since the last call, per room.
    pub fn take_changes(&mut self) -> Vec<OccupantsChanged> {
        self.rooms
            .values_mut()
            .filter(|r| !r.changed.present.is_empty() || !r.changed.gone.is_empty())
            .map(|r| OccupantsChanged {
                room: r.changed.room.clone(),
                present: std::mem::take(&mut r.changed.present),
                gone: std::mem::take(&mut r.changed.gone),
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::features::rfc6121_presence::PresenceShow;
    use crate::features::xep0045_muc::{Affiliation, Role};

    fn occupant(nick: &str) -> Occupant {
        Occupant {
            nick: nick.into(),
            role: Role::Participant,
            affiliation: Affiliation::None,
            real_jid: None,
            show: PresenceShow::Available,
            status: None,
        }
    }

    fn present(nick: &str, is_self: bool) -> OccupantUpdate {
        OccupantUpdate::Present {
            occupant: occupant(nick),
            is_self,
            created: false,
        }
    }

    #[test]
    fn joining_collects_occupants_into_one_snapshot_then_batches_changes() {
        let room: BareJid = "team@conf.example".parse().unwrap();
        let mut book = RoomBook::default();
        let (tx, mut rx) = oneshot::channel();
        book.begin_join(room.clone(), "me".into(), None, Some(tx));
        for i in 0..2000 {
            assert_eq!(
                book.apply(&room, present(&format!("u{i}"), false)),
                RoomOutcome::Nothing
            );
        }
        assert!(!book.has_changes(), "no per-occupant events while joining");
        let RoomOutcome::Joined(snapshot) = book.apply(&room, present("me", true)) else {
            panic!("not joined");
        };
        assert_eq!(snapshot.occupants.len(), 2001);
        assert_eq!(rx.try_recv().unwrap().unwrap().occupants.len(), 2001);

        book.apply(&room, present("u7", false));
        book.apply(
            &room,
            OccupantUpdate::Gone {
                nick: "u8".into(),
                is_self: false,
                why: Departure::Left,
            },
        );
        let changes = book.take_changes();
        assert_eq!(changes.len(), 1);
        assert_eq!(changes[0].present.len(), 1);
        assert_eq!(changes[0].gone, ["u8"]);
        assert!(!book.has_changes());
    }

    #[test]
    fn being_kicked_leaves_the_room_with_the_reason() {
        let room: BareJid = "team@conf.example".parse().unwrap();
        let mut book = RoomBook::default();
        book.begin_join(room.clone(), "me".into(), None, None);
        book.apply(&room, present("me", true));
        let outcome = book.apply(
            &room,
            OccupantUpdate::Gone {
                nick: "me".into(),
                is_self: true,
                why: Departure::Kicked {
                    reason: Some("flooding".into()),
                },
            },
        );
        let RoomOutcome::Left(left) = outcome else {
            panic!("still in the room")
        };
        let reason = left.reason.unwrap();
        assert_eq!(reason.code, ErrorCode::RoomKicked);
        assert_eq!(reason.server_text.as_deref(), Some("flooding"));
        assert!(!book.contains(&room));
    }

    #[test]
    fn quiet_rooms_are_pinged_once_and_a_drop_keeps_what_rejoining_needs() {
        let room: BareJid = "team@conf.example".parse().unwrap();
        let mut book = RoomBook::default();
        book.begin_join(room.clone(), "me".into(), Some("pw".into()), None);
        let quiet = std::time::Duration::from_secs(300);
        let later = std::time::Instant::now() + quiet;
        assert!(book.due_for_ping(later, quiet).is_empty(), "not joined yet");
        book.apply(&room, present("me", true));
        assert_eq!(
            book.due_for_ping(later, quiet),
            vec![(room.clone(), "me".into())]
        );
        assert!(book.due_for_ping(later, quiet).is_empty(), "asked once");
        assert_eq!(book.dropped(&room), Some(("me".into(), Some("pw".into()))));
        assert!(!book.is_joined(&room));
    }
}
