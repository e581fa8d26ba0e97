//! One connection attempt, and the reconnect policy around it.
//!
//! tokio-xmpp's `StanzaStream` asks its reconnector for a fresh,
//! authenticated stream whenever the link is lost. Hearth's reconnector
//! decides, from the reason, whether to try again (with backoff) or to stop:
//! authentication failures, untrusted certificates and a resource conflict
//! are terminal; dropping the slot ends the stanza stream.

use std::borrow::Cow;
use std::io;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::{mpsc, oneshot};
use tokio_xmpp::connect::ServerConnector;
use tokio_xmpp::jid::Jid;
use tokio_xmpp::minidom::Element;
use tokio_xmpp::parsers::ns;
use tokio_xmpp::parsers::stream_error::{DefinedCondition, ReceivedStreamError};
use tokio_xmpp::rustls;
use tokio_xmpp::stanzastream::Connection;
use tokio_xmpp::xmlstream::{StreamHeader, Timeouts};

use super::backoff::Backoff;
use super::connector::{proxy_error, Connector, NoStartTls, NoXmppService, UnknownHost};
use super::proxy_error::ProxyError;
use super::rfc6120_sasl::{authenticate, SaslError};
use super::rfc6120_srv::Candidate;
use super::settings::{ConnectionSecurity, SaslPolicy};
use super::tls_trust::TrustRefusal;
use crate::error::{ErrorCode, Problem};

/// What the reconnector tells the session actor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkStatus {
    Connecting,
    /// Waiting `delay` before the next attempt because of `reason`.
    Waiting {
        reason: Problem,
        delay: Duration,
    },
    /// Given up for good; the stanza stream is about to end.
    Stopped(Problem),
}

/// Classified outcome of a failed attempt.
#[derive(Debug)]
pub struct AttemptError {
    pub problem: Problem,
    pub terminal: bool,
}

pub struct LinkConfig {
    pub jid: Jid,
    /// Changes when the user changes the password while logged in.
    pub password: std::sync::Mutex<String>,
    pub connector: Connector,
    pub timeouts: Timeouts,
    /// Whether failing to reach the server on the very first attempt is
    /// retried (auto-login at start-up) or reported (interactive login).
    pub retry_first_attempt: bool,
    /// SASL mechanisms the user allows.
    pub sasl: SaslPolicy,
}

impl std::fmt::Debug for LinkConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The password is deliberately absent.
        f.debug_struct("LinkConfig")
            .field("jid", &self.jid)
            .finish()
    }
}

/// How many `see-other-host` redirects one attempt follows (RFC 6120
/// §4.9.3.19 asks for a limit between 2 and 5).
const MAX_REDIRECTS: usize = 3;

/// Connect, secure, authenticate; the result is ready for resource binding.
pub async fn attempt(cfg: &LinkConfig) -> Result<Connection, AttemptError> {
    let mut redirects = 0;
    loop {
        match attempt_once(cfg).await {
            Err(Redirectable::Redirect(to)) if redirects < MAX_REDIRECTS => {
                redirects += 1;
                log::info!("the server sent us to {to}");
                cfg.connector.redirect(to);
            }
            Err(Redirectable::Redirect(_)) => {
                return Err(transient(
                    Problem::of(ErrorCode::TooManyRedirects).limit(MAX_REDIRECTS as u32),
                ))
            }
            Err(Redirectable::Failed(e)) => return Err(e),
            Ok(conn) => return Ok(conn),
        }
    }
}

enum Redirectable {
    Redirect(Candidate),
    Failed(AttemptError),
}

impl From<AttemptError> for Redirectable {
    fn from(e: AttemptError) -> Self {
        Self::Failed(e)
    }
}

/// The connection-phase error, or the place a `see-other-host` points to.
fn connect_failure(connector: &Connector, e: tokio_xmpp::Error) -> Redirectable {
    if let tokio_xmpp::Error::StreamError(ReceivedStreamError(se)) = &e {
        if let DefinedCondition::SeeOtherHost(to) = &se.condition {
            if let Some(target) = parse_other_host(to, connector.address.security) {
                return Redirectable::Redirect(target);
            }
        }
    }
    Redirectable::Failed(classify_connect(e))
}

async fn attempt_once(cfg: &LinkConfig) -> Result<Connection, Redirectable> {
    let user = cfg.jid.node().map(|n| n.as_str()).unwrap_or_default();
    let connect = cfg
        .connector
        .connect(&cfg.jid, ns::JABBER_CLIENT, cfg.timeouts);
    let (pending, binding) = match tokio::time::timeout(Duration::from_secs(30), connect).await {
        Ok(Ok(ok)) => ok,
        Ok(Err(e)) => return Err(connect_failure(&cfg.connector, e)),
        Err(_) => return Err(transient(Problem::of(ErrorCode::Timeout)).into()),
    };
    let (features, stream) = pending
        .recv_features()
        .await
        .map_err(|e| connect_failure(&cfg.connector, e.into()))?;
    let password = cfg.password.lock().map(|p| p.clone()).unwrap_or_default();
    let login = authenticate(
        stream,
        &features,
        &binding,
        cfg.connector.address.security.is_encrypted(),
        &cfg.sasl,
        user,
        &password,
    );
    let (restarted, _mechanism) = match tokio::time::timeout(Duration::from_secs(30), login).await {
        Ok(Ok(s)) => s,
        Ok(Err(e)) => return Err(classify_sasl(e).into()),
        Err(_) => return Err(transient(Problem::of(ErrorCode::Timeout)).into()),
    };
    cfg.connector.arm_console();
    let header = StreamHeader {
        to: Some(Cow::Owned(cfg.jid.domain().to_string())),
        from: None,
        id: None,
    };
    let pending = restarted
        .send_header(header)
        .await
        .map_err(|e| connect_failure(&cfg.connector, e.into()))?;
    let (features, stream) = pending
        .recv_features()
        .await
        .map_err(|e| connect_failure(&cfg.connector, e.into()))?;
    Ok(Connection {
        stream: stream.box_stream(),
        features,
        identity: cfg.jid.clone(),
    })
}

fn transient(problem: Problem) -> AttemptError {
    AttemptError {
        problem,
        terminal: false,
    }
}

fn terminal(problem: Problem) -> AttemptError {
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
pub fn stream_condition(c: &DefinedCondition) -> String {
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

/// Where a `see-other-host` stream error that ended the link points to.
fn redirect_of(reason: Option<&io::Error>, security: ConnectionSecurity) -> Option<Candidate> {
    let se = reason?.get_ref()?.downcast_ref::<ReceivedStreamError>()?;
    match &se.0.condition {
        DefinedCondition::SeeOtherHost(to) => parse_other_host(to, security),
        _ => None,
    }
}

/// `host`, `host:port`, `[v6]` or `[v6]:port` (RFC 6120 §4.9.3.19).
pub fn parse_other_host(text: &str, security: ConnectionSecurity) -> Option<Candidate> {
    let text = text.trim();
    let (host, port) = if let Some(rest) = text.strip_prefix('[') {
        let (host, after) = rest.split_once(']')?;
        (host, after.strip_prefix(':'))
    } else {
        match text.rsplit_once(':') {
            Some((h, p)) if !h.contains(':') => (h, Some(p)),
            _ => (text, None),
        }
    };
    let port = match port {
        Some(p) => p.parse().ok().filter(|p| *p != 0)?,
        None => security.default_port(),
    };
    let valid = !host.is_empty() && !host.chars().any(|c| c.is_whitespace() || c == '/');
    valid.then(|| Candidate {
        host: host.to_owned(),
        port,
    })
}

/// Build the reconnector closure handed to `StanzaStream::new`.
pub fn reconnector(
    cfg: Arc<LinkConfig>,
    status: mpsc::UnboundedSender<LinkStatus>,
) -> Box<dyn FnMut(Option<io::Error>, oneshot::Sender<Connection>) + Send + 'static> {
    let backoff = Arc::new(Mutex::new(Backoff::new()));
    let mut first = true;
    Box::new(move |reason, slot| {
        let cfg = cfg.clone();
        let status = status.clone();
        let backoff = backoff.clone();
        let is_first = std::mem::replace(&mut first, false);
        tokio::spawn(async move {
            if !is_first {
                if let Some(to) = redirect_of(reason.as_ref(), cfg.connector.address.security) {
                    cfg.connector.redirect(to);
                }
                let lost = classify_loss(reason.as_ref());
                if lost.terminal {
                    let _ = status.send(LinkStatus::Stopped(lost.problem));
                    return; // dropping `slot` ends the stanza stream
                }
                let delay = next_delay(&backoff);
                let _ = status.send(LinkStatus::Waiting {
                    reason: lost.problem,
                    delay,
                });
                tokio::time::sleep(delay).await;
            }
            loop {
                if slot.is_closed() {
                    return;
                }
                let _ = status.send(LinkStatus::Connecting);
                match attempt(&cfg).await {
                    Ok(conn) => {
                        if let Ok(mut b) = backoff.lock() {
                            b.reset();
                        }
                        let _ = slot.send(conn);
                        return;
                    }
                    Err(e) if e.terminal || (is_first && !cfg.retry_first_attempt) => {
                        let _ = status.send(LinkStatus::Stopped(e.problem));
                        return;
                    }
                    Err(e) => {
                        let delay = next_delay(&backoff);
                        let _ = status.send(LinkStatus::Waiting {
                            reason: e.problem,
                            delay,
                        });
                        tokio::time::sleep(delay).await;
                    }
                }
            }
        });
    })
}

fn next_delay(backoff: &Mutex<Backoff>) -> Duration {
    backoff
        .lock()
        .map(|mut b| b.next_delay())
        .unwrap_or(Backoff::MAX)
}

#[cfg(test)]
mod tests {
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

    #[test]
    fn other_host_forms() {
        let tls = ConnectionSecurity::StartTls;
        let c = |h: &str, p| {
            Some(Candidate {
                host: h.into(),
                port: p,
            })
        };
        assert_eq!(
            parse_other_host("xmpp2.example.com", tls),
            c("xmpp2.example.com", 5222)
        );
        assert_eq!(
            parse_other_host("xmpp2.example.com:5999", tls),
            c("xmpp2.example.com", 5999)
        );
        assert_eq!(
            parse_other_host("[2001:db8::1]:5223", tls),
            c("2001:db8::1", 5223)
        );
        assert_eq!(
            parse_other_host("[2001:db8::1]", tls),
            c("2001:db8::1", 5222)
        );
        assert_eq!(parse_other_host("", tls), None);
        assert_eq!(parse_other_host("host:0", tls), None);
        assert_eq!(parse_other_host("a b", tls), None);
    }
}
