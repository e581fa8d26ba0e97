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
use super::connector::Connector;
use super::failure::{classify_connect, classify_loss, classify_sasl, transient, AttemptError};
use super::rfc6120_sasl::authenticate;
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
