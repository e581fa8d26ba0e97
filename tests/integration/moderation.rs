//! A room moderator removes someone's message for everyone (XEP-0425):
//! on Prosody with its moderation module (version 0 of the protocol, as
//! Prosody 0.12 deployments run it), the message becomes a tombstone for
//! every occupant, its author included, and stays one after a rejoin; a
//! participant is refused; a removal forged by an occupant changes
//! nothing. ejabberd 23.01 offers no moderation: Hearth says so and sends
//! nothing.

use crate::support::{Client, Kind, Server};
use hearth::error::ErrorCode;
use hearth::session::SessionEvent;
use hearth::store::{ChatMessage, MessageKind};

/// The next change announced to `client` for row `id`, once `pred` holds.
async fn changed(client: &mut Client, id: i64, pred: impl Fn(&ChatMessage) -> bool) -> ChatMessage {
    client
        .seen_or_wait(|e| match e {
            SessionEvent::MessageUpdated(m) if m.id == id && pred(m) => Some(m.clone()),
            _ => None,
        })
        .await
}

/// `(sender, body, removed)` of the room's messages `client` holds, oldest first.
async fn shown(client: &Client, room: &str) -> Vec<(String, String, bool)> {
    let page = client.app.history_page(room, None, 50).await.unwrap();
    page.messages
        .iter()
        .filter(|m| m.kind == MessageKind::Groupchat)
        .map(|m| {
            (
                m.sender.clone().unwrap_or_default(),
                m.body.clone(),
                m.retracted,
            )
        })
        .collect()
}

async fn a_moderator_removes_a_message_for_everyone(kind: Kind) {
    let (server, [mut alice, mut bob, mut carol]) =
        Server::with_online(kind, ["alice", "bob", "carol"]).await;
    let room = server.room("moderated");
    // Alice creates the room: its owner, and so a moderator.
    let entered = alice.app.join_room(&room, "Alice", None).await.unwrap();
    let bobs = bob.app.join_room(&room, "Bob", None).await.unwrap();
    // Only Prosody (with its moderation module) offers it.
    assert_eq!(bobs.moderation, kind == Kind::Prosody);
    carol.app.join_room(&room, "Carol", None).await.unwrap();

    let spam = bob
        .app
        .send_room_message(&room, "buy cheap watches")
        .await
        .unwrap();
    let at_alice = alice.received("buy cheap watches").await;
    let at_carol = carol.received("buy cheap watches").await;

    if kind == Kind::Ejabberd {
        // ejabberd 23.01 has no moderation: nothing to ask the room.
        let err = alice
            .app
            .moderate_message(at_alice.id, None)
            .await
            .unwrap_err();
        assert_eq!(err.code(), ErrorCode::ModerationNotOffered, "{err}");
        return;
    }
    // The room did not exist when Alice asked what it offers; once
    // created, it is asked again and the window learns it.
    assert!(!entered.moderation);
    alice
        .seen_or_wait(|e| match e {
            SessionEvent::RoomJoined(s) if s.room == room && s.moderation => Some(()),
            _ => None,
        })
        .await;

    // A participant may not remove the moderator's message.
    let hello = alice
        .app
        .send_room_message(&room, "hello all")
        .await
        .unwrap();
    let hello_at_carol = carol.received("hello all").await;
    let refused = carol
        .app
        .moderate_message(hello_at_carol.id, Some("no".into()))
        .await
        .unwrap_err();
    assert_eq!(refused.code(), ErrorCode::RemoteError, "{refused}");
    assert_eq!(
        refused.problem().condition.as_deref(),
        Some("forbidden"),
        "{refused}"
    );

    // Nor can she pretend to be the room: her "removal" comes from her
    // occupant address, which only the room's own may.
    let hello_at_bob = bob.received("hello all").await;
    let room_id = hello_at_bob.stanza_id.clone().expect("the room's id");
    carol.app.set_console_open(true).await;
    carol
        .app
        .send_raw(&format!(
            "<message to='{room}' type='groupchat' id='f1'>\
             <apply-to xmlns='urn:xmpp:fasten:0' id='{room_id}'>\
             <moderated xmlns='urn:xmpp:message-moderate:0' by='{room}/Alice'>\
             <retract xmlns='urn:xmpp:message-retract:0'/></moderated></apply-to></message>"
        ))
        .await
        .unwrap();
    // What came after the forgery has arrived, so the forgery has too.
    carol.app.send_room_message(&room, "after").await.unwrap();
    bob.received("after").await;

    // Carol steps out; Alice removes Bob's spam: everyone in the room sees
    // a tombstone, Bob too.
    carol.app.leave_room(&room).await.unwrap();
    alice
        .app
        .moderate_message(at_alice.id, Some("spam".into()))
        .await
        .unwrap();
    for (client, id) in [(&mut alice, at_alice.id), (&mut bob, spam.id)] {
        let gone = changed(client, id, |m| m.retracted).await;
        assert_eq!(gone.body, "", "the text is gone, not only hidden");
    }
    let expected = vec![
        ("Bob".to_owned(), String::new(), true),
        ("Alice".to_owned(), "hello all".to_owned(), false),
        ("Carol".to_owned(), "after".to_owned(), false),
    ];
    assert_eq!(shown(&bob, &room).await, expected);
    assert_eq!(hello.body, "hello all");

    // The room's archive keeps the removal: Carol, away when it happened,
    // reads it on her way back in.
    carol.app.join_room(&room, "Carol", None).await.unwrap();
    let gone = changed(&mut carol, at_carol.id, |m| m.retracted).await;
    assert_eq!(gone.body, "");
    assert_eq!(shown(&carol, &room).await, expected);
}

crate::on_both_servers!(a_moderator_removes_a_message_for_everyone);
