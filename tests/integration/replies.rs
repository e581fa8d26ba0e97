//! Replies (XEP-0461) between Hearth clients on Prosody and ejabberd: a
//! reply names the message it answers, in a conversation by the sender's
//! id and in a room by the room's; its text arrives without the quote
//! other clients are given, and the message it names is found.

use crate::chat::befriend;
use crate::support::{Kind, Server};

async fn a_reply_names_the_message_it_answers_one_to_one_and_in_a_room(kind: Kind) {
    let (server, [mut alice, mut bob]) = Server::with_online(kind, ["alice", "bob"]).await;
    befriend(&mut alice, &mut bob).await;
    let question = alice
        .app
        .send_message("bob@localhost", "明天三点开会？")
        .await
        .unwrap();
    let theirs = bob.received("明天三点开会？").await;
    let answer = bob
        .app
        .send_reply("alice@localhost", "好的", theirs.id)
        .await
        .unwrap();
    assert_eq!(answer.body, "好的", "our copy has the text alone");
    let got = alice.received("好的").await;
    let reply = got.reply.clone().expect("a reply");
    assert_eq!(reply.id, question.origin_id.clone().unwrap());
    assert_eq!(reply.quote.as_deref(), Some("明天三点开会？"));
    let named = alice
        .app
        .reply_target("bob@localhost", &reply.id)
        .await
        .unwrap()
        .expect("the question is held");
    assert_eq!(named.id, question.id);

    // In a room, by the room's id for the message.
    let room = server.room("replies");
    alice.app.join_room(&room, "Alice", None).await.unwrap();
    bob.app.join_room(&room, "Bob", None).await.unwrap();
    crate::muc::arrived(&mut alice, &room, "Bob").await;
    alice.app.send_room_message(&room, "lunch?").await.unwrap();
    let lunch = bob.received("lunch?").await;
    let sid = lunch.stanza_id.clone().expect("the room's id");
    bob.app.send_reply(&room, "yes", lunch.id).await.unwrap();
    let yes = alice.received("yes").await;
    assert_eq!(
        yes.reply.as_ref().map(|r| r.id.as_str()),
        Some(sid.as_str())
    );
    let named = alice.app.reply_target(&room, &sid).await.unwrap().unwrap();
    assert_eq!(named.body, "lunch?");
}

crate::on_both_servers!(a_reply_names_the_message_it_answers_one_to_one_and_in_a_room);
