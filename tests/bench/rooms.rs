//! Benchmarks for group chat against a real Prosody on loopback:
//!
//! 1. A flood of groupchat messages into a joined room: CPU and wall time
//!    for the receiving client's core to parse, store (batched) and
//!    announce them. The flood comes from a child process (this binary
//!    with `--flood`), so the CPU figure is the receiver's alone.
//! 2. Joining a room that already holds many occupants: time from the join
//!    request to the room's state (every occupant) being ready for the UI.
//!    The occupants are put there over one XEP-0114 component connection.
//!
//! `cargo bench --features custom-protocol --bench rooms`.
//! Env: HEARTH_BENCH_MESSAGES (5000), HEARTH_BENCH_OCCUPANTS (2000),
//! HEARTH_BENCH_REPS (3).

#[path = "../integration/support/mod.rs"]
mod support;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::Command;
use std::time::{Duration, Instant};

use hearth::session::SessionEvent;
use hearth::store::{DeliveryState, MessageDirection, MessageKind};
use support::bench::{cpu_seconds, env_or};
use support::component;
use support::Options;
use support::{Client, Server};

/// Child mode: bob joins the room and sends `n` messages into it.
async fn flood(port: u16, cert_dir: &str, room: &str, n: usize) {
    let server = Server::attach(port, cert_dir);
    let mut bob = Client::new(&server, "bob");
    bob.login(&server).await;
    bob.app.join_room(room, "bob", None).await.unwrap();
    let body = "x".repeat(140);
    for i in 0..n {
        bob.app
            .send_room_message(room, &format!("{i} {body}"))
            .await
            .unwrap();
    }
    bob.wait_event(|e| match e {
        SessionEvent::MessageUpdated(m)
            if m.body.starts_with(&format!("{} ", n - 1)) && m.state == DeliveryState::Acked =>
        {
            Some(())
        }
        _ => None,
    })
    .await;
    bob.app.shutdown().await;
}

async fn flood_run(n: usize) -> (f64, f64) {
    let server = Server::start(&["alice", "bob"]);
    let room = server.room("flood");
    let mut alice = Client::new(&server, "alice");
    alice.login(&server).await;
    alice.app.join_room(&room, "alice", None).await.unwrap();
    alice.events_during(Duration::from_millis(500)).await;

    let mut child = Command::new(std::env::current_exe().unwrap())
        .args([
            "--flood",
            &server.port.to_string(),
            &server.path().display().to_string(),
            &room,
            &n.to_string(),
        ])
        .spawn()
        .unwrap();
    let (cpu0, t0) = (cpu_seconds(), Instant::now());
    let mut got = 0;
    while got < n {
        assert!(
            t0.elapsed() < Duration::from_secs(300),
            "flood stalled at {got}/{n}"
        );
        got += alice
            .wait_event(|e| match e {
                SessionEvent::MessagesAdded { messages: list, .. } => Some(
                    list.iter()
                        .filter(|m| {
                            m.kind == MessageKind::Groupchat && m.direction == MessageDirection::In
                        })
                        .count(),
                ),
                _ => None,
            })
            .await;
    }
    let (cpu, wall) = (cpu_seconds() - cpu0, t0.elapsed().as_secs_f64());
    let _ = child.wait();
    (cpu, wall)
}

/// Put `n` occupants (u0…@bots.<domain>) into `room` over one component
/// connection; returns once the room has sent the last one its own
/// presence. The connection stays open (returned) so they stay.
fn fill_room(server: &Server, room: &str, n: usize) -> TcpStream {
    let bots = format!("bots.{}", server.domain);
    let mut s = component::connect(server);
    // Join one by one, reading what the room sends meanwhile (each newcomer
    // gets everyone's presence), until the last one's self-presence.
    let reader = s.try_clone().unwrap();
    let last = format!("from='{room}/u{}'", n - 1);
    let last_dq = format!("from=\"{room}/u{}\"", n - 1);
    let drain = std::thread::spawn(move || {
        let mut reader = reader;
        let mut buf = vec![0u8; 256 * 1024];
        let mut tail = String::new();
        loop {
            let k = reader.read(&mut buf).unwrap_or(0);
            if k == 0 {
                return false;
            }
            tail.push_str(&String::from_utf8_lossy(&buf[..k]));
            if tail.contains(&last) || tail.contains(&last_dq) {
                return true;
            }
            let keep = tail.len().saturating_sub(512);
            tail.drain(..keep);
        }
    });
    for i in 0..n {
        write!(
            s,
            "<presence from='u{i}@{bots}/bench' to='{room}/u{i}'>\
             <x xmlns='http://jabber.org/protocol/muc'><history maxstanzas='0'/></x></presence>"
        )
        .unwrap();
    }
    assert!(
        drain.join().unwrap(),
        "the room did not take all {n} occupants"
    );
    s
}

async fn join_run(n: usize) -> (f64, f64, usize) {
    let server = Server::start_with(
        &["alice"],
        Options {
            component: true,
            ..Options::default()
        },
    );
    let room = server.room("big");
    let mut owner = Client::new(&server, "alice");
    owner.login(&server).await;
    // The room exists and is open before the crowd arrives.
    owner.app.join_room(&room, "owner", None).await.unwrap();
    let filled = Instant::now();
    let _crowd = fill_room(&server, &room, n);
    eprintln!(
        "  ({n} occupants in {:.1} s)",
        filled.elapsed().as_secs_f64()
    );

    let mut alice = Client::new(&server, "alice");
    alice.login(&server).await;
    alice.events_during(Duration::from_millis(300)).await;
    let (cpu0, t0) = (cpu_seconds(), Instant::now());
    let snapshot = alice.app.join_room(&room, "alice", None).await.unwrap();
    let (cpu, wall) = (cpu_seconds() - cpu0, t0.elapsed().as_secs_f64());
    (cpu, wall, snapshot.occupants.len())
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
        let n = args[5].parse().unwrap();
        rt.block_on(flood(port, &args[3], &args[4], n));
        return;
    }
    if args.iter().any(|a| a == "--list") {
        return; // cargo bench's probe
    }
    let reps = env_or("HEARTH_BENCH_REPS", 3);
    let n = env_or("HEARTH_BENCH_MESSAGES", 5000);
    println!("ingest of {n} groupchat messages in a joined room (receiving client only)");
    for r in 1..=reps {
        let (cpu, wall) = rt.block_on(flood_run(n));
        println!(
            "  run {r}: CPU {cpu:.2} s, wall {wall:.2} s, {:.0} msg/s",
            n as f64 / wall
        );
    }
    let k = env_or("HEARTH_BENCH_OCCUPANTS", 2000);
    println!("joining a room with {k} occupants (request to complete occupant list)");
    for r in 1..=reps {
        let (cpu, wall, got) = rt.block_on(join_run(k));
        println!("  run {r}: {got} occupants, wall {wall:.2} s, CPU {cpu:.2} s");
    }
}
