//! A server that stamps no XEP-0359 stanza-id on live messages, as
//! Openfire does with its Monitoring plugin (emulated on Prosody by a small
//! module, `Options::no_live_stanza_ids`: only archive results carry the
//! archive's ids). What came live and what the archive brings again after
//! a restart are one message each: by origin-id where the sender set one,
//! otherwise by sender, id and body within ten minutes.

use crate::support::{Client, Options, Server};
use crate::sync::{caught_up, conversation};

/// Message `i` from bob as a client without origin-ids sends it.
async fn plain(bob: &Client, i: usize) {
    bob.app
        .send_raw(&format!(
            "<message to='alice@localhost' type='chat' id='plain-{i}'>\
               <body>plain {i}</body></message>"
        ))
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn live_copies_and_archive_copies_are_one_message_each() {
    let server = Server::start_with(
        &["alice", "bob"],
        Options {
            no_live_stanza_ids: true,
            ..Options::default()
        },
    );
    let mut alice = Client::new(&server, "alice");
    let mut bob = Client::new(&server, "bob");
    alice.login(&server).await;
    caught_up(&mut alice).await;
    bob.login(&server).await;
    bob.app.set_console_open(true).await;

    // Hearth's messages carry an origin-id; a plainer client's do not.
    for i in 0..5 {
        bob.app
            .send_message("alice@localhost", &format!("with origin-id {i}"))
            .await
            .unwrap();
        plain(&bob, i).await;
    }
    alice.received("plain 4").await;
    let live = conversation(&alice, "bob@localhost").await;
    assert_eq!(live.len(), 10);
    assert!(
        live.iter().all(|m| m.stanza_id.is_none()),
        "the server gave live messages no stanza-id: {live:?}"
    );

    // Closed and opened again: catch-up reads the archive from before all
    // of them (no live message carried an archive id to move the point).
    alice.app.logout(false).await.unwrap();
    for i in 5..8 {
        plain(&bob, i).await;
    }
    alice.seen.clear();
    alice.login(&server).await;
    caught_up(&mut alice).await;
    alice.received("plain 7").await;
    let read = alice
        .seen
        .iter()
        .filter_map(|e| match e {
            hearth::session::SessionEvent::HistorySync(h) if !h.running => Some(h.messages),
            _ => None,
        })
        .max();
    assert!(
        read >= Some(13),
        "the archive was read again, live copies and all: {read:?}"
    );

    let bodies: Vec<String> = conversation(&alice, "bob@localhost")
        .await
        .into_iter()
        .map(|m| m.body)
        .collect();
    let mut sent: Vec<String> = (0..5)
        .flat_map(|i| [format!("with origin-id {i}"), format!("plain {i}")])
        .collect();
    sent.extend((5..8).map(|i| format!("plain {i}")));
    assert_eq!(bodies, sent, "each message once, in order");
}
