//! Prosody's part of [`Server`]: its Lua config, `prosodyctl` for users and
//! the admin shell.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

use super::server::{run, Server, COMPONENT_SECRET};

fn config(s: &Server) -> PathBuf {
    s.path().join("prosody.cfg.lua")
}

/// A module that strips XEP-0359 stanza-ids from the messages Prosody
/// hands its clients (not from archive results, which say the archive id
/// on `<result/>`): live messages as Openfire's Monitoring plugin leaves
/// them.
const NO_LIVE_STANZA_IDS: &str = r#"
local filters = require "util.filters";
local st = require "util.stanza";
local function strip(stanza)
    if st.is_stanza(stanza) and stanza.name == "message"
        and stanza:get_child("stanza-id", "urn:xmpp:sid:0") then
        stanza = st.clone(stanza);
        stanza:remove_children("stanza-id", "urn:xmpp:sid:0");
    end
    return stanza;
end
module:hook("resource-bind", function (event)
    filters.add_filter(event.session, "stanzas/out", strip, 1);
end);
"#;

/// XEP-0421 occupant ids on the rooms' messages, as Prosody 13's rooms
/// (and prosody-modules' mod_muc_occupant_id, which Debian's Prosody 0.12
/// lacks) give them: the room offers them in disco#info, drops any the
/// sender wrote and stamps each message, live and archived, with an id of
/// the sender's account that is the same under any nickname.
const OCCUPANT_IDS: &str = r#"
local hashes = require "util.hashes";
local base64 = require "util.encodings".base64;
local NS = "urn:xmpp:occupant-id:0";
local secret = require "util.id".long();
module:hook("muc-disco#info", function (event)
    event.reply:tag("feature", { var = NS }):up();
end);
module:hook("muc-occupant-groupchat", function (event)
    local stanza, occupant = event.stanza, event.occupant;
    stanza:maptags(function (child)
        if child.name == "occupant-id" and child.attr.xmlns == NS then return nil; end
        return child;
    end);
    if occupant then
        local id = base64.encode(hashes.hmac_sha256(secret .. event.room.jid, occupant.bare_jid));
        stanza:tag("occupant-id", { xmlns = NS, id = id }):up();
    end
end, -1);
"#;

pub(super) fn prepare(s: &Server) {
    std::fs::create_dir_all(s.path().join("data")).unwrap();
    let o = &s.options;
    std::fs::write(s.path().join("mod_hearth_occupant_ids.lua"), OCCUPANT_IDS).unwrap();
    if o.no_live_stanza_ids {
        std::fs::write(
            s.path().join("mod_hearth_no_live_stanza_ids.lua"),
            NO_LIVE_STANZA_IDS,
        )
        .unwrap();
    }
    let d = s.dir.path().display();
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
plugin_paths = {{ "/usr/lib/prosody/modules"; "{d}" }}
modules_enabled = {{
    "disco"; "roster"; "saslauth"; {tls_module} "smacks"; "ping"; "version";
    "offline"; "posix"; "register"; "mam"; "carbons"; "private"; "pep"; "admin_shell"; {bookmarks_module} {no_live_stanza_ids}
}}
modules_disabled = {{ "s2s"; "dialback"; "limits"; "admin_telnet"; }}
authentication = "internal_hashed"
c2s_require_encryption = {tls}
allow_registration = {registration}
min_seconds_between_registrations = 0
disable_sasl_mechanisms = {{ "DIGEST-MD5"; {disabled_sasl} }}
smacks_hibernation_time = 60
-- A crash test leaves 8,000 stanzas for a session to resume (default 500).
smacks_max_queue_size = 20000
certificates = "{d}"
ssl = {{ certificate = "{d}/localhost.crt"; key = "{d}/localhost.key"; }}
log = {{ info = "{d}/prosody.log"; error = "{d}/prosody.err"; }}
VirtualHost "{domain}"
Component "conference.{domain}" "muc"
    modules_enabled = {{ "muc_mam"; "muc_moderation"; "hearth_occupant_ids" }}
    restrict_room_creation = false
    muc_room_default_persistent = true
    muc_room_default_public = true
    muc_log_by_default = true
    max_history_messages = 50
{component_section}
"#,
        port = s.port,
        domain = s.domain,
        disabled_sasl = o
            .disabled_sasl
            .iter()
            .map(|m| format!("\"{m}\";"))
            .collect::<String>(),
        direct = s.direct_tls_port.map(|p| p.to_string()).unwrap_or_default(),
        component_port = s.component_port.map(|p| p.to_string()).unwrap_or_default(),
        component_section = if s.component_port.is_some() {
            format!(
                "Component \"bots.{}\"\n    component_secret = \"{COMPONENT_SECRET}\"",
                s.domain
            )
        } else {
            String::new()
        },
        bookmarks_module = if o.pep_bookmarks {
            "\"bookmarks\";"
        } else {
            ""
        },
        tls_module = if o.tls { "\"tls\";" } else { "" },
        no_live_stanza_ids = if o.no_live_stanza_ids {
            "\"hearth_no_live_stanza_ids\";"
        } else {
            ""
        },
        tls = o.tls,
        registration = o.registration,
    );
    std::fs::write(config(s), cfg).unwrap();
}

pub(super) fn run_lua(s: &Server, lua: &str) -> String {
    let out = Command::new("prosodyctl")
        .arg("--config")
        .arg(config(s))
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

pub(super) fn register(s: &Server, user: &str, password: &str) {
    run(Command::new("prosodyctl")
        .arg("--config")
        .arg(config(s))
        .args(["register", user, s.domain, password]));
}

/// Whether Prosody, started `launches` times, bound its client port each
/// time (a port someone else holds is logged as "no ports", and a TCP
/// connect alone would reach the other one).
pub(super) fn listening(s: &Server, launches: usize) -> bool {
    let line = format!("Activated service 'c2s' on [127.0.0.1]:{}", s.port);
    std::fs::read_to_string(s.path().join("prosody.log"))
        .map(|log| log.matches(&line).count() >= launches)
        .unwrap_or(false)
}

pub(super) fn spawn(s: &Server) -> Child {
    let log = std::fs::File::create(s.path().join("stdout.log")).unwrap();
    Command::new("prosody")
        .arg("-F")
        .arg("--config")
        .arg(config(s))
        .stdin(Stdio::null())
        .stdout(log.try_clone().unwrap())
        .stderr(log)
        .spawn()
        .expect("prosody is installed (apt-get install prosody)")
}
