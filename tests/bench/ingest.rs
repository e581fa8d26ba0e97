//! Benchmark: CPU and wall time for Hearth's core to ingest a flood of 1:1
//! messages from a real Prosody on loopback — receive, parse, store in
//! SQLite (batched), and announce to the UI layer.
//!
//! `cargo bench --bench ingest` (release). The flood is sent by a child
//! process (this binary re-run with `--flood`), so the CPU figure is the
//! receiving client's alone.
//! Env: HEARTH_BENCH_MESSAGES (default 5000), HEARTH_BENCH_REPS (default 3).

#[path = "../integration/support/mod.rs"]
mod support;

use std::process::Command;
use std::sync::Arc;
use std::time::{Duration, Instant};

use hearth::session::SessionEvent;
use hearth::store::MessageDirection;
use support::bench::{cpu_seconds, env_or};
use support::{Client, Server};

/// Child mode: log in as bob and send `n` messages to alice as fast as the
/// stream takes them.
async fn flood(port: u16, cert_dir: &str, n: usize) {
    let server = Server::attach(port, cert_dir);
    let mut bob = Client::new(&server, "bob");
    bob.login(&server).await;
    let body = "x".repeat(140);
    for i in 0..n {
        bob.app
            .send_message("alice@localhost", &format!("{i} {body}"))
            .await
            .unwrap();
    }
    // Wait until the server acknowledged the last one.
    bob.wait_event(|e| match e {
        SessionEvent::MessageUpdated(m)
            if m.body.starts_with(&format!("{} ", n - 1))
                && m.state == hearth::store::DeliveryState::Acked =>
        {
            Some(())
        }
        _ => None,
    })
    .await;
    bob.app.shutdown().await;
}

async fn one_run(n: usize) -> (f64, f64) {
    let server = Server::start(&["alice", "bob"]);
    let mut alice = Client::new(&server, "alice");
    alice.login(&server).await;
    // Let login settle so it is not counted.
    alice.events_during(Duration::from_millis(500)).await;

    let exe = std::env::current_exe().unwrap();
    let mut child = Command::new(exe)
        .args([
            "--flood",
            &server.port.to_string(),
            &server.path().display().to_string(),
            &n.to_string(),
        ])
        .spawn()
        .unwrap();
    let (cpu0, t0) = (cpu_seconds(), Instant::now());
    let mut got = 0;
    let deadline = Duration::from_secs(300);
    while got < n {
        assert!(
            t0.elapsed() < deadline,
            "flood not ingested in time ({got}/{n})"
        );
        got += alice
            .wait_event(|e| match e {
                SessionEvent::MessagesAdded { messages: list, .. } => Some(
                    list.iter()
                        .filter(|m| m.direction == MessageDirection::In)
                        .count(),
                ),
                _ => None,
            })
            .await;
    }
    let (cpu, wall) = (cpu_seconds() - cpu0, t0.elapsed().as_secs_f64());
    let _ = child.wait();
    let stored = alice
        .app
        .history_page("bob@localhost", None, 500)
        .await
        .unwrap();
    assert_eq!(stored.messages.len(), 500.min(n));
    let _ = Arc::strong_count(&alice.app);
    (cpu, wall)
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    if args.get(1).map(String::as_str) == Some("--flood") {
        let port = args[2].parse().unwrap();
        let n = args[4].parse().unwrap();
        rt.block_on(flood(port, &args[3], n));
        return;
    }
    if args.iter().any(|a| a == "--list") {
        return; // cargo bench's probe
    }
    let n = env_or("HEARTH_BENCH_MESSAGES", 5000);
    let reps = env_or("HEARTH_BENCH_REPS", 3);
    println!("ingest of {n} 1:1 messages from a real Prosody (receiving client only)");
    for r in 1..=reps {
        let (cpu, wall) = rt.block_on(one_run(n));
        println!(
            "  run {r}: CPU {cpu:.2} s, wall {wall:.2} s, {:.0} msg/s",
            n as f64 / wall
        );
    }
}
