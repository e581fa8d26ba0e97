//! Search over what real servers delivered, on Prosody and ejabberd:
//! Chinese is found inside a run of Chinese, mixed and English text by
//! word, in one conversation or all, and a result opens with everything
//! after it.

use crate::chat::befriend;
use crate::support::{Kind, Server};
use hearth::store::{HistoryCursor, MessageDirection};

async fn what_was_said_is_found_in_chinese_and_english(kind: Kind) {
    let (_server, [mut alice, mut bob, carol]) =
        Server::with_online(kind, ["alice", "bob", "carol"]).await;
    // Carol is not a contact: what strangers wrote is searched too.
    befriend(&mut alice, &mut bob).await;
    for body in ["小明你好吗？", "明天的meeting改到3点", "最后一条"] {
        bob.app.send_message("alice@localhost", body).await.unwrap();
    }
    carol
        .app
        .send_message("alice@localhost", "你好, lunch at noon?")
        .await
        .unwrap();
    alice.received("最后一条").await;
    alice.received("你好, lunch at noon?").await;
    alice
        .app
        .send_message("bob@localhost", "OK, see you at the meeting")
        .await
        .unwrap();

    let found = |hits: Vec<hearth::store::ChatMessage>| -> Vec<(String, String)> {
        hits.into_iter().map(|m| (m.peer, m.body)).collect()
    };
    let hits = alice.app.search_messages("你好", None, 50).await.unwrap();
    // Newest first; bob's and carol's messages may reach alice in either
    // order (two senders), so the order is checked by time.
    assert!(
        hits.windows(2)
            .all(|w| (w[0].timestamp, w[0].id) >= (w[1].timestamp, w[1].id)),
        "newest first"
    );
    let mut got = found(hits);
    got.sort();
    assert_eq!(
        got,
        [
            ("bob@localhost".to_owned(), "小明你好吗？".to_owned()),
            (
                "carol@localhost".to_owned(),
                "你好, lunch at noon?".to_owned()
            ),
        ],
        "a Chinese word inside a run of Chinese"
    );
    let only_bob = alice
        .app
        .search_messages("你好", Some("bob@localhost".into()), 50)
        .await
        .unwrap();
    assert_eq!(found(only_bob).len(), 1);
    let meeting = alice
        .app
        .search_messages("meeting", None, 50)
        .await
        .unwrap();
    assert_eq!(meeting.len(), 2, "mixed text and our own message");
    assert!(meeting.iter().any(|m| m.direction == MessageDirection::Out));
    assert!(alice
        .app
        .search_messages("你见", None, 50)
        .await
        .unwrap()
        .is_empty());

    // Opening the oldest result: it and everything after it, in order.
    let hit = alice
        .app
        .search_messages("小明", None, 50)
        .await
        .unwrap()
        .remove(0);
    let page = alice
        .app
        .history_through(
            "bob@localhost",
            HistoryCursor {
                timestamp: hit.timestamp,
                id: hit.id,
            },
            25,
        )
        .await
        .unwrap();
    let bodies: Vec<&str> = page.messages.iter().map(|m| m.body.as_str()).collect();
    assert_eq!(
        bodies,
        [
            "小明你好吗？",
            "明天的meeting改到3点",
            "最后一条",
            "OK, see you at the meeting"
        ]
    );
    assert!(page.complete);
}

crate::on_both_servers!(what_was_said_is_found_in_chinese_and_english);
