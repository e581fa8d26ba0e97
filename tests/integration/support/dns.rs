//! A tiny authoritative DNS server on loopback UDP that answers SRV queries
//! from a fixed table, so automatic server lookup is tested through a real
//! resolver and a real socket without touching the machine's DNS.

use std::net::{SocketAddr, UdpSocket};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use hickory_resolver::proto::op::{Message, MessageType, ResponseCode};
use hickory_resolver::proto::rr::rdata::SRV;
use hickory_resolver::proto::rr::{Name, RData, Record, RecordType};

pub struct SrvAnswer {
    pub priority: u16,
    pub weight: u16,
    pub port: u16,
    pub target: &'static str,
}

pub struct DnsServer {
    pub addr: SocketAddr,
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl DnsServer {
    /// Answer SRV queries for `name` (e.g. "_xmpp-client._tcp.hearth.test.")
    /// with `answers`; everything else gets NXDOMAIN.
    pub fn start(name: &str, answers: Vec<SrvAnswer>) -> Self {
        let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
        socket
            .set_read_timeout(Some(Duration::from_millis(100)))
            .unwrap();
        let addr = socket.local_addr().unwrap();
        let stop = Arc::new(AtomicBool::new(false));
        let name = Name::from_ascii(name).unwrap();
        let flag = stop.clone();
        let thread = std::thread::spawn(move || {
            let mut buf = [0u8; 1500];
            while !flag.load(Ordering::Relaxed) {
                let Ok((n, from)) = socket.recv_from(&mut buf) else {
                    continue;
                };
                let Ok(query) = Message::from_vec(&buf[..n]) else {
                    continue;
                };
                let reply = answer(&query, &name, &answers);
                if let Ok(bytes) = reply.to_vec() {
                    let _ = socket.send_to(&bytes, from);
                }
            }
        });
        Self {
            addr,
            stop,
            thread: Some(thread),
        }
    }
}

fn answer(query: &Message, name: &Name, answers: &[SrvAnswer]) -> Message {
    let mut reply = Message::new(
        query.metadata.id,
        MessageType::Response,
        query.metadata.op_code,
    );
    reply.metadata.authoritative = true;
    reply.metadata.recursion_desired = query.metadata.recursion_desired;
    reply.metadata.recursion_available = true;
    reply.queries = query.queries.clone();
    let Some(q) = query.queries.first() else {
        return reply;
    };
    if q.name() == name && q.query_type() == RecordType::SRV {
        for a in answers {
            let target = Name::from_ascii(a.target).unwrap();
            reply.add_answer(Record::from_rdata(
                name.clone(),
                60,
                RData::SRV(SRV::new(a.priority, a.weight, a.port, target)),
            ));
        }
    } else {
        reply.metadata.response_code = ResponseCode::NXDomain;
    }
    reply
}

impl Drop for DnsServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}
