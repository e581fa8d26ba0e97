//! Tunnelling through an HTTP proxy with the CONNECT method (RFC 9110
//! §9.3.6), with Basic authentication (RFC 7617) when a user is set.

use std::io;

use base64::Engine;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use super::proxy_error::ProxyError;

/// Enough for any sane proxy's response head.
const MAX_HEAD: usize = 16 * 1024;

pub async fn connect(
    stream: &mut TcpStream,
    host: &str,
    port: u16,
    credentials: Option<(&str, &str)>,
) -> io::Result<()> {
    let authority = if host.contains(':') {
        format!("[{host}]:{port}")
    } else {
        format!("{host}:{port}")
    };
    let mut request = format!("CONNECT {authority} HTTP/1.1\r\nHost: {authority}\r\n");
    if let Some((user, password)) = credentials {
        let token = base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"));
        request.push_str(&format!("Proxy-Authorization: Basic {token}\r\n"));
    }
    request.push_str("\r\n");
    stream.write_all(request.as_bytes()).await?;

    // Read byte by byte up to the blank line: whatever follows belongs to
    // the tunnel and must not be consumed here.
    let mut head = Vec::with_capacity(256);
    while !head.ends_with(b"\r\n\r\n") {
        if head.len() >= MAX_HEAD {
            return Err(ProxyError::Garbled("response head too long".into()).into_io());
        }
        head.push(stream.read_u8().await?);
    }
    let text = String::from_utf8_lossy(&head);
    let status_line = text.lines().next().unwrap_or_default();
    let mut parts = status_line.splitn(3, ' ');
    let version = parts.next().unwrap_or_default();
    let code: u16 = parts.next().and_then(|c| c.parse().ok()).unwrap_or(0);
    let reason = parts.next().unwrap_or_default().trim();
    if !version.starts_with("HTTP/1.") || code == 0 {
        return Err(ProxyError::Garbled(status_line.to_owned()).into_io());
    }
    match code {
        200..=299 => Ok(()),
        407 if credentials.is_some() => Err(ProxyError::AuthRejected.into_io()),
        407 => Err(ProxyError::AuthRequired.into_io()),
        _ => Err(ProxyError::Refused {
            target: authority,
            reason: format!("{code} {reason}"),
        }
        .into_io()),
    }
}
