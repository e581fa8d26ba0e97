//! SOCKS5 client handshake (RFC 1928) with user/password authentication
//! (RFC 1929). The target is sent as a domain name so the proxy resolves it.

use std::io;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use super::proxy_error::ProxyError;

const VERSION: u8 = 5;
const NO_AUTH: u8 = 0x00;
const USER_PASSWORD: u8 = 0x02;
const NO_ACCEPTABLE: u8 = 0xff;
const CONNECT: u8 = 0x01;
const DOMAIN: u8 = 0x03;

fn garbled(what: &str) -> io::Error {
    ProxyError::Garbled(what.to_owned()).into_io()
}

/// Open a tunnel to `host:port` through the SOCKS5 proxy on `stream`.
pub async fn connect(
    stream: &mut TcpStream,
    host: &str,
    port: u16,
    credentials: Option<(&str, &str)>,
) -> io::Result<()> {
    if host.len() > 255 {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "host name too long for SOCKS5",
        ));
    }
    let greeting: &[u8] = match credentials {
        Some(_) => &[VERSION, 2, NO_AUTH, USER_PASSWORD],
        None => &[VERSION, 1, NO_AUTH],
    };
    stream.write_all(greeting).await?;
    let mut choice = [0u8; 2];
    stream.read_exact(&mut choice).await?;
    if choice[0] != VERSION {
        return Err(garbled("not a SOCKS5 proxy"));
    }
    match (choice[1], credentials) {
        (NO_AUTH, _) => {}
        (USER_PASSWORD, Some((user, password))) => authenticate(stream, user, password).await?,
        (USER_PASSWORD, None) | (NO_ACCEPTABLE, None) => {
            return Err(ProxyError::AuthRequired.into_io())
        }
        (NO_ACCEPTABLE, Some(_)) => return Err(ProxyError::AuthRejected.into_io()),
        (other, _) => return Err(garbled(&format!("unknown method {other}"))),
    }

    let mut request = vec![VERSION, CONNECT, 0, DOMAIN, host.len() as u8];
    request.extend_from_slice(host.as_bytes());
    request.extend_from_slice(&port.to_be_bytes());
    stream.write_all(&request).await?;

    let mut head = [0u8; 4];
    stream.read_exact(&mut head).await?;
    if head[0] != VERSION {
        return Err(garbled("bad reply version"));
    }
    if head[1] != 0 {
        return Err(ProxyError::Refused {
            target: format!("{host}:{port}"),
            reason: reply_reason(head[1]).to_owned(),
        }
        .into_io());
    }
    // Skip the bound address the proxy reports; we do not need it.
    let address_len = match head[3] {
        0x01 => 4,
        0x04 => 16,
        DOMAIN => usize::from(stream.read_u8().await?),
        _ => return Err(garbled("bad address type")),
    };
    let mut rest = vec![0u8; address_len + 2];
    stream.read_exact(&mut rest).await?;
    Ok(())
}

async fn authenticate(stream: &mut TcpStream, user: &str, password: &str) -> io::Result<()> {
    if user.len() > 255 || password.len() > 255 {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "proxy user name or password longer than SOCKS5 allows",
        ));
    }
    let mut message = vec![1, user.len() as u8];
    message.extend_from_slice(user.as_bytes());
    message.push(password.len() as u8);
    message.extend_from_slice(password.as_bytes());
    stream.write_all(&message).await?;
    let mut status = [0u8; 2];
    stream.read_exact(&mut status).await?;
    if status[1] != 0 {
        return Err(ProxyError::AuthRejected.into_io());
    }
    Ok(())
}

fn reply_reason(code: u8) -> &'static str {
    match code {
        1 => "general failure",
        2 => "not allowed by its rules",
        3 => "network unreachable",
        4 => "host unreachable",
        5 => "connection refused",
        6 => "time to live expired",
        7 => "command not supported",
        8 => "address type not supported",
        _ => "unknown error",
    }
}
