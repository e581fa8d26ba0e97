//! Logging in, failing to, and staying connected — against real Prosody
//! and ejabberd servers.

use crate::support::{Client, Kind, Server};
use hearth::error::ErrorCode;
use hearth::session::{ConnectionState, SessionEvent};

async fn login_succeeds_and_reports_online_with_bound_jid(kind: Kind) {
    let server = Server::start_on(kind, &["alice"]);
    let mut alice = Client::new(&server, "alice");
    alice.login(&server).await;
    let ConnectionState::Online { jid, .. } = alice.app.connection_state().await else {
        panic!("not online: {:?}", alice.seen);
    };
    assert!(
        jid.starts_with("alice@localhost/Hearth."),
        "bound JID {jid}"
    );
    // The session went connecting -> online, nothing else.
    let states: Vec<_> = alice
        .seen
        .iter()
        .filter_map(|e| match e {
            SessionEvent::State(s) => Some(s.clone()),
            _ => None,
        })
        .collect();
    assert!(matches!(states.first(), Some(ConnectionState::Connecting)));
}

async fn wrong_password_reports_auth_error_once_and_stops(kind: Kind) {
    let server = Server::start_on(kind, &["alice"]);
    let mut alice = Client::new(&server, "alice");
    alice
        .app
        .login(alice.request(&server, "not-the-password"))
        .await
        .unwrap();
    let reason = alice.wait_offline_reason().await;
    assert_eq!(reason.code, ErrorCode::AuthFailed);
    // The UI says "wrong user name or password" for the code; the server's
    // own words, if any, come as its text, never as Hearth's sentence.
    assert_eq!(reason.condition.as_deref(), Some("not-authorized"));
    assert!(reason.detail.is_none(), "{reason:?}");
    // No retry: nothing happens afterwards, and the server saw one attempt.
    let later = alice.events_while_a_retry_would_come().await;
    assert!(
        later.is_empty(),
        "unexpected events after auth failure: {later:?}"
    );
    let connections = match kind {
        // Each login attempt negotiates TLS once; the harness's port probe never does.
        Kind::Prosody => server.logs().matches("Stream encrypted").count(),
        Kind::Ejabberd => server.logs().matches("Failed c2s").count(),
    };
    assert_eq!(connections, 1, "the server saw {connections} connections");
}

async fn untrusted_certificate_is_refused_until_pinned(kind: Kind) {
    let server = Server::start_on(kind, &["alice"]);
    let mut stranger = Client::untrusting(&server, "alice");
    stranger
        .app
        .login(stranger.request(&server, "alice-pw"))
        .await
        .unwrap();
    let reason = stranger.wait_offline_reason().await;
    assert_eq!(reason.code, ErrorCode::CertificateUntrusted);
    let fingerprint = hearth::connection::fingerprint(&server.certificate_der());
    // Why, by its fault (the test certificate is its own authority, which
    // verification may call an unknown issuer or a CA used as a server
    // certificate); the fingerprint is in the details below.
    assert!(reason.condition.is_some(), "{reason:?}");
    // Once the user pins exactly this certificate, the login succeeds.
    // The dialog's details: the certificate the server presented.
    let shown = stranger
        .app
        .untrusted_certificate()
        .await
        .expect("certificate details");
    assert_eq!(shown.fingerprint, fingerprint);
    assert!(shown.names.contains(&"localhost".to_string()), "{shown:?}");
    assert!(shown.subject.contains("localhost"), "{}", shown.subject);
    assert!(shown.not_after > shown.not_before);
    assert!(!shown.changed);
    // A fingerprint the server did not present cannot be pinned this way.
    assert!(stranger.app.trust_certificate("00:11").await.is_err());
    // "Trust this certificate": pinned, and the same login runs again.
    stranger.app.trust_certificate(&fingerprint).await.unwrap();
    stranger.wait_state(|s| s.is_online()).await;
    let pinned = stranger.app.pinned_certificates().await.unwrap();
    assert_eq!(pinned.len(), 1);
    assert_eq!(pinned[0].fingerprint, fingerprint);
}

async fn server_restart_reconnects_and_restores_presence(kind: Kind) {
    let mut server = Server::start_on(kind, &["alice", "bob"]);
    let mut alice = Client::new(&server, "alice");
    let mut bob = Client::new(&server, "bob");
    alice.login(&server).await;
    bob.login(&server).await;
    alice
        .app
        .add_contact(
            "bob@localhost",
            Some("Bob".into()),
            vec!["Team".into()],
            true,
        )
        .await
        .unwrap();
    bob.app
        .add_contact("alice@localhost", None, vec![], true)
        .await
        .unwrap();
    bob.wait_presence("alice@localhost", true).await;

    server.restart();

    let reconnecting = alice
        .wait_state(|s| matches!(s, ConnectionState::Reconnecting { .. }))
        .await;
    let ConnectionState::Reconnecting { reason, .. } = reconnecting else {
        unreachable!()
    };
    // The link drops, or (when the server gets to say it before it goes)
    // the server tells us it is shutting down: either way a lost link that
    // is retried, never a reason to stop.
    let shutdown = reason.code == ErrorCode::StreamError
        && reason.condition.as_deref() == Some("system-shutdown");
    assert!(
        reason.code == ErrorCode::ConnectionLost || shutdown,
        "{reason:?}"
    );
    // The restarted server lost the stream-management state, so this is a
    // new session and the UI is told so.
    let back = alice.wait_state(|s| s.is_online()).await;
    assert!(
        matches!(
            back,
            ConnectionState::Online {
                new_session_after_loss: true,
                ..
            }
        ),
        "{back:?}"
    );
    bob.wait_state(|s| s.is_online()).await;
    // Presence is announced again: bob sees alice available after the restart.
    bob.wait_presence("alice@localhost", true).await;
}

/// A machine without a usable keychain (no Secret Service running).
struct NoKeychain;

impl hearth::credentials::SecretStore for NoKeychain {
    fn set(&self, _: &str, _: &str) -> hearth::error::Result<()> {
        Err(hearth::error::HearthError::Keychain("not running".into()))
    }
    fn get(&self, _: &str) -> hearth::error::Result<Option<String>> {
        Err(hearth::error::HearthError::Keychain("not running".into()))
    }
    fn delete(&self, _: &str) -> hearth::error::Result<()> {
        Err(hearth::error::HearthError::Keychain("not running".into()))
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_keychain_login_works_unless_asked_to_remember() {
    let server = Server::start(&["alice"]);
    let mut alice = Client::with_secrets(&server, "alice", std::sync::Arc::new(NoKeychain));
    let mut remember = alice.request(&server, "alice-pw");
    remember.remember = true;
    let err = alice.app.login(remember).await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::Keychain);
    alice.login(&server).await;
}

async fn resource_conflict_stops_without_fighting_the_other_client(kind: Kind) {
    let server = Server::start_on(kind, &["alice"]);
    let mut first = Client::new(&server, "alice");
    first.login(&server).await;
    // A second Hearth on the same profile uses the same resource.
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let second = hearth::app::App::open(
        first.dir.path(),
        std::sync::Arc::new(hearth::credentials::MemorySecrets::default()),
        std::sync::Arc::new(tx),
        None,
    )
    .unwrap();
    second
        .login(first.request(&server, "alice-pw"))
        .await
        .unwrap();
    let reason = first.wait_offline_reason().await;
    assert_eq!(
        (reason.code, reason.condition.as_deref()),
        (ErrorCode::StreamError, Some("conflict"))
    );
    // The newcomer stays online; the first one does not come back.
    let deadline = tokio::time::Instant::now() + crate::support::WAIT;
    loop {
        let ev = tokio::time::timeout_at(deadline, rx.recv())
            .await
            .expect("second online")
            .unwrap();
        if matches!(ev, SessionEvent::State(ref s) if s.is_online()) {
            break;
        }
    }
    let later = first.events_while_a_retry_would_come().await;
    assert!(
        !later
            .iter()
            .any(|e| matches!(e, SessionEvent::State(ConnectionState::Connecting))),
        "the first client tried again: {later:?}"
    );
    assert!(second.connection_state().await.is_online());
}

async fn a_changed_certificate_is_refused_with_an_explanation(kind: Kind) {
    let mut server = Server::start_on(kind, &["alice"]);
    let mut alice = Client::new(&server, "alice");
    alice.login(&server).await;
    // The server gets a new certificate (e.g. an attacker in the middle).
    server.make_certificate();
    server.restart();
    let reason = alice.wait_offline_reason().await;
    assert_eq!(reason.code, ErrorCode::CertificateChanged);
    let shown = alice.app.untrusted_certificate().await.expect("details");
    assert!(shown.changed);
    assert_eq!(
        shown.fingerprint,
        hearth::connection::fingerprint(&server.certificate_der())
    );
    // Nothing retries behind the user's back.
    let later = alice.events_while_a_retry_would_come().await;
    assert!(
        !later
            .iter()
            .any(|e| matches!(e, SessionEvent::State(ConnectionState::Connecting))),
        "{later:?}"
    );
}

async fn resource_and_priority_from_the_connection_settings_are_used_and_kept(kind: Kind) {
    let server = Server::start_on(kind, &["alice", "bob"]);
    let mut alice = Client::new(&server, "alice");
    let mut bob = Client::new(&server, "bob");
    bob.login(&server).await;
    bob.app
        .add_contact("alice@localhost", None, vec![], true)
        .await
        .unwrap();
    let mut request = alice.request(&server, &crate::support::password("alice"));
    crate::support::settings(&mut request).resource = Some("Desk".into());
    crate::support::settings(&mut request).priority = 7;
    alice.app.login(request).await.unwrap();
    let online = alice.wait_state(|s| s.is_online()).await;
    assert_eq!(
        online,
        ConnectionState::Online {
            jid: "alice@localhost/Desk".into(),
            new_session_after_loss: false,
        }
    );
    alice
        .app
        .add_contact("bob@localhost", None, vec![], true)
        .await
        .unwrap();
    let priority = bob
        .wait_event(|e| match e {
            SessionEvent::Presence(list) => list
                .iter()
                .find(|c| c.jid == "alice@localhost")
                .and_then(|c| c.resources.iter().find(|r| r.resource == "Desk"))
                .map(|r| r.priority),
            _ => None,
        })
        .await;
    assert_eq!(priority, 7);
    let saved = alice.app.saved_login().await.unwrap().unwrap();
    assert_eq!(
        (
            saved.connection.resource.as_deref(),
            saved.connection.priority
        ),
        (Some("Desk"), 7)
    );
}

crate::on_both_servers!(
    login_succeeds_and_reports_online_with_bound_jid,
    wrong_password_reports_auth_error_once_and_stops,
    untrusted_certificate_is_refused_until_pinned,
    server_restart_reconnects_and_restores_presence,
    resource_conflict_stops_without_fighting_the_other_client,
    a_changed_certificate_is_refused_with_an_explanation,
    resource_and_priority_from_the_connection_settings_are_used_and_kept,
);
