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
use tokio_xmpp::parsers::ns;
use tokio_xmpp::parsers::stream_error::{DefinedCondition, ReceivedStreamError};
use tokio_xmpp::stanzastream::Connection;
use tokio_xmpp::xmlstream::{StreamHeader, Timeouts};

use super::backoff::Backoff;
use super::connector::{proxy_error, Connector, NoStartTls};
use super::rfc6120_sasl::{authenticate, SaslError};
use super::rfc6120_srv::Candidate;
use super::settings::{ConnectionSecurity, SaslPolicy};
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
                    ErrorCode::Protocol,
                    "The server kept sending Hearth to other servers; giving up for now.",
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
    Redirectable::Failed(classify_connect(connector, e))
}

async fn attempt_once(cfg: &LinkConfig) -> Result<Connection, Redirectable> {
    let user = cfg.jid.node().map(|n| n.as_str()).unwrap_or_default();
    let connect = cfg
        .connector
        .connect(&cfg.jid, ns::JABBER_CLIENT, cfg.timeouts);
    let (pending, binding) = match tokio::time::timeout(Duration::from_secs(30), connect).await {
        Ok(Ok(ok)) => ok,
        Ok(Err(e)) => return Err(connect_failure(&cfg.connector, e)),
        Err(_) => {
            return Err(transient(
                ErrorCode::Timeout,
                "The server did not answer within 30 seconds.",
            )
            .into())
        }
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
        Err(_) => {
            return Err(transient(
                ErrorCode::Timeout,
                "The server did not finish the login within 30 seconds.",
            )
            .into())
        }
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

fn transient(code: ErrorCode, message: impl Into<String>) -> AttemptError {
    AttemptError {
        problem: Problem::new(code, message),
        terminal: false,
    }
}

fn terminal(code: ErrorCode, message: impl Into<String>) -> AttemptError {
    AttemptError {
        problem: Problem::new(code, message),
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
        } if condition == "not-authorized" => terminal(ErrorCode::AuthFailed, text.unwrap_or_default()),
        // Anything else is the server refusing for its own reason: shown as
        // its condition and text. Retrying helps only a temporary failure.
        SaslError::Rejected {
            condition,
            text,
            temporary,
        } => {
            let detail = match text {
                Some(text) => format!("{condition}: {text}"),
                None => condition,
            };
            log::warn!("the server refused the login: {detail}");
            if temporary {
                transient(ErrorCode::LoginRefused, detail)
            } else {
                terminal(ErrorCode::LoginRefused, detail)
            }
        }
        SaslError::NoAcceptableMechanism(offered) => terminal(
            ErrorCode::Protocol,
            format!(
                "The server offers no login method that is safe and allowed in the connection settings (offered: {offered})."
            ),
        ),
        SaslError::ServerNotAuthenticated => terminal(
            ErrorCode::CertificateUntrusted,
            "The server could not prove that it knows your password; the connection may be intercepted.",
        ),
        SaslError::Exchange(what) => transient(ErrorCode::Protocol, format!("The login failed: {what}.")),
        SaslError::Io(e) => transient(ErrorCode::Network, network_sentence(&e)),
    }
}

pub(super) fn classify_connect(connector: &Connector, e: tokio_xmpp::Error) -> AttemptError {
    if let Some(rejected) = connector.trust.last_rejected() {
        if let tokio_xmpp::Error::Io(io) = &e {
            if io.to_string().contains(&rejected.reason) {
                let message = if rejected.changed {
                    format!(
                        "The server's certificate has changed since you trusted it, so Hearth refused it \
                         (the connection may be intercepted). New SHA-256 fingerprint: {}.",
                        rejected.fingerprint
                    )
                } else {
                    format!(
                        "The server's certificate is not trusted: {}. SHA-256 fingerprint: {}.",
                        rejected.reason, rejected.fingerprint
                    )
                };
                return terminal(ErrorCode::CertificateUntrusted, message);
            }
        }
    }
    match e {
        tokio_xmpp::Error::Io(io) => {
            if let Some(proxy) = proxy_error(&io) {
                let sentence = format!("Could not connect through the proxy: {proxy}.");
                return if proxy.is_terminal() {
                    terminal(ErrorCode::AuthFailed, sentence)
                } else {
                    transient(ErrorCode::Network, sentence)
                };
            }
            if io.get_ref().is_some_and(|inner| inner.is::<NoStartTls>()) {
                return terminal(
                    ErrorCode::Protocol,
                    "The server does not offer an encrypted connection; Hearth will not send your password in the clear.",
                );
            }
            transient(ErrorCode::Network, network_sentence(&io))
        }
        other => transient(
            ErrorCode::Protocol,
            format!("The server sent something unexpected ({other})."),
        ),
    }
}

fn network_sentence(e: &io::Error) -> String {
    match e.kind() {
        io::ErrorKind::ConnectionRefused => {
            "The server refused the connection (is it running?).".into()
        }
        io::ErrorKind::TimedOut => "The server stopped answering.".into(),
        io::ErrorKind::UnexpectedEof
        | io::ErrorKind::ConnectionReset
        | io::ErrorKind::BrokenPipe => "The connection to the server was lost.".into(),
        // The XML parser's word for a stream cut off mid-element.
        io::ErrorKind::InvalidData if e.to_string().contains("eof") => {
            "The connection to the server was lost.".into()
        }
        _ => format!("Could not reach the server: {e}."),
    }
}

/// Why an established link ended, from the error the stanza stream saw.
pub fn classify_loss(reason: Option<&io::Error>) -> AttemptError {
    let Some(err) = reason else {
        return transient(ErrorCode::Network, "The server closed the connection.");
    };
    if let Some(stream_error) = err
        .get_ref()
        .and_then(|i| i.downcast_ref::<ReceivedStreamError>())
    {
        let text = stream_error.0.texts.values().next().cloned();
        return match stream_error.0.condition {
            DefinedCondition::Conflict => terminal(
                ErrorCode::Protocol,
                "Another client logged in with the same resource; Hearth stopped so the two do not keep disconnecting each other.",
            ),
            DefinedCondition::SeeOtherHost(_) => transient(
                ErrorCode::Network,
                "The server asked Hearth to continue on another server.",
            ),
            DefinedCondition::SystemShutdown => {
                transient(ErrorCode::Network, "The server is shutting down.")
            }
            DefinedCondition::PolicyViolation | DefinedCondition::NotAuthorized => terminal(
                ErrorCode::Protocol,
                format!("The server ended the session: {}", text.unwrap_or_else(|| "policy violation".into())),
            ),
            _ => transient(
                ErrorCode::Network,
                format!("The server ended the connection ({}).", text.unwrap_or_else(|| format!("{:?}", stream_error.0.condition))),
            ),
        };
    }
    transient(ErrorCode::Network, network_sentence(err))
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
        // The sentence is the UI's; the message adds the server's words.
        assert_eq!(wrong.problem.message, "");
        let said = refused("not-authorized", Some("Invalid username or password"));
        assert_eq!(said.problem.message, "Invalid username or password");

        let binding = refused("malformed-request", Some("Invalid channel binding"));
        assert_eq!(binding.problem.code, ErrorCode::LoginRefused);
        assert_eq!(
            binding.problem.message,
            "malformed-request: Invalid channel binding"
        );
        assert!(binding.terminal, "the same login would fail again");
        let disabled = refused("account-disabled", None);
        assert_eq!(
            (disabled.problem.code, disabled.problem.message.as_str()),
            (ErrorCode::LoginRefused, "account-disabled")
        );
        let busy = refused("temporary-auth-failure", None);
        assert_eq!(busy.problem.code, ErrorCode::LoginRefused);
        assert!(!busy.terminal, "a temporary failure is retried");
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
