//! History that is complete on every device, against real Prosody
//! (mod_carbons, mod_mam) and ejabberd (mod_carboncopy, mod_mam): what
//! another device of ours sends and receives, and what arrived while
//! Hearth was closed, is stored once each, in order.

use crate::support::{Client, Kind, Server};
use hearth::session::{ConnectionState, SessionEvent};
use hearth::store::{ChatMessage, DeliveryState, HistoryCursor, MessageDirection};

/// Wait until the session's archive catch-up has ended, and say whether it
/// ended without a problem.
pub(crate) async fn caught_up(client: &mut Client) {
    let problem = client
        .wait_event(|e| match e {
            SessionEvent::HistorySync(h) if !h.running => Some(h.problem.clone()),
            _ => None,
        })
        .await;
    assert_eq!(problem, None, "catch-up ended with a problem");
}

async fn bound_jid(client: &Client) -> String {
    match client.app.connection_state().await {
        ConnectionState::Online { jid, .. } => jid,
        other => panic!("not online: {other:?}"),
    }
}

/// The whole conversation with `peer`, oldest first.
pub(crate) async fn conversation(client: &Client, peer: &str) -> Vec<ChatMessage> {
    let mut all: Vec<ChatMessage> = vec![];
    let mut before = None;
    loop {
        let page = client.app.history_page(peer, before, 500).await.unwrap();
        before = page.messages.first().map(|m| HistoryCursor {
            timestamp: m.timestamp,
            id: m.id,
        });
        all.splice(0..0, page.messages);
        if page.complete {
            return all;
        }
    }
}

/// Wait until the server has confirmed the outgoing message `body`.
async fn acked(client: &mut Client, body: &str) {
    client
        .seen_or_wait(|e| match e {
            SessionEvent::MessageUpdated(m)
                if m.body == body && m.state == DeliveryState::Acked =>
            {
                Some(())
            }
            _ => None,
        })
        .await
}

/// Alice (caught up, holding one message from bob: her archive position is
/// known) has just closed Hearth; bob is online.
async fn alice_away_after_one_message(server: &Server) -> (Client, Client) {
    let mut alice = Client::new(server, "alice");
    let mut bob = Client::new(server, "bob");
    alice.login(server).await;
    bob.login(server).await;
    caught_up(&mut alice).await;
    bob.app
        .send_message("alice@localhost", "before")
        .await
        .unwrap();
    alice.received("before").await;
    alice.app.logout(false).await.unwrap();
    alice.seen.clear();
    (alice, bob)
}

/// Alice's conversation with bob is "before" and then `sent`, each once,
/// in order.
async fn holds_in_order(alice: &Client, sent: Vec<String>) {
    let bodies: Vec<String> = conversation(alice, "bob@localhost")
        .await
        .into_iter()
        .map(|m| m.body)
        .collect();
    let expected: Vec<String> = std::iter::once("before".to_owned()).chain(sent).collect();
    assert_eq!(bodies.len(), expected.len(), "each message stored once");
    assert_eq!(bodies, expected, "in the order bob sent them");
}

async fn another_device_of_ours_shows_both_directions_once(kind: Kind) {
    let server = Server::start_on(kind, &["alice", "bob"]);
    let mut desk = Client::new(&server, "alice");
    let mut phone = Client::new(&server, "alice");
    let mut bob = Client::new(&server, "bob");
    desk.login(&server).await;
    caught_up(&mut desk).await;
    phone.login(&server).await;
    bob.login(&server).await;

    // The phone writes to bob; bob answers the phone alone (its full JID),
    // so the desk learns both only through carbons.
    phone
        .app
        .send_message("bob@localhost", "from the phone")
        .await
        .unwrap();
    bob.received("from the phone").await;
    let phone_jid = bound_jid(&phone).await;
    bob.app
        .send_message(&phone_jid, "to the phone")
        .await
        .unwrap();
    phone.received("to the phone").await;
    desk.received("to the phone").await;

    let seen: Vec<_> = conversation(&desk, "bob@localhost")
        .await
        .into_iter()
        .map(|m| (m.body, m.direction))
        .collect();
    assert_eq!(
        seen,
        [
            ("from the phone".to_owned(), MessageDirection::Out),
            ("to the phone".to_owned(), MessageDirection::In),
        ],
        "both directions, once each, in order, in bob's conversation"
    );
}

async fn what_arrived_while_we_were_away_is_there_once_in_order(kind: Kind) {
    const N: usize = 500;
    let server = Server::start_on(kind, &["alice", "bob"]);
    let (mut alice, mut bob) = alice_away_after_one_message(&server).await;
    for i in 0..N {
        bob.app
            .send_message("alice@localhost", &format!("away {i}"))
            .await
            .unwrap();
    }
    acked(&mut bob, &format!("away {}", N - 1)).await;

    // Back: offline storage and the archive both hold them.
    alice.login(&server).await;
    caught_up(&mut alice).await;
    alice.count_incoming(N).await;
    holds_in_order(&alice, (0..N).map(|i| format!("away {i}")).collect()).await;
}

async fn what_the_phone_received_while_the_desk_was_closed_reaches_the_desk(kind: Kind) {
    const N: usize = 300;
    let server = Server::start_on(kind, &["alice", "bob"]);
    let (mut desk, bob) = alice_away_after_one_message(&server).await;
    let mut phone = Client::new(&server, "alice");

    // The phone is online, so the server delivers to it and stores nothing
    // offline: only the archive has these for the desk.
    phone.login(&server).await;
    for i in 0..N {
        bob.app
            .send_message("alice@localhost", &format!("seen on the phone {i}"))
            .await
            .unwrap();
    }
    phone.count_incoming(N).await;

    desk.login(&server).await;
    let (pages, problem) = desk
        .wait_event(|e| match e {
            SessionEvent::HistorySync(h) if !h.running => Some((h.pages, h.problem.clone())),
            _ => None,
        })
        .await;
    assert_eq!(problem, None);
    assert!(pages >= 2, "{N} messages take more than one page: {pages}");
    desk.count_incoming(N).await;
    holds_in_order(
        &desk,
        (0..N).map(|i| format!("seen on the phone {i}")).collect(),
    )
    .await;
}

async fn a_contact_confirms_delivery_and_a_stranger_learns_nothing(kind: Kind) {
    let server = Server::start_on(kind, &["alice", "bob", "eve"]);
    let mut alice = Client::new(&server, "alice");
    let mut bob = Client::new(&server, "bob");
    let mut eve = Client::new(&server, "eve");
    for c in [&mut alice, &mut bob, &mut eve] {
        c.login(&server).await;
    }
    crate::chat::befriend(&mut alice, &mut bob).await;

    alice
        .app
        .send_message("bob@localhost", "did you get this?")
        .await
        .unwrap();
    bob.received("did you get this?").await;
    alice
        .seen_or_wait(|e| match e {
            SessionEvent::MessageUpdated(m)
                if m.body == "did you get this?" && m.state == DeliveryState::Delivered =>
            {
                Some(())
            }
            _ => None,
        })
        .await;

    // Eve is no contact of bob's: her request goes unanswered. Bob's
    // reply after it proves that a receipt would have come by then.
    eve.app
        .send_message("bob@localhost", "are you there?")
        .await
        .unwrap();
    bob.received("are you there?").await;
    bob.app
        .send_message("eve@localhost", "who is this?")
        .await
        .unwrap();
    eve.received("who is this?").await;
    let asked = conversation(&eve, "bob@localhost")
        .await
        .into_iter()
        .find(|m| m.body == "are you there?")
        .unwrap();
    assert_ne!(asked.state, DeliveryState::Delivered, "bob told a stranger");
}

crate::on_both_servers!(
    a_contact_confirms_delivery_and_a_stranger_learns_nothing,
    another_device_of_ours_shows_both_directions_once,
    what_arrived_while_we_were_away_is_there_once_in_order,
    what_the_phone_received_while_the_desk_was_closed_reaches_the_desk,
);
