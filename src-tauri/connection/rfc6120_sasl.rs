//! SASL authentication (RFC 6120 §6), Hearth's own step.
//!
//! Policy, stricter than tokio-xmpp's built-in login:
//! - SCRAM-SHA-256, then SCRAM-SHA-1; the -PLUS variants only with a
//!   channel-binding type the server advertises (XEP-0440) and TLS gave us
//!   (RFC 9266 `tls-exporter`). The GS2 flag of a non-PLUS login follows
//!   RFC 5802 §6 (see [`choose_mechanisms`]).
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
use tokio_xmpp::parsers::sasl_cb;
use tokio_xmpp::parsers::stream_features::StreamFeatures;
use tokio_xmpp::xmlstream::{InitiatingStream, ReadError, XmppStream, XmppStreamElement};

/// Why authentication did not succeed.
#[derive(Debug, thiserror::Error)]
pub enum SaslError {
    #[error("the server refused the login ({condition}){}", text.as_deref().map(|t| format!(": {t}")).unwrap_or_default())]
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

/// One way to log in: a mechanism and the GS2 channel-binding flag it
/// carries (RFC 5802 §6).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Choice {
    pub mechanism: &'static str,
    pub binding: ChannelBinding,
}

/// The XEP-0440 name of the binding Hearth computed, if any.
fn binding_type(binding: &ChannelBinding) -> Option<sasl_cb::Type> {
    match binding {
        ChannelBinding::TlsExporter(_) => Some(sasl_cb::Type::TlsExporter),
        ChannelBinding::TlsUnique(_) => Some(sasl_cb::Type::TlsUnique),
        ChannelBinding::None | ChannelBinding::Unsupported => None,
    }
}

/// The ways Hearth will log in, best first, given what the server offers
/// (`offered` mechanisms, `advertised` XEP-0440 binding types), the binding
/// data TLS gave us, and the user's policy.
///
/// - A -PLUS mechanism only with a binding type the server advertises: a
///   server that offers -PLUS without XEP-0440 may support only a type we
///   cannot compute (ejabberd 23.01 knows only `tls-unique`, which TLS 1.3
///   does not have), and guessing fails the login.
/// - Otherwise the non-PLUS variant, whose flag tells the server what we
///   saw: `y` ("I can bind, you seem not to") only when the server offers no
///   -PLUS at all, since a server that offers -PLUS reads `y` as a
///   downgrade attack and must refuse; `n` when we have no binding data or
///   share no binding type with a server that does offer -PLUS.
pub fn choose_mechanisms(
    offered: &BTreeSet<String>,
    advertised: &[sasl_cb::Type],
    binding: &ChannelBinding,
    tls: bool,
    policy: &SaslPolicy,
) -> Vec<Choice> {
    let ours = binding_type(binding);
    let can_plus = ours.as_ref().is_some_and(|t| advertised.contains(t));
    let server_binds = offered.iter().any(|m| m.ends_with("-PLUS"));
    let plain_flag = match ours {
        Some(_) if !server_binds => ChannelBinding::Unsupported,
        _ => ChannelBinding::None,
    };
    let mut chosen = Vec::new();
    for (name, plus) in [
        ("SCRAM-SHA-256-PLUS", true),
        ("SCRAM-SHA-1-PLUS", true),
        ("SCRAM-SHA-256", false),
        ("SCRAM-SHA-1", false),
    ] {
        if !offered.contains(name) || !policy.allows(name) || (plus && !can_plus) {
            continue;
        }
        chosen.push(Choice {
            mechanism: name,
            binding: if plus {
                binding.clone()
            } else {
                plain_flag.clone()
            },
        });
    }
    if chosen.is_empty() && tls && offered.contains("PLAIN") && policy.allows("PLAIN") {
        chosen.push(Choice {
            mechanism: "PLAIN",
            binding: ChannelBinding::None,
        });
    }
    chosen
}

fn mechanism(
    choice: &Choice,
    user: &str,
    password: &str,
) -> Result<Box<dyn Mechanism + Send>, SaslError> {
    let creds = Credentials::default()
        .with_username(user)
        .with_password(password)
        .with_channel_binding(choice.binding.clone());
    let err = |e: sasl::client::MechanismError| SaslError::Exchange(explain(&e));
    Ok(match choice.mechanism {
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
    features: &StreamFeatures,
    binding: &ChannelBinding,
    tls: bool,
    policy: &SaslPolicy,
    user: &str,
    password: &str,
) -> Result<(InitiatingStream<S>, &'static str), SaslError> {
    let offered = &features.sasl_mechanisms;
    let advertised = features
        .sasl_cb
        .as_ref()
        .map(|cb| cb.types.as_slice())
        .unwrap_or_default();
    let chosen = choose_mechanisms(offered, advertised, binding, tls, policy);
    // Only the best choice is tried: falling back to a weaker one after a
    // refusal would let whoever forged that refusal pick our mechanism.
    let Some(choice) = chosen.first() else {
        let list = offered.iter().cloned().collect::<Vec<_>>().join(", ");
        return Err(SaslError::NoAcceptableMechanism(list));
    };
    let name = choice.mechanism;
    log::debug!(
        "SASL: {name} with GS2 header {:?}",
        String::from_utf8_lossy(choice.binding.header())
    );
    let mut mech = mechanism(choice, user, password)?;
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
    use sasl_cb::Type;

    fn set(items: &[&str]) -> BTreeSet<String> {
        items.iter().map(|s| s.to_string()).collect()
    }

    /// The first choice as "MECHANISM header", e.g. "SCRAM-SHA-1 n,,".
    fn first(offered: &[&str], advertised: &[Type], tls: Tls) -> String {
        let (binding, encrypted) = match tls {
            Tls::V13 => (ChannelBinding::TlsExporter(vec![7; 32]), true),
            Tls::V12 => (ChannelBinding::None, true),
            Tls::Off => (ChannelBinding::None, false),
        };
        let chosen = choose_mechanisms(
            &set(offered),
            advertised,
            &binding,
            encrypted,
            &SaslPolicy::default(),
        );
        chosen.first().map_or_else(
            || "none".to_owned(),
            |c| {
                format!(
                    "{} {}",
                    c.mechanism,
                    String::from_utf8_lossy(c.binding.header())
                )
            },
        )
    }

    #[derive(Clone, Copy, Debug)]
    enum Tls {
        /// TLS 1.3: Hearth has `tls-exporter` data.
        V13,
        /// TLS 1.2: no binding Hearth can compute.
        V12,
        Off,
    }

    #[test]
    fn mechanism_and_gs2_flag_for_each_offer_binding_type_and_tls_version() {
        const EJABBERD: &[&str] = &["PLAIN", "SCRAM-SHA-1", "SCRAM-SHA-1-PLUS"];
        const EJABBERD_NO_PLUS: &[&str] = &["PLAIN", "SCRAM-SHA-1"];
        const FULL: &[&str] = &[
            "PLAIN",
            "SCRAM-SHA-1",
            "SCRAM-SHA-1-PLUS",
            "SCRAM-SHA-256",
            "SCRAM-SHA-256-PLUS",
        ];
        const ONLY_PLUS: &[&str] = &["SCRAM-SHA-256-PLUS"];
        const PLAIN: &[&str] = &["PLAIN"];
        let none: &[Type] = &[];
        let exporter = &[Type::TlsExporter][..];
        let unique = &[Type::TlsUnique][..];
        let both = &[Type::TlsServerEndPoint, Type::TlsExporter][..];
        #[rustfmt::skip]
        let table: &[(&[&str], &[Type], Tls, &str)] = &[
            // ejabberd 23.01's stock offer: -PLUS without XEP-0440, so never
            // -PLUS; "n" because it does bind (a "y" would be a downgrade).
            (EJABBERD, none, Tls::V13, "SCRAM-SHA-1 n,,"),
            (EJABBERD, none, Tls::V12, "SCRAM-SHA-1 n,,"),
            (EJABBERD, unique, Tls::V13, "SCRAM-SHA-1 n,,"),
            (EJABBERD, unique, Tls::V12, "SCRAM-SHA-1 n,,"),
            (EJABBERD, exporter, Tls::V13, "SCRAM-SHA-1-PLUS p=tls-exporter,,"),
            (EJABBERD, exporter, Tls::V12, "SCRAM-SHA-1 n,,"),
            (EJABBERD, none, Tls::Off, "SCRAM-SHA-1 n,,"),
            // No -PLUS offered: "y" when we could have bound, so a server
            // whose -PLUS offer was stripped on the way notices.
            (EJABBERD_NO_PLUS, none, Tls::V13, "SCRAM-SHA-1 y,,"),
            (EJABBERD_NO_PLUS, exporter, Tls::V13, "SCRAM-SHA-1 y,,"),
            (EJABBERD_NO_PLUS, none, Tls::V12, "SCRAM-SHA-1 n,,"),
            (EJABBERD_NO_PLUS, none, Tls::Off, "SCRAM-SHA-1 n,,"),
            // A server that says what it binds.
            (FULL, exporter, Tls::V13, "SCRAM-SHA-256-PLUS p=tls-exporter,,"),
            (FULL, both, Tls::V13, "SCRAM-SHA-256-PLUS p=tls-exporter,,"),
            (FULL, unique, Tls::V13, "SCRAM-SHA-256 n,,"),
            (FULL, none, Tls::V13, "SCRAM-SHA-256 n,,"),
            (FULL, exporter, Tls::V12, "SCRAM-SHA-256 n,,"),
            (FULL, none, Tls::V12, "SCRAM-SHA-256 n,,"),
            // Only -PLUS, and nothing to bind with: no way in.
            (ONLY_PLUS, none, Tls::V13, "none"),
            (ONLY_PLUS, exporter, Tls::V12, "none"),
            (ONLY_PLUS, exporter, Tls::V13, "SCRAM-SHA-256-PLUS p=tls-exporter,,"),
            // PLAIN only inside TLS.
            (PLAIN, none, Tls::V13, "PLAIN n,,"),
            (PLAIN, none, Tls::V12, "PLAIN n,,"),
            (PLAIN, none, Tls::Off, "none"),
        ];
        for &(offered, advertised, tls, want) in table {
            assert_eq!(
                first(offered, advertised, tls),
                want,
                "offered {offered:?}, advertised {advertised:?}, {tls:?}"
            );
        }
    }

    #[test]
    fn the_chosen_flag_reaches_the_first_message() {
        let choice = |mechanism, binding| Choice { mechanism, binding };
        let initial = |c: &Choice| {
            let mut m = mechanism(c, "u", "p").unwrap();
            String::from_utf8(m.initial()).unwrap()
        };
        assert!(initial(&choice("SCRAM-SHA-1", ChannelBinding::Unsupported)).starts_with("y,,n=u,"));
        assert!(initial(&choice("SCRAM-SHA-1", ChannelBinding::None)).starts_with("n,,n=u,"));
        let plus = choice("SCRAM-SHA-1-PLUS", ChannelBinding::TlsExporter(vec![1; 32]));
        assert!(initial(&plus).starts_with("p=tls-exporter,,n=u,"));
    }

    #[test]
    fn a_broken_exchange_is_described_in_words() {
        let c = Choice {
            mechanism: "SCRAM-SHA-1",
            binding: ChannelBinding::None,
        };
        let mut m = mechanism(&c, "u", "p").unwrap();
        m.initial();
        let e = m.response(b"not a scram challenge").unwrap_err();
        assert_eq!(explain(&e), "the server's challenge was malformed");
    }

    #[test]
    fn never_anonymous() {
        assert!(choose_mechanisms(
            &set(&["ANONYMOUS"]),
            &[],
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
        let names = |c: Vec<Choice>| c.into_iter().map(|c| c.mechanism).collect::<Vec<_>>();
        assert_eq!(
            names(choose_mechanisms(
                &offered,
                &[Type::TlsExporter],
                &cb,
                true,
                &only_sha1
            )),
            vec!["SCRAM-SHA-1"]
        );
        let no_plain = SaslPolicy {
            plain: false,
            ..SaslPolicy::default()
        };
        assert!(choose_mechanisms(
            &set(&["PLAIN"]),
            &[],
            &ChannelBinding::None,
            true,
            &no_plain
        )
        .is_empty());
    }
}
