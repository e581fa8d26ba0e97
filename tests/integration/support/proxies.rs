//! Real proxies from Debian on free loopback ports: microsocks (SOCKS5)
//! and tinyproxy (HTTP CONNECT), both with a user and password.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use super::server::free_port;

/// A proxy process on a free loopback port, killed on drop.
pub struct ProxyProcess {
    pub port: u16,
    child: Child,
    dir: tempfile::TempDir,
}

impl ProxyProcess {
    pub fn microsocks(user: &str, pass: &str) -> Self {
        Self::start(|port, dir| {
            let log = std::fs::File::create(dir.join("log")).unwrap();
            Command::new("microsocks")
                .args([
                    "-i",
                    "127.0.0.1",
                    "-p",
                    &port.to_string(),
                    "-u",
                    user,
                    "-P",
                    pass,
                ])
                .stdout(log.try_clone().unwrap())
                .stderr(log)
                .spawn()
                .expect("microsocks is installed (apt-get install microsocks)")
        })
    }

    pub fn tinyproxy(user: &str, pass: &str) -> Self {
        Self::start(|port, dir| {
            let d = dir.display();
            std::fs::write(
                dir.join("tinyproxy.conf"),
                format!(
                    "Port {port}\nListen 127.0.0.1\nTimeout 60\nLogFile \"{d}/log\"\nLogLevel Info\n\
                     PidFile \"{d}/pid\"\nMaxClients 10\nBasicAuth {user} {pass}\n"
                ),
            )
            .unwrap();
            Command::new("tinyproxy")
                .arg("-d")
                .arg("-c")
                .arg(dir.join("tinyproxy.conf"))
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("tinyproxy is installed (apt-get install tinyproxy)")
        })
    }

    /// Spawns the proxy on a free port, and on another one if it exits
    /// because that port was taken meanwhile (see [`free_port`]).
    fn start(spawn: impl Fn(u16, &Path) -> Child) -> Self {
        let dir = tempfile::tempdir().unwrap();
        for _ in 0..4 {
            let port = free_port();
            let mut child = spawn(port, dir.path());
            if Self::listening(port, &mut child) {
                return Self { port, child, dir };
            }
        }
        panic!("the proxy found no free port")
    }

    /// Waits until the proxy listens; false if it exited first.
    fn listening(port: u16, child: &mut Child) -> bool {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            if let Ok(Some(_)) = child.try_wait() {
                return false;
            }
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                // The one answering may be whoever took the port, which
                // our proxy then leaves by exiting.
                std::thread::sleep(Duration::from_millis(50));
                return !matches!(child.try_wait(), Ok(Some(_)));
            }
            assert!(Instant::now() < deadline, "the proxy did not listen");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("log")).unwrap_or_default()
    }
}

impl Drop for ProxyProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
