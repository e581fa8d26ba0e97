//! Real proxies from Debian on free loopback ports: microsocks (SOCKS5)
//! and tinyproxy (HTTP CONNECT), both with a user and password.

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
        let dir = tempfile::tempdir().unwrap();
        let port = free_port();
        let log = std::fs::File::create(dir.path().join("log")).unwrap();
        let child = Command::new("microsocks")
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
            .expect("microsocks is installed (apt-get install microsocks)");
        Self::ready(port, child, dir)
    }

    pub fn tinyproxy(user: &str, pass: &str) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let port = free_port();
        let d = dir.path().display();
        std::fs::write(
            dir.path().join("tinyproxy.conf"),
            format!(
                "Port {port}\nListen 127.0.0.1\nTimeout 60\nLogFile \"{d}/log\"\nLogLevel Info\n\
                 PidFile \"{d}/pid\"\nMaxClients 10\nBasicAuth {user} {pass}\n"
            ),
        )
        .unwrap();
        let child = Command::new("tinyproxy")
            .arg("-d")
            .arg("-c")
            .arg(dir.path().join("tinyproxy.conf"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("tinyproxy is installed (apt-get install tinyproxy)");
        Self::ready(port, child, dir)
    }

    fn ready(port: u16, mut child: Child, dir: tempfile::TempDir) -> Self {
        let deadline = Instant::now() + Duration::from_secs(10);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            if let Ok(Some(status)) = child.try_wait() {
                panic!("the proxy exited ({status})");
            }
            assert!(Instant::now() < deadline, "the proxy did not listen");
            std::thread::sleep(Duration::from_millis(50));
        }
        Self { port, child, dir }
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
