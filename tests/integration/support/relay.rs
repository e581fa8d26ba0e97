//! A loopback TCP relay in front of the server that a test can sever, to
//! lose the link mid-conversation the way a flaky network does.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use tokio::io::copy_bidirectional;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;

pub struct Relay {
    pub port: u16,
    /// Each increment severs every connection open at that moment.
    cuts: watch::Sender<u64>,
    /// Each increment freezes every open connection: nothing passes any
    /// more, nothing is closed (a dead network, not a closed socket).
    stalls: watch::Sender<u64>,
    /// New connections are closed at once (the server is unreachable).
    refusing: Arc<AtomicBool>,
}

impl Relay {
    pub async fn start(target_port: u16) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("relay port");
        let port = listener.local_addr().unwrap().port();
        let (cuts, _) = watch::channel(0u64);
        let (stalls, _) = watch::channel(0u64);
        let cuts_for_task = cuts.clone();
        let stalls_for_task = stalls.clone();
        let refusing = Arc::new(AtomicBool::new(false));
        let refusing_for_task = refusing.clone();
        tokio::spawn(async move {
            while let Ok((mut client, _)) = listener.accept().await {
                if refusing_for_task.load(Ordering::SeqCst) {
                    continue; // dropped: closed
                }
                let mut cut = cuts_for_task.subscribe();
                cut.borrow_and_update();
                let mut stall = stalls_for_task.subscribe();
                stall.borrow_and_update();
                tokio::spawn(async move {
                    let Ok(mut server) = TcpStream::connect(("127.0.0.1", target_port)).await
                    else {
                        return;
                    };
                    tokio::select! {
                        _ = copy_bidirectional(&mut client, &mut server) => {}
                        _ = cut.changed() => {}
                        _ = stall.changed() => {
                            // Keep both sockets open and silent until cut.
                            let _ = cut.changed().await;
                        }
                    }
                    // Dropping both sockets closes them: each side sees the link die.
                });
            }
        });
        Relay {
            port,
            cuts,
            stalls,
            refusing,
        }
    }

    /// Freeze every open connection (new ones are accepted and work).
    pub fn stall(&self) {
        self.stalls.send_modify(|n| *n += 1);
    }

    /// From now on, close every new connection at once.
    pub fn refuse_new(&self) {
        self.refusing.store(true, Ordering::SeqCst);
    }

    /// Sever every connection through the relay (new ones are accepted).
    pub fn cut(&self) {
        self.cuts.send_modify(|n| *n += 1);
    }
}
