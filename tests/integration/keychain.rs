//! The real OS keychain (Secret Service via gnome-keyring). These tests
//! need a session bus with an unlocked keyring, so they are skipped by a
//! bare `cargo test` and run by `scripts/test` inside `dbus-run-session`.

use std::sync::Arc;

use crate::support::{jid, password, Client, Server};
use hearth::app::{App, LoginRequest};
use hearth::credentials::{Keychain, SecretStore};

#[test]
#[ignore = "needs a Secret Service; scripts/test runs it inside dbus-run-session"]
fn keychain_round_trip() {
    let account = format!("roundtrip-{}@example.org", std::process::id());
    let k = Keychain;
    assert_eq!(k.get(&account).unwrap(), None);
    k.set(&account, "s3cret ünïcode").unwrap();
    assert_eq!(k.get(&account).unwrap().as_deref(), Some("s3cret ünïcode"));
    k.set(&account, "changed").unwrap();
    assert_eq!(k.get(&account).unwrap().as_deref(), Some("changed"));
    k.delete(&account).unwrap();
    assert_eq!(k.get(&account).unwrap(), None);
}

fn file_contains(dir: &std::path::Path, needle: &str) -> bool {
    std::fs::read_dir(dir).unwrap().flatten().any(|f| {
        std::fs::read(f.path())
            .map(|bytes| bytes.windows(needle.len()).any(|w| w == needle.as_bytes()))
            .unwrap_or(false)
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs a Secret Service; scripts/test runs it inside dbus-run-session"]
async fn remembered_password_logs_in_automatically_on_next_start() {
    let server = Server::start(&["carol"]);
    let mut first = Client::with_secrets(&server, "carol", Arc::new(Keychain));
    let mut req: LoginRequest = first.request(&server, &password("carol"));
    req.remember = true;
    req.auto_login = true;
    first.app.login(req).await.unwrap();
    first.wait_state(|s| s.is_online()).await;
    first.app.shutdown().await;

    // The password is in the keychain and nowhere in the profile folder.
    assert_eq!(
        Keychain.get(&jid("carol")).unwrap(),
        Some(password("carol"))
    );
    assert!(
        !file_contains(first.dir.path(), &password("carol")),
        "password leaked to disk"
    );

    // "Next start": a new App on the same profile logs in by itself.
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let app = App::open(first.dir.path(), Arc::new(Keychain), Arc::new(tx), None).unwrap();
    let saved = app.saved_login().await.unwrap().expect("saved login");
    assert!(saved.has_password && saved.auto_login);
    assert!(app.auto_login().await.unwrap());
    let deadline = tokio::time::Instant::now() + crate::support::WAIT;
    loop {
        let ev = tokio::time::timeout_at(deadline, rx.recv())
            .await
            .expect("online in time")
            .unwrap();
        if matches!(ev, hearth::session::SessionEvent::State(ref s) if s.is_online()) {
            break;
        }
    }
    // Forgetting the password removes it from the keychain.
    app.logout(true).await.unwrap();
    assert_eq!(Keychain.get(&jid("carol")).unwrap(), None);
    let saved = app.saved_login().await.unwrap().unwrap();
    assert!(!saved.has_password && !saved.auto_login);
}
