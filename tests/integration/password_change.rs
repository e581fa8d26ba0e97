//! Changing the password from Hearth (XEP-0077) against a real Prosody.

use crate::support::{password, Client, Kind, Server};
use hearth::error::ErrorCode;

async fn changed_password_is_the_one_that_works_afterwards(kind: Kind) {
    let mut server = Server::start_on(kind, &["alice"]);
    let mut alice = Client::new(&server, "alice");
    alice.login(&server).await;
    alice.app.change_password("brand-new-pw").await.unwrap();
    // A reconnect after the change logs in with the new password.
    server.restart();
    alice
        .wait_state(|s| matches!(s, hearth::session::ConnectionState::Reconnecting { .. }))
        .await;
    alice.wait_state(|s| s.is_online()).await;
    alice.app.logout(false).await.unwrap();

    // The old password no longer works...
    alice
        .app
        .login(alice.request(&server, &password("alice")))
        .await
        .unwrap();
    let reason = alice.wait_offline_reason().await;
    assert_eq!(reason.code, ErrorCode::AuthFailed);
    // ...the new one does.
    alice
        .app
        .login(alice.request(&server, "brand-new-pw"))
        .await
        .unwrap();
    alice.wait_state(|s| s.is_online()).await;
}

async fn an_empty_new_password_is_refused_without_asking_the_server(kind: Kind) {
    let server = Server::start_on(kind, &["alice"]);
    let mut alice = Client::new(&server, "alice");
    alice.login(&server).await;
    let err = alice.app.change_password("").await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::InvalidInput);
}

crate::on_both_servers!(
    changed_password_is_the_one_that_works_afterwards,
    an_empty_new_password_is_refused_without_asking_the_server,
);
