//! Read state (XEP-0333 displayed markers) between real clients, on
//! Prosody and ejabberd: what the contact has seen shows as read, what the
//! user saw on the phone is no longer unread on the desk, and a stranger
//! never learns when we read.

use crate::chat::befriend;
use crate::support::{Client, Kind, Server};
use crate::sync::{caught_up, conversation};
use hearth::session::{ReadElsewhere, SessionEvent};
use hearth::store::{DeliveryState, MessageDirection};

async fn the_contact_sees_our_messages_and_they_show_as_read(kind: Kind) {
    let (_server, [mut alice, mut bob]) = Server::with_online(kind, ["alice", "bob"]).await;
    befriend(&mut alice, &mut bob).await;
    for body in ["one", "two", "three"] {
        alice.app.send_message("bob@localhost", body).await.unwrap();
    }
    // The server relays them in order: the last one came last.
    bob.received("three").await;
    assert!(
        bob.app.mark_displayed("alice@localhost").await.unwrap(),
        "bob's window showed them: a marker goes out"
    );

    let sent: Vec<i64> = conversation(&alice, "bob@localhost")
        .await
        .into_iter()
        .filter(|m| m.direction == MessageDirection::Out)
        .map(|m| m.id)
        .collect();
    assert_eq!(sent.len(), 3);
    let mut read = vec![];
    while !sent.iter().all(|id| read.contains(id)) {
        read.extend(
            alice
                .wait_event(|e| match e {
                    SessionEvent::MessagesRead(r) if r.peer == "bob@localhost" => {
                        Some(r.ids.clone())
                    }
                    _ => None,
                })
                .await,
        );
    }
    let states: Vec<(String, DeliveryState)> = conversation(&alice, "bob@localhost")
        .await
        .into_iter()
        .map(|m| (m.body, m.state))
        .collect();
    assert_eq!(
        states,
        ["one", "two", "three"].map(|b| (b.to_owned(), DeliveryState::Read)),
        "all three read, as history shows them after a restart"
    );
    // Nothing new was seen: no second marker for the same message.
    assert!(!bob.app.mark_displayed("alice@localhost").await.unwrap());
}

async fn what_the_phone_showed_is_read_on_the_desk(kind: Kind) {
    let server = Server::start_on(kind, &["alice", "bob"]);
    let mut desk = Client::new(&server, "alice");
    let mut phone = Client::new(&server, "alice");
    let mut bob = Client::new(&server, "bob");
    // Both devices have carbons on once catch-up ended.
    desk.login(&server).await;
    caught_up(&mut desk).await;
    phone.login(&server).await;
    caught_up(&mut phone).await;
    bob.login(&server).await;
    befriend(&mut phone, &mut bob).await;

    bob.app
        .send_message("alice@localhost", "did you see this?")
        .await
        .unwrap();
    phone.received("did you see this?").await;
    let on_desk = desk.received("did you see this?").await;
    assert!(phone.app.mark_displayed("bob@localhost").await.unwrap());

    let ReadElsewhere { peer, until_ms } = desk
        .wait_event(|e| match e {
            SessionEvent::ReadElsewhere(r) => Some(r.clone()),
            _ => None,
        })
        .await;
    assert_eq!(peer, "bob@localhost");
    assert_eq!(
        until_ms, on_desk.timestamp,
        "read up to the message the phone showed"
    );
    // The phone marked it: the desk does not mark it again.
    assert!(!desk.app.mark_displayed("bob@localhost").await.unwrap());
}

async fn a_stranger_never_learns_that_we_read(kind: Kind) {
    let (_server, [mut bob, mut eve]) = Server::with_online(kind, ["bob", "eve"]).await;
    eve.app
        .send_message("bob@localhost", "are you there?")
        .await
        .unwrap();
    bob.received("are you there?").await;
    assert!(
        !bob.app.mark_displayed("eve@localhost").await.unwrap(),
        "no marker for someone not in the roster"
    );
    // Bob's reply comes after any marker he would have sent.
    bob.app
        .send_message("eve@localhost", "who is this?")
        .await
        .unwrap();
    eve.received("who is this?").await;
    assert!(
        !eve.seen
            .iter()
            .any(|e| matches!(e, SessionEvent::MessagesRead(_))),
        "bob told a stranger he read her"
    );
    let asked = conversation(&eve, "bob@localhost")
        .await
        .into_iter()
        .find(|m| m.body == "are you there?")
        .unwrap();
    assert_ne!(asked.state, DeliveryState::Read);
}

crate::on_both_servers!(
    a_stranger_never_learns_that_we_read,
    the_contact_sees_our_messages_and_they_show_as_read,
    what_the_phone_showed_is_read_on_the_desk,
);
