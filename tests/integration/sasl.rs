//! Logging in with default settings on each server's own SASL offer: which
//! mechanism and channel-binding flag Hearth picks must be one the server
//! accepts (ejabberd 23.01 offers SCRAM-SHA-1-PLUS but can bind only with
//! `tls-unique`, which TLS 1.3 lacks, and advertises no XEP-0440 types);
//! and a server that cannot prove it knows the password.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use hearth::app::{LoginRequest, StepFinding, StepKind, StepOutcome};
use hearth::connection::{ConnectionSecurity, ConnectionSettings};
use hearth::error::ErrorCode;
use tokio::io::{AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};

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

/// A server that takes any SCRAM-SHA-256 proof, as one that does not know
/// the password would (a man in the middle), and answers with a server
/// signature that cannot be right. Counts the connections it gets.
async fn impostor() -> (u16, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let connections = Arc::new(AtomicUsize::new(0));
    let counter = connections.clone();
    tokio::spawn(async move {
        while let Ok((conn, _)) = listener.accept().await {
            counter.fetch_add(1, Ordering::SeqCst);
            tokio::spawn(async move {
                let mut conn = BufReader::new(conn);
                let _ = read_until(&mut conn, "<stream:stream").await;
                let _ = conn
                    .write_all(
                        b"<?xml version='1.0'?><stream:stream xmlns='jabber:client' \
                          xmlns:stream='http://etherx.jabber.org/streams' from='localhost' id='i1' version='1.0'>\
                          <stream:features><mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>\
                          <mechanism>SCRAM-SHA-256</mechanism></mechanisms></stream:features>",
                    )
                    .await;
                let Some(auth) = read_until(&mut conn, "</auth>").await else {
                    return;
                };
                let first = sasl_payload(&auth);
                let nonce = first.split(",r=").nth(1).unwrap_or_default();
                let challenge =
                    B64.encode(format!("r={nonce}impostor,s={},i=4096", B64.encode("salt")));
                let _ = conn
                    .write_all(
                        format!("<challenge xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>{challenge}</challenge>")
                            .as_bytes(),
                    )
                    .await;
                if read_until(&mut conn, "</response>").await.is_none() {
                    return;
                }
                let wrong = B64.encode(format!("v={}", B64.encode([7u8; 32])));
                let _ = conn
                    .write_all(
                        format!(
                            "<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>{wrong}</success>"
                        )
                        .as_bytes(),
                    )
                    .await;
                // Hold the connection open: closing is the client's call.
                let _ = read_until(&mut conn, "never sent").await;
            });
        }
    });
    (port, connections)
}

/// Reads until `needle` has arrived; `None` when the client closed first.
async fn read_until(conn: &mut BufReader<TcpStream>, needle: &str) -> Option<String> {
    let mut seen = String::new();
    let mut buf = [0u8; 1024];
    while !seen.contains(needle) {
        match conn.read(&mut buf).await {
            Ok(0) | Err(_) => return None,
            Ok(n) => seen.push_str(&String::from_utf8_lossy(&buf[..n])),
        }
    }
    Some(seen)
}

/// The decoded text of `<auth>`'s content.
fn sasl_payload(element: &str) -> String {
    let start = element.find("'>").or_else(|| element.find("\">")).unwrap() + 2;
    let end = element.rfind("</").unwrap();
    String::from_utf8(B64.decode(element[start..end].trim()).unwrap()).unwrap()
}

/// A server whose SCRAM signature is wrong could be anyone: the login stops
/// with that reason, and is not tried again, even at start-up with a
/// remembered password, when unreachable servers are retried.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_scram_server_signature_stops_the_login_for_good() {
    let (port, connections) = impostor().await;
    let mut alice = Client::for_account("alice@localhost");
    let request = LoginRequest {
        connection: Some(ConnectionSettings {
            host: Some("127.0.0.1".into()),
            port: Some(port),
            // No TLS, so the impostor needs no certificate.
            security: ConnectionSecurity::PlainInsecure,
            ..Default::default()
        }),
        remember: true,
        ..LoginRequest::new("alice@localhost", "alice-pw")
    };
    alice.app.login(request.clone()).await.unwrap();
    let reason = alice.wait_offline_reason().await;
    // "The server could not prove it knows your password": terminal.
    assert_eq!(reason.code, ErrorCode::ServerNotAuthenticated, "{reason:?}");
    assert_eq!(connections.load(Ordering::SeqCst), 1);

    // With the remembered password (as at start-up), a network failure
    // would be retried; this one is not.
    alice
        .app
        .login(LoginRequest {
            password: String::new(),
            ..request
        })
        .await
        .unwrap();
    let reason = alice.wait_offline_reason().await;
    assert_eq!(reason.code, ErrorCode::ServerNotAuthenticated, "{reason:?}");
    let later = alice.events_while_a_retry_would_come().await;
    assert!(later.is_empty(), "{later:?}");
    assert_eq!(connections.load(Ordering::SeqCst), 2);
}
