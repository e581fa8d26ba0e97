//! A crash in the middle of a flood, against real Prosody and ejabberd:
//! Hearth runs in a process of its own, is killed with SIGKILL while a
//! contact's 10,000 messages stream in, and is started again on the same
//! profile. The database is intact, the old session is resumed (its
//! stream-management state was saved with the messages it counted), and
//! after catch-up every message is there exactly once.
//!
//! The test servers keep up to 20,000 unacknowledged stanzas for a session
//! that went away (Prosody `smacks_max_queue_size`, ejabberd
//! `max_ack_queue`); with their defaults (500, 5,000) a long enough
//! absence makes them refuse the resumption, and the archive brings the
//! rest instead.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use crate::support::{own_process, password, Client, Kind, Server};
use crate::sync::{caught_up, conversation};
use hearth::connection::ConsoleDirection;
use hearth::credentials::MemorySecrets;

const N: usize = 10_000;
/// Stored before the kill.
const KILL_AFTER: usize = 2_000;
const CHILD: &str = "crash::inside::alice_until_killed";

/// Messages from bob stored in the profile's database (read beside the
/// running process, as another reader of its WAL database).
fn stored_from_bob(profile: &Path) -> usize {
    let Ok(db) = rusqlite::Connection::open_with_flags(
        profile.join("hearth.sqlite3"),
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
    ) else {
        return 0;
    };
    db.query_row(
        "SELECT count(*) FROM messages WHERE peer = 'bob@localhost' AND direction = 'in'",
        [],
        |r| r.get::<_, i64>(0),
    )
    .map_or(0, |n| n as usize)
}

async fn killed_mid_flood_and_started_again(kind: Kind) {
    let server = Server::start_on(kind, &["alice", "bob"]);
    // alice's profile has been used before: its archive position is known.
    let mut alice = Client::new(&server, "alice");
    alice.login(&server).await;
    caught_up(&mut alice).await;
    alice.app.shutdown().await;
    let Client { app, dir, .. } = alice;
    drop(app);
    let profile = dir.path().to_owned();
    assert!(
        std::fs::metadata(profile.join("hearth.sqlite3")).is_ok(),
        "the profile's database is where this test reads it"
    );

    // alice's Hearth in a process of its own.
    let mut child = own_process::spawn(
        CHILD,
        &[
            ("HEARTH_CRASH_PROFILE", profile.as_os_str()),
            ("HEARTH_CRASH_PORT", server.port.to_string().as_ref()),
        ],
    );
    let mut out = BufReader::new(child.stdout.take().unwrap()).lines();
    loop {
        match out.next() {
            Some(Ok(line)) if line.contains("ALICE ONLINE") => break,
            Some(Ok(_)) => {}
            other => panic!("alice's process ended before going online: {other:?}"),
        }
    }
    // What it prints after this is not read.
    std::thread::spawn(move || out.for_each(drop));

    let mut bob = Client::new(&server, "bob");
    bob.login(&server).await;
    let sender = bob.app.clone();
    let started = std::time::Instant::now();
    let flood = tokio::spawn(async move {
        for i in 0..N {
            sender
                .send_message("alice@localhost", &format!("m{i}"))
                .await
                .unwrap();
        }
    });
    let deadline = tokio::time::Instant::now() + Duration::from_secs(120);
    while stored_from_bob(&profile) < KILL_AFTER {
        assert!(
            tokio::time::Instant::now() < deadline,
            "alice stored {} of bob's messages in two minutes",
            stored_from_bob(&profile)
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    eprintln!("{KILL_AFTER} stored after {:?}", started.elapsed());
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    let at_kill = stored_from_bob(&profile);
    assert!(at_kill < N, "the flood was over before the kill");

    let db = rusqlite::Connection::open(profile.join("hearth.sqlite3")).unwrap();
    let check: String = db
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(check, "ok");
    drop(db);

    // Started again on the same profile while bob is still sending.
    let mut alice = Client::in_dir(&server, "alice", Arc::new(MemorySecrets::default()), dir);
    alice.app.set_console_open(true).await;
    alice.login(&server).await;
    eprintln!("online again after {:?}", started.elapsed());
    flood.await.unwrap();
    eprintln!("flood sent after {:?}", started.elapsed());
    caught_up(&mut alice).await;
    eprintln!("caught up after {:?}", started.elapsed());
    let resumed = alice
        .console_lines(Some(ConsoleDirection::In))
        .iter()
        .any(|l| l.contains("<resumed"));
    assert!(resumed, "the session the killed process left was resumed");

    // ejabberd's archive (mnesia) takes about 100 messages a second by now.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(300);
    let sent: Vec<String> = (0..N).map(|i| format!("m{i}")).collect();
    loop {
        let bodies: Vec<String> = conversation(&alice, "bob@localhost")
            .await
            .into_iter()
            .map(|m| m.body)
            .collect();
        if bodies.len() >= N || tokio::time::Instant::now() > deadline {
            if bodies.len() < N {
                eprintln!("SERVER LOG:\n{}", server.logs());
            }
            let mut once = bodies.clone();
            once.sort();
            once.dedup();
            let missing = sent.iter().filter(|b| once.binary_search(b).is_err());
            assert!(
                once.len() == bodies.len() && bodies.len() == N,
                "{} stored ({} distinct, {at_kill} before the kill); missing: {:?}",
                bodies.len(),
                once.len(),
                missing.take(20).collect::<Vec<_>>()
            );
            break;
        }
        eprintln!("{} stored after {:?}", bodies.len(), started.elapsed());
        let _ = alice.events_during(Duration::from_millis(500)).await;
    }
}

/// What runs in alice's own process: log in, say so, take messages until
/// killed.
mod inside {
    use super::*;
    use hearth::app::{App, LoginRequest};
    use hearth::connection::ConnectionSettings;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    #[ignore = "runs in a process of its own, started by the crash tests"]
    async fn alice_until_killed() {
        own_process::enter(CHILD);
        let profile = std::env::var_os("HEARTH_CRASH_PROFILE").unwrap();
        let port: u16 = std::env::var("HEARTH_CRASH_PORT").unwrap().parse().unwrap();
        let (tx, mut events) = tokio::sync::mpsc::unbounded_channel();
        let app = App::open(
            Path::new(&profile),
            Arc::new(MemorySecrets::default()),
            Arc::new(tx),
            None,
        )
        .unwrap();
        app.login(LoginRequest {
            connection: Some(ConnectionSettings {
                host: Some("127.0.0.1".into()),
                port: Some(port),
                ..Default::default()
            }),
            ..LoginRequest::new("alice@localhost", &password("alice"))
        })
        .await
        .unwrap();
        while let Some(e) = events.recv().await {
            if matches!(&e, hearth::session::SessionEvent::State(s) if s.is_online()) {
                println!("ALICE ONLINE");
            }
        }
    }
}

crate::on_both_servers!(killed_mid_flood_and_started_again);
