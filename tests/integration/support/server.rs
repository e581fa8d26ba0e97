//! A real XMPP server for one test — Prosody or ejabberd from Debian — with
//! its own temp config, data, self-signed certificate and users, on free
//! loopback ports. Killed on drop.

use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use super::{ejabberd, prosody};

pub const DOMAIN: &str = "localhost";
pub const COMPONENT_SECRET: &str = "bench-component";
/// Every SCRAM mechanism: disabled, the server offers PLAIN alone.
pub const ALL_SCRAM: &[&str] = &[
    "SCRAM-SHA-1",
    "SCRAM-SHA-1-PLUS",
    "SCRAM-SHA-256",
    "SCRAM-SHA-256-PLUS",
];

/// Which server software.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Prosody,
    Ejabberd,
}

pub struct Server {
    pub kind: Kind,
    pub dir: tempfile::TempDir,
    pub port: u16,
    /// XEP-0368 direct TLS listener, when started with one.
    pub direct_tls_port: Option<u16>,
    /// XEP-0114 listener for the `bots.<domain>` component (secret
    /// [`COMPONENT_SECRET`]), when started with one.
    pub component_port: Option<u16>,
    /// ejabberd only: its HTTP admin API (users, roster) and the port its
    /// Erlang distribution listens on (instead of an epmd).
    pub(super) admin_port: u16,
    pub(super) dist_port: u16,
    /// The XMPP domain (VirtualHost); the certificate still names localhost.
    pub domain: &'static str,
    pub(super) options: Options,
    child: Option<Child>,
    /// How often the server was started (a restart keeps its log).
    launches: usize,
}

/// How the test server is set up.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    pub kind: Kind,
    /// Offer TLS at all (a server without it tests that Hearth refuses).
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
    /// Prosody: XEP-0402 bookmarks with XEP-0048 compatibility
    /// (mod_bookmarks). Without it the server has private storage and PEP,
    /// like Openfire. ejabberd always has both, and mirrors XEP-0048 into
    /// PEP itself.
    pub pep_bookmarks: bool,
    /// Prosody: live messages reach clients without XEP-0359 stanza-ids,
    /// as from Openfire with its Monitoring plugin (whose archive ids
    /// only its MAM results carry).
    pub no_live_stanza_ids: bool,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            kind: Kind::Prosody,
            tls: true,
            direct_tls: false,
            registration: false,
            domain: DOMAIN,
            disabled_sasl: &[],
            pep_bookmarks: false,
            component: false,
            no_live_stanza_ids: false,
        }
    }
}

impl Options {
    pub fn on(kind: Kind) -> Self {
        Self {
            kind,
            ..Self::default()
        }
    }
}

/// A loopback port that was free a moment ago. Nothing holds it: another
/// test, or any outgoing connection's ephemeral port, may take it before
/// the server binds it, so whoever binds it must notice a refusal and ask
/// again ([`Server::start_with`] does).
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("no free loopback port")
}

/// How often a server start is tried on new ports when one was taken.
const PORT_ATTEMPTS: usize = 4;

pub(super) fn run(cmd: &mut Command) -> String {
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"));
    assert!(
        out.status.success(),
        "{cmd:?} failed: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

impl Server {
    /// A Prosody with `users` registered (password = user name + "-pw").
    pub fn start(users: &[&str]) -> Self {
        Self::start_with(users, Options::default())
    }

    /// A server of `kind` with `users` registered.
    pub fn start_on(kind: Kind, users: &[&str]) -> Self {
        Self::start_with(users, Options::on(kind))
    }

    pub fn start_with(users: &[&str], options: Options) -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut s = Server {
            kind: options.kind,
            dir,
            port: 0,
            direct_tls_port: None,
            component_port: None,
            admin_port: 0,
            dist_port: 0,
            domain: options.domain,
            options,
            child: None,
            launches: 0,
        };
        s.make_certificate();
        for attempt in 1..=PORT_ATTEMPTS {
            s.choose_ports();
            match s.kind {
                Kind::Prosody => prosody::prepare(&s),
                Kind::Ejabberd => ejabberd::prepare(&s),
            }
            if s.kind == Kind::Prosody && attempt == 1 {
                // Users live in the data folder, whatever the ports.
                for u in users {
                    s.register(u, &password(u));
                }
            }
            match s.try_launch() {
                Ok(()) => break,
                Err(taken) if attempt < PORT_ATTEMPTS => {
                    eprintln!("{:?}: {taken}; trying other ports", s.kind);
                    s.stop();
                    if s.kind == Kind::Ejabberd {
                        ejabberd::reap(&s);
                    }
                    // The next attempt reads a log of its own: this one's
                    // "address in use" is not the next one's.
                    s.forget_logs();
                }
                Err(taken) => panic!("{:?}: {taken}\n{}", s.kind, s.logs()),
            }
        }
        if s.kind == Kind::Ejabberd {
            for u in users {
                s.register(u, &password(u));
            }
        }
        s
    }

    fn choose_ports(&mut self) {
        self.port = free_port();
        self.direct_tls_port = self.options.direct_tls.then(free_port);
        self.component_port = self.options.component.then(free_port);
        self.admin_port = free_port();
        self.dist_port = free_port();
    }

    /// Whether the server's log says one of its ports was already taken.
    fn port_taken(&self) -> bool {
        let logs = self.logs_now();
        match self.kind {
            Kind::Prosody => logs.contains("Failed to open server port"),
            Kind::Ejabberd => logs.contains("eaddrinuse") || logs.contains("already in use"),
        }
    }

    /// A handle on a Prosody another process started (no ownership: not
    /// stopped on drop).
    pub fn attach(port: u16, dir: &str) -> Self {
        let copy = tempfile::tempdir().expect("temp dir");
        std::fs::copy(
            Path::new(dir).join("localhost.crt"),
            copy.path().join("localhost.crt"),
        )
        .unwrap();
        Server {
            kind: Kind::Prosody,
            dir: copy,
            port,
            direct_tls_port: None,
            component_port: None,
            admin_port: 0,
            dist_port: 0,
            domain: DOMAIN,
            options: Options::default(),
            child: None,
            launches: 0,
        }
    }

    pub fn cert_path(&self) -> PathBuf {
        self.dir.path().join("localhost.crt")
    }

    pub fn key_path(&self) -> PathBuf {
        self.dir.path().join("localhost.key")
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
            .arg(self.key_path())
            .arg("-out")
            .arg(self.cert_path())
            .stdout(Stdio::null())
            .stderr(Stdio::null()));
        if self.kind == Kind::Ejabberd {
            ejabberd::own_files(self);
        }
    }

    /// Serve `issued` from now on (the server restarts to load it).
    pub fn use_certificate(&mut self, issued: &super::pki::Issued) {
        std::fs::write(self.cert_path(), &issued.cert_pem).unwrap();
        std::fs::write(self.key_path(), &issued.key_pem).unwrap();
        if self.kind == Kind::Ejabberd {
            ejabberd::own_files(self);
        }
        self.restart();
    }

    /// Runs Lua inside Prosody through its admin shell, for server-side
    /// events a client cannot cause (e.g. a room forgetting an occupant
    /// without telling anyone). Returns the shell's output.
    pub fn run_lua(&self, lua: &str) -> String {
        assert_eq!(self.kind, Kind::Prosody, "the Lua shell is Prosody's");
        prosody::run_lua(self, lua)
    }

    pub fn register(&self, user: &str, password: &str) {
        match self.kind {
            Kind::Prosody => prosody::register(self, user, password),
            Kind::Ejabberd => ejabberd::register(self, user, password),
        }
    }

    /// Start the server on the ports it has (a restart keeps them).
    fn launch(&mut self) {
        if let Err(e) = self.try_launch() {
            panic!("{:?}: {e}\n{}", self.kind, self.logs());
        }
    }

    /// Start the server and wait until it listens. Fails when it reports a
    /// port already taken: then whatever answers on the port may be another
    /// test's server.
    fn try_launch(&mut self) -> Result<(), String> {
        let child = match self.kind {
            Kind::Prosody => prosody::spawn(self),
            Kind::Ejabberd => ejabberd::spawn(self),
        };
        self.child = Some(child);
        self.launches += 1;
        let deadline = Instant::now() + Duration::from_secs(40);
        loop {
            if self.port_taken() {
                return Err(format!("a port was taken (c2s {})", self.port));
            }
            if self.ready() {
                return Ok(());
            }
            if let Some(Ok(Some(status))) = self.child.as_mut().map(|c| c.try_wait()) {
                if self.port_taken() {
                    return Err(format!("a port was taken (c2s {})", self.port));
                }
                let stdout = std::fs::read_to_string(self.path().join("stdout.log"));
                panic!(
                    "{:?} exited ({status}): {stdout:?}\n{}",
                    self.kind,
                    self.logs()
                );
            }
            assert!(
                Instant::now() < deadline,
                "{:?} did not start: {}",
                self.kind,
                self.logs()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn ready(&self) -> bool {
        TcpStream::connect(("127.0.0.1", self.port)).is_ok()
            && match self.kind {
                // Someone answers; whether it is this Prosody, its log says.
                Kind::Prosody => prosody::listening(self, self.launches),
                Kind::Ejabberd => ejabberd::started(self, self.launches),
            }
    }

    /// The server's logs, for assertions and failure messages.
    pub fn logs(&self) -> String {
        if self.kind == Kind::Ejabberd && self.child.is_some() {
            ejabberd::settle_log(self);
        }
        self.logs_now()
    }

    /// Start the logs afresh (a launch that failed leaves nothing behind).
    fn forget_logs(&mut self) {
        for f in self.log_files() {
            let _ = std::fs::remove_file(self.dir.path().join(f));
        }
        self.launches = 0;
    }

    fn log_files(&self) -> &'static [&'static str] {
        match self.kind {
            Kind::Prosody => &["stdout.log", "prosody.err", "prosody.log"],
            // Its console output repeats this log.
            Kind::Ejabberd => &["logs/ejabberd.log"],
        }
    }

    /// The logs as written so far (ejabberd writes a moment after the fact).
    fn logs_now(&self) -> String {
        self.log_files()
            .iter()
            .map(|f| std::fs::read_to_string(self.dir.path().join(f)).unwrap_or_default())
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// How many logins the server accepted so far, from its log (both log
    /// one line per successful authentication at info level).
    pub fn accepted_logins(&self) -> usize {
        let line = match self.kind {
            Kind::Prosody => "Authenticated as ",
            Kind::Ejabberd => "Accepted c2s ",
        };
        self.logs().matches(line).count()
    }

    pub fn stop(&mut self) {
        let Some(mut c) = self.child.take() else {
            return;
        };
        match self.kind {
            Kind::Prosody => {
                let _ = Command::new("kill").arg(c.id().to_string()).status();
            }
            Kind::Ejabberd => ejabberd::stop(self),
        }
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

impl Drop for Server {
    fn drop(&mut self) {
        if std::thread::panicking() {
            // What the server saw of a failed test: its warnings and errors.
            let logs = self.logs_now();
            let noted: Vec<&str> = logs
                .lines()
                .filter(|l| {
                    l.contains("[warning]")
                        || l.contains("[error]")
                        || l.contains("\terror\t")
                        || l.contains("\twarn\t")
                })
                .collect();
            let from = noted.len().saturating_sub(40);
            eprintln!(
                "{:?} warnings and errors:\n{}",
                self.kind,
                noted[from..].join("\n")
            );
        }
        self.stop();
        if self.kind == Kind::Ejabberd {
            ejabberd::reap(self);
        }
    }
}

pub fn password(user: &str) -> String {
    format!("{user}-pw")
}

pub fn jid(user: &str) -> String {
    format!("{user}@{DOMAIN}")
}
