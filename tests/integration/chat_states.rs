//! Chat states (XEP-0085) between Hearth clients on Prosody and ejabberd:
//! "typing" reaches only a contact whose client speaks chat states, and a
//! small room; it is never stored.

use crate::chat::befriend;
use crate::support::{Client, Kind, Server};
use hearth::features::xep0085_chat_states::{ChatState, ChatStateChanged};
use hearth::session::SessionEvent;

fn states_seen(client: &mut Client) -> Vec<ChatStateChanged> {
    client.story();
    client
        .seen
        .iter()
        .filter_map(|e| match e {
            SessionEvent::ChatState(c) => Some(c.clone()),
            _ => None,
        })
        .collect()
}

async fn state_from(client: &mut Client, peer: &str, state: ChatState) -> ChatStateChanged {
    client
        .wait_event(|e| match e {
            SessionEvent::ChatState(c) if c.peer == peer && c.state == state => Some(c.clone()),
            _ => None,
        })
        .await
}

async fn typing_reaches_a_contact_who_speaks_chat_states_and_a_small_room(kind: Kind) {
    let (server, [mut alice, mut bob]) = Server::with_online(kind, ["alice", "bob"]).await;
    befriend(&mut alice, &mut bob).await;
    // Bob's client has not said it speaks chat states: nothing goes out.
    alice
        .app
        .set_chat_state("bob@localhost", ChatState::Composing)
        .await
        .unwrap();
    alice
        .app
        .send_message("bob@localhost", "first")
        .await
        .unwrap();
    bob.received("first").await;
    assert!(
        states_seen(&mut bob).is_empty(),
        "typing reached a client that never said it speaks chat states"
    );

    // Bob's message carries <active/>: now alice's typing reaches him.
    bob.app
        .send_message("alice@localhost", "reply")
        .await
        .unwrap();
    alice.received("reply").await;
    alice
        .app
        .set_chat_state("bob@localhost", ChatState::Composing)
        .await
        .unwrap();
    let typing = state_from(&mut bob, "alice@localhost", ChatState::Composing).await;
    assert_eq!(typing.nick, None);
    alice
        .app
        .set_chat_state("bob@localhost", ChatState::Paused)
        .await
        .unwrap();
    state_from(&mut bob, "alice@localhost", ChatState::Paused).await;
    // Notices are no history.
    let page = bob
        .app
        .history_page("alice@localhost", None, 50)
        .await
        .unwrap();
    let bodies: Vec<_> = page.messages.iter().map(|m| m.body.as_str()).collect();
    assert_eq!(bodies, ["first", "reply"]);

    // A small room: occupants see who types.
    let room = server.room("typing");
    alice.app.join_room(&room, "Alice", None).await.unwrap();
    bob.app.join_room(&room, "Bob", None).await.unwrap();
    crate::muc::arrived(&mut alice, &room, "Bob").await;
    alice
        .app
        .set_chat_state(&room, ChatState::Composing)
        .await
        .unwrap();
    let in_room = state_from(&mut bob, &room, ChatState::Composing).await;
    assert_eq!(in_room.nick.as_deref(), Some("Alice"));
    // Our own notice, reflected by the room, is not news to us.
    let sent = alice
        .app
        .send_room_message(&room, "done typing")
        .await
        .unwrap();
    // The room's copy of it came back after the notice's.
    alice
        .wait_event(|e| match e {
            SessionEvent::MessageUpdated(m) if m.id == sent.id && m.stanza_id.is_some() => Some(()),
            _ => None,
        })
        .await;
    assert!(
        states_seen(&mut alice).iter().all(|c| c.peer != room),
        "alice was told she is typing"
    );
}

crate::on_both_servers!(typing_reaches_a_contact_who_speaks_chat_states_and_a_small_room);
