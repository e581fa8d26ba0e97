//! Group chat (XEP-0045) against a real Prosody with its MUC component:
//! create, join, talk, subject, nicknames, private messages, refusals, and
//! rejoining after a server restart without duplicating history.

use crate::support::{Client, Kind, Server};
use hearth::error::ErrorCode;
use hearth::session::{ConnectionState, RoomSnapshot, SessionEvent};
use hearth::store::{MessageDirection, MessageKind};

async fn joined(client: &mut Client, room: &str, nick: &str) -> RoomSnapshot {
    let snapshot = match client.app.join_room(room, nick, None).await {
        Ok(snapshot) => snapshot,
        // What the client went through says why (state changes, refusals).
        Err(e) => panic!("{nick} could not join: {e:?}; events: {:#?}", client.seen),
    };
    assert_eq!(snapshot.nick, nick);
    snapshot
}

/// Wait until `client` sees `nick` enter `room`.
pub(crate) async fn arrived(client: &mut Client, room: &str, nick: &str) {
    client
        .wait_event(|e| match e {
            SessionEvent::Occupants(changes) => changes
                .iter()
                .any(|c| c.room == room && c.present.iter().any(|o| o.nick == nick))
                .then_some(()),
            _ => None,
        })
        .await;
}

/// Wait until `client` has stored a room message with `body`.
async fn room_message(client: &mut Client, body: &str) -> hearth::store::ChatMessage {
    client
        .seen_or_wait(|e| match e {
            SessionEvent::MessagesAdded { messages: list, .. } => {
                list.iter().find(|m| m.body == body).cloned()
            }
            _ => None,
        })
        .await
}

async fn two_accounts_create_join_talk_and_change_subject_and_nick(kind: Kind) {
    let (server, [mut alice, mut bob]) = Server::with_online(kind, ["alice", "bob"]).await;
    let room = server.room("team");

    // Alice creates the room by joining it; Hearth unlocks it (instant room).
    let created = joined(&mut alice, &room, "Alice").await;
    assert_eq!(created.occupants.len(), 1);
    let bob_view = joined(&mut bob, &room, "Bob").await;
    let nicks: Vec<_> = bob_view.occupants.iter().map(|o| o.nick.as_str()).collect();
    assert_eq!(nicks, ["Alice", "Bob"]);
    let owner = bob_view
        .occupants
        .iter()
        .find(|o| o.nick == "Alice")
        .unwrap();
    assert_eq!(
        owner.affiliation,
        hearth::features::xep0045_muc::Affiliation::Owner
    );

    // Alice sees Bob arrive.
    arrived(&mut alice, &room, "Bob").await;

    alice
        .app
        .send_room_message(&room, "hello team")
        .await
        .unwrap();
    let at_bob = room_message(&mut bob, "hello team").await;
    assert_eq!(at_bob.kind, MessageKind::Groupchat);
    assert_eq!(at_bob.peer, room);
    assert_eq!(at_bob.sender.as_deref(), Some("Alice"));
    assert_eq!(at_bob.direction, MessageDirection::In);

    // Alice's own copy is stored once, as outgoing, although the room
    // reflected it back.
    bob.app.send_room_message(&room, "hi Alice").await.unwrap();
    room_message(&mut alice, "hi Alice").await;
    let page = alice.app.history_page(&room, None, 50).await.unwrap();
    let bodies: Vec<_> = page
        .messages
        .iter()
        .map(|m| (m.body.as_str(), m.direction))
        .collect();
    assert_eq!(
        bodies,
        [
            ("hello team", MessageDirection::Out),
            ("hi Alice", MessageDirection::In)
        ]
    );

    // Hearth marks the message that names Alice (her tab shows a mention)
    // and not the one that does not.
    // Chinese needs no space after a name.
    bob.app.send_room_message(&room, "lunch?").await.unwrap();
    bob.app.send_room_message(&room, "Alice你好").await.unwrap();
    let mentions_of = |body: &'static str| {
        move |e: &SessionEvent| match e {
            SessionEvent::MessagesAdded { messages } => messages
                .iter()
                .find(|m| m.body == body)
                .map(|m| m.mentions_me),
            _ => None,
        }
    };
    assert!(alice.seen_or_wait(mentions_of("hi Alice")).await);
    assert!(!alice.seen_or_wait(mentions_of("lunch?")).await);
    assert!(alice.seen_or_wait(mentions_of("Alice你好")).await);
    // History pages carry the same marks.
    let page = alice.app.history_page(&room, None, 50).await.unwrap();
    let marked: Vec<(&str, bool)> = page
        .messages
        .iter()
        .filter(|m| m.direction == MessageDirection::In)
        .map(|m| (m.body.as_str(), m.mentions_me))
        .collect();
    assert_eq!(
        marked,
        [("hi Alice", true), ("lunch?", false), ("Alice你好", true)]
    );

    alice
        .app
        .set_room_subject(&room, "Release week")
        .await
        .unwrap();
    let by = bob
        .seen_or_wait(|e| match e {
            SessionEvent::RoomSubject(s) if s.subject == "Release week" => Some(s.by.clone()),
            _ => None,
        })
        .await;
    assert_eq!(by.as_deref(), Some("Alice"));

    bob.app.change_room_nick(&room, "Robert").await.unwrap();
    alice
        .wait_event(|e| match e {
            SessionEvent::Occupants(changes) => changes
                .iter()
                .any(|c| c.gone.iter().any(|g| g == "Bob"))
                .then_some(()),
            _ => None,
        })
        .await;
    let rooms = alice.app.rooms().await;
    assert!(rooms[0].occupants.iter().any(|o| o.nick == "Robert"));
    // Bob's own view follows the new nick; a taken nick is refused in words.
    bob.seen_or_wait(|e| match e {
        SessionEvent::RoomJoined(r) if r.nick == "Robert" => Some(()),
        _ => None,
    })
    .await;
    bob.app.change_room_nick(&room, "Alice").await.unwrap();
    let problem = bob
        .wait_event(|e| match e {
            SessionEvent::RoomProblem(p) => Some(p.problem.clone()),
            _ => None,
        })
        .await;
    assert_eq!(
        (problem.code, problem.condition.as_deref()),
        (ErrorCode::RoomJoinRefused, Some("conflict"))
    );
    assert_eq!(bob.app.rooms().await[0].nick, "Robert");

    // A private message through the room is its own conversation.
    alice
        .app
        .send_message(&format!("{room}/Robert"), "just for you")
        .await
        .unwrap();
    let pm = room_message(&mut bob, "just for you").await;
    assert_eq!(pm.peer, format!("{room}/Alice"));
    assert_eq!(pm.kind, MessageKind::Chat);
}

async fn a_taken_nickname_is_refused_in_words_and_leaving_is_seen(kind: Kind) {
    let (server, [mut alice, mut bob]) = Server::with_online(kind, ["alice", "bob"]).await;
    let room = server.room("lobby");
    joined(&mut alice, &room, "Sam").await;

    let err = bob.app.join_room(&room, "Sam", None).await.unwrap_err();
    let taken = err.problem();
    assert_eq!(
        (taken.code, taken.condition.as_deref()),
        (ErrorCode::RoomJoinRefused, Some("conflict"))
    );

    joined(&mut bob, &room, "Bob").await;
    bob.app.leave_room(&room).await.unwrap();
    alice
        .wait_event(|e| match e {
            SessionEvent::Occupants(changes) => changes
                .iter()
                .any(|c| c.gone.iter().any(|g| g == "Bob"))
                .then_some(()),
            _ => None,
        })
        .await;
    assert!(bob.app.rooms().await.is_empty());
}

async fn after_a_server_restart_rooms_are_rejoined_without_duplicate_history(kind: Kind) {
    let (mut server, [mut alice, mut bob]) = Server::with_online(kind, ["alice", "bob"]).await;
    let room = server.room("ops");
    joined(&mut alice, &room, "Alice").await;
    // Keep the room after everyone leaves (the restart empties it).
    joined(&mut bob, &room, "Bob").await;
    for i in 0..5 {
        bob.app
            .send_room_message(&room, &format!("before {i}"))
            .await
            .unwrap();
    }
    room_message(&mut alice, "before 4").await;

    server.restart();

    // Hearth enters the room again by itself once back online.
    for client in [&mut alice, &mut bob] {
        client
            .wait_state(|s| {
                matches!(
                    s,
                    ConnectionState::Online {
                        new_session_after_loss: true,
                        ..
                    }
                )
            })
            .await;
        client
            .wait_event(|e| match e {
                SessionEvent::RoomJoined(r) if r.room == room => Some(()),
                _ => None,
            })
            .await;
    }
    bob.app
        .send_room_message(&room, "after the restart")
        .await
        .unwrap();
    room_message(&mut alice, "after the restart").await;
    let page = alice.app.history_page(&room, None, 100).await.unwrap();
    let befores = page
        .messages
        .iter()
        .filter(|m| m.body.starts_with("before"))
        .count();
    assert_eq!(befores, 5, "{:#?}", page.messages);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_room_that_forgot_us_silently_is_noticed_by_self_ping_and_joined_again() {
    let server = Server::start(&["alice", "bob"]);
    let mut alice = Client::new(&server, "alice");
    let mut bob = Client::new(&server, "bob");
    alice
        .app
        .ping_rooms_after(std::time::Duration::from_secs(2));
    alice.login(&server).await;
    bob.login(&server).await;
    let room = server.room("quiet");
    joined(&mut alice, &room, "Alice").await;
    joined(&mut bob, &room, "Bob").await;

    // The room drops Alice without a word to anyone (as after a server
    // hiccup): no unavailable presence reaches her or Bob.
    let lua = format!(
        r#"local r = prosody.hosts["{service}"].modules.muc.get_room_from_jid("{room}"); local o = r:get_occupant_by_nick("{room}/Alice"); o.role = nil; r:save_occupant(o); return "dropped""#,
        service = room.split('@').nth(1).unwrap(),
    );
    assert!(server.run_lua(&lua).contains("dropped"));

    // Quiet for two seconds, Alice's self-ping gets "not an occupant" and
    // she joins again: Bob sees her arrive, and she gets his next message.
    alice
        .wait_event(|e| match e {
            SessionEvent::RoomJoined(r) if r.room == room => Some(()),
            _ => None,
        })
        .await;
    arrived(&mut bob, &room, "Alice").await;
    bob.app
        .send_room_message(&room, "welcome back")
        .await
        .unwrap();
    room_message(&mut alice, "welcome back").await;
}

crate::on_both_servers!(
    two_accounts_create_join_talk_and_change_subject_and_nick,
    a_taken_nickname_is_refused_in_words_and_leaving_is_seen,
    after_a_server_restart_rooms_are_rejoined_without_duplicate_history,
);
