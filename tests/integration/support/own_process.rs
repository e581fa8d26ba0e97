//! Running one test in a fresh process of this binary, for the few that
//! need process-wide settings the other tests must not see: the operating
//! system's trusted roots (`SSL_CERT_FILE`, read by rustls-native-certs)
//! or a logger at trace level.
//!
//! The test that runs inside is `#[ignore]`d, so a plain `cargo test`
//! reaches it only through its runner, which sets [`MARK`].

use std::process::Command;

/// Set to the test's name in the process that runs it.
const MARK: &str = "HEARTH_TEST_OWN_PROCESS";

/// Runs the test named `name` (its full path, e.g.
/// `certificates::inside::trust_decisions`) with `env` added, and returns
/// what it printed; panics with that output unless it ran and passed.
pub fn run(name: &str, env: &[(&str, &std::ffi::OsStr)]) -> String {
    let out = command(name, env)
        .output()
        .expect("start the test binary again");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    // "0 passed" would be a misspelt name: nothing ran, nothing was shown.
    assert!(
        out.status.success() && text.contains("test result: ok. 1 passed"),
        "{name} in its own process: {text}"
    );
    text
}

/// Starts the test named `name` with `env` added, its output piped, and
/// leaves it running (for a test that kills it).
pub fn spawn(name: &str, env: &[(&str, &std::ffi::OsStr)]) -> std::process::Child {
    command(name, env)
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("start the test binary again")
}

/// This binary, set to run only the test `name`, with `env` added.
fn command(name: &str, env: &[(&str, &std::ffi::OsStr)]) -> Command {
    let exe = std::env::current_exe().expect("the test binary");
    let mut cmd = Command::new(exe);
    cmd.args([
        name,
        "--exact",
        "--ignored",
        "--nocapture",
        "--test-threads=1",
    ])
    .env(MARK, name);
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd
}

/// Called first by a test meant to run only through [`run`] or [`spawn`].
pub fn enter(name: &str) {
    assert_eq!(
        std::env::var(MARK).as_deref(),
        Ok(name),
        "this test runs in a process of its own: run its runner instead"
    );
}
