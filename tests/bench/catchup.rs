//! Benchmark: CPU and wall time for Hearth's core to catch up on messages
//! another device of the account received while this one was closed —
//! read from the server archive (XEP-0313) page by page, deduplicated,
//! stored in SQLite and announced — against a real ejabberd on loopback
//! (`HEARTH_BENCH_SERVER=prosody` for Prosody, whose file-based test
//! archive reads the whole archive for every page of 50: about a page a
//! second at 10,000 messages, the server's time, not Hearth's).
//!
//! `cargo bench --bench catchup` (release). The messages are sent, and
//! received by "the phone", in a child process (this binary re-run with
//! `--phone`) while the desk is logged out, so they reach the desk only
//! through the archive, and the CPU figure is the desk's alone.
//! Env: HEARTH_BENCH_MESSAGES (default 10000), HEARTH_BENCH_REPS (default 3).

#[path = "../integration/support/mod.rs"]
mod support;

use std::process::Command;
use std::time::{Duration, Instant};

use hearth::session::SessionEvent;
use hearth::store::MessageDirection;
use support::bench::{cpu_seconds, env_or};
use support::{Client, Kind, Server};

/// Child mode: alice's phone is online while bob sends `n` messages, so
/// the server delivers them there and archives them (nothing offline).
async fn phone(port: u16, cert_dir: &str, n: usize) {
    let server = Server::attach(port, cert_dir);
    let mut phone = Client::new(&server, "alice");
    let mut bob = Client::new(&server, "bob");
    phone.login(&server).await;
    bob.login(&server).await;
    let body = "x".repeat(140);
    for i in 0..n {
        bob.app
            .send_message("alice@localhost", &format!("{i} {body}"))
            .await
            .unwrap();
    }
    // Up to ten minutes: the server's pace, not the one being measured.
    let mut received = 0;
    let deadline = Instant::now() + Duration::from_secs(600);
    while received < n {
        assert!(Instant::now() < deadline, "the phone got {received} of {n}");
        received += incoming(&phone.events_during(Duration::from_millis(200)).await);
    }
    bob.app.shutdown().await;
    phone.app.shutdown().await;
}

/// Incoming messages announced in `events`.
fn incoming(events: &[SessionEvent]) -> usize {
    events
        .iter()
        .map(|e| match e {
            SessionEvent::MessagesAdded { messages } => messages
                .iter()
                .filter(|m| m.direction == MessageDirection::In)
                .count(),
            _ => 0,
        })
        .sum()
}

/// Wait (up to ten minutes) for the end of the session's archive
/// catch-up; the number of archived messages it read.
async fn caught_up(client: &mut Client) -> u32 {
    let deadline = Instant::now() + Duration::from_secs(600);
    while Instant::now() < deadline {
        for e in client.events_during(Duration::from_millis(200)).await {
            if let SessionEvent::HistorySync(h) = e {
                if !h.running {
                    assert_eq!(h.problem, None, "catch-up stopped early");
                    return h.messages;
                }
            }
        }
    }
    panic!("catch-up did not end in ten minutes");
}

async fn one_run(n: usize) -> (f64, f64, u32) {
    let kind = match std::env::var("HEARTH_BENCH_SERVER").as_deref() {
        Ok("prosody") => Kind::Prosody,
        _ => Kind::Ejabberd,
    };
    let server = Server::start_on(kind, &["alice", "bob"]);
    let mut desk = Client::new(&server, "alice");
    // The desk has been here before: its archive position is known (a
    // message from bob while it was online).
    desk.login(&server).await;
    caught_up(&mut desk).await;
    let mut bob = Client::new(&server, "bob");
    bob.login(&server).await;
    bob.app
        .send_message("alice@localhost", "before")
        .await
        .unwrap();
    desk.received("before").await;
    bob.app.shutdown().await;
    desk.app.logout(false).await.unwrap();
    desk.seen.clear();

    let exe = std::env::current_exe().unwrap();
    let status = Command::new(exe)
        .args([
            "--phone",
            &server.port.to_string(),
            &server.path().display().to_string(),
            &n.to_string(),
        ])
        .status()
        .unwrap();
    assert!(status.success(), "the phone's run failed");

    let (cpu0, t0) = (cpu_seconds(), Instant::now());
    desk.login(&server).await;
    let read = caught_up(&mut desk).await;
    // The last page is announced once stored, just after the end is told.
    let deadline = Instant::now() + Duration::from_secs(30);
    while incoming(&desk.seen) < n && Instant::now() < deadline {
        desk.events_during(Duration::from_millis(20)).await;
    }
    let (cpu, wall) = (cpu_seconds() - cpu0, t0.elapsed().as_secs_f64());
    // A server may keep fewer (Prosody's file store keeps the newest
    // 10,000 per user): every message it kept, once.
    let held = incoming(&desk.seen);
    assert!(
        held <= n && held as u32 <= read,
        "{held} announced, {read} read"
    );
    desk.app.shutdown().await;
    (cpu, wall, held as u32)
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    if args.get(1).map(String::as_str) == Some("--phone") {
        let port = args[2].parse().unwrap();
        let n = args[4].parse().unwrap();
        rt.block_on(phone(port, &args[3], n));
        return;
    }
    if args.iter().any(|a| a == "--list") {
        return; // cargo bench's probe
    }
    let n = env_or("HEARTH_BENCH_MESSAGES", 10_000);
    let reps = env_or("HEARTH_BENCH_REPS", 3);
    println!("archive catch-up of {n} 1:1 messages from a real server (the core only)");
    for r in 1..=reps {
        let (cpu, wall, read) = rt.block_on(one_run(n));
        println!(
            "  run {r}: CPU {cpu:.2} s, wall {wall:.2} s, {read} new messages stored, {:.0} msg/s",
            n as f64 / wall
        );
    }
}
