//! Hearth's `ServerConnector`: find the server (DNS SRV or a fixed host),
//! reach it (directly or through a proxy), then secure the stream with
//! STARTTLS (RFC 6120 §5) or direct TLS (XEP-0368) using rustls and
//! Hearth's own trust policy, or, only on the user's explicit choice, not at
//! all.
//!
//! tokio-xmpp's built-in connectors cannot take a custom certificate
//! verifier, so they could neither honour pinned certificates nor explain a
//! refusal; this one can.

use std::borrow::Cow;
use std::io;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use futures::{SinkExt, StreamExt};
use sasl::common::ChannelBinding;
use tokio::io::BufStream;
use tokio::net::{lookup_host, TcpStream};
use tokio_rustls::client::TlsStream;
use tokio_rustls::TlsConnector;
use tokio_xmpp::connect::ServerConnector;
use tokio_xmpp::jid::Jid;
use tokio_xmpp::parsers::starttls;
use tokio_xmpp::xmlstream::{
    initiate_stream, PendingFeaturesRecv, ReadError, StreamHeader, Timeouts, XmppStream,
    XmppStreamElement,
};

use super::proxy::Proxy;
use super::proxy_error::ProxyError;
use super::rfc6120_srv::{self, Candidate, NameServers, Resolution};
pub use super::settings::ConnectionSecurity;
use super::tls_trust::{client_config, TrustVerifier};
use super::transport::Transport;
use super::xml_console::{Console, Tap};

/// The stream every connection ends up as, encrypted or not.
pub type Stream = BufStream<Tap<Transport>>;

/// How long one candidate address may take to accept the connection
/// before the next one is tried.
const CANDIDATE_TIMEOUT: Duration = Duration::from_secs(10);

/// Where and how to connect. `host = None` means automatic: DNS SRV for
/// the JID's domain, then the domain itself.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ServerAddress {
    pub host: Option<String>,
    pub port: Option<u16>,
    pub security: ConnectionSecurity,
    pub proxy: Option<Proxy>,
    pub name_servers: NameServers,
}

#[derive(Clone)]
pub struct Connector {
    pub address: ServerAddress,
    tls: Arc<rustls::ClientConfig>,
    /// For direct TLS: the same trust, with ALPN "xmpp-client" (XEP-0368).
    tls_direct: Arc<rustls::ClientConfig>,
    console: Console,
    /// The XML console switch of the latest connection: set once SASL is
    /// done, so authentication never reaches the console.
    armed: Arc<std::sync::Mutex<Arc<AtomicBool>>>,
    /// Where a `see-other-host` stream error sent us: used by the next
    /// connection only. TLS is still verified for the account's domain.
    redirect: Arc<std::sync::Mutex<Option<Candidate>>>,
}

impl std::fmt::Debug for Connector {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Connector")
            .field("address", &self.address)
            .finish()
    }
}

/// Raised when the server does not offer STARTTLS: Hearth never continues
/// in plain text without the user's explicit choice.
#[derive(Debug, thiserror::Error)]
#[error("the server does not offer an encrypted connection (STARTTLS)")]
pub struct NoStartTls;

/// The domain's SRV records say it offers no XMPP service (a lone `.`).
#[derive(Debug, thiserror::Error)]
#[error("the domain's DNS records say it offers no XMPP service")]
pub struct NoXmppService;

/// DNS has no address for this host name.
#[derive(Debug, thiserror::Error)]
#[error("no address found for {0}")]
pub struct UnknownHost(pub String);

impl Connector {
    pub fn new(address: ServerAddress, trust: Arc<TrustVerifier>, console: Console) -> Self {
        let tls = client_config(trust.clone(), &[]);
        let tls_direct = client_config(trust, &[b"xmpp-client"]);
        Self {
            address,
            tls,
            tls_direct,
            console,
            armed: Arc::new(std::sync::Mutex::new(Arc::new(AtomicBool::new(false)))),
            redirect: Arc::default(),
        }
    }

    /// Authentication is over: the latest connection may show in the console.
    pub fn arm_console(&self) {
        if let Ok(armed) = self.armed.lock() {
            armed.store(true, Ordering::Relaxed);
        }
    }

    fn fresh_arm(&self) -> Arc<AtomicBool> {
        let flag = Arc::new(AtomicBool::new(false));
        if let Ok(mut armed) = self.armed.lock() {
            *armed = flag.clone();
        }
        flag
    }

    /// Send the next connection to `to` (RFC 6120 `see-other-host`).
    pub fn redirect(&self, to: Candidate) {
        if let Ok(mut r) = self.redirect.lock() {
            *r = Some(to);
        }
    }

    /// The places to try, best first.
    pub async fn resolve(&self, domain: &str) -> Resolution {
        let redirected = self.redirect.lock().ok().and_then(|mut r| r.take());
        if let Some(to) = redirected {
            return Resolution {
                candidates: vec![to],
                from_srv: false,
            };
        }
        match &self.address.host {
            Some(host) => Resolution {
                candidates: vec![Candidate {
                    host: host.clone(),
                    port: self
                        .address
                        .port
                        .unwrap_or(self.address.security.default_port()),
                }],
                from_srv: false,
            },
            None => {
                rfc6120_srv::resolve(domain, self.address.security, &self.address.name_servers)
                    .await
            }
        }
    }

    /// A TCP stream to the first candidate that answers (RFC 6120 §3.2.1),
    /// through the proxy when there is one.
    pub async fn reach(&self, resolution: &Resolution) -> io::Result<(TcpStream, Candidate)> {
        let mut last = io::Error::new(io::ErrorKind::NotFound, NoXmppService);
        for candidate in &resolution.candidates {
            let attempt = async {
                match &self.address.proxy {
                    Some(proxy) => proxy.tunnel(&candidate.host, candidate.port).await,
                    None => {
                        // Looked up apart from connecting, so that "no such
                        // host" is told apart from "host does not answer".
                        let unknown = || {
                            io::Error::new(
                                io::ErrorKind::NotFound,
                                UnknownHost(candidate.host.clone()),
                            )
                        };
                        let addresses = lookup_host((candidate.host.as_str(), candidate.port))
                            .await
                            .map_err(|e| {
                                log::info!("no address for {}: {e}", candidate.host);
                                unknown()
                            })?
                            .collect::<Vec<_>>();
                        if addresses.is_empty() {
                            return Err(unknown());
                        }
                        let s = TcpStream::connect(&addresses[..]).await?;
                        s.set_nodelay(true)?;
                        Ok(s)
                    }
                }
            };
            match tokio::time::timeout(CANDIDATE_TIMEOUT, attempt).await {
                Ok(Ok(stream)) => return Ok((stream, candidate.clone())),
                Ok(Err(e)) => {
                    log::info!("could not reach {candidate}: {e}");
                    // A proxy that refuses our credentials refuses them for
                    // every candidate.
                    if proxy_error(&e).is_some_and(ProxyError::is_terminal) {
                        return Err(e);
                    }
                    last = e;
                }
                Err(_) => {
                    log::info!("{candidate} did not answer");
                    last = io::Error::new(io::ErrorKind::TimedOut, "the server did not answer");
                }
            }
        }
        Err(last)
    }

    /// Secure (or, on the insecure choice, merely open) the XML stream on
    /// an established TCP stream.
    pub async fn negotiate(
        &self,
        domain: &str,
        tcp: TcpStream,
        ns: &'static str,
        timeouts: Timeouts,
    ) -> Result<(PendingFeaturesRecv<Stream>, ChannelBinding), tokio_xmpp::Error> {
        let header = || StreamHeader {
            to: Some(Cow::Owned(domain.to_owned())),
            from: None,
            id: None,
        };
        match self.address.security {
            ConnectionSecurity::DirectTls => {
                return self
                    .secure(domain, tcp, &self.tls_direct, ns, header(), timeouts)
                    .await;
            }
            ConnectionSecurity::PlainInsecure => {
                let tapped = Tap::new(
                    Transport::Plain(tcp),
                    self.console.clone(),
                    self.fresh_arm(),
                );
                let stream =
                    initiate_stream(BufStream::new(tapped), ns, header(), timeouts).await?;
                return Ok((stream, ChannelBinding::None));
            }
            ConnectionSecurity::StartTls => {}
        }
        let plain = initiate_stream(BufStream::new(tcp), ns, header(), timeouts).await?;
        let (features, mut plain): (_, XmppStream<_>) = plain.recv_features().await?;
        if !features.can_starttls() {
            return Err(io::Error::other(NoStartTls).into());
        }
        plain
            .send(&XmppStreamElement::Starttls(starttls::Nonza::Request(
                starttls::Request,
            )))
            .await?;
        loop {
            match plain
                .next()
                .await
                .map(|v| v.and_then(|v| v.into_read_error()))
            {
                Some(Ok(XmppStreamElement::Starttls(starttls::Nonza::Proceed(_)))) => break,
                Some(Ok(_)) | Some(Err(ReadError::SoftTimeout)) => continue,
                Some(Err(ReadError::HardError(e))) => return Err(e.into()),
                Some(Err(ReadError::ParseError(e))) => {
                    return Err(io::Error::new(io::ErrorKind::InvalidData, e).into())
                }
                None | Some(Err(ReadError::StreamFooterReceived)) => {
                    return Err(tokio_xmpp::Error::Disconnected)
                }
            }
        }
        let tcp = plain.into_inner().into_inner();
        self.secure(domain, tcp, &self.tls, ns, header(), timeouts)
            .await
    }

    /// TLS handshake with Hearth's trust, then the XML stream over it.
    async fn secure(
        &self,
        domain: &str,
        tcp: TcpStream,
        config: &Arc<rustls::ClientConfig>,
        ns: &'static str,
        header: StreamHeader<'_>,
        timeouts: Timeouts,
    ) -> Result<(PendingFeaturesRecv<Stream>, ChannelBinding), tokio_xmpp::Error> {
        let name = rustls::pki_types::ServerName::try_from(domain.to_owned())
            .map_err(|e| io::Error::new(io::ErrorKind::InvalidInput, e))?;
        let tls = TlsConnector::from(config.clone())
            .connect(name, tcp)
            .await?;
        let binding = channel_binding(&tls);
        let tapped = Tap::new(
            Transport::Tls(Box::new(tls)),
            self.console.clone(),
            self.fresh_arm(),
        );
        let stream = initiate_stream(BufStream::new(tapped), ns, header, timeouts).await?;
        Ok((stream, binding))
    }
}

/// The proxy's refusal inside an I/O error, if that is what it is.
pub fn proxy_error(e: &io::Error) -> Option<&ProxyError> {
    e.get_ref()
        .and_then(|inner| inner.downcast_ref::<ProxyError>())
}

impl ServerConnector for Connector {
    type Stream = Stream;

    async fn connect(
        &self,
        jid: &Jid,
        ns: &'static str,
        timeouts: Timeouts,
    ) -> Result<(PendingFeaturesRecv<Self::Stream>, ChannelBinding), tokio_xmpp::Error> {
        let domain = jid.domain().as_str();
        let resolution = self.resolve(domain).await;
        let (tcp, _) = self.reach(&resolution).await?;
        self.negotiate(domain, tcp, ns, timeouts).await
    }
}

/// RFC 9266 tls-exporter binding on TLS 1.3; none on older versions.
fn channel_binding(tls: &TlsStream<TcpStream>) -> ChannelBinding {
    let (_, conn) = tls.get_ref();
    if conn.protocol_version() != Some(rustls::ProtocolVersion::TLSv1_3) {
        return ChannelBinding::None;
    }
    match conn.export_keying_material(vec![0u8; 32], b"EXPORTER-Channel-Binding", None) {
        Ok(data) => ChannelBinding::TlsExporter(data),
        Err(_) => ChannelBinding::None,
    }
}
