//! Corrections (XEP-0308) and retractions (XEP-0424) between Hearth
//! clients on Prosody and ejabberd: they reach the contact and our other
//! device (carbons), they change only the sender's own message, and a
//! forged one from someone else changes nothing.

use crate::chat::befriend;
use crate::support::{Client, Kind, Server};
use hearth::session::SessionEvent;
use hearth::store::{ChatMessage, MessageDirection};

/// The next change announced to `client` for its row holding `id`'s
/// message (matched by origin-id, the id both sides know it by).
async fn updated(
    client: &mut Client,
    origin_id: &str,
    pred: impl Fn(&ChatMessage) -> bool,
) -> ChatMessage {
    client
        .seen_or_wait(|e| match e {
            SessionEvent::MessageUpdated(m)
                if m.origin_id.as_deref() == Some(origin_id) && pred(m) =>
            {
                Some(m.clone())
            }
            _ => None,
        })
        .await
}

/// Alice, Bob and Carol in room `name`.
async fn three_in(kind: Kind, name: &str) -> (Server, String, [Client; 3]) {
    let (server, mut clients) = Server::with_online(kind, ["alice", "bob", "carol"]).await;
    let room = server.room(name);
    for (client, nick) in clients.iter_mut().zip(["Alice", "Bob", "Carol"]) {
        client.app.join_room(&room, nick, None).await.unwrap();
    }
    (server, room, clients)
}

async fn a_correction_and_a_retraction_reach_the_contact_and_our_other_device(kind: Kind) {
    let (server, [mut alice, mut bob]) = Server::with_online(kind, ["alice", "bob"]).await;
    befriend(&mut alice, &mut bob).await;
    let mut phone = Client::new(&server, "alice");
    phone.login(&server).await;
    crate::sync::caught_up(&mut phone).await;

    let sent = alice
        .app
        .send_message("bob@localhost", "see you at 3")
        .await
        .unwrap();
    let origin = sent.origin_id.clone().unwrap();
    bob.received("see you at 3").await;
    alice
        .app
        .correct_message(sent.id, "see you at 4")
        .await
        .unwrap();
    // Ours at once, shown as edited.
    let ours = updated(&mut alice, &origin, |m| m.body == "see you at 4").await;
    assert!(ours.edited.is_some());
    // The contact's copy changes; no new message appears.
    let theirs = updated(&mut bob, &origin, |m| m.body == "see you at 4").await;
    assert!(theirs.edited.is_some());
    let versions = bob.app.message_versions(theirs.id).await.unwrap();
    assert_eq!(
        versions.iter().map(|v| v.body.as_str()).collect::<Vec<_>>(),
        ["see you at 3"]
    );
    // Our phone got both as carbons.
    updated(&mut phone, &origin, |m| m.body == "see you at 4").await;

    alice.app.retract_message(sent.id).await.unwrap();
    for client in [&mut alice, &mut bob, &mut phone] {
        let gone = updated(client, &origin, |m| m.retracted).await;
        assert_eq!(gone.body, "", "{}: the text is gone", client.jid);
    }
    assert!(bob
        .app
        .search_messages("see you", None, 10)
        .await
        .unwrap()
        .is_empty());
    let page = bob
        .app
        .history_page("alice@localhost", None, 50)
        .await
        .unwrap();
    assert_eq!(
        page.messages.len(),
        1,
        "a tombstone, and no fallback text as a message"
    );
    assert!(page.messages[0].retracted);
}

async fn a_stranger_cannot_correct_or_retract_someone_elses_message(kind: Kind) {
    let (_server, [mut alice, mut bob, mallory]) =
        Server::with_online(kind, ["alice", "bob", "mallory"]).await;
    befriend(&mut alice, &mut bob).await;
    let sent = alice
        .app
        .send_message("bob@localhost", "the real plan")
        .await
        .unwrap();
    let origin = sent.origin_id.clone().unwrap();
    bob.received("the real plan").await;
    // mallory names alice's message in her own stanzas to bob (typed in
    // the XML console).
    mallory.app.set_console_open(true).await;
    for (id, payload) in [
        (
            "f1",
            format!("<replace xmlns='urn:xmpp:message-correct:0' id='{origin}'/>"),
        ),
        (
            "f2",
            format!("<retract xmlns='urn:xmpp:message-retract:1' id='{origin}'/>"),
        ),
    ] {
        mallory
            .app
            .send_raw(&format!(
                "<message to='bob@localhost' type='chat' id='{id}'>\
                 <body>forged {id}</body>{payload}</message>"
            ))
            .await
            .unwrap();
    }
    // Her correction is a message of hers; her retraction is nothing.
    let forged = bob.received("forged f1").await;
    assert_eq!(forged.peer, "mallory@localhost");
    mallory
        .app
        .send_message("bob@localhost", "after")
        .await
        .unwrap();
    bob.received("after").await;
    let page = bob
        .app
        .history_page("alice@localhost", None, 50)
        .await
        .unwrap();
    let shown: Vec<_> = page
        .messages
        .iter()
        .map(|m| (m.body.as_str(), m.retracted, m.edited))
        .collect();
    assert_eq!(shown, [("the real plan", false, None)]);
    let from_mallory = bob
        .app
        .history_page("mallory@localhost", None, 50)
        .await
        .unwrap();
    let bodies: Vec<_> = from_mallory
        .messages
        .iter()
        .map(|m| m.body.as_str())
        .collect();
    assert_eq!(bodies, ["forged f1", "after"]);
    assert!(from_mallory
        .messages
        .iter()
        .all(|m| m.direction == MessageDirection::In));
}

crate::on_both_servers!(
    a_correction_and_a_retraction_reach_the_contact_and_our_other_device,
    a_stranger_cannot_correct_or_retract_someone_elses_message,
);

async fn in_a_room_only_the_author_corrects_or_retracts_a_message(kind: Kind) {
    let (_server, room, [mut alice, mut bob, carol]) = three_in(kind, "amend").await;
    let sent = alice
        .app
        .send_room_message(&room, "lunch at 12")
        .await
        .unwrap();
    let origin = sent.origin_id.clone().unwrap();
    let seen = bob.received("lunch at 12").await;
    // The room's reflection gives our copy the room's id, which a
    // retraction in a room names.
    updated(&mut alice, &origin, |m| m.stanza_id.is_some()).await;

    alice
        .app
        .correct_message(sent.id, "lunch at 1")
        .await
        .unwrap();
    let fixed = bob
        .seen_or_wait(|e| match e {
            SessionEvent::MessageUpdated(m) if m.id == seen.id && m.body == "lunch at 1" => {
                Some(m.clone())
            }
            _ => None,
        })
        .await;
    assert!(fixed.edited.is_some());

    // Carol names Alice's message: hers is a message of her own.
    carol.app.set_console_open(true).await;
    carol
        .app
        .send_raw(&format!(
            "<message to='{room}' type='groupchat' id='c1'><body>lunch never</body>\
             <replace xmlns='urn:xmpp:message-correct:0' id='{origin}'/></message>"
        ))
        .await
        .unwrap();
    let forged = bob.received("lunch never").await;
    assert_eq!(forged.sender.as_deref(), Some("Carol"));

    alice.app.retract_message(sent.id).await.unwrap();
    let gone = bob
        .seen_or_wait(|e| match e {
            SessionEvent::MessageUpdated(m) if m.id == seen.id && m.retracted => Some(m.clone()),
            _ => None,
        })
        .await;
    assert_eq!(gone.body, "");
    let page = bob.app.history_page(&room, None, 50).await.unwrap();
    let shown: Vec<_> = page
        .messages
        .iter()
        .filter(|m| m.kind == hearth::store::MessageKind::Groupchat)
        .map(|m| {
            (
                m.sender.as_deref().unwrap_or(""),
                m.body.as_str(),
                m.retracted,
            )
        })
        .collect();
    assert_eq!(
        shown,
        [("Alice", "", true), ("Carol", "lunch never", false)]
    );
}

crate::on_both_servers!(in_a_room_only_the_author_corrects_or_retracts_a_message);

/// Where the room gives occupant ids (XEP-0421: the test Prosody, as
/// Prosody 13 does), they say whose message it is: its author may change
/// it under a new nickname, and whoever takes the author's old nickname
/// may not. Without them (ejabberd 23.01) only the nickname can tell, so
/// a renamed author's correction is a message of its own.
async fn a_renamed_author_still_corrects_and_a_nickname_taker_cannot(kind: Kind) {
    let (_server, room, [mut alice, mut bob, mut carol]) = three_in(kind, "rename").await;
    let sent = alice
        .app
        .send_room_message(&room, "standup at 9")
        .await
        .unwrap();
    let origin = sent.origin_id.clone().unwrap();
    let seen = bob.received("standup at 9").await;

    alice.app.change_room_nick(&room, "Al").await.unwrap();
    bob.seen_or_wait(|e| match e {
        SessionEvent::Occupants(changes) => changes
            .iter()
            .any(|c| c.gone.iter().any(|g| g == "Alice"))
            .then_some(()),
        _ => None,
    })
    .await;
    alice
        .app
        .correct_message(sent.id, "standup at 10")
        .await
        .unwrap();
    let occupant_ids = kind == Kind::Prosody;
    if occupant_ids {
        let fixed = bob
            .seen_or_wait(|e| match e {
                SessionEvent::MessageUpdated(m) if m.id == seen.id => Some(m.clone()),
                _ => None,
            })
            .await;
        assert_eq!(fixed.body, "standup at 10");
    } else {
        let apart = bob.received("standup at 10").await;
        assert_eq!(apart.sender.as_deref(), Some("Al"));
    }

    // Carol takes the nickname Alice left and names Alice's message.
    carol.app.change_room_nick(&room, "Alice").await.unwrap();
    carol
        .seen_or_wait(|e| match e {
            SessionEvent::RoomJoined(r) if r.nick == "Alice" => Some(()),
            _ => None,
        })
        .await;
    carol.app.set_console_open(true).await;
    carol
        .app
        .send_raw(&format!(
            "<message to='{room}' type='groupchat' id='c1'><body>standup cancelled</body>\
             <replace xmlns='urn:xmpp:message-correct:0' id='{origin}'/></message>"
        ))
        .await
        .unwrap();
    alice.received("standup cancelled").await;
    let bodies = |page: hearth::store::HistoryPage| -> Vec<String> {
        page.messages
            .into_iter()
            .filter(|m| m.kind == hearth::store::MessageKind::Groupchat)
            .map(|m| m.body)
            .collect()
    };
    // Alice's own history holds her message once, corrected (the room's
    // copy of her correction, under her new nickname, is no new message).
    let page = alice.app.history_page(&room, None, 50).await.unwrap();
    assert_eq!(bodies(page), ["standup at 10", "standup cancelled"]);
    if occupant_ids {
        let forged = bob.received("standup cancelled").await;
        assert_eq!(forged.sender.as_deref(), Some("Alice"));
        let page = bob.app.history_page(&room, None, 50).await.unwrap();
        assert_eq!(bodies(page), ["standup at 10", "standup cancelled"]);
    }
}

crate::on_both_servers!(a_renamed_author_still_corrects_and_a_nickname_taker_cannot);
