//! Writes a profile whose conversation with one contact holds a long
//! history, for `long_history.py` (the window opening and scrolling it).
//!
//! `cargo bench --profile dev --bench seed_history -- DIR COUNT ACCOUNT PEER`
//! (the dev profile reuses the library the tests build; the store is the
//! app's own, so the rows and their search index are what the app writes).
//! The messages alternate direction in uneven runs, are one to several
//! lines long (some long enough to wrap), and are 30 s apart, the newest a
//! minute ago.

use std::path::PathBuf;

use hearth::store::{now_ms, DeliveryState, MessageDirection, MessageKind, NewMessage, Store};

const BATCH: usize = 2_000;

fn body(i: usize) -> String {
    const WORDS: [&str; 12] = [
        "release",
        "notes",
        "the build",
        "is green",
        "会议",
        "改到下午三点",
        "please review",
        "the patch",
        "ok",
        "thanks",
        "好的",
        "see you",
    ];
    let words = 3 + (i * 7) % 40;
    let mut s = format!("#{i}");
    for w in 0..words {
        s.push(' ');
        s.push_str(WORDS[(i + w * 5) % WORDS.len()]);
        if (i + w) % 29 == 28 {
            s.push('\n');
        }
    }
    s
}

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    let [dir, count, account, peer] = args.as_slice() else {
        eprintln!("usage: seed_history DIR COUNT ACCOUNT PEER");
        std::process::exit(2);
    };
    let count: usize = count.parse().expect("COUNT is a number");
    let dir = PathBuf::from(dir);
    std::fs::create_dir_all(&dir).expect("the profile folder");
    let mut store = Store::open(&dir.join("hearth.sqlite3")).expect("the profile database");
    let newest = now_ms() - 60_000;
    let started = std::time::Instant::now();
    let mut batch = Vec::with_capacity(BATCH);
    for i in 0..count {
        let out = (i / 3 + i / 7) % 2 == 1;
        batch.push(NewMessage {
            peer: peer.clone(),
            direction: if out {
                MessageDirection::Out
            } else {
                MessageDirection::In
            },
            kind: MessageKind::Chat,
            message_id: None,
            origin_id: Some(format!("seed-{i}")),
            stanza_id: None,
            body: body(i),
            subject: None,
            timestamp: newest - (count - i) as i64 * 30_000,
            state: if out {
                DeliveryState::Acked
            } else {
                DeliveryState::Received
            },
            sender: None,
            reply: None,
            unstyled: false,
            occupant_id: None,
        });
        if batch.len() == BATCH {
            store.insert_messages(account, &batch).expect("stored");
            batch.clear();
        }
    }
    store.insert_messages(account, &batch).expect("stored");
    eprintln!(
        "seeded {count} messages with {peer} in {:.1} s",
        started.elapsed().as_secs_f64()
    );
}
