//! Certificates the operating system does not trust, as the user meets
//! them: expired, issued for another name, or by an internal CA. Each
//! stops the login with the reason and the certificate's details; trusting
//! it by fingerprint logs in; "stop trusting" makes the next login stop
//! again. The OS roots are an authority of the test's own
//! (`SSL_CERT_FILE`), so "expired" and "another name" are refusals of a
//! certificate whose issuer is trusted, the way a user meets them.

use crate::support::pki::{Authority, Issued};
use crate::support::{own_process, password, Client, Server};
use hearth::connection::fingerprint;
use hearth::error::{CertificateFault, ErrorCode};

const ROOT: &str = "Hearth Test Root";
const ROOT_DIR: &str = "HEARTH_TEST_ROOT_DIR";

#[test]
fn certificates_the_os_does_not_trust_stop_the_login_until_trusted() {
    let root = Authority::new(ROOT);
    own_process::run(
        "certificates::under_a_trusted_root",
        &[
            ("SSL_CERT_FILE", root.cert_path().as_os_str()),
            (ROOT_DIR, root.dir().as_os_str()),
        ],
    );
}

/// Logs in as a user who trusts nothing but the OS roots, and returns the
/// refusal the login stopped with, or `None` when it went online.
async fn log_in(server: &Server) -> (Client, Option<hearth::error::Problem>) {
    let mut alice = Client::untrusting(server, "alice");
    alice
        .app
        .login(alice.request(server, &password("alice")))
        .await
        .unwrap();
    let end = alice
        .wait_state(|s| {
            s.is_online()
                || matches!(
                    s,
                    hearth::session::ConnectionState::Offline { reason: Some(_) }
                )
        })
        .await;
    let reason = match end {
        hearth::session::ConnectionState::Offline { reason } => reason,
        _ => None,
    };
    (alice, reason)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "runs in its own process with its own OS roots: certificates_the_os_does_not_trust_stop_the_login_until_trusted"]
async fn under_a_trusted_root() {
    own_process::enter("certificates::under_a_trusted_root");
    let root = Authority::at(
        std::path::Path::new(&std::env::var_os(ROOT_DIR).unwrap()),
        ROOT,
    );
    let internal = Authority::new("Hearth Internal CA");
    let mut server = Server::start(&["alice"]);

    // A certificate the OS roots vouch for needs nothing from the user.
    server.use_certificate(&root.issue("localhost", 30));
    let (alice, refused) = log_in(&server).await;
    assert_eq!(refused, None, "a certificate from a trusted root");
    assert!(alice.app.pinned_certificates().await.unwrap().is_empty());
    alice.app.logout(false).await.unwrap();

    let cases: [(&str, Issued, CertificateFault, &str); 3] = [
        (
            "expired",
            root.issue("localhost", -1),
            CertificateFault::Expired,
            ROOT,
        ),
        (
            "another name",
            root.issue("chat.example.org", 30),
            CertificateFault::WrongName,
            ROOT,
        ),
        (
            "internal CA",
            internal.issue("localhost", 30),
            CertificateFault::UnknownIssuer,
            "Hearth Internal CA",
        ),
    ];
    for (case, issued, why, issuer) in cases {
        server.use_certificate(&issued);
        let presented = fingerprint(&server.certificate_der());
        let (mut alice, refused) = log_in(&server).await;
        let refused = refused.unwrap_or_else(|| panic!("{case}: the login went online"));
        assert_eq!(refused.code, ErrorCode::CertificateUntrusted, "{case}");
        // Why, in the words the UI translates ("it has expired", ...).
        assert_eq!(
            refused.condition.as_deref(),
            Some(why.name()),
            "{case}: {refused:?}"
        );
        // The dialog's details, as the window asks for them.
        let shown = alice.app.untrusted_certificate().await.expect(case);
        assert_eq!(shown.fingerprint, presented, "{case}");
        assert_eq!(shown.fault, Some(why), "{case}");
        assert!(shown.issuer.contains(issuer), "{case}: {}", shown.issuer);
        assert!(!shown.changed, "{case}");
        if case == "expired" {
            assert!(shown.not_after < now_ms(), "{case}: {shown:?}");
        }
        if case == "another name" {
            assert_eq!(shown.names, ["chat.example.org"], "{case}");
        }

        // "Trust this certificate and connect".
        alice.app.trust_certificate(&presented).await.unwrap();
        alice.wait_state(|s| s.is_online()).await;
        let pinned = alice.app.pinned_certificates().await.unwrap();
        assert_eq!(
            pinned.iter().map(|c| &c.fingerprint).collect::<Vec<_>>(),
            [&presented],
            "{case}"
        );

        // "Stop trusting": the next login stops again.
        alice.app.logout(false).await.unwrap();
        alice
            .app
            .forget_pinned_certificate(&presented)
            .await
            .unwrap();
        assert!(alice.app.pinned_certificates().await.unwrap().is_empty());
        alice
            .app
            .login(alice.request(&server, &password("alice")))
            .await
            .unwrap();
        let again = alice.wait_offline_reason().await;
        assert_eq!(again.code, ErrorCode::CertificateUntrusted, "{case}");
    }
}

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
}
