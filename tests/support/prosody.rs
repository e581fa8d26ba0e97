//! A real Prosody for one test: its own temp config, data dir, self-signed
//! certificate and users, on free loopback ports. Killed on drop.

use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub const DOMAIN: &str = "localhost";
pub const COMPONENT_SECRET: &str = "bench-component";

pub struct Prosody {
    pub dir: tempfile::TempDir,
    pub port: u16,
    /// XEP-0368 direct TLS listener, when started with one.
    pub direct_tls_port: Option<u16>,
    /// XEP-0114 listener for the `bots.<domain>` component (secret
    /// [`COMPONENT_SECRET`]), when started with one.
    pub component_port: Option<u16>,
    /// Offer TLS at all (a server without it tests that Hearth refuses).
    tls: bool,
    registration: bool,
    /// The XMPP domain (VirtualHost); the certificate still names localhost.
    pub domain: &'static str,
    disabled_sasl: &'static [&'static str],
    pep_bookmarks: bool,
    child: Option<Child>,
}

/// How the test server is set up.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    pub tls: bool,
    pub direct_tls: bool,
    /// Let clients create accounts (XEP-0077).
    pub registration: bool,
    pub domain: &'static str,
    /// SASL mechanisms the server must not offer (e.g. only PLAIN left).
    pub disabled_sasl: &'static [&'static str],
    /// A `bots.<domain>` component (XEP-0114) that benchmarks use to put
    /// many occupants in a room over one connection.
    pub component: bool,
    /// XEP-0402 bookmarks with XEP-0048 compatibility (mod_bookmarks).
    /// Without it the server has private storage and PEP, like Openfire.
    pub pep_bookmarks: bool,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            tls: true,
            direct_tls: false,
            registration: false,
            domain: DOMAIN,
            disabled_sasl: &[],
            pep_bookmarks: false,
            component: false,
        }
    }
}

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("no free loopback port")
}

fn run(cmd: &mut Command) {
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"));
    assert!(
        out.status.success(),
        "{cmd:?} failed: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

impl Prosody {
    /// Start a server with `users` registered (password = user name + "-pw").
    pub fn start(users: &[&str]) -> Self {
        Self::start_with(users, Options::default())
    }

    pub fn start_with(users: &[&str], options: Options) -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let port = free_port();
        let mut p = Prosody {
            dir,
            port,
            direct_tls_port: options.direct_tls.then(free_port),
            component_port: options.component.then(free_port),
            tls: options.tls,
            registration: options.registration,
            domain: options.domain,
            disabled_sasl: options.disabled_sasl,
            pep_bookmarks: options.pep_bookmarks,
            child: None,
        };
        std::fs::create_dir_all(p.data()).unwrap();
        p.make_certificate();
        p.write_config();
        for u in users {
            p.register(u, &password(u));
        }
        p.launch();
        p
    }

    /// A handle on a server another process started (no ownership: not
    /// stopped on drop).
    pub fn attach(port: u16, dir: &str) -> Self {
        let copy = tempfile::tempdir().expect("temp dir");
        std::fs::copy(
            Path::new(dir).join("localhost.crt"),
            copy.path().join("localhost.crt"),
        )
        .unwrap();
        Prosody {
            dir: copy,
            port,
            direct_tls_port: None,
            component_port: None,
            tls: true,
            registration: false,
            domain: DOMAIN,
            disabled_sasl: &[],
            pep_bookmarks: false,
            child: None,
        }
    }

    fn data(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    pub fn config(&self) -> PathBuf {
        self.dir.path().join("prosody.cfg.lua")
    }

    pub fn cert_path(&self) -> PathBuf {
        self.dir.path().join("localhost.crt")
    }

    /// DER of the server's current certificate.
    pub fn certificate_der(&self) -> Vec<u8> {
        let pem = std::fs::read_to_string(self.cert_path()).unwrap();
        hearth::app::pem_certificates(&pem).remove(0)
    }

    /// A fresh self-signed certificate for `localhost` (replaces any old one).
    pub fn make_certificate(&self) {
        run(Command::new("openssl")
            .args([
                "req",
                "-x509",
                "-newkey",
                "ec",
                "-pkeyopt",
                "ec_paramgen_curve:prime256v1",
                "-nodes",
                "-days",
                "30",
                "-subj",
                "/CN=localhost",
                "-addext",
                "subjectAltName=DNS:localhost",
                "-keyout",
            ])
            .arg(self.dir.path().join("localhost.key"))
            .arg("-out")
            .arg(self.cert_path())
            .stdout(Stdio::null())
            .stderr(Stdio::null()));
    }

    fn write_config(&self) {
        let d = self.dir.path().display();
        let cfg = format!(
            r#"-- Hearth test server
run_as_root = true
pidfile = "{d}/prosody.pid"
data_path = "{d}/data"
interfaces = {{ "127.0.0.1" }}
c2s_ports = {{ {port} }}
c2s_direct_tls_ports = {{ {direct} }}
c2s_direct_tls_ssl = {{ certificate = "{d}/localhost.crt"; key = "{d}/localhost.key"; }}
s2s_ports = {{ }}
component_ports = {{ {component_port} }}
http_ports = {{ }}
https_ports = {{ }}
plugin_paths = {{ "/usr/lib/prosody/modules" }}
modules_enabled = {{
    "disco"; "roster"; "saslauth"; {tls_module} "smacks"; "ping"; "version";
    "offline"; "posix"; "register"; "mam"; "private"; "pep"; "admin_shell"; {bookmarks_module}
}}
modules_disabled = {{ "s2s"; "dialback"; "limits"; "admin_telnet"; }}
authentication = "internal_hashed"
c2s_require_encryption = {tls}
allow_registration = {registration}
min_seconds_between_registrations = 0
disable_sasl_mechanisms = {{ "DIGEST-MD5"; {disabled_sasl} }}
smacks_hibernation_time = 60
certificates = "{d}"
ssl = {{ certificate = "{d}/localhost.crt"; key = "{d}/localhost.key"; }}
log = {{ info = "{d}/prosody.log"; error = "{d}/prosody.err"; }}
VirtualHost "{domain}"
Component "conference.{domain}" "muc"
    modules_enabled = {{ "muc_mam" }}
    restrict_room_creation = false
    muc_room_default_persistent = true
    muc_room_default_public = true
    muc_log_by_default = true
    max_history_messages = 50
{component_section}
"#,
            port = self.port,
            domain = self.domain,
            disabled_sasl = self
                .disabled_sasl
                .iter()
                .map(|m| format!("\"{m}\";"))
                .collect::<String>(),
            direct = self
                .direct_tls_port
                .map(|p| p.to_string())
                .unwrap_or_default(),
            component_port = self
                .component_port
                .map(|p| p.to_string())
                .unwrap_or_default(),
            component_section = if self.component_port.is_some() {
                format!(
                    "Component \"bots.{}\"\n    component_secret = \"{COMPONENT_SECRET}\"",
                    self.domain
                )
            } else {
                String::new()
            },
            bookmarks_module = if self.pep_bookmarks {
                "\"bookmarks\";"
            } else {
                ""
            },
            tls_module = if self.tls { "\"tls\";" } else { "" },
            tls = self.tls,
            registration = self.registration,
        );
        std::fs::write(self.config(), cfg).unwrap();
    }

    /// Runs Lua inside the server through its admin shell, for server-side
    /// events a client cannot cause (e.g. a room forgetting an occupant
    /// without telling anyone). Returns the shell's output.
    pub fn run_lua(&self, lua: &str) -> String {
        let out = Command::new("prosodyctl")
            .arg("--config")
            .arg(self.config())
            .arg("shell")
            .arg(format!("> {lua}"))
            .output()
            .expect("prosodyctl shell");
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        assert!(
            out.status.success(),
            "admin shell failed: {text}{}",
            String::from_utf8_lossy(&out.stderr)
        );
        text
    }

    pub fn register(&self, user: &str, password: &str) {
        run(Command::new("prosodyctl")
            .arg("--config")
            .arg(self.config())
            .args(["register", user, self.domain, password]));
    }

    fn launch(&mut self) {
        let log = std::fs::File::create(self.dir.path().join("stdout.log")).unwrap();
        let child = Command::new("prosody")
            .arg("-F")
            .arg("--config")
            .arg(self.config())
            .stdin(Stdio::null())
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .spawn()
            .expect("prosody is installed (apt-get install prosody)");
        self.child = Some(child);
        let deadline = Instant::now() + Duration::from_secs(20);
        while TcpStream::connect(("127.0.0.1", self.port)).is_err() {
            if let Some(Ok(Some(status))) = self.child.as_mut().map(|c| c.try_wait()) {
                panic!("prosody exited ({status}): {}", self.logs());
            }
            assert!(
                Instant::now() < deadline,
                "prosody did not listen: {}",
                self.logs()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    pub fn logs(&self) -> String {
        ["stdout.log", "prosody.err", "prosody.log"]
            .iter()
            .map(|f| std::fs::read_to_string(self.dir.path().join(f)).unwrap_or_default())
            .collect::<Vec<_>>()
            .join("\n")
    }

    pub fn stop(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = Command::new("kill").arg(c.id().to_string()).status();
            let deadline = Instant::now() + Duration::from_secs(10);
            while Instant::now() < deadline {
                if let Ok(Some(_)) = c.try_wait() {
                    return;
                }
                std::thread::sleep(Duration::from_millis(50));
            }
            let _ = c.kill();
            let _ = c.wait();
        }
    }

    /// Stop and start again on the same port with the same data.
    pub fn restart(&mut self) {
        self.stop();
        self.launch();
    }

    /// `user@` this server's domain.
    pub fn jid(&self, user: &str) -> String {
        format!("{user}@{}", self.domain)
    }

    /// A room address on this server's conference service.
    pub fn room(&self, name: &str) -> String {
        format!("{name}@conference.{}", self.domain)
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }
}

impl Drop for Prosody {
    fn drop(&mut self) {
        self.stop();
    }
}

pub fn password(user: &str) -> String {
    format!("{user}-pw")
}

pub fn jid(user: &str) -> String {
    format!("{user}@{DOMAIN}")
}
