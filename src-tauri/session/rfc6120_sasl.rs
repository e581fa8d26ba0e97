//! SASL authentication (RFC 6120 §6), Hearth's own step.
//!
//! Policy, stricter than tokio-xmpp's built-in login:
//! - SCRAM-SHA-256, then SCRAM-SHA-1; the -PLUS variants only when the
//!   server offers them and TLS gave us binding data. With binding data but
//!   no -PLUS offer we send the `y` GS2 flag, so a stripped -PLUS offer is
//!   detected by a server that does support it.
//! - PLAIN only inside TLS and only when no SCRAM variant is offered.
//! - ANONYMOUS never, and nothing the user's `SaslPolicy` turns off.
//! - The SCRAM server signature in `<success/>` is verified: a server that
//!   cannot prove it knows the password is refused.

use std::collections::BTreeSet;
use std::io;
use std::str::FromStr;

use super::settings::SaslPolicy;
use futures::{SinkExt, StreamExt};
use sasl::client::mechanisms::{Plain, Scram};
use sasl::client::Mechanism;
use sasl::common::scram::{Sha1, Sha256};
use sasl::common::{ChannelBinding, Credentials};
use tokio::io::{AsyncBufRead, AsyncWrite};
use tokio_xmpp::parsers::sasl::{
    Auth, DefinedCondition, Mechanism as XmppMechanism, Nonza, Response,
};
use tokio_xmpp::xmlstream::{InitiatingStream, ReadError, XmppStream, XmppStreamElement};

/// Why authentication did not succeed.
#[derive(Debug, thiserror::Error)]
pub enum SaslError {
    #[error("the server rejected the credentials ({condition}){}", text.as_deref().map(|t| format!(": {t}")).unwrap_or_default())]
    Rejected {
        condition: String,
        text: Option<String>,
        /// `temporary-auth-failure` is worth retrying; the rest is not.
        temporary: bool,
    },
    #[error("the server offers no login method Hearth considers safe (offered: {0})")]
    NoAcceptableMechanism(String),
    #[error("the server could not prove it knows the password (SCRAM server signature mismatch)")]
    ServerNotAuthenticated,
    #[error("the login exchange failed: {0}")]
    Exchange(String),
    #[error(transparent)]
    Io(#[from] io::Error),
}

/// The mechanisms Hearth will use, best first, given what the server offers.
pub fn choose_mechanisms(
    offered: &BTreeSet<String>,
    binding: &ChannelBinding,
    tls: bool,
    policy: &SaslPolicy,
) -> Vec<&'static str> {
    let have_binding = matches!(
        binding,
        ChannelBinding::TlsExporter(_) | ChannelBinding::TlsUnique(_)
    );
    let mut chosen = Vec::new();
    for (name, plus) in [
        ("SCRAM-SHA-256-PLUS", true),
        ("SCRAM-SHA-1-PLUS", true),
        ("SCRAM-SHA-256", false),
        ("SCRAM-SHA-1", false),
    ] {
        if offered.contains(name) && (!plus || have_binding) && policy.allows(name) {
            chosen.push(name);
        }
    }
    if chosen.is_empty() && tls && offered.contains("PLAIN") && policy.allows("PLAIN") {
        chosen.push("PLAIN");
    }
    chosen
}

fn mechanism(
    name: &str,
    user: &str,
    password: &str,
    binding: &ChannelBinding,
) -> Result<Box<dyn Mechanism + Send>, SaslError> {
    let offered_plus = name.ends_with("-PLUS");
    // Without -PLUS: "y" when we could bind but the server did not offer it.
    let cb = match binding {
        ChannelBinding::TlsExporter(_) | ChannelBinding::TlsUnique(_) if offered_plus => {
            binding.clone()
        }
        ChannelBinding::TlsExporter(_) | ChannelBinding::TlsUnique(_) => {
            ChannelBinding::Unsupported
        }
        _ => ChannelBinding::None,
    };
    let creds = Credentials::default()
        .with_username(user)
        .with_password(password)
        .with_channel_binding(cb);
    let err = |e: sasl::client::MechanismError| SaslError::Exchange(explain(&e));
    Ok(match name {
        "SCRAM-SHA-256" | "SCRAM-SHA-256-PLUS" => {
            Box::new(Scram::<Sha256>::from_credentials(creds).map_err(err)?)
        }
        "SCRAM-SHA-1" | "SCRAM-SHA-1-PLUS" => {
            Box::new(Scram::<Sha1>::from_credentials(creds).map_err(err)?)
        }
        "PLAIN" => Box::new(Plain::from_credentials(creds).map_err(err)?),
        other => return Err(SaslError::NoAcceptableMechanism(other.to_owned())),
    })
}

/// A sentence fragment for what went wrong inside the mechanism.
fn explain(e: &sasl::client::MechanismError) -> String {
    use sasl::client::MechanismError as M;
    match e {
        M::CannotGenerateNonce => "no random numbers were available".into(),
        M::CannotDecodeChallenge | M::NoServerNonce | M::NoServerSalt | M::NoServerIterations => {
            "the server's challenge was malformed".into()
        }
        M::InvalidState => "the server answered out of order".into(),
        _ => "the login exchange could not be completed".into(),
    }
}

fn condition_name(c: &DefinedCondition) -> &'static str {
    match c {
        DefinedCondition::Aborted => "aborted",
        DefinedCondition::AccountDisabled => "account-disabled",
        DefinedCondition::CredentialsExpired => "credentials-expired",
        DefinedCondition::EncryptionRequired => "encryption-required",
        DefinedCondition::IncorrectEncoding => "incorrect-encoding",
        DefinedCondition::InvalidAuthzid => "invalid-authzid",
        DefinedCondition::InvalidMechanism => "invalid-mechanism",
        DefinedCondition::MalformedRequest => "malformed-request",
        DefinedCondition::MechanismTooWeak => "mechanism-too-weak",
        DefinedCondition::NotAuthorized => "not-authorized",
        DefinedCondition::TemporaryAuthFailure => "temporary-auth-failure",
    }
}

/// Authenticate on `stream`. On success the stream must be restarted, which
/// is why an [`InitiatingStream`] is returned.
pub async fn authenticate<S: AsyncBufRead + AsyncWrite + Unpin>(
    mut stream: XmppStream<S>,
    offered: &BTreeSet<String>,
    binding: &ChannelBinding,
    tls: bool,
    policy: &SaslPolicy,
    user: &str,
    password: &str,
) -> Result<(InitiatingStream<S>, &'static str), SaslError> {
    let chosen = choose_mechanisms(offered, binding, tls, policy);
    let Some(&name) = chosen.first() else {
        let list = offered.iter().cloned().collect::<Vec<_>>().join(", ");
        return Err(SaslError::NoAcceptableMechanism(list));
    };
    let mut mech = mechanism(name, user, password, binding)?;
    let xmpp_mech =
        XmppMechanism::from_str(name).map_err(|e| SaslError::Exchange(e.to_string()))?;
    stream
        .send(&XmppStreamElement::Sasl(Nonza::Auth(Auth {
            mechanism: xmpp_mech,
            data: mech.initial(),
        })))
        .await?;
    // A bounded exchange: SCRAM needs one challenge, PLAIN none.
    for _ in 0..8 {
        match stream
            .next()
            .await
            .map(|v| v.and_then(|v| v.into_read_error()))
        {
            Some(Ok(XmppStreamElement::Sasl(Nonza::Challenge(challenge)))) => {
                let data = mech
                    .response(&challenge.data)
                    .map_err(|e| SaslError::Exchange(explain(&e)))?;
                stream
                    .send(&XmppStreamElement::Sasl(Nonza::Response(Response { data })))
                    .await?;
            }
            Some(Ok(XmppStreamElement::Sasl(Nonza::Success(success)))) => {
                mech.success(&success.data)
                    .map_err(|_| SaslError::ServerNotAuthenticated)?;
                return Ok((stream.initiate_reset(), name));
            }
            Some(Ok(XmppStreamElement::Sasl(Nonza::Failure(failure)))) => {
                let temporary = matches!(
                    failure.defined_condition,
                    DefinedCondition::TemporaryAuthFailure
                );
                return Err(SaslError::Rejected {
                    condition: condition_name(&failure.defined_condition).to_owned(),
                    text: failure.texts.values().next().cloned(),
                    temporary,
                });
            }
            Some(Ok(other)) => {
                return Err(SaslError::Exchange(format!(
                    "unexpected element during login: {}",
                    element_kind(&other)
                )))
            }
            Some(Err(ReadError::SoftTimeout)) => continue,
            Some(Err(ReadError::HardError(e))) => return Err(e.into()),
            Some(Err(ReadError::ParseError(e))) => {
                return Err(SaslError::Exchange(format!("malformed reply: {e}")))
            }
            Some(Err(ReadError::StreamFooterReceived)) | None => {
                return Err(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    "the server closed the connection during login",
                )
                .into())
            }
        }
    }
    Err(SaslError::Exchange("too many login round trips".into()))
}

fn element_kind(el: &XmppStreamElement) -> &'static str {
    match el {
        XmppStreamElement::Stanza(_) => "stanza",
        XmppStreamElement::Sasl(_) => "sasl",
        XmppStreamElement::Starttls(_) => "starttls",
        XmppStreamElement::ComponentHandshake(_) => "handshake",
        XmppStreamElement::StreamError(_) => "stream error",
        XmppStreamElement::SM(_) => "stream management",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(items: &[&str]) -> BTreeSet<String> {
        items.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn prefers_scram_sha256_and_skips_plus_without_binding() {
        let offered = set(&[
            "PLAIN",
            "SCRAM-SHA-1",
            "SCRAM-SHA-256",
            "SCRAM-SHA-256-PLUS",
        ]);
        assert_eq!(
            choose_mechanisms(
                &offered,
                &ChannelBinding::None,
                true,
                &SaslPolicy::default()
            ),
            vec!["SCRAM-SHA-256", "SCRAM-SHA-1"]
        );
        let cb = ChannelBinding::TlsExporter(vec![1; 32]);
        assert_eq!(
            choose_mechanisms(&offered, &cb, true, &SaslPolicy::default())[0],
            "SCRAM-SHA-256-PLUS"
        );
    }

    #[test]
    fn a_broken_exchange_is_described_in_words() {
        let mut m = mechanism("SCRAM-SHA-1", "u", "p", &ChannelBinding::None).unwrap();
        m.initial();
        let e = m.response(b"not a scram challenge").unwrap_err();
        assert_eq!(explain(&e), "the server's challenge was malformed");
    }

    #[test]
    fn plain_only_inside_tls_and_never_anonymous() {
        let offered = set(&["PLAIN", "ANONYMOUS"]);
        assert_eq!(
            choose_mechanisms(
                &offered,
                &ChannelBinding::None,
                true,
                &SaslPolicy::default()
            ),
            vec!["PLAIN"]
        );
        assert!(choose_mechanisms(
            &offered,
            &ChannelBinding::None,
            false,
            &SaslPolicy::default()
        )
        .is_empty());
        assert!(choose_mechanisms(
            &set(&["ANONYMOUS"]),
            &ChannelBinding::None,
            true,
            &SaslPolicy::default()
        )
        .is_empty());
    }

    #[test]
    fn mechanisms_the_user_turned_off_are_never_chosen() {
        let offered = set(&[
            "PLAIN",
            "SCRAM-SHA-1",
            "SCRAM-SHA-256-PLUS",
            "SCRAM-SHA-256",
        ]);
        let cb = ChannelBinding::TlsExporter(vec![1; 32]);
        let only_sha1 = SaslPolicy {
            scram_sha256: false,
            scram_sha1: true,
            plain: false,
        };
        assert_eq!(
            choose_mechanisms(&offered, &cb, true, &only_sha1),
            vec!["SCRAM-SHA-1"]
        );
        let no_plain = SaslPolicy {
            plain: false,
            ..SaslPolicy::default()
        };
        assert!(
            choose_mechanisms(&set(&["PLAIN"]), &ChannelBinding::None, true, &no_plain).is_empty()
        );
    }

    #[test]
    fn scram_without_plus_offer_sends_y_flag_when_binding_possible() {
        let cb = ChannelBinding::TlsExporter(vec![1; 32]);
        let mut m = mechanism("SCRAM-SHA-1", "u", "p", &cb).unwrap();
        assert!(m.initial().starts_with(b"y,,"));
        let mut m = mechanism("SCRAM-SHA-1", "u", "p", &ChannelBinding::None).unwrap();
        assert!(m.initial().starts_with(b"n,,"));
    }
}
