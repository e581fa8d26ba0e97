//! The password never reaches the log, the XML console or any file of the
//! profile, even with every logger at trace level: logins with SCRAM and
//! with PLAIN (whose message carries the password in base64), a password
//! change, a connection test.

use std::path::Path;

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;

use crate::support::{own_process, password, settings, Client, Options, Server};

const NEW_PASSWORD: &str = "correct-horse-battery-staple";

/// The secrets, and the forms in which they could leak: as they are, and
/// base64-encoded at each of the three alignments (inside a longer
/// message, as PLAIN sends it), without the characters that depend on
/// what stands around them.
fn leak_forms() -> Vec<String> {
    let mut forms = vec![];
    for secret in [password("alice"), NEW_PASSWORD.to_owned()] {
        for before in 0..3 {
            let mut bytes = vec![0u8; before];
            bytes.extend_from_slice(secret.as_bytes());
            let encoded = B64.encode(&bytes);
            let start = before.div_ceil(3) * 4;
            let end = bytes.len() / 3 * 4;
            forms.push(encoded[start..end].to_owned());
        }
        forms.push(B64.encode(format!("\0alice\0{secret}")));
        forms.push(secret);
    }
    forms
}

fn files_containing(dir: &Path, needle: &str) -> Vec<String> {
    let mut found = vec![];
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            found.extend(files_containing(&path, needle));
        } else if std::fs::read(&path)
            .map(|b| b.windows(needle.len()).any(|w| w == needle.as_bytes()))
            .unwrap_or(false)
        {
            found.push(path.display().to_string());
        }
    }
    found
}

#[test]
fn the_password_reaches_no_log_console_or_file() {
    let output = own_process::run(
        "logs::logging_in_at_trace_level",
        &[("RUST_LOG", "trace".as_ref())],
    );
    // The log was really on: the core's own trace lines are there.
    assert!(
        output.contains("TRACE") && output.contains("hearth::"),
        "{output}"
    );
    for form in leak_forms() {
        assert!(!output.contains(&form), "the log shows {form:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "runs in its own process with a trace logger: the_password_reaches_no_log_console_or_file"]
async fn logging_in_at_trace_level() {
    own_process::enter("logs::logging_in_at_trace_level");
    // The app's own logger and filter, as the window process has them.
    hearth::app::logging::init();
    let scram = Server::start(&["alice"]);
    let plain = Server::start_with(
        &["alice"],
        Options {
            disabled_sasl: crate::support::server::ALL_SCRAM,
            ..Options::default()
        },
    );
    for server in [&scram, &plain] {
        let mut alice = Client::new(server, "alice");
        alice.app.set_console_open(true).await;
        alice.login(server).await;
        alice.app.change_password(NEW_PASSWORD).await.unwrap();
        alice.app.logout(false).await.unwrap();
        let mut request = alice.request(server, NEW_PASSWORD);
        settings(&mut request).sasl.plain = true;
        let report = alice.app.test_connection(request.clone()).await.unwrap();
        assert!(report.succeeded(), "{report:?}");
        alice.app.login(request).await.unwrap();
        alice.wait_state(|s| s.is_online()).await;
        alice.app.shutdown().await;

        let console: String = alice.console_lines(None).concat();
        assert!(console.contains("jabber:iq:register"), "{console}");
        for form in leak_forms() {
            assert!(!console.contains(&form), "the console shows {form:?}");
            let files = files_containing(alice.dir.path(), &form);
            assert!(files.is_empty(), "{form:?} is in {files:?}");
        }
    }
}
