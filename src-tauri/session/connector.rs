//! Hearth's `ServerConnector`: TCP to the server, then STARTTLS (RFC 6120
//! §5) with rustls and Hearth's own trust policy.
//!
//! tokio-xmpp's built-in connectors cannot take a custom certificate
//! verifier, so they could neither honour pinned certificates nor explain a
//! refusal; this one can.

use std::borrow::Cow;
use std::io;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use futures::{SinkExt, StreamExt};
use sasl::common::ChannelBinding;
use serde::{Deserialize, Serialize};
use tokio::io::BufStream;
use tokio::net::TcpStream;
use tokio_rustls::client::TlsStream;
use tokio_rustls::TlsConnector;
use tokio_xmpp::connect::ServerConnector;
use tokio_xmpp::jid::Jid;
use tokio_xmpp::parsers::starttls;
use tokio_xmpp::xmlstream::{
    initiate_stream, PendingFeaturesRecv, ReadError, StreamHeader, Timeouts, XmppStream,
    XmppStreamElement,
};
use ts_rs::TS;

use super::tls_trust::{client_config, TrustVerifier};
use super::xml_console::{Console, Tap};

/// How the connection is secured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum ConnectionSecurity {
    /// Plain TCP upgraded with STARTTLS (RFC 6120 §5), required. Port 5222.
    #[default]
    StartTls,
    /// TLS from the first byte (XEP-0368). Port 5223.
    DirectTls,
}

impl ConnectionSecurity {
    pub fn default_port(self) -> u16 {
        match self {
            Self::StartTls => 5222,
            Self::DirectTls => 5223,
        }
    }
}

/// Where to connect. `host = None` means the JID's domain.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ServerAddress {
    pub host: Option<String>,
    pub port: Option<u16>,
    pub security: ConnectionSecurity,
}

#[derive(Clone)]
pub struct StartTlsConnector {
    pub address: ServerAddress,
    pub trust: Arc<TrustVerifier>,
    tls: Arc<rustls::ClientConfig>,
    /// For direct TLS: the same trust, with ALPN "xmpp-client" (XEP-0368).
    tls_direct: Arc<rustls::ClientConfig>,
    console: Console,
    /// The XML console switch of the latest connection: set once SASL is
    /// done, so authentication never reaches the console.
    armed: Arc<std::sync::Mutex<Arc<AtomicBool>>>,
}

impl std::fmt::Debug for StartTlsConnector {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StartTlsConnector")
            .field("address", &self.address)
            .finish()
    }
}

/// Raised when the server does not offer STARTTLS: Hearth never continues
/// in plain text without the user's explicit choice.
#[derive(Debug, thiserror::Error)]
#[error("the server does not offer an encrypted connection (STARTTLS)")]
pub struct NoStartTls;

impl StartTlsConnector {
    pub fn new(address: ServerAddress, trust: Arc<TrustVerifier>, console: Console) -> Self {
        let tls = client_config(trust.clone(), &[]);
        let tls_direct = client_config(trust.clone(), &[b"xmpp-client"]);
        Self {
            address,
            trust,
            tls,
            tls_direct,
            console,
            armed: Arc::new(std::sync::Mutex::new(Arc::new(AtomicBool::new(false)))),
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

    async fn tcp(&self, jid: &Jid) -> io::Result<TcpStream> {
        let host = self
            .address
            .host
            .clone()
            .unwrap_or_else(|| jid.domain().to_string());
        let port = self
            .address
            .port
            .unwrap_or(self.address.security.default_port());
        let stream = TcpStream::connect((host.as_str(), port)).await?;
        stream.set_nodelay(true)?;
        Ok(stream)
    }
}

impl ServerConnector for StartTlsConnector {
    type Stream = BufStream<Tap<TlsStream<TcpStream>>>;

    async fn connect(
        &self,
        jid: &Jid,
        ns: &'static str,
        timeouts: Timeouts,
    ) -> Result<(PendingFeaturesRecv<Self::Stream>, ChannelBinding), tokio_xmpp::Error> {
        let domain = jid.domain().as_str();
        let header = || StreamHeader {
            to: Some(Cow::Borrowed(domain)),
            from: None,
            id: None,
        };
        if self.address.security == ConnectionSecurity::DirectTls {
            let tcp = self.tcp(jid).await?;
            return self
                .secure(domain, tcp, &self.tls_direct, ns, header(), timeouts)
                .await;
        }
        let tcp = BufStream::new(self.tcp(jid).await?);
        let plain = initiate_stream(tcp, ns, header(), timeouts).await?;
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
}

impl StartTlsConnector {
    /// TLS handshake with Hearth's trust, then the XML stream over it.
    async fn secure(
        &self,
        domain: &str,
        tcp: TcpStream,
        config: &Arc<rustls::ClientConfig>,
        ns: &'static str,
        header: StreamHeader<'_>,
        timeouts: Timeouts,
    ) -> Result<
        (
            PendingFeaturesRecv<<Self as ServerConnector>::Stream>,
            ChannelBinding,
        ),
        tokio_xmpp::Error,
    > {
        let name = rustls::pki_types::ServerName::try_from(domain.to_owned())
            .map_err(|e| io::Error::new(io::ErrorKind::InvalidInput, e))?;
        let tls = TlsConnector::from(config.clone())
            .connect(name, tcp)
            .await?;
        let binding = channel_binding(&tls);
        let tapped = Tap::new(tls, self.console.clone(), self.fresh_arm());
        let stream = initiate_stream(BufStream::new(tapped), ns, header, timeouts).await?;
        Ok((stream, binding))
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
