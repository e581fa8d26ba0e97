//! How the connection is secured: STARTTLS is required, direct TLS
//! (XEP-0368) works, and a server without TLS never sees a password.

use crate::support::Options;
use crate::support::{password, Client, Kind, Server};
use hearth::connection::ConnectionSecurity;
use hearth::error::ErrorCode;

async fn direct_tls_listener_logs_in(kind: Kind) {
    let server = Server::start_with(
        &["alice"],
        Options {
            direct_tls: true,
            ..Options::on(kind)
        },
    );
    let mut alice = Client::new(&server, "alice");
    let mut request = alice.request(&server, &password("alice"));
    crate::support::settings(&mut request).port = server.direct_tls_port;
    crate::support::settings(&mut request).security = ConnectionSecurity::DirectTls;
    alice.app.login(request).await.unwrap();
    alice.wait_state(|s| s.is_online()).await;
    // The choice is remembered for the next login.
    let saved = alice.app.saved_login().await.unwrap().unwrap();
    assert_eq!(saved.connection.security, ConnectionSecurity::DirectTls);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_without_tls_is_refused_before_any_password_is_sent() {
    let server = Server::start_with(
        &["alice"],
        Options {
            tls: false,
            ..Options::default()
        },
    );
    let mut alice = Client::new(&server, "alice");
    alice
        .app
        .login(alice.request(&server, &password("alice")))
        .await
        .unwrap();
    let reason = alice.wait_offline_reason().await;
    assert_eq!(reason.code, ErrorCode::NoStartTls);
    let logs = server.logs();
    assert!(!logs.contains("Authenticated"), "{logs}");
}

crate::on_both_servers!(direct_tls_listener_logs_in,);
