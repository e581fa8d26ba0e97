//! ejabberd's part of [`Server`]: a private node of Debian's ejabberd with
//! its own config, spool and logs, its Erlang distribution on a loopback
//! port of its own (no epmd), and users made through its HTTP admin API on
//! loopback (an `ejabberdctl` call boots a whole Erlang VM: about a second
//! each).
//!
//! The node runs as the `ejabberd` user (`ejabberdctl` switches to it when
//! started as root), so the test's folder is handed to that user.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use super::server::{run, Server, COMPONENT_SECRET};

fn conf(s: &Server) -> PathBuf {
    s.path().join("conf")
}

pub(super) fn node(s: &Server) -> String {
    format!("hearth{}@localhost", s.port)
}

pub(super) fn prepare(s: &Server) {
    let o = &s.options;
    assert!(o.tls, "the ejabberd test node always offers TLS");
    for sub in ["conf", "logs", "spool"] {
        std::fs::create_dir_all(s.path().join(sub)).unwrap();
    }
    let d = s.path().display();
    let direct_tls = s
        .direct_tls_port
        .map(|p| {
            format!(
                "  - port: {p}\n    ip: \"127.0.0.1\"\n    module: ejabberd_c2s\n    tls: true\n    max_stanza_size: 262144\n"
            )
        })
        .unwrap_or_default();
    let component = s
        .component_port
        .map(|p| {
            format!(
                "  - port: {p}\n    ip: \"127.0.0.1\"\n    module: ejabberd_service\n    hosts:\n      \"bots.{}\":\n        password: \"{COMPONENT_SECRET}\"\n",
                s.domain
            )
        })
        .unwrap_or_default();
    let disabled_sasl = o
        .disabled_sasl
        .iter()
        .map(|m| format!("  - \"{m}\"\n"))
        .collect::<String>();
    let registration = if o.registration { "allow" } else { "deny" };
    // The archive in SQLite, as deployments keep it in SQL: with mnesia's
    // one bag per user, every message archived costs more than the last
    // (about 10 a second by 7,000 messages).
    // Once per server: a start retried (its port was taken meanwhile) or a
    // restart writes the config again over the same data.
    let archive = s.path().join("archive.sqlite3");
    if !archive.exists() {
        let schema = std::fs::read_to_string("/usr/share/ejabberd/sql/lite.sql")
            .expect("ejabberd is installed (apt-get install ejabberd)");
        rusqlite::Connection::open(&archive)
            .and_then(|db| db.execute_batch(&schema))
            .unwrap();
    }
    let cfg = format!(
        r#"# Hearth test node (ejabberd 23.01): loopback only, no s2s.
loglevel: info
log_rotate_count: 0
hosts:
  - "{domain}"
sql_type: sqlite
sql_database: "{d}/archive.sqlite3"
certfiles:
  - "{d}/localhost.crt"
  - "{d}/localhost.key"
c2s_protocol_options:
  - "no_sslv3"
  - "no_tlsv1"
  - "no_tlsv1_1"
  - "no_compression"
listen:
  - port: {port}
    ip: "127.0.0.1"
    module: ejabberd_c2s
    max_stanza_size: 262144
    starttls_required: true
{direct_tls}{component}  - port: {admin}
    ip: "127.0.0.1"
    module: ejabberd_http
    request_handlers:
      /api: mod_http_api
disable_sasl_mechanisms:
  - "digest-md5"
  - "X-OAUTH2"
{disabled_sasl}auth_method: internal
auth_password_format: scram
registration_timeout: infinity
acl:
  admin:
    user:
      - "admin@{domain}"
  local:
    user_regexp: ""
access_rules:
  local:
    allow: local
  c2s:
    allow: all
  configure:
    allow: admin
  muc_create:
    allow: local
  pubsub_createnode:
    allow: local
  register:
    {registration}: all
api_permissions:
  "test harness on loopback":
    from:
      - mod_http_api
    who: all
    what: "*"
shaper_rules:
  max_user_sessions: 10
  max_user_offline_messages: 100
modules:
  mod_adhoc: {{}}
  mod_admin_extra: {{}}
  mod_blocking: {{}}
  mod_caps: {{}}
  mod_carboncopy: {{}}
  mod_client_state: {{}}
  mod_disco: {{}}
  mod_http_api: {{}}
  mod_last: {{}}
  mod_mam:
    db_type: sql
    default: always
  mod_muc:
    host: "conference.{domain}"
    access:
      - allow
    access_admin:
      - allow: admin
    access_create: muc_create
    access_persistent: muc_create
    access_mam:
      - allow
    history_size: 50
    default_room_options:
      mam: true
      persistent: true
      public: true
  mod_muc_admin: {{}}
  mod_offline: {{}}
  mod_ping: {{}}
  mod_privacy: {{}}
  mod_private: {{}}
  mod_pubsub:
    access_createnode: pubsub_createnode
    plugins:
      - flat
      - pep
    force_node_config:
      storage:bookmarks:
        access_model: whitelist
  mod_register:
    access: register
    access_from: none
  mod_roster:
    versioning: true
  mod_stream_mgmt:
    resend_on_timeout: if_offline
    # A crash test leaves 8,000 stanzas for a session to resume (default 5,000).
    max_ack_queue: 20000
  mod_vcard:
    search: false
  mod_vcard_xupdate: {{}}
  mod_version: {{}}
"#,
        domain = s.domain,
        port = s.port,
        admin = s.admin_port,
    );
    std::fs::write(conf(s).join("ejabberd.yml"), cfg).unwrap();
    let ctl = format!(
        "ERL_DIST_PORT={}\nINET_DIST_INTERFACE=127.0.0.1\nERL_EPMD_ADDRESS=127.0.0.1\n\
         ERL_OPTIONS=\"-env ERL_CRASH_DUMP_BYTES 0\"\nEJABBERD_BYPASS_WARNINGS=true\n\
         EJABBERD_PID_PATH={d}/ejabberd.pid\n",
        s.dist_port
    );
    std::fs::write(conf(s).join("ejabberdctl.cfg"), ctl).unwrap();
    std::fs::copy("/etc/ejabberd/inetrc", conf(s).join("inetrc"))
        .expect("ejabberd is installed (apt-get install ejabberd)");
    own_files(s);
}

/// The node runs as the `ejabberd` user: hand it the folder (again after a
/// new certificate), with the key readable by it alone.
pub(super) fn own_files(s: &Server) {
    run(Command::new("chown")
        .args(["-R", "ejabberd:ejabberd"])
        .arg(s.path()));
    run(Command::new("chmod").arg("600").arg(s.key_path()));
}

fn ctl(s: &Server) -> Command {
    let mut cmd = if unsafe { libc::geteuid() } == 0 {
        Command::new("/usr/sbin/ejabberdctl")
    } else {
        let mut c = Command::new("sudo");
        c.args(["-n", "/usr/sbin/ejabberdctl"]);
        c
    };
    cmd.arg("--config-dir")
        .arg(conf(s))
        .arg("--logs")
        .arg(s.path().join("logs"))
        .arg("--spool")
        .arg(s.path().join("spool"))
        .arg("--node")
        .arg(node(s))
        .current_dir("/");
    cmd
}

pub(super) fn spawn(s: &Server) -> Child {
    let log = std::fs::File::create(s.path().join("stdout.log")).unwrap();
    ctl(s)
        .arg("foreground")
        .stdin(Stdio::null())
        .stdout(log.try_clone().unwrap())
        .stderr(log)
        .spawn()
        .expect("ejabberd is installed (apt-get install ejabberd)")
}

/// Whether the node finished starting as often as it was launched (the log
/// survives a restart).
pub(super) fn started(s: &Server, launches: usize) -> bool {
    std::fs::read_to_string(s.path().join("logs/ejabberd.log"))
        .map(|log| log.matches("is started in the node").count() >= launches)
        .unwrap_or(false)
}

/// One call of the HTTP admin API; panics unless it answers 200.
pub(super) fn api(s: &Server, command: &str, body: &str) -> String {
    let mut conn = TcpStream::connect(("127.0.0.1", s.admin_port)).expect("ejabberd's admin API");
    conn.set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    write!(
        conn,
        "POST /api/{command} HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut answer = String::new();
    let _ = conn.read_to_string(&mut answer);
    assert!(
        answer.starts_with("HTTP/1.1 200"),
        "ejabberd {command} {body}: {answer}"
    );
    answer
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_owned())
        .unwrap_or_default()
}

pub(super) fn register(s: &Server, user: &str, password: &str) {
    api(
        s,
        "register",
        &format!(
            r#"{{"user":"{user}","host":"{}","password":"{password}"}}"#,
            s.domain
        ),
    );
}

/// Waits until the node's log stops growing: it is written a moment after
/// the fact (at most 2 s).
pub(super) fn settle_log(s: &Server) {
    let path = s.path().join("logs/ejabberd.log");
    let size = || std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
    let deadline = std::time::Instant::now() + Duration::from_secs(2);
    let mut last = size();
    while std::time::Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(250));
        let now = size();
        if now == last {
            return;
        }
        last = now;
    }
}

/// Asks the node to stop; the caller waits for it to exit.
pub(super) fn stop(s: &Server) {
    if let Ok(mut conn) = TcpStream::connect(("127.0.0.1", s.admin_port)) {
        let _ = conn.set_read_timeout(Some(Duration::from_secs(5)));
        let _ = write!(
            conn,
            "POST /api/stop HTTP/1.1\r\nHost: localhost\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{{}}"
        );
        let _ = conn.read_to_end(&mut Vec::new());
    }
}

/// Whatever of the node outlived its `ejabberdctl` (the VM runs in a
/// session of its own under `su`) is killed by its pid file.
pub(super) fn reap(s: &Server) {
    if let Ok(pid) = std::fs::read_to_string(s.path().join("ejabberd.pid")) {
        let pid = pid.trim();
        let cmdline = std::fs::read(format!("/proc/{pid}/cmdline")).unwrap_or_default();
        // Only our node: a stale pid file may name a recycled pid.
        if !String::from_utf8_lossy(&cmdline).contains(&node(s)) {
            return;
        }
        if let Ok(pid) = pid.parse::<i32>() {
            unsafe {
                libc::kill(pid, libc::SIGKILL);
            }
        }
    }
}
