//! Creating an account from the login screen (XEP-0077) on real Prosody and
//! ejabberd servers.

use crate::support::Options;
use crate::support::{Client, Kind, Server};
use hearth::app::{RegistrationRequest, RegistrationTarget, RegistrationValue};
use hearth::error::ErrorCode;

fn target(server: &Server) -> RegistrationTarget {
    RegistrationTarget {
        domain: "localhost".into(),
        host: Some("127.0.0.1".into()),
        port: Some(server.port),
        security: None,
        proxy: None,
        proxy_password: None,
    }
}

fn filled(
    server: &Server,
    form: &hearth::features::xep0077_register::form::RegistrationForm,
    user: &str,
    pw: &str,
) -> RegistrationRequest {
    let values = form
        .fields
        .iter()
        .map(|f| RegistrationValue {
            var: f.var.clone(),
            value: match f.var.as_str() {
                "username" => user.into(),
                "password" => pw.into(),
                _ => f.value.clone(),
            },
        })
        .collect();
    RegistrationRequest {
        target: target(server),
        data_form: form.data_form,
        values,
    }
}

async fn a_new_account_is_created_and_can_log_in(kind: Kind) {
    let server = Server::start_with(
        &["alice"],
        Options {
            registration: true,
            ..Options::on(kind)
        },
    );
    // The profile trusts the server's certificate (pinned for alice@localhost).
    let mut carol = Client::new(&server, "alice");
    let form = carol.app.registration_form(&target(&server)).await.unwrap();
    assert!(form.fields.iter().any(|f| f.var == "username"), "{form:?}");
    assert!(form.fields.iter().any(|f| f.var == "password"), "{form:?}");
    assert!(form.instructions.is_some(), "{form:?}");

    carol
        .app
        .register(&filled(&server, &form, "carol", "carol-pw"))
        .await
        .unwrap();
    carol.jid = "carol@localhost".into();
    carol
        .app
        .pin_certificate("carol@localhost", &server.certificate_der())
        .await
        .unwrap();
    carol.login(&server).await;

    // The same name again: refused with a sentence.
    let err = carol
        .app
        .register(&filled(&server, &form, "carol", "other"))
        .await
        .unwrap_err();
    let taken = err.problem();
    assert_eq!(
        (taken.code, taken.condition.as_deref()),
        (ErrorCode::RegistrationRefused, Some("conflict"))
    );
}

async fn a_server_that_does_not_allow_sign_up_says_so(kind: Kind) {
    let server = Server::start_on(kind, &["alice"]);
    let client = Client::new(&server, "alice");
    let err = match kind {
        // Prosody refuses to hand out the form.
        Kind::Prosody => client
            .app
            .registration_form(&target(&server))
            .await
            .unwrap_err(),
        // ejabberd hands out the form whatever its access rule says, and
        // refuses the filled-in form.
        Kind::Ejabberd => {
            let form = client
                .app
                .registration_form(&target(&server))
                .await
                .unwrap();
            client
                .app
                .register(&filled(&server, &form, "mallory", "mallory-pw"))
                .await
                .unwrap_err()
        }
    };
    // Either the server offers no registration at all, or it refuses it
    // as not allowed: the UI says the same for both.
    let refusal = err.problem();
    assert!(
        refusal.code == ErrorCode::RegistrationUnsupported
            || (refusal.code == ErrorCode::RegistrationRefused
                && matches!(
                    refusal.condition.as_deref(),
                    Some("not-allowed" | "forbidden")
                )),
        "{refusal:?}"
    );
}

async fn sign_up_goes_through_the_configured_proxy(kind: Kind) {
    let server = Server::start_with(
        &["alice"],
        Options {
            registration: true,
            ..Options::on(kind)
        },
    );
    let proxy = crate::support::proxies::ProxyProcess::microsocks("office", "proxy-secret");
    let carol = Client::new(&server, "alice");
    let mut via_proxy = target(&server);
    via_proxy.proxy = Some(hearth::connection::ProxySettings {
        kind: hearth::connection::ProxyKind::Socks5,
        host: "127.0.0.1".into(),
        port: Some(proxy.port),
        user: "office".into(),
    });
    via_proxy.proxy_password = Some("proxy-secret".into());
    let form = carol.app.registration_form(&via_proxy).await.unwrap();
    assert!(form.fields.iter().any(|f| f.var == "username"), "{form:?}");
    assert!(
        proxy.log().contains(&format!(":{}", server.port)),
        "not through the proxy: {}",
        proxy.log()
    );
}

crate::on_both_servers!(
    a_new_account_is_created_and_can_log_in,
    a_server_that_does_not_allow_sign_up_says_so,
    sign_up_goes_through_the_configured_proxy,
);
