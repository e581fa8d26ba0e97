//! History complete after an absence, against real Prosody (mod_muc_mam,
//! mod_mam) and ejabberd (mod_mam for rooms and accounts): a room rejoined
//! after a busy absence shows everything that was said, once, although
//! the room keeps only 50 messages of join history; scrolling back past
//! what is stored reads the rest of the archive, once, in order.

use crate::support::{Client, Kind, Server};
use crate::sync::conversation;
use hearth::session::SessionEvent;

async fn joined(client: &mut Client, room: &str, nick: &str) {
    if let Err(e) = client.app.join_room(room, nick, None).await {
        panic!("{nick} could not join: {e:?}; events: {:#?}", client.seen);
    }
}

async fn bodies(client: &Client, peer: &str) -> Vec<String> {
    conversation(client, peer)
        .await
        .into_iter()
        .map(|m| m.body)
        .collect()
}

/// Wait until `client` has been told of a new message with `body`.
async fn announced(client: &mut Client, body: &str) {
    client
        .seen_or_wait(|e| match e {
            SessionEvent::MessagesAdded { messages } => {
                messages.iter().any(|m| m.body == body).then_some(())
            }
            _ => None,
        })
        .await
}

async fn a_room_rejoined_after_a_busy_absence_shows_everything_once_in_order(kind: Kind) {
    const N: usize = 200;
    let (server, [mut alice, mut bob]) = Server::with_online(kind, ["alice", "bob"]).await;
    let room = server.room("archive");
    joined(&mut bob, &room, "Bob").await;

    // The room archives (what Hearth asks before entering it).
    alice.app.set_console_open(true).await;
    let info = alice
        .raw_exchange(
            &format!(
                "<iq type='get' id='room-info' to='{room}'>\
                   <query xmlns='http://jabber.org/protocol/disco#info'/></iq>"
            ),
            "id='room-info'",
        )
        .await;
    assert!(info.contains("urn:xmpp:mam:2"), "{info}");
    alice.app.set_console_open(false).await;

    joined(&mut alice, &room, "Alice").await;
    bob.app.send_room_message(&room, "before").await.unwrap();
    announced(&mut alice, "before").await;
    alice.app.leave_room(&room).await.unwrap();

    for i in 0..N {
        bob.app
            .send_room_message(&room, &format!("while away {i}"))
            .await
            .unwrap();
    }
    joined(&mut alice, &room, "Alice").await;
    announced(&mut alice, &format!("while away {}", N - 1)).await;

    let expected: Vec<String> = std::iter::once("before".to_owned())
        .chain((0..N).map(|i| format!("while away {i}")))
        .collect();
    let got = bodies(&alice, &room).await;
    assert_eq!(got.len(), expected.len(), "each message once: {got:#?}");
    assert_eq!(got, expected, "in the order bob sent them");
}

async fn scrolling_back_reads_the_rest_of_the_archive_once_in_order(kind: Kind) {
    // More than a new profile's catch-up reads (1,000).
    const N: usize = 1_200;
    let server = Server::start_on(kind, &["alice", "bob"]);
    let mut phone = Client::new(&server, "alice");
    let mut bob = Client::new(&server, "bob");
    phone.login(&server).await;
    bob.login(&server).await;
    // The phone is online: the server stores nothing offline, only in the
    // archive.
    for i in 0..N {
        bob.app
            .send_message("alice@localhost", &format!("old {i}"))
            .await
            .unwrap();
    }
    phone.count_incoming(N).await;

    // A new desk: its catch-up reads the recent part.
    let mut desk = Client::new(&server, "alice");
    desk.login(&server).await;
    let problem = desk
        .wait_event(|e| match e {
            SessionEvent::HistorySync(h) if !h.running => Some(h.problem.clone()),
            _ => None,
        })
        .await;
    assert_eq!(problem, None);
    let held = bodies(&desk, "bob@localhost").await.len();
    assert!(held < N, "the catch-up read only the recent part: {held}");

    // Scrolling back past the oldest stored message, page by page, until
    // the archive says this is the start.
    let mut pages = 0;
    loop {
        let page = desk.app.fetch_older("bob@localhost").await.unwrap();
        pages += 1;
        assert!(pages <= N / 10, "the archive never said it was complete");
        if page.complete {
            break;
        }
        assert!(!page.messages.is_empty(), "a page with nothing new");
    }
    let expected: Vec<String> = (0..N).map(|i| format!("old {i}")).collect();
    let got = bodies(&desk, "bob@localhost").await;
    assert_eq!(got.len(), N, "each message once");
    assert_eq!(got, expected, "in the order bob sent them");
}

crate::on_both_servers!(
    a_room_rejoined_after_a_busy_absence_shows_everything_once_in_order,
    scrolling_back_reads_the_rest_of_the_archive_once_in_order,
);
