//! Losing the link while messages flow both ways: after stream management
//! (XEP-0198) resumes the session, every message is stored exactly once on
//! both sides, and outgoing ones end up acknowledged.

use crate::support::relay::Relay;
use crate::support::{password, Client, Kind, Server};
use hearth::session::{ConnectionState, SessionEvent};
use hearth::store::{DeliveryState, MessageDirection};

const N: usize = 30;

async fn count_incoming(client: &mut Client, n: usize) {
    let incoming = |e: &SessionEvent| match e {
        SessionEvent::MessagesAdded { messages: l, .. } => l
            .iter()
            .filter(|m| m.direction == MessageDirection::In)
            .count(),
        _ => 0,
    };
    let mut received: usize = client.seen.iter().map(incoming).sum();
    if received >= n {
        return;
    }
    client
        .wait_event(|e| {
            received += incoming(e);
            (received >= n).then_some(())
        })
        .await;
}

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
    // The link was lost and came back without a new session.
    alice
        .seen_or_wait(|e| {
            matches!(e, SessionEvent::State(ConnectionState::Reconnecting { .. })).then_some(())
        })
        .await;
    alice.wait_state(|s| s.is_online()).await;

    count_incoming(&mut alice, N).await;
    count_incoming(&mut bob, N).await;
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
    // Every message alice sent across the cut is eventually acknowledged.
    let deadline = tokio::time::Instant::now() + crate::support::WAIT;
    loop {
        let page = alice
            .app
            .history_page("bob@localhost", None, 500)
            .await
            .unwrap();
        let unacked: Vec<_> = page
            .messages
            .iter()
            .filter(|m| m.direction == MessageDirection::Out && m.state != DeliveryState::Acked)
            .map(|m| (m.body.clone(), m.state))
            .collect();
        if unacked.is_empty() {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "not acknowledged: {unacked:?}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
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
    assert_eq!(reason.code, hearth::error::ErrorCode::Network, "{reason:?}");
    alice.wait_state(|s| s.is_online()).await;
}

crate::on_both_servers!(
    messages_in_flight_survive_a_cut_link_exactly_once,
    a_silently_dead_link_is_noticed_by_keepalive_and_replaced,
);
