//! Logging in with default settings on each server's own SASL offer: which
//! mechanism and channel-binding flag Hearth picks must be one the server
//! accepts (ejabberd 23.01 offers SCRAM-SHA-1-PLUS but can bind only with
//! `tls-unique`, which TLS 1.3 lacks, and advertises no XEP-0440 types).

use hearth::app::{StepFinding, StepKind, StepOutcome};

use crate::support::{password, Client, Kind, Options, Server};

/// Logs in with default settings, and returns the connection test's
/// sentence for the login step (it names the mechanism).
async fn log_in_with_defaults(server: &Server) -> String {
    let mut alice = Client::new(server, "alice");
    let report = alice
        .app
        .test_connection(alice.request(server, &password("alice")))
        .await
        .unwrap();
    let auth = report
        .steps
        .iter()
        .find(|s| s.step == StepKind::Auth)
        .unwrap();
    assert_eq!(auth.outcome, StepOutcome::Ok, "{report:?}");
    alice.login(server).await;
    match &auth.finding {
        Some(StepFinding::LoggedIn { mechanism }) => mechanism.clone(),
        other => panic!("no mechanism: {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stock_ejabberd_with_its_plus_offer() {
    let server = Server::start_on(Kind::Ejabberd, &["alice"]);
    let mechanism = log_in_with_defaults(&server).await;
    // Not -PLUS: the server advertises no binding type Hearth can compute.
    assert_eq!(mechanism, "SCRAM-SHA-1");
    let logs = server.logs();
    assert!(!logs.contains("Failed c2s"), "{logs}");
    assert!(logs.contains("Accepted c2s SCRAM-SHA-1 authentication for alice@localhost"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ejabberd_without_plus() {
    let server = Server::start_with(
        &["alice"],
        Options {
            disabled_sasl: &["SCRAM-SHA-1-PLUS"],
            ..Options::on(Kind::Ejabberd)
        },
    );
    // The `y` flag ("I could bind, you seem not to") is accepted by a server
    // that really offers no -PLUS.
    let mechanism = log_in_with_defaults(&server).await;
    assert_eq!(mechanism, "SCRAM-SHA-1");
    assert!(!server.logs().contains("Failed c2s"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn prosody() {
    let server = Server::start(&["alice"]);
    let mechanism = log_in_with_defaults(&server).await;
    assert!(mechanism.starts_with("SCRAM-SHA-"), "{mechanism}");
}
