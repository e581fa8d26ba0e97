//! Benchmark: search over a large history (`store/search.rs`).
//!
//! `cargo bench --bench search` (release). Builds a profile database of
//! HEARTH_BENCH_MESSAGES messages (default 1,000,000) across 200
//! conversations: two thirds English sentences from a 5,000-word
//! vocabulary with the skewed word frequencies of real text, one third
//! Chinese sentences of two-character words from 2,500 characters, some of
//! them mixed. Then times HEARTH_BENCH_QUERIES (default 300) queries of
//! each kind through the store, as the app runs them:
//! - a word query: one English word, picked across the frequency ranks
//!   (common words have most hits to walk);
//! - a Chinese substring: two to four characters cut from a stored Chinese
//!   message at any offset (so often across word edges);
//! - a word query within one conversation;
//! - the start of a word (the word less its last letter): no whole word
//!   matches, so the search falls back to words that start with it.
//!
//! Prints p50, p95 and max per kind, and the cost of storing the messages
//! (per message, index included).

use std::time::Instant;

use hearth::store::{DeliveryState, MessageDirection, MessageKind, NewMessage, Store};

const ACCOUNT: &str = "me@example.org";
const CONVERSATIONS: u64 = 200;
const LIMIT: u32 = 100;

/// xorshift64*: the same database and queries on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    /// A rank in 0..n, skewed like word frequencies (small ranks common).
    fn skewed(&mut self, n: u64) -> u64 {
        let u = (self.next() >> 11) as f64 / (1u64 << 53) as f64;
        (((n as f64).powf(u)) as u64).saturating_sub(1).min(n - 1)
    }
}

fn env_or(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn english_word(rank: u64) -> String {
    // Pronounceable, distinct per rank.
    const SYL: [&str; 20] = [
        "ka", "lo", "mi", "ne", "ru", "sa", "ti", "vo", "be", "da", "fe", "go", "hu", "ji", "ko",
        "la", "mo", "pi", "qu", "ze",
    ];
    let mut w = String::new();
    let mut r = rank + 20;
    while r > 0 {
        w.push_str(SYL[(r % 20) as usize]);
        r /= 20;
    }
    w
}

fn chinese_char(i: u64) -> char {
    char::from_u32(0x4E00 + i as u32).unwrap()
}

fn sentence(rng: &mut Rng, zh_words: &[String]) -> String {
    let kind = rng.below(12);
    let words = 4 + rng.below(12);
    let mut s = String::new();
    for i in 0..words {
        let chinese = kind >= 8 || (kind == 7 && i % 2 == 0);
        if chinese {
            s.push_str(&zh_words[rng.skewed(zh_words.len() as u64) as usize]);
            if kind == 7 {
                s.push(' ');
            }
        } else {
            if !s.is_empty() {
                s.push(' ');
            }
            s.push_str(&english_word(rng.skewed(5_000)));
        }
    }
    s
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

fn report(name: &str, mut times: Vec<f64>, hits: usize) {
    times.sort_by(|a, b| a.total_cmp(b));
    println!(
        "{name:<32} p50 {:>7.2} ms   p95 {:>7.2} ms   max {:>7.2} ms   ({} queries, {hits} results)",
        percentile(&times, 0.5),
        percentile(&times, 0.95),
        times[times.len() - 1],
        times.len()
    );
}

fn main() {
    let n = env_or("HEARTH_BENCH_MESSAGES", 1_000_000) as u64;
    let queries = env_or("HEARTH_BENCH_QUERIES", 300);
    let dir = std::env::temp_dir().join(format!("hearth-search-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("history.sqlite3");
    let mut store = Store::open(&path).unwrap();
    let mut rng = Rng(0x5eed_1234_abcd_0001);
    let zh_words: Vec<String> = (0..8_000)
        .map(|_| {
            [
                chinese_char(rng.below(2_500)),
                chinese_char(rng.below(2_500)),
            ]
            .iter()
            .collect()
        })
        .collect();

    let started = Instant::now();
    let mut chinese_bodies = Vec::new();
    let mut batch = Vec::with_capacity(5_000);
    for i in 0..n {
        let body = sentence(&mut rng, &zh_words);
        if chinese_bodies.len() < 10_000 && body.chars().any(|c| c >= '\u{4E00}') {
            chinese_bodies.push(body.clone());
        }
        batch.push(NewMessage {
            peer: format!("user{}@example.org", rng.skewed(CONVERSATIONS)),
            direction: if i % 3 == 0 {
                MessageDirection::Out
            } else {
                MessageDirection::In
            },
            kind: MessageKind::Chat,
            message_id: Some(format!("m{i}")),
            origin_id: None,
            stanza_id: None,
            body,
            subject: None,
            timestamp: 1_600_000_000_000 + i as i64 * 1_000,
            state: DeliveryState::Received,
            sender: None,
            reply: None,
            unstyled: false,
            occupant_id: None,
        });
        if batch.len() == 5_000 {
            store.insert_messages(ACCOUNT, &batch).unwrap();
            batch.clear();
        }
    }
    store.insert_messages(ACCOUNT, &batch).unwrap();
    let stored = started.elapsed().as_secs_f64();
    let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0)
        + std::fs::metadata(dir.join("history.sqlite3-wal"))
            .map(|m| m.len())
            .unwrap_or(0);
    println!(
        "stored {n} messages in {stored:.1} s ({:.1} µs each, index included); database {:.0} MiB",
        stored * 1e6 / n as f64,
        size as f64 / (1024.0 * 1024.0)
    );

    let time = |query: &str, peer: Option<&str>| -> (f64, usize) {
        let t = Instant::now();
        let found = store
            .search_messages(ACCOUNT, query, peer, LIMIT)
            .unwrap()
            .len();
        (t.elapsed().as_secs_f64() * 1e3, found)
    };
    // Warm the caches as an app that has searched before would have them.
    for rank in 0..20 {
        time(&english_word(rank), None);
    }

    let mut word = (Vec::new(), 0);
    let mut here = (Vec::new(), 0);
    let mut chinese = (Vec::new(), 0);
    let mut starts = (Vec::new(), 0);
    for q in 0..queries {
        // Ranks spread evenly over the log scale: common to rare words.
        let rank = (5_000f64.powf(q as f64 / queries as f64)) as u64 - 1;
        let (ms, hits) = time(&english_word(rank), None);
        word.0.push(ms);
        word.1 += hits;
        let peer = format!("user{}@example.org", rng.skewed(CONVERSATIONS));
        let (ms, hits) = time(&english_word(rank), Some(&peer));
        here.0.push(ms);
        here.1 += hits;
        let body: Vec<char> = chinese_bodies[rng.below(chinese_bodies.len() as u64) as usize]
            .chars()
            .filter(|c| *c >= '\u{4E00}')
            .collect();
        let len = 2 + rng.below(3) as usize;
        let start = rng.below(body.len().saturating_sub(len).max(1) as u64) as usize;
        let sub: String = body[start..(start + len).min(body.len())].iter().collect();
        let (ms, hits) = time(&sub, None);
        chinese.0.push(ms);
        chinese.1 += hits;
        let mut cut = english_word(rank);
        cut.pop();
        let (ms, hits) = time(&cut, None);
        starts.0.push(ms);
        starts.1 += hits;
    }
    report("word, all conversations", word.0, word.1);
    report("word, one conversation", here.0, here.1);
    report("Chinese substring, all", chinese.0, chinese.1);
    report("start of a word, all", starts.0, starts.1);
    drop(store);
    let _ = std::fs::remove_dir_all(&dir);
}
