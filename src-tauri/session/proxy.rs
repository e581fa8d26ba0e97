//! Reaching the server through a proxy: SOCKS5 or HTTP CONNECT. Both hand
//! back the TCP stream once the proxy has opened the tunnel; TLS and XMPP
//! then run through it unchanged, so the proxy sees only ciphertext.

use std::io;
use std::time::Duration;

use tokio::net::TcpStream;

use super::settings::ProxyKind;
use super::{rfc1928_socks5, rfc9110_connect};

/// How long a proxy may take to open the tunnel.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(20);

#[derive(Clone, PartialEq, Eq)]
pub struct Proxy {
    pub kind: ProxyKind,
    pub host: String,
    pub port: u16,
    /// Empty = no authentication.
    pub user: String,
    pub password: String,
}

impl std::fmt::Debug for Proxy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The password is deliberately absent.
        f.debug_struct("Proxy")
            .field("kind", &self.kind)
            .field("host", &self.host)
            .field("port", &self.port)
            .field("user", &self.user)
            .finish()
    }
}

/// Why the proxy did not open the tunnel. Carried inside `io::Error` so the
/// connection code can phrase it for the user.
#[derive(Debug, thiserror::Error)]
pub enum ProxyError {
    #[error("the proxy rejected the user name or password")]
    AuthRejected,
    #[error("the proxy requires a user name and password")]
    AuthRequired,
    #[error("the proxy refused to connect to {target}: {reason}")]
    Refused { target: String, reason: String },
    #[error("the proxy answered in a way Hearth does not understand: {0}")]
    Garbled(String),
}

impl ProxyError {
    pub fn into_io(self) -> io::Error {
        io::Error::other(self)
    }

    /// Whether trying again cannot help until the user changes a setting.
    pub fn is_terminal(&self) -> bool {
        matches!(self, Self::AuthRejected | Self::AuthRequired)
    }
}

impl Proxy {
    /// Connect to the proxy and have it open a tunnel to `host:port`; the
    /// name is resolved by the proxy, as a company network expects.
    pub async fn tunnel(&self, host: &str, port: u16) -> io::Result<TcpStream> {
        let mut stream = TcpStream::connect((self.host.as_str(), self.port)).await?;
        stream.set_nodelay(true)?;
        let credentials =
            (!self.user.is_empty()).then_some((self.user.as_str(), self.password.as_str()));
        let handshake = async {
            match self.kind {
                ProxyKind::Socks5 => {
                    rfc1928_socks5::connect(&mut stream, host, port, credentials).await
                }
                ProxyKind::HttpConnect => {
                    rfc9110_connect::connect(&mut stream, host, port, credentials).await
                }
                ProxyKind::None => Ok(()),
            }
        };
        match tokio::time::timeout(HANDSHAKE_TIMEOUT, handshake).await {
            Ok(result) => result?,
            Err(_) => {
                return Err(io::Error::new(
                    io::ErrorKind::TimedOut,
                    "the proxy did not answer",
                ))
            }
        }
        Ok(stream)
    }
}
