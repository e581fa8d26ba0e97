//! Why a proxy did not open its tunnel, shared by the SOCKS5 and HTTP
//! CONNECT handshakes and the connector that reports it.

use std::io;

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
