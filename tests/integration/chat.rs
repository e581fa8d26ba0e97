//! Roster, presence and 1:1 messages between two real accounts.

use crate::support::{Client, Kind, Server};
use hearth::features::rfc6121_presence::PresenceShow;
use hearth::features::rfc6121_roster::Subscription;
use hearth::session::SessionEvent;
use hearth::store::{ChatMessage, DeliveryState, HistoryCursor, MessageDirection, MessageKind};

pub(crate) async fn befriend(alice: &mut Client, bob: &mut Client) {
    alice
        .app
        .add_contact(
            "bob@localhost",
            Some("Bob".into()),
            vec!["Team".into()],
            true,
        )
        .await
        .unwrap();
    bob.app
        .add_contact("alice@localhost", Some("Alice".into()), vec![], true)
        .await
        .unwrap();
    for (me, other) in [
        (&mut *alice, "bob@localhost"),
        (&mut *bob, "alice@localhost"),
    ] {
        me.wait_event(|e| match e {
            SessionEvent::Roster(items)
                if items
                    .iter()
                    .any(|i| i.jid == other && i.subscription == Subscription::Both) =>
            {
                Some(())
            }
            _ => None,
        })
        .await;
    }
}

async fn roster_groups_and_presence_between_two_accounts(kind: Kind) {
    let (_server, [mut alice, mut bob]) = Server::with_online(kind, ["alice", "bob"]).await;
    befriend(&mut alice, &mut bob).await;

    let roster = alice.app.roster_snapshot().await;
    let item = roster
        .items
        .iter()
        .find(|i| i.jid == "bob@localhost")
        .expect("bob in roster");
    assert_eq!(item.name.as_deref(), Some("Bob"));
    assert_eq!(item.groups, vec!["Team".to_string()]);

    bob.app
        .set_presence(PresenceShow::Away, Some("at lunch".into()))
        .await
        .unwrap();
    let (show, status) = alice
        .wait_event(|e| match e {
            SessionEvent::Presence(list) => list
                .iter()
                .find(|c| c.jid == "bob@localhost")
                .and_then(|c| c.resources.first())
                .filter(|r| r.show == PresenceShow::Away)
                .map(|r| (r.show, r.status.clone())),
            _ => None,
        })
        .await;
    assert_eq!(show, PresenceShow::Away);
    assert_eq!(status.as_deref(), Some("at lunch"));

    // Bob logs out: alice sees him offline.
    bob.app.logout(false).await.unwrap();
    alice.wait_presence("bob@localhost", false).await;
}

async fn messages_both_ways_are_stored_once_with_ids(kind: Kind) {
    let (_server, [mut alice, mut bob]) = Server::with_online(kind, ["alice", "bob"]).await;
    befriend(&mut alice, &mut bob).await;

    const N: usize = 20;
    for i in 0..N {
        let sent = alice
            .app
            .send_message("bob@localhost", &format!("ping {i}"))
            .await
            .unwrap();
        assert_eq!(sent.direction, MessageDirection::Out);
        assert!(sent.origin_id.is_some());
        bob.app
            .send_message("alice@localhost", &format!("pong {i}"))
            .await
            .unwrap();
    }
    for me in [&mut alice, &mut bob] {
        me.count_incoming(N).await;
    }
    // Outgoing messages get acknowledged by the server (stream management),
    // or, on a busy server, bob's receipt overtakes the server's ack and
    // the message is shown delivered at once.
    alice
        .seen_or_wait(|e| match e {
            SessionEvent::MessageUpdated(m)
                if m.body == format!("ping {}", N - 1)
                    && matches!(m.state, DeliveryState::Acked | DeliveryState::Delivered) =>
            {
                Some(())
            }
            _ => None,
        })
        .await;

    let page = alice
        .app
        .history_page("bob@localhost", None, 100)
        .await
        .unwrap();
    let all = page.clone();
    assert_eq!(page.messages.len(), 2 * N, "each message stored once");
    assert!(page.complete);
    let incoming: Vec<_> = page
        .messages
        .iter()
        .filter(|m| m.direction == MessageDirection::In)
        .collect();
    assert_eq!(incoming.len(), N);
    assert!(
        incoming.iter().all(|m| m.origin_id.is_some()),
        "origin-id kept"
    );
    // Scrolling up: pages of 10 from the newest, each older than the one
    // before, until the first message, every message shown once in order.
    let mut shown: Vec<ChatMessage> = vec![];
    let mut before = None;
    for _ in 0..=2 * N / 10 {
        let page = alice
            .app
            .history_page("bob@localhost", before, 10)
            .await
            .unwrap();
        let oldest = page.messages.first().expect("a page").clone();
        before = Some(HistoryCursor {
            timestamp: oldest.timestamp,
            id: oldest.id,
        });
        shown.splice(0..0, page.messages);
        if page.complete {
            break;
        }
    }
    let ids = |l: &[ChatMessage]| l.iter().map(|m| m.id).collect::<Vec<_>>();
    assert_eq!(
        ids(&shown),
        ids(&all.messages),
        "paging back shows the whole history"
    );
}

/// `normal` messages are conversation like `chat`; a `headline` is a
/// notice with its subject (RFC 6121 §5.2.2).
async fn normal_and_headline_messages_are_shown_for_what_they_are(kind: Kind) {
    let (_server, [mut alice, bob]) = Server::with_online(kind, ["alice", "bob"]).await;
    bob.app.set_console_open(true).await;
    bob.app
        .send_raw(
            "<message xmlns='jabber:client' to='alice@localhost' type='normal'>\
             <subject>Minutes</subject><body>see the notes</body></message>",
        )
        .await
        .unwrap();
    bob.app
        .send_raw(
            "<message xmlns='jabber:client' to='alice@localhost' type='headline'>\
             <subject>Maintenance</subject><body>down at six</body></message>",
        )
        .await
        .unwrap();
    let normal = alice.received("see the notes").await;
    assert_eq!(
        (normal.kind, normal.peer.as_str()),
        (MessageKind::Normal, "bob@localhost")
    );
    let headline = alice.received("down at six").await;
    assert_eq!(headline.kind, MessageKind::Headline);
    assert_eq!(headline.subject.as_deref(), Some("Maintenance"));
    // Both are kept with the conversation, under their kinds.
    let page = alice
        .app
        .history_page("bob@localhost", None, 10)
        .await
        .unwrap();
    let kinds: Vec<_> = page
        .messages
        .iter()
        .map(|m| (m.body.as_str(), m.kind))
        .collect();
    assert_eq!(
        kinds,
        [
            ("see the notes", MessageKind::Normal),
            ("down at six", MessageKind::Headline)
        ]
    );
}

/// XEP-0393 §6: a message whose sender asked for no styling says so, live
/// and from history; the others do not.
async fn a_message_that_asks_not_to_be_styled_says_so(kind: Kind) {
    let (_server, [mut alice, bob]) = Server::with_online(kind, ["alice", "bob"]).await;
    bob.app.set_console_open(true).await;
    bob.app
        .send_raw(
            "<message xmlns='jabber:client' to='alice@localhost' type='chat' id='u1'>\
             <body>*as written*</body><unstyled xmlns='urn:xmpp:styling:0'/></message>",
        )
        .await
        .unwrap();
    bob.app
        .send_message("alice@localhost", "*styled*")
        .await
        .unwrap();
    assert!(alice.received("*as written*").await.unstyled);
    assert!(!alice.received("*styled*").await.unstyled);
    let page = alice
        .app
        .history_page("bob@localhost", None, 10)
        .await
        .unwrap();
    let kept: Vec<_> = page
        .messages
        .iter()
        .map(|m| (m.body.as_str(), m.unstyled))
        .collect();
    assert_eq!(kept, [("*as written*", true), ("*styled*", false)]);
}

async fn message_to_unknown_user_is_marked_failed_with_the_reason(kind: Kind) {
    let (_server, [mut alice]) = Server::with_online(kind, ["alice"]).await;
    let sent = alice
        .app
        .send_message("nobody@localhost", "hello?")
        .await
        .unwrap();
    let failed = alice
        .wait_event(|e| match e {
            SessionEvent::MessageUpdated(m)
                if m.id == sent.id && m.state == DeliveryState::Failed =>
            {
                Some(m.clone())
            }
            _ => None,
        })
        .await;
    assert!(failed.error.is_some());
}

async fn a_stranger_asks_to_see_our_presence_and_the_user_decides(kind: Kind) {
    let (_server, [mut alice, mut carol, mut dave]) =
        Server::with_online(kind, ["alice", "carol", "dave"]).await;

    // Neither is in alice's roster: nothing is approved behind her back.
    carol
        .app
        .add_contact("alice@localhost", None, vec![], true)
        .await
        .unwrap();
    dave.app
        .add_contact("alice@localhost", None, vec![], true)
        .await
        .unwrap();
    alice
        .wait_event(|e| match e {
            SessionEvent::SubscriptionRequests(r) if r.jids.len() == 2 => Some(()),
            _ => None,
        })
        .await;
    let requests = alice.app.roster_snapshot().await.requests;
    assert_eq!(requests.jids, ["carol@localhost", "dave@localhost"]);
    assert_eq!(requests.more, 0);

    // Accepting lets carol see alice online (and asks carol back).
    alice
        .app
        .answer_subscription("carol@localhost", true)
        .await
        .unwrap();
    carol.wait_presence("alice@localhost", true).await;

    // Refusing leaves dave without alice's presence and clears the request.
    alice
        .app
        .answer_subscription("dave@localhost", false)
        .await
        .unwrap();
    alice
        .wait_event(|e| match e {
            SessionEvent::SubscriptionRequests(r) if r.jids.is_empty() => Some(()),
            _ => None,
        })
        .await;
    // Alice's presence would have come before anything she sends next.
    dave.handled_from(&alice).await;
    assert!(
        !dave
            .seen
            .iter()
            .any(|e| matches!(e, SessionEvent::Presence(list)
            if list.iter().any(|c| c.jid == "alice@localhost" && !c.resources.is_empty()))),
        "dave sees alice although she refused"
    );
}

/// RFC 6121 §2.1.6: a roster push is believed only from the server (no
/// `from`, or the account's bare JID). A stranger and another client of
/// the same account are refused with an error, and the roster stays.
async fn roster_pushes_from_anyone_but_the_server_are_refused(kind: Kind) {
    let server = Server::start_on(kind, &["alice", "bob"]);
    let mut alice = Client::new(&server, "alice");
    alice.login(&server).await;
    let hearth::session::ConnectionState::Online {
        jid: alice_full, ..
    } = alice.app.connection_state().await
    else {
        panic!("alice is not online")
    };
    let mut bob = Client::new(&server, "bob");
    bob.app.set_console_open(true).await;
    bob.login(&server).await;
    let mut phone = Client::new(&server, "alice");
    phone.app.set_console_open(true).await;
    let mut request = phone.request(&server, "alice-pw");
    crate::support::settings(&mut request).resource = Some("phone".into());
    phone.app.login(request).await.unwrap();
    phone.wait_state(|s| s.is_online()).await;

    for (sender, id, name) in [
        (&mut bob, "evil1", "Stranger"),
        (&mut phone, "evil2", "Own phone"),
    ] {
        let answer = sender
            .raw_exchange(
                &format!(
                    "<iq xmlns='jabber:client' type='set' id='{id}' to='{alice_full}'>\
                     <query xmlns='jabber:iq:roster'><item jid='evil@localhost' name='{name}'/></query></iq>"
                ),
                &format!("id='{id}'"),
            )
            .await;
        assert!(answer.contains("type='error'"), "{answer}");
        assert!(answer.contains("service-unavailable"), "{answer}");
    }
    let roster = alice.app.roster_snapshot().await;
    assert!(
        roster.items.iter().all(|i| i.jid != "evil@localhost"),
        "{:?}",
        roster.items
    );
}

/// A flood of strangers asking to see our presence (here 150 addresses of
/// the test server's component) is bounded: at most 100 wait in the list,
/// the user learns how many more wait, and the list goes to the window in a
/// few events, not one per request.
async fn a_flood_of_subscription_requests_is_bounded_and_batched(kind: Kind) {
    use std::io::Write;
    let server = Server::start_with(
        &["alice"],
        crate::support::Options {
            component: true,
            ..crate::support::Options::on(kind)
        },
    );
    let mut alice = Client::new(&server, "alice");
    alice.login(&server).await;
    let mut bots = crate::support::component::connect(&server);
    let flood: String = (0..150)
        .map(|i| {
            format!("<presence from='s{i}@bots.localhost' to='alice@localhost' type='subscribe'/>")
        })
        .collect();
    bots.write_all(flood.as_bytes()).unwrap();
    // The last request makes the last change: every event is seen by then.
    let shown = alice
        .wait_event(|e| match e {
            SessionEvent::SubscriptionRequests(r) if r.more == 50 => Some(r.clone()),
            _ => None,
        })
        .await;
    assert_eq!(shown.jids.len(), 100);
    assert!(shown.jids.iter().all(|j| j.ends_with("@bots.localhost")));
    let lists: Vec<(usize, u32)> = alice
        .seen
        .iter()
        .filter_map(|e| match e {
            SessionEvent::SubscriptionRequests(r) => Some((r.jids.len(), r.more)),
            _ => None,
        })
        .collect();
    assert!(lists.iter().all(|(n, _)| *n <= 100), "{lists:?}");
    assert!(lists.len() <= 10, "one event per request: {lists:?}");
    assert_eq!(alice.app.roster_snapshot().await.requests, shown);

    // Answering one of the listed requests lists one of those waiting.
    alice
        .app
        .answer_subscription(&shown.jids[0], false)
        .await
        .unwrap();
    let after = alice.app.roster_snapshot().await.requests;
    assert_eq!((after.jids.len(), after.more), (100, 49));
    assert!(!after.jids.contains(&shown.jids[0]));
}

/// Invitations from strangers (80 rooms, one of them five times, sent
/// from the test server's component) are bounded: one per room, and at most
/// 50 wait for an answer.
async fn a_flood_of_invitations_is_bounded(kind: Kind) {
    use std::io::Write;
    let server = Server::start_with(
        &["alice"],
        crate::support::Options {
            component: true,
            ..crate::support::Options::on(kind)
        },
    );
    let mut alice = Client::new(&server, "alice");
    alice.login(&server).await;
    let mut bots = crate::support::component::connect(&server);
    let invite = |i: usize| {
        format!(
            "<message from='s{i}@bots.localhost' to='alice@localhost'>\
             <x xmlns='jabber:x:conference' jid='r{i}@conference.localhost'/></message>"
        )
    };
    let flood: String = (0..5)
        .map(|_| invite(0))
        .chain((1..80).map(invite))
        .collect();
    bots.write_all(flood.as_bytes()).unwrap();
    // Then a message on the same path: once it is announced, every
    // invitation before it has been handled (invitations are announced at
    // once, messages after they are stored).
    bots.write_all(
        b"<message from='s0@bots.localhost' to='alice@localhost' type='chat'>\
          <body>that was all</body></message>",
    )
    .unwrap();
    alice.received("that was all").await;
    let rooms: Vec<&str> = alice
        .seen
        .iter()
        .filter_map(|e| match e {
            SessionEvent::Invitation(i) => Some(i.room.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(rooms.len(), 50, "{rooms:?}");
    assert_eq!(
        rooms
            .iter()
            .filter(|r| **r == "r0@conference.localhost")
            .count(),
        1
    );
}

crate::on_both_servers!(
    a_message_that_asks_not_to_be_styled_says_so,
    a_flood_of_invitations_is_bounded,
    a_flood_of_subscription_requests_is_bounded_and_batched,
    roster_pushes_from_anyone_but_the_server_are_refused,
    roster_groups_and_presence_between_two_accounts,
    messages_both_ways_are_stored_once_with_ids,
    message_to_unknown_user_is_marked_failed_with_the_reason,
    normal_and_headline_messages_are_shown_for_what_they_are,
    a_stranger_asks_to_see_our_presence_and_the_user_decides,
);
