use super::*;
use crate::store::search_text::register;
use crate::store::{DeliveryState, MessageDirection, MessageKind, NewMessage};
use rusqlite::Connection;

const ME: &str = "me@example.org";

fn msg(peer: &str, body: &str, ts: i64) -> NewMessage {
    NewMessage {
        peer: peer.into(),
        direction: MessageDirection::In,
        kind: MessageKind::Chat,
        message_id: Some(format!("id-{ts}")),
        origin_id: None,
        stanza_id: None,
        body: body.into(),
        subject: None,
        timestamp: ts,
        state: DeliveryState::Received,
        sender: None,
        reply: None,
        unstyled: false,
        occupant_id: None,
    }
}

fn store(bodies: &[(&str, &str)]) -> Store {
    let mut s = Store::open_in_memory().unwrap();
    let rows: Vec<NewMessage> = bodies
        .iter()
        .enumerate()
        .map(|(i, (peer, body))| msg(peer, body, 1_000 + i as i64))
        .collect();
    s.insert_messages(ME, &rows).unwrap();
    s
}

fn found(s: &Store, query: &str) -> Vec<String> {
    s.search_messages(ME, query, None, 50)
        .unwrap()
        .into_iter()
        .map(|m| m.body)
        .collect()
}

#[test]
fn chinese_is_found_inside_a_run_of_chinese() {
    let s = store(&[
        ("bob@x", "小明你好吗"),
        ("bob@x", "明天见"),
        ("bob@x", "你们好"),
    ]);
    assert_eq!(found(&s, "你好"), ["小明你好吗"]);
    assert_eq!(found(&s, "小明"), ["小明你好吗"]);
    assert_eq!(found(&s, "明你"), ["小明你好吗"], "any substring");
    // One character: every message that has it, newest first.
    assert_eq!(found(&s, "明"), ["明天见", "小明你好吗"]);
    // Characters apart do not make the phrase.
    assert!(found(&s, "你见").is_empty());
    // Words in both: both must occur.
    assert_eq!(found(&s, "你 天"), Vec::<String>::new());
    assert_eq!(found(&s, "明 见"), ["明天见"]);
}

#[test]
fn mixed_chinese_and_english_and_english_alone() {
    let s = store(&[
        ("bob@x", "明天的meeting改到3点"),
        ("bob@x", "Lunch at noon? 中午吃饭"),
        ("carol@x", "The meeting notes are in the wiki"),
    ]);
    assert_eq!(found(&s, "meeting改"), ["明天的meeting改到3点"]);
    assert_eq!(found(&s, "吃饭"), ["Lunch at noon? 中午吃饭"]);
    assert_eq!(found(&s, "lunch"), ["Lunch at noon? 中午吃饭"], "any case");
    assert_eq!(found(&s, "meet").len(), 2, "a word matches as a prefix");
    assert_eq!(
        found(&s, "meeting wiki"),
        ["The meeting notes are in the wiki"]
    );
    assert!(found(&s, "eting").is_empty(), "not inside an English word");
}

#[test]
fn the_query_is_taken_literally_and_an_empty_one_finds_nothing() {
    let s = store(&[
        ("bob@x", "budget OR report"),
        ("bob@x", "say \"hi\" NEAR(x y)"),
        ("bob@x", "plain"),
    ]);
    assert_eq!(found(&s, "OR"), ["budget OR report"]);
    assert_eq!(found(&s, "\"hi\""), ["say \"hi\" NEAR(x y)"]);
    assert_eq!(found(&s, "NEAR(x"), ["say \"hi\" NEAR(x y)"]);
    for nothing in ["", "   ", "*", "\"", "()", "。"] {
        assert!(found(&s, nothing).is_empty(), "{nothing:?}");
    }
}

#[test]
fn one_conversation_or_all_and_only_this_account() {
    let mut s = store(&[("bob@x", "hello bob"), ("carol@x", "hello carol")]);
    s.insert_messages("other@example.org", &[msg("bob@x", "hello other", 5)])
        .unwrap();
    assert_eq!(found(&s, "hello"), ["hello carol", "hello bob"]);
    let bob: Vec<String> = s
        .search_messages(ME, "hello", Some("bob@x"), 50)
        .unwrap()
        .into_iter()
        .map(|m| m.body)
        .collect();
    assert_eq!(bob, ["hello bob"]);
}

#[test]
fn a_changed_or_deleted_body_is_searched_as_it_is_now() {
    let s = store(&[("bob@x", "see you at 小酒馆")]);
    let id: i64 = s
        .conn
        .query_row("SELECT id FROM messages", [], |r| r.get(0))
        .unwrap();
    s.conn
        .execute(
            "UPDATE messages SET body = '改在咖啡馆 instead' WHERE id = ?1",
            [id],
        )
        .unwrap();
    assert!(found(&s, "酒馆").is_empty());
    assert_eq!(found(&s, "咖啡"), ["改在咖啡馆 instead"]);
    s.conn
        .execute("DELETE FROM messages WHERE id = ?1", [id])
        .unwrap();
    assert!(found(&s, "咖啡").is_empty());
}

#[test]
fn a_profile_from_before_is_indexed_for_chinese_by_the_migration() {
    // A profile as version 8 left it: the word index of step 1.
    let mut conn = Connection::open_in_memory().unwrap();
    register(&conn).unwrap();
    conn.execute_batch("PRAGMA user_version = 0").unwrap();
    let steps = super::super::migrations::steps_up_to(8);
    for step in steps {
        conn.execute_batch(step).unwrap();
    }
    conn.pragma_update(None, "user_version", 8).unwrap();
    conn.execute(
        "INSERT INTO messages (account, peer, direction, kind, body, ts, state)
         VALUES (?1, 'bob@x', 'in', 'chat', '小明你好吗', 1, 'received')",
        [ME],
    )
    .unwrap();
    super::super::migrations::migrate(&mut conn).unwrap();
    let s = Store { conn };
    assert_eq!(found(&s, "你好"), ["小明你好吗"]);
}

#[test]
fn a_search_result_opens_with_everything_after_it() {
    let bodies: Vec<(&str, String)> = (0..30).map(|i| ("bob@x", format!("m{i}"))).collect();
    let refs: Vec<(&str, &str)> = bodies.iter().map(|(p, b)| (*p, b.as_str())).collect();
    let s = store(&refs);
    let hit = s.search_messages(ME, "m10", None, 5).unwrap().remove(0);
    let page = s
        .history_through(
            ME,
            "bob@x",
            HistoryCursor {
                timestamp: hit.timestamp,
                id: hit.id,
            },
            3,
        )
        .unwrap();
    let got: Vec<&str> = page.messages.iter().map(|m| m.body.as_str()).collect();
    let want: Vec<String> = (7..30).map(|i| format!("m{i}")).collect();
    assert_eq!(got, want);
    assert!(page.complete);
}

#[test]
fn a_search_result_far_back_opens_a_window_around_it() {
    let total = MAX_THROUGH as usize + 100;
    let bodies: Vec<(&str, String)> = (0..total).map(|i| ("bob@x", format!("m{i}"))).collect();
    let refs: Vec<(&str, &str)> = bodies.iter().map(|(p, b)| (*p, b.as_str())).collect();
    let s = store(&refs);
    let hit = s
        .search_messages(ME, "m10", None, 50)
        .unwrap()
        .into_iter()
        .find(|m| m.body == "m10")
        .unwrap();
    let at = HistoryCursor {
        timestamp: hit.timestamp,
        id: hit.id,
    };
    let page = s.history_through(ME, "bob@x", at, 3).unwrap();
    let got: Vec<&str> = page.messages.iter().map(|m| m.body.as_str()).collect();
    let want: Vec<String> = (7..10 + MAX_THROUGH as usize)
        .map(|i| format!("m{i}"))
        .collect();
    assert_eq!(got, want);
    assert!(!page.complete, "the newest are not in it");
}
