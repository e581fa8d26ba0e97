//! Replies (XEP-0461) and reactions (XEP-0444) between Hearth clients on
//! Prosody and ejabberd: both name the message they concern, in a
//! conversation by the sender's id and in a room by the room's. A reply's
//! text arrives without the quote other clients are given, and the message
//! it names is found; a sender's new set of reactions replaces the old.

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

/// Reactions (XEP-0444): each side's set reaches the other and our other
/// device; a set replaces the one before; in a room by the room's id.
async fn reactions_reach_both_sides_and_a_new_set_replaces_the_old(kind: Kind) {
    let (server, [mut alice, mut bob]) = Server::with_online(kind, ["alice", "bob"]).await;
    befriend(&mut alice, &mut bob).await;
    let sent = alice
        .app
        .send_message("bob@localhost", "shipped")
        .await
        .unwrap();
    let theirs = bob.received("shipped").await;
    bob.app
        .react(theirs.id, vec!["🎉".into(), "👍".into()])
        .await
        .unwrap();
    let shown = reactions_on(&mut alice, sent.id, |r| r.len() == 2).await;
    assert_eq!(shown[0].emoji, "🎉");
    assert_eq!(shown[0].by, ["bob@localhost"]);
    assert!(!shown[0].mine);
    // A new set replaces the old one.
    bob.app.react(theirs.id, vec!["👍".into()]).await.unwrap();
    let shown = reactions_on(&mut alice, sent.id, |r| r.len() == 1).await;
    assert_eq!(shown[0].emoji, "👍");
    alice.app.react(sent.id, vec!["👍".into()]).await.unwrap();
    let both = reactions_on(&mut bob, theirs.id, |r| {
        r.iter().any(|x| x.mine && !x.by.is_empty())
    })
    .await;
    assert_eq!(both[0].by, ["alice@localhost"]);
    // Kept: a page read again shows them.
    let page = alice
        .app
        .history_page("bob@localhost", None, 10)
        .await
        .unwrap();
    assert!(page
        .messages
        .iter()
        .any(|m| m.id == sent.id && m.reactions.len() == 1));

    let room = server.room("reactions");
    alice.app.join_room(&room, "Alice", None).await.unwrap();
    bob.app.join_room(&room, "Bob", None).await.unwrap();
    crate::muc::arrived(&mut alice, &room, "Bob").await;
    let lunch = alice.app.send_room_message(&room, "lunch?").await.unwrap();
    let seen = bob.received("lunch?").await;
    bob.app.react(seen.id, vec!["🍕".into()]).await.unwrap();
    let shown = reactions_on(&mut alice, lunch.id, |r| !r.is_empty()).await;
    assert_eq!(shown[0].by, ["Bob"]);
}

async fn reactions_on(
    client: &mut crate::support::Client,
    id: i64,
    pred: impl Fn(&[hearth::store::Reaction]) -> bool,
) -> Vec<hearth::store::Reaction> {
    client
        .wait_event(|e| match e {
            hearth::session::SessionEvent::MessageUpdated(m)
                if m.id == id && pred(&m.reactions) =>
            {
                Some(m.reactions.clone())
            }
            _ => None,
        })
        .await
}

crate::on_both_servers!(reactions_reach_both_sides_and_a_new_set_replaces_the_old);
