//! An XEP-0114 component connection to the test server's `bots.<domain>`
//! service: tests and benchmarks use it for what a client cannot do (many
//! occupants at once, a service that pages its answers).

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use sha1::{Digest, Sha1};

use super::server::{Server, COMPONENT_SECRET};

/// Opens the component stream and completes the handshake.
pub fn connect(server: &Server) -> TcpStream {
    let port = server.component_port.expect("started with a component");
    let bots = format!("bots.{}", server.domain);
    // The component port may open a moment after the client port.
    let mut attempts = 0;
    let mut s = loop {
        match TcpStream::connect(("127.0.0.1", port)) {
            Ok(s) => break s,
            Err(_) if attempts < 50 => {
                attempts += 1;
                std::thread::sleep(Duration::from_millis(100));
            }
            Err(e) => panic!("component port {port}: {e}"),
        }
    };
    s.set_read_timeout(Some(Duration::from_secs(120))).unwrap();
    write!(
        s,
        "<?xml version='1.0'?><stream:stream xmlns='jabber:component:accept' \
         xmlns:stream='http://etherx.jabber.org/streams' to='{bots}'>"
    )
    .unwrap();
    let mut seen = String::new();
    let mut buf = vec![0u8; 64 * 1024];
    let id = loop {
        let k = s.read(&mut buf).unwrap();
        assert!(k > 0, "component stream closed: {seen}");
        seen.push_str(&String::from_utf8_lossy(&buf[..k]));
        if let Some(at) = seen.find(" id='").or_else(|| seen.find(" id=\"")) {
            let rest = &seen[at + 5..];
            if let Some(end) = rest.find(['\'', '"']) {
                break rest[..end].to_owned();
            }
        }
    };
    let digest = Sha1::digest(format!("{id}{COMPONENT_SECRET}").as_bytes());
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    write!(s, "<handshake>{hex}</handshake>").unwrap();
    s
}
