//! Reaching the server through a proxy: SOCKS5 or HTTP CONNECT. Both hand
//! back the TCP stream once the proxy has opened the tunnel; TLS and XMPP
//! then run through it unchanged, so the proxy sees only ciphertext.

use std::io;
use std::time::Duration;

use tokio::net::TcpStream;

use super::settings::{ProxyKind, ProxySettings};
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

impl Proxy {
    /// The proxy `settings` name, with `password`; `None` without one.
    pub fn from_settings(settings: &ProxySettings, password: String) -> Option<Proxy> {
        (settings.kind != ProxyKind::None).then(|| Proxy {
            kind: settings.kind,
            host: settings.host.trim().to_owned(),
            port: settings.port.unwrap_or(settings.default_port()),
            user: settings.user.trim().to_owned(),
            password,
        })
    }

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
