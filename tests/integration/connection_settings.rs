//! The advanced connection settings against real servers: automatic lookup
//! through DNS SRV, SOCKS5 and HTTP CONNECT proxies (microsocks and
//! tinyproxy from Debian), plain TCP only by explicit choice, the allowed
//! SASL mechanisms, `see-other-host`, and the step-by-step connection test.

use std::io::{Read, Write};
use std::net::TcpListener;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use crate::support::dns::{DnsServer, SrvAnswer};
use crate::support::proxies::ProxyProcess;
use crate::support::server::free_port;
use crate::support::Options;
use crate::support::{password, settings, Client, Kind, Server};
use hearth::app::{StepFinding, StepKind, StepOutcome};
use hearth::connection::{
    ConnectionSecurity, ConnectionSettings, NameServers, ProxyKind, ProxySettings, SaslPolicy,
};
use hearth::error::{ErrorCode, InputField};

fn via_proxy(
    client: &Client,
    server: &Server,
    kind: ProxyKind,
    proxy: &ProxyProcess,
    pass: &str,
) -> hearth::app::LoginRequest {
    let mut request = client.request(server, &password("alice"));
    settings(&mut request).proxy = ProxySettings {
        kind,
        host: "127.0.0.1".into(),
        port: Some(proxy.port),
        user: "office".into(),
    };
    request.proxy_password = Some(pass.into());
    request
}

async fn socks5_proxy_carries_the_connection_and_a_wrong_proxy_password_stops(kind: Kind) {
    let server = Server::start_on(kind, &["alice"]);
    let proxy = ProxyProcess::microsocks("office", "proxy-secret");
    let mut alice = Client::new(&server, "alice");
    let request = via_proxy(&alice, &server, ProxyKind::Socks5, &proxy, "proxy-secret");
    alice.app.login(request).await.unwrap();
    alice.wait_state(|s| s.is_online()).await;
    assert!(
        proxy.log().contains(&format!(":{}", server.port)),
        "the proxy did not carry the connection: {}",
        proxy.log()
    );
    // The proxy password went to the keychain, not the profile.
    let saved = alice.app.saved_login().await.unwrap().unwrap();
    assert!(saved.has_proxy_password);
    assert_eq!(saved.connection.proxy.kind, ProxyKind::Socks5);
    alice.app.logout(false).await.unwrap();

    let request = via_proxy(&alice, &server, ProxyKind::Socks5, &proxy, "wrong");
    alice.app.login(request).await.unwrap();
    let reason = alice.wait_offline_reason().await;
    assert!(
        matches!(
            reason.code,
            ErrorCode::ProxyAuthFailed | ErrorCode::ProxyFailed
        ),
        "{reason:?}"
    );
}

async fn http_connect_proxy_carries_the_connection(kind: Kind) {
    let server = Server::start_on(kind, &["alice"]);
    let proxy = ProxyProcess::tinyproxy("office", "proxy-secret");
    let mut alice = Client::new(&server, "alice");
    let request = via_proxy(
        &alice,
        &server,
        ProxyKind::HttpConnect,
        &proxy,
        "proxy-secret",
    );
    alice.app.login(request).await.unwrap();
    alice.wait_state(|s| s.is_online()).await;
    assert!(
        proxy.log().contains("CONNECT"),
        "the proxy did not carry the connection: {}",
        proxy.log()
    );
    alice.app.logout(false).await.unwrap();

    // A missing password is reported as the proxy's refusal.
    let request = via_proxy(&alice, &server, ProxyKind::HttpConnect, &proxy, "");
    alice.app.login(request).await.unwrap();
    let reason = alice.wait_offline_reason().await;
    assert!(
        matches!(
            reason.code,
            ErrorCode::ProxyAuthFailed | ErrorCode::ProxyFailed
        ),
        "{reason:?}"
    );
}

async fn automatic_lookup_follows_srv_records_in_priority_order(kind: Kind) {
    let server = Server::start_with(
        &["alice"],
        Options {
            domain: "hearth.test",
            ..Options::on(kind)
        },
    );
    let dead = free_port();
    let dns = DnsServer::start(
        "_xmpp-client._tcp.hearth.test.",
        vec![
            SrvAnswer {
                priority: 10,
                weight: 0,
                port: server.port,
                target: "localhost.",
            },
            // Preferred, but nobody listens there: Hearth moves on.
            SrvAnswer {
                priority: 0,
                weight: 5,
                port: dead,
                target: "localhost.",
            },
        ],
    );
    let mut alice = Client::new(&server, "alice");
    alice
        .app
        .use_name_servers(NameServers::Fixed(vec![dns.addr]));
    let mut request = alice.request(&server, &password("alice"));
    request.connection = Some(ConnectionSettings::default()); // automatic

    let report = alice.app.test_connection(request.clone()).await.unwrap();
    let dns_step = &report.steps[0];
    assert_eq!(dns_step.step, StepKind::Dns);
    let order = format!("localhost:{dead}, localhost:{}", server.port);
    assert!(
        matches!(&dns_step.finding,
            Some(StepFinding::SrvRecords { servers, .. }) if servers.join(", ").contains(&order)),
        "{report:?}"
    );
    assert!(report.succeeded(), "{report:?}");

    alice.app.login(request).await.unwrap();
    alice.wait_state(|s| s.is_online()).await;
}

async fn automatic_lookup_with_direct_tls_uses_the_xmpps_client_records(kind: Kind) {
    let server = Server::start_with(
        &["alice"],
        Options {
            domain: "hearth.test",
            direct_tls: true,
            ..Options::on(kind)
        },
    );
    let direct = server.direct_tls_port.unwrap();
    let dns = DnsServer::start(
        "_xmpps-client._tcp.hearth.test.",
        vec![SrvAnswer {
            priority: 0,
            weight: 0,
            port: direct,
            target: "localhost.",
        }],
    );
    let mut alice = Client::new(&server, "alice");
    alice
        .app
        .use_name_servers(NameServers::Fixed(vec![dns.addr]));
    let mut request = alice.request(&server, &password("alice"));
    request.connection = Some(ConnectionSettings {
        security: ConnectionSecurity::DirectTls,
        ..ConnectionSettings::default()
    });
    let report = alice.app.test_connection(request.clone()).await.unwrap();
    assert!(
        matches!(&report.steps[0].finding,
            Some(StepFinding::SrvRecords { servers, .. }) if servers.contains(&format!("localhost:{direct}"))),
        "{report:?}"
    );
    assert!(report.succeeded(), "{report:?}");
    alice.app.login(request).await.unwrap();
    alice.wait_state(|s| s.is_online()).await;
}

async fn connection_test_reports_each_step_and_saves_nothing(kind: Kind) {
    let server = Server::start_on(kind, &["alice"]);
    let alice = Client::new(&server, "alice");

    let good = alice
        .app
        .test_connection(alice.request(&server, &password("alice")))
        .await
        .unwrap();
    let outcomes: Vec<_> = good.steps.iter().map(|s| (s.step, s.outcome)).collect();
    assert_eq!(
        outcomes,
        [
            (StepKind::Dns, StepOutcome::Ok),
            (StepKind::Tcp, StepOutcome::Ok),
            (StepKind::Tls, StepOutcome::Ok),
            (StepKind::Auth, StepOutcome::Ok),
        ]
    );
    assert!(
        matches!(&good.steps[3].finding,
            Some(StepFinding::LoggedIn { mechanism }) if mechanism.starts_with("SCRAM-SHA-")),
        "{good:?}"
    );

    let wrong = alice
        .app
        .test_connection(alice.request(&server, "not-the-password"))
        .await
        .unwrap();
    assert_eq!(wrong.steps[2].outcome, StepOutcome::Ok);
    assert_eq!(wrong.steps[3].outcome, StepOutcome::Failed);
    let why = wrong.steps[3].problem.as_ref().expect("a reason");
    assert_eq!(why.code, ErrorCode::AuthFailed, "{wrong:?}");

    // Automatic mode for "localhost": no SRV records, so the domain on the
    // default port. Normally nobody listens there; a machine may run its own
    // XMPP server on it, and then the report must say the port answered.
    let mut request = alice.request(&server, &password("alice"));
    request.connection = Some(ConnectionSettings::default());
    let default_port_taken = std::net::TcpStream::connect(("127.0.0.1", 5222)).is_ok();
    let unreachable = alice.app.test_connection(request).await.unwrap();
    assert!(
        matches!(
            unreachable.steps[0].finding,
            Some(StepFinding::NoSrvRecords { .. })
        ),
        "{unreachable:?}"
    );
    if default_port_taken {
        assert_eq!(unreachable.steps[1].outcome, StepOutcome::Ok);
    } else {
        assert_eq!(unreachable.steps[1].outcome, StepOutcome::Failed);
        assert_eq!(unreachable.steps[2].outcome, StepOutcome::Skipped);
        assert_eq!(unreachable.steps[3].outcome, StepOutcome::Skipped);
    }

    let stranger = Client::untrusting(&server, "alice");
    let untrusted = stranger
        .app
        .test_connection(stranger.request(&server, &password("alice")))
        .await
        .unwrap();
    assert_eq!(untrusted.steps[2].outcome, StepOutcome::Failed);
    assert_eq!(
        untrusted.steps[2].problem.as_ref().map(|p| p.code),
        Some(ErrorCode::CertificateUntrusted),
        "{untrusted:?}"
    );

    // Testing is not logging in: no account was saved, and the server saw
    // the one successful test login and nothing after it.
    assert!(alice.app.saved_login().await.unwrap().is_none());
    assert!(!alice.app.connection_state().await.is_online());
    assert_eq!(server.accepted_logins(), 1, "{}", server.logs());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plain_tcp_works_only_when_chosen_and_never_with_plain_sasl() {
    let server = Server::start_with(
        &["alice"],
        Options {
            tls: false,
            ..Options::default()
        },
    );
    let mut alice = Client::new(&server, "alice");
    let mut request = alice.request(&server, &password("alice"));
    settings(&mut request).security = ConnectionSecurity::PlainInsecure;
    let report = alice.app.test_connection(request.clone()).await.unwrap();
    assert_eq!(report.steps[2].outcome, StepOutcome::Skipped, "{report:?}");
    assert!(
        matches!(&report.steps[3].finding,
            Some(StepFinding::LoggedIn { mechanism }) if mechanism.starts_with("SCRAM")),
        "{report:?}"
    );

    alice.app.login(request.clone()).await.unwrap();
    alice.wait_state(|s| s.is_online()).await;
    alice.app.logout(false).await.unwrap();

    // PLAIN alone is refused before anything is sent.
    settings(&mut request).sasl = SaslPolicy {
        scram_sha256: false,
        scram_sha1: false,
        plain: true,
    };
    let err = alice.app.login(request).await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::InvalidInput);
    assert_eq!(err.problem().field, Some(InputField::SaslInsecure));
}

async fn plain_sasl_turned_off_is_never_used(kind: Kind) {
    let server = Server::start_with(
        &["alice"],
        Options {
            disabled_sasl: crate::support::server::ALL_SCRAM,
            ..Options::on(kind)
        },
    );
    let mut alice = Client::new(&server, "alice");
    let mut request = alice.request(&server, &password("alice"));
    settings(&mut request).sasl.plain = false;
    alice.app.login(request.clone()).await.unwrap();
    let reason = alice.wait_offline_reason().await;
    assert_eq!(reason.code, ErrorCode::NoSafeMechanism, "{reason:?}");
    assert_eq!(server.accepted_logins(), 0, "{}", server.logs());

    // Allowed (and inside TLS), PLAIN works against this server.
    settings(&mut request).sasl.plain = true;
    alice.app.login(request).await.unwrap();
    alice.wait_state(|s| s.is_online()).await;
}

/// A server that only redirects: it reads the stream header and answers
/// with `see-other-host` pointing at `to`.
fn redirector(to: u16) -> (u16, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let hits = Arc::new(AtomicUsize::new(0));
    let counter = hits.clone();
    std::thread::spawn(move || {
        for conn in listener.incoming().take(5) {
            let Ok(mut conn) = conn else { continue };
            counter.fetch_add(1, Ordering::SeqCst);
            let mut seen = Vec::new();
            let mut buf = [0u8; 512];
            while !String::from_utf8_lossy(&seen).contains("<stream:stream")
                || !seen.ends_with(b">")
            {
                match conn.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => seen.extend_from_slice(&buf[..n]),
                }
            }
            let _ = conn.write_all(format!(
                "<?xml version='1.0'?><stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' from='localhost' id='r1' version='1.0'>\
                 <stream:error><see-other-host xmlns='urn:ietf:params:xml:ns:xmpp-streams'>127.0.0.1:{to}</see-other-host></stream:error></stream:stream>"
            ).as_bytes());
        }
    });
    (port, hits)
}

async fn see_other_host_sends_hearth_to_the_named_server(kind: Kind) {
    let server = Server::start_on(kind, &["alice"]);
    let (port, hits) = redirector(server.port);
    let mut alice = Client::new(&server, "alice");
    let mut request = alice.request(&server, &password("alice"));
    settings(&mut request).port = Some(port);
    alice.app.login(request).await.unwrap();
    alice.wait_state(|s| s.is_online()).await;
    assert_eq!(hits.load(Ordering::SeqCst), 1);
}

crate::on_both_servers!(
    socks5_proxy_carries_the_connection_and_a_wrong_proxy_password_stops,
    http_connect_proxy_carries_the_connection,
    automatic_lookup_follows_srv_records_in_priority_order,
    automatic_lookup_with_direct_tls_uses_the_xmpps_client_records,
    connection_test_reports_each_step_and_saves_nothing,
    plain_sasl_turned_off_is_never_used,
    see_other_host_sends_hearth_to_the_named_server,
);
