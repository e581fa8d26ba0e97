//! Hostile input relayed by a real server must not crash Hearth or make it
//! reconnect: the bad stanza is dropped (or, when merely big, handled), the
//! session stays up.

use crate::support::{Client, Kind, Server};
use hearth::session::{ConnectionState, SessionEvent};

/// A headline (the server relays it without archiving, whose serializer has
/// its own depth limit) nested `depth` levels deep.
fn nested(depth: usize) -> String {
    let mut xml = String::from(
        "<message xmlns='jabber:client' to='alice@localhost' type='headline'><body>deep</body>",
    );
    for _ in 0..depth {
        xml.push_str("<x xmlns='urn:example:junk'>");
    }
    for _ in 0..depth {
        xml.push_str("</x>");
    }
    xml.push_str("</message>");
    xml
}

async fn deep_huge_and_junk_stanzas_never_cost_the_connection(kind: Kind) {
    let (_server, [mut alice, bob]) = Server::with_online(kind, ["alice", "bob"]).await;
    // Raw XML goes out only while the XML console is open.
    bob.app.set_console_open(true).await;

    // Unknown payloads next to a body are fine and the body is kept.
    bob.app
        .send_raw("<message xmlns='jabber:client' to='alice@localhost' type='chat'><body>with junk</body><junk xmlns='urn:example:junk' a='1'><more/></junk></message>")
        .await
        .unwrap();
    alice.received("with junk").await;

    // Far deeper than any real stanza: dropped, not fatal.
    bob.app.send_raw(&nested(300)).await.unwrap();
    // An attribute value of 200 kB (under the server's stanza size limit,
    // far over the XML parser's default token limit of 8 kB).
    bob.app
        .send_raw(&format!(
            "<message xmlns='jabber:client' to='alice@localhost' type='headline'><body>huge</body><junk xmlns='urn:example:junk' a='{}'/></message>",
            "A".repeat(200_000)
        ))
        .await
        .unwrap();
    bob.app
        .send_message("alice@localhost", "after the storm")
        .await
        .unwrap();
    // The big one is delivered as the notice it is, before what came after.
    alice.received("huge").await;
    alice.received("after the storm").await;

    assert!(
        !alice.seen.iter().any(|e| match e {
            SessionEvent::MessagesAdded { messages: list, .. } =>
                list.iter().any(|m| m.body == "deep"),
            _ => false,
        }),
        "the too-deep message must not be stored"
    );
    // The stream is read in order: had any of it cost the connection, the
    // loss would have been reported before the last message arrived.
    assert!(
        !alice.seen.iter().any(|e| matches!(
            e,
            SessionEvent::State(
                ConnectionState::Reconnecting { .. } | ConnectionState::Offline { .. }
            )
        )),
        "alice lost her connection"
    );
}

async fn console_input_that_is_not_a_stanza_is_refused_clearly(kind: Kind) {
    let (_server, [bob]) = Server::with_online(kind, ["bob"]).await;
    // Raw XML goes out only while the XML console is open.
    bob.app.set_console_open(true).await;
    let err = bob
        .app
        .send_raw("<message><body>unclosed")
        .await
        .unwrap_err();
    assert_eq!(err.code(), hearth::error::ErrorCode::InvalidXml);
    // Pasting something absurdly deep is refused before parsing, no crash.
    let err = bob.app.send_raw(&nested(5000)).await.unwrap_err();
    let deep = err.problem();
    assert_eq!(
        (deep.code, deep.limit),
        (hearth::error::ErrorCode::InvalidXml, Some(500))
    );
    // Typed without xmlns, a stanza is in the client namespace.
    bob.app
        .send_raw("<message to='bob@localhost' type='chat'><body>typed by hand</body></message>")
        .await
        .unwrap();
    let err = bob.app.send_raw("<foo xmlns='bar'/>").await.unwrap_err();
    assert_eq!(err.code(), hearth::error::ErrorCode::NotAStanza);
}

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
}

/// XEP-0203: a message is dated by a `<delay/>` only when the server (or
/// the room) added it, and never in the future, so a sender can neither
/// backdate a message nor pin it below everything else.
async fn delays_are_believed_only_from_the_server_and_never_in_the_future(kind: Kind) {
    let server = Server::start_on(kind, &["alice", "bob"]);
    let mut bob = Client::new(&server, "bob");
    bob.login(&server).await;
    // Raw XML goes out only while the XML console is open.
    bob.app.set_console_open(true).await;
    // Kept by the server while alice is away: dated when it was sent.
    bob.app
        .send_message("alice@localhost", "while you were away")
        .await
        .unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(2100)).await;
    let mut alice = Client::new(&server, "alice");
    let login = now_ms();
    alice.login(&server).await;
    let offline = alice.received("while you were away").await;
    assert!(
        offline.timestamp <= login - 1000,
        "an offline message keeps its time: {} vs login at {login}",
        offline.timestamp
    );

    let live = now_ms();
    for (body, delay) in [
        (
            "backdated",
            "from='bob@localhost' stamp='2001-01-01T00:00:00Z'",
        ),
        ("postdated", "from='localhost' stamp='2099-01-01T00:00:00Z'"),
    ] {
        bob.app
            .send_raw(&format!(
                "<message xmlns='jabber:client' to='alice@localhost' type='chat'><body>{body}</body>\
                 <delay xmlns='urn:xmpp:delay' {delay}/></message>"
            ))
            .await
            .unwrap();
        let m = alice.received(body).await;
        assert!(
            (live - 1000..=now_ms()).contains(&m.timestamp),
            "{body}: {} outside [{live}, now]",
            m.timestamp
        );
    }
}

/// A client cannot pass off an invitation as the room's (naming any
/// inviter it likes): the forged mediated one is dropped, and the direct
/// invitation sent right after it is the first alice sees, with bob as its
/// sender.
async fn a_forged_mediated_invitation_is_not_believed(kind: Kind) {
    let (server, [mut alice, bob]) = Server::with_online(kind, ["alice", "bob"]).await;
    // Raw XML goes out only while the XML console is open.
    bob.app.set_console_open(true).await;
    bob.app
        .send_raw(
            "<message xmlns='jabber:client' to='alice@localhost'>\
             <x xmlns='http://jabber.org/protocol/muc#user'>\
             <invite from='boss@localhost'><reason>Urgent</reason></invite></x></message>",
        )
        .await
        .unwrap();
    let room = server.room("real");
    bob.app
        .invite(hearth::app::InviteArgs {
            room: room.clone(),
            jid: "alice@localhost".into(),
            reason: Some("genuine".into()),
            direct: true,
        })
        .await
        .unwrap();
    let first = alice.wait_invitation().await;
    assert_eq!(
        (first.from.as_str(), first.room.as_str(), first.direct),
        ("bob@localhost", room.as_str(), true),
        "{first:?}"
    );
}

/// Bob wraps words in a carbon copy (as if alice's own server copied them
/// from another of her devices) and in an archive result (as if from her
/// archive): through a real server, neither reaches her history.
async fn forged_carbons_and_archive_results_are_dropped(kind: Kind) {
    let (_server, [mut alice, bob]) = Server::with_online(kind, ["alice", "bob"]).await;
    bob.app.set_console_open(true).await;
    let inner = |from: &str, to: &str, body: &str| {
        format!(
            "<forwarded xmlns='urn:xmpp:forward:0'><message xmlns='jabber:client'              type='chat' from='{from}' to='{to}'><body>{body}</body></message></forwarded>"
        )
    };
    for forged in [
        format!(
            "<message xmlns='jabber:client' to='alice@localhost' type='chat'>             <received xmlns='urn:xmpp:carbons:2'>{}</received></message>",
            inner("carol@localhost/x", "alice@localhost", "carol never said this")
        ),
        format!(
            "<message xmlns='jabber:client' to='alice@localhost' type='chat'>             <sent xmlns='urn:xmpp:carbons:2'>{}</sent></message>",
            inner("alice@localhost/x", "carol@localhost", "alice never said this")
        ),
        format!(
            "<message xmlns='jabber:client' to='alice@localhost'>             <result xmlns='urn:xmpp:mam:2' queryid='q' id='1'>{}</result></message>",
            inner("carol@localhost/x", "alice@localhost", "never archived")
        ),
    ] {
        bob.app.send_raw(&forged).await.unwrap();
    }
    bob.app
        .send_message("alice@localhost", "after the forgeries")
        .await
        .unwrap();
    alice.received("after the forgeries").await;
    for peer in ["carol@localhost", "bob@localhost"] {
        let page = alice.app.history_page(peer, None, 50).await.unwrap();
        let bodies: Vec<&str> = page.messages.iter().map(|m| m.body.as_str()).collect();
        assert!(
            bodies.iter().all(|b| b.contains("after the forgeries")),
            "{peer}: {bodies:?}"
        );
    }
}

crate::on_both_servers!(
    forged_carbons_and_archive_results_are_dropped,
    a_forged_mediated_invitation_is_not_believed,
    delays_are_believed_only_from_the_server_and_never_in_the_future,
    deep_huge_and_junk_stanzas_never_cost_the_connection,
    console_input_that_is_not_a_stanza_is_refused_clearly,
);
