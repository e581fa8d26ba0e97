//! Why a connection attempt failed, as the user is told it, and whether
//! trying again can help: every failure is classified by its type (SASL
//! condition, stream error condition, I/O error kind, the trust verifier's
//! refusal, the proxy's answer), never by its text.

use std::io;

use tokio_xmpp::minidom::Element;
use tokio_xmpp::parsers::stream_error::{DefinedCondition, ReceivedStreamError};
use tokio_xmpp::rustls;

use super::connector::{proxy_error, NoStartTls, NoXmppService, UnknownHost};
use super::proxy_error::ProxyError;
use super::rfc6120_sasl::SaslError;
use super::tls_trust::TrustRefusal;
use crate::error::{ErrorCode, Problem};

/// Classified outcome of a failed attempt.
#[derive(Debug)]
pub struct AttemptError {
    pub problem: Problem,
    pub terminal: bool,
}

pub(super) fn transient(problem: Problem) -> AttemptError {
    AttemptError {
        problem,
        terminal: false,
    }
}

pub(super) fn terminal(problem: Problem) -> AttemptError {
    AttemptError {
        problem,
        terminal: true,
    }
}

pub(super) fn classify_sasl(e: SaslError) -> AttemptError {
    match e {
        // Only `not-authorized` means a wrong user name or password
        // (RFC 6120 §6.5.10); the sentence is the UI's, the detail the
        // server's own words when it sent any.
        SaslError::Rejected {
            condition, text, ..
        } if condition == "not-authorized" => terminal(
            Problem::of(ErrorCode::AuthFailed)
                .condition(condition)
                .server_text(text),
        ),
        // Anything else is the server refusing for its own reason, shown
        // by its condition. Retrying helps only a temporary failure.
        SaslError::Rejected {
            condition,
            text,
            temporary,
        } => {
            log::warn!("the server refused the login: {condition} {text:?}");
            let problem = Problem::of(ErrorCode::LoginRefused)
                .condition(condition)
                .server_text(text);
            if temporary {
                transient(problem)
            } else {
                terminal(problem)
            }
        }
        SaslError::NoAcceptableMechanism(offered) => {
            terminal(Problem::of(ErrorCode::NoSafeMechanism).detail(offered))
        }
        SaslError::ServerNotAuthenticated => {
            terminal(Problem::of(ErrorCode::ServerNotAuthenticated))
        }
        SaslError::Exchange(what) => transient(Problem::of(ErrorCode::Protocol).detail(what)),
        SaslError::Io(e) => transient(network_problem(&e)),
    }
}

pub(super) fn classify_connect(e: tokio_xmpp::Error) -> AttemptError {
    match e {
        tokio_xmpp::Error::Io(io) => {
            if let Some(refusal) = trust_refusal(&io) {
                return terminal(certificate_problem(refusal));
            }
            if let Some(proxy) = proxy_error(&io) {
                return match proxy {
                    ProxyError::AuthRejected | ProxyError::AuthRequired => {
                        terminal(Problem::of(ErrorCode::ProxyAuthFailed))
                    }
                    other => {
                        transient(Problem::of(ErrorCode::ProxyFailed).detail(other.to_string()))
                    }
                };
            }
            if io.get_ref().is_some_and(|inner| inner.is::<NoStartTls>()) {
                return terminal(Problem::of(ErrorCode::NoStartTls));
            }
            transient(network_problem(&io))
        }
        tokio_xmpp::Error::StreamError(ReceivedStreamError(se)) => stream_problem(&se),
        tokio_xmpp::Error::Disconnected => transient(Problem::of(ErrorCode::ConnectionLost)),
        other => transient(Problem::of(ErrorCode::Protocol).detail(other.to_string())),
    }
}

/// The certificate refusal our verifier put inside a TLS error.
fn trust_refusal(io: &io::Error) -> Option<TrustRefusal> {
    let tls = io.get_ref()?.downcast_ref::<rustls::Error>()?;
    TrustRefusal::of(tls)
}

fn certificate_problem(refusal: TrustRefusal) -> Problem {
    if refusal.changed {
        Problem::of(ErrorCode::CertificateChanged)
    } else {
        Problem::of(ErrorCode::CertificateUntrusted).condition(refusal.fault.name())
    }
}

/// A failure of the network (or the TLS below XMPP), by its kind.
fn network_problem(e: &io::Error) -> Problem {
    if let Some(host) = e.get_ref().and_then(|i| i.downcast_ref::<UnknownHost>()) {
        return Problem::of(ErrorCode::UnknownHost).detail(host.0.clone());
    }
    if e.get_ref().is_some_and(|i| i.is::<NoXmppService>()) {
        return Problem::of(ErrorCode::NoXmppService);
    }
    if let Some(tls) = e.get_ref().and_then(|i| i.downcast_ref::<rustls::Error>()) {
        return Problem::of(ErrorCode::TlsFailed).detail(tls.to_string());
    }
    match e.kind() {
        io::ErrorKind::ConnectionRefused => Problem::of(ErrorCode::ConnectionRefused),
        io::ErrorKind::TimedOut => Problem::of(ErrorCode::Timeout),
        io::ErrorKind::UnexpectedEof
        | io::ErrorKind::ConnectionReset
        | io::ErrorKind::ConnectionAborted
        | io::ErrorKind::BrokenPipe => Problem::of(ErrorCode::ConnectionLost),
        _ => Problem::of(ErrorCode::Network).detail(e.to_string()),
    }
}

/// The stream error's condition by its XML name (RFC 6120 §4.9.3).
fn stream_condition(c: &DefinedCondition) -> String {
    Element::from(c.clone()).name().to_owned()
}

/// A stream error: which ones stop reconnecting, and what the user sees.
fn stream_problem(se: &tokio_xmpp::parsers::stream_error::StreamError) -> AttemptError {
    let problem = Problem::of(ErrorCode::StreamError)
        .condition(stream_condition(&se.condition))
        .server_text(se.texts.values().next().cloned());
    match se.condition {
        // Another client with our resource: reconnecting would make the
        // two take turns throwing each other out.
        DefinedCondition::Conflict
        | DefinedCondition::PolicyViolation
        | DefinedCondition::NotAuthorized => terminal(problem),
        _ => transient(problem),
    }
}

/// Why an established link ended, from the error the stanza stream saw.
pub fn classify_loss(reason: Option<&io::Error>) -> AttemptError {
    let Some(err) = reason else {
        return transient(Problem::of(ErrorCode::ConnectionLost));
    };
    if let Some(stream_error) = err
        .get_ref()
        .and_then(|i| i.downcast_ref::<ReceivedStreamError>())
    {
        return stream_problem(&stream_error.0);
    }
    // On a link that was up, anything else (the parser meeting the end of
    // the data, a reset) is the connection getting lost.
    let problem = network_problem(err);
    if problem.code == ErrorCode::Network {
        return transient(Problem::of(ErrorCode::ConnectionLost).detail(err.to_string()));
    }
    transient(problem)
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;

    fn refused(condition: &str, text: Option<&str>) -> AttemptError {
        classify_sasl(SaslError::Rejected {
            condition: condition.into(),
            text: text.map(str::to_owned),
            temporary: condition == "temporary-auth-failure",
        })
    }

    #[test]
    fn only_not_authorized_is_a_wrong_password() {
        let wrong = refused("not-authorized", None);
        assert_eq!(wrong.problem.code, ErrorCode::AuthFailed);
        assert!(wrong.terminal);
        assert_eq!(wrong.problem.server_text, None);
        let said = refused("not-authorized", Some("Invalid username or password"));
        assert_eq!(
            said.problem.server_text.as_deref(),
            Some("Invalid username or password")
        );

        let binding = refused("malformed-request", Some("Invalid channel binding"));
        assert_eq!(binding.problem.code, ErrorCode::LoginRefused);
        assert_eq!(
            binding.problem.condition.as_deref(),
            Some("malformed-request")
        );
        assert_eq!(
            binding.problem.server_text.as_deref(),
            Some("Invalid channel binding")
        );
        assert!(binding.terminal, "the same login would fail again");
        let disabled = refused("account-disabled", Some("  "));
        assert_eq!(
            disabled.problem,
            Problem::of(ErrorCode::LoginRefused).condition("account-disabled"),
            "blank text is no text"
        );
        let busy = refused("temporary-auth-failure", None);
        assert_eq!(busy.problem.code, ErrorCode::LoginRefused);
        assert!(!busy.terminal, "a temporary failure is retried");
    }

    fn io_with(
        kind: io::ErrorKind,
        inner: impl std::error::Error + Send + Sync + 'static,
    ) -> io::Error {
        io::Error::new(kind, inner)
    }

    #[test]
    fn network_failures_are_told_apart_by_kind_and_type() {
        let code = |e: io::Error| network_problem(&e).code;
        assert_eq!(
            code(io::ErrorKind::ConnectionRefused.into()),
            ErrorCode::ConnectionRefused
        );
        assert_eq!(code(io::ErrorKind::TimedOut.into()), ErrorCode::Timeout);
        assert_eq!(
            code(io::ErrorKind::ConnectionReset.into()),
            ErrorCode::ConnectionLost
        );
        let unknown = network_problem(&io_with(
            io::ErrorKind::NotFound,
            UnknownHost("nowhere.invalid".into()),
        ));
        assert_eq!(
            (unknown.code, unknown.detail.as_deref()),
            (ErrorCode::UnknownHost, Some("nowhere.invalid"))
        );
        assert_eq!(
            code(io_with(io::ErrorKind::NotFound, NoXmppService)),
            ErrorCode::NoXmppService
        );
        let tls = io_with(
            io::ErrorKind::InvalidData,
            rustls::Error::AlertReceived(rustls::AlertDescription::HandshakeFailure),
        );
        assert_eq!(code(tls), ErrorCode::TlsFailed);
        // Any other failure keeps the system's words as the detail.
        let other = network_problem(&io::Error::other("no route to host"));
        assert_eq!(
            (other.code, other.detail.as_deref()),
            (ErrorCode::Network, Some("no route to host"))
        );
    }

    #[test]
    fn a_certificate_refusal_is_terminal_and_says_why() {
        let refusal = |changed| {
            let tls = rustls::Error::InvalidCertificate(rustls::CertificateError::Other(
                rustls::OtherError(Arc::new(TrustRefusal {
                    fault: crate::error::CertificateFault::Expired,
                    changed,
                })),
            ));
            tokio_xmpp::Error::Io(io_with(io::ErrorKind::InvalidData, tls))
        };
        let first = classify_connect(refusal(false));
        assert!(first.terminal);
        assert_eq!(
            first.problem,
            Problem::of(ErrorCode::CertificateUntrusted).condition("expired")
        );
        let changed = classify_connect(refusal(true));
        assert_eq!(changed.problem.code, ErrorCode::CertificateChanged);
        assert!(changed.terminal);
    }

    #[test]
    fn proxy_and_starttls_failures() {
        let io = |e: io::Error| tokio_xmpp::Error::Io(e);
        let auth = classify_connect(io(ProxyError::AuthRejected.into_io()));
        assert_eq!(auth.problem.code, ErrorCode::ProxyAuthFailed);
        assert!(auth.terminal);
        let garbled = classify_connect(io(ProxyError::Garbled("x".into()).into_io()));
        assert_eq!(garbled.problem.code, ErrorCode::ProxyFailed);
        assert!(!garbled.terminal);
        let plain = classify_connect(io(io::Error::other(NoStartTls)));
        assert_eq!(plain.problem.code, ErrorCode::NoStartTls);
        assert!(plain.terminal);
    }

    fn stream_error(condition: DefinedCondition, text: Option<&str>) -> io::Error {
        use tokio_xmpp::parsers::stream_error::StreamError;
        let mut se = StreamError::new(condition, "en", text.unwrap_or_default());
        if text.is_none() {
            se.texts.clear();
        }
        io::Error::other(ReceivedStreamError(se))
    }

    #[test]
    fn stream_errors_carry_their_condition_and_text() {
        let conflict = classify_loss(Some(&stream_error(DefinedCondition::Conflict, None)));
        assert!(
            conflict.terminal,
            "two clients must not keep replacing each other"
        );
        assert_eq!(
            conflict.problem,
            Problem::of(ErrorCode::StreamError).condition("conflict")
        );
        let policy = classify_loss(Some(&stream_error(
            DefinedCondition::PolicyViolation,
            Some("Too many messages"),
        )));
        assert!(policy.terminal);
        assert_eq!(
            policy.problem.condition.as_deref(),
            Some("policy-violation")
        );
        assert_eq!(
            policy.problem.server_text.as_deref(),
            Some("Too many messages")
        );
        let shutdown = classify_loss(Some(&stream_error(DefinedCondition::SystemShutdown, None)));
        assert!(!shutdown.terminal);
        assert_eq!(
            shutdown.problem.condition.as_deref(),
            Some("system-shutdown")
        );
        let moved = classify_loss(Some(&stream_error(
            DefinedCondition::SeeOtherHost("other.example".into()),
            None,
        )));
        assert_eq!(moved.problem.condition.as_deref(), Some("see-other-host"));
        // A lost link, whatever the parser called it, is a lost link.
        let cut = classify_loss(Some(&io::Error::new(
            io::ErrorKind::InvalidData,
            "eof before XSO started",
        )));
        assert_eq!(cut.problem.code, ErrorCode::ConnectionLost);
        assert_eq!(classify_loss(None).problem.code, ErrorCode::ConnectionLost);
    }
}
