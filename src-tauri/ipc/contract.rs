//! The IPC contract, rendered as TypeScript for the UI (`ui/src/bindings.ts`).
//! Everything in it comes from the Rust declarations: the commands
//! (`commands.rs`), the events (`events.rs`), every type they mention
//! (ts-rs) and the error codes. `cargo test` fails when the committed file
//! is stale; `HEARTH_WRITE_BINDINGS=1 cargo test --lib ipc::contract`
//! rewrites it.

use ts_rs::{Config, TypeVisitor, TS};

use super::declare::Declarations;
use super::error::IpcError;
use super::{commands, events};
use crate::error::ErrorCode;

pub fn typescript() -> String {
    let cfg = Config::new();
    let mut out = String::from(
        "// Generated from the Rust types in src-tauri/ (cargo test regenerates and checks it). Do not edit.\n\n",
    );
    let mut types = Declarations::new(&cfg);
    types.visit::<IpcError>();
    commands::visit_types(&mut types);
    events::visit_types(&mut types);
    for decl in types.into_typescript() {
        out.push_str(&decl);
        out.push('\n');
    }
    out.push_str("/** Every error code, for telling an IpcError from anything else. */\n");
    out.push_str(&format!(
        "export const ERROR_CODES: readonly ErrorCode[] = [{}];\n\n",
        error_codes(&cfg).join(", ")
    ));
    out.push_str(
        "/** Every command: its argument object and its result. */\nexport interface Commands {\n",
    );
    for command in commands::signatures(&cfg) {
        out.push_str(&format!(
            "  {}: {{ args: {}, result: {} }};\n",
            command.name,
            command.args_object(),
            command.result
        ));
    }
    out.push_str("}\n\n/** Every event: its payload. */\nexport interface Events {\n");
    for (name, payload) in events::signatures(&cfg) {
        out.push_str(&format!("  \"{name}\": {payload};\n"));
    }
    out.push_str("}\n");
    out
}

/// The codes as TypeScript string literals, read from the union ts-rs
/// writes for `ErrorCode` (`"authFailed" | "loginRefused" | ...`), so the
/// list follows the enum.
fn error_codes(cfg: &Config) -> Vec<String> {
    ErrorCode::inline(cfg)
        .split(" | ")
        .map(|code| {
            assert!(
                code.len() > 2 && code.starts_with('"') && code.ends_with('"'),
                "ErrorCode is no longer a union of strings: {code}"
            );
            code.to_owned()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn committed_bindings_are_current() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("ui/src/bindings.ts");
        let fresh = typescript();
        if std::env::var_os("HEARTH_WRITE_BINDINGS").is_some() {
            std::fs::write(&path, &fresh).unwrap();
        }
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            committed == fresh,
            "ui/src/bindings.ts is stale: run `HEARTH_WRITE_BINDINGS=1 cargo test --lib ipc::contract`"
        );
    }

    #[test]
    fn every_error_code_reaches_the_ui() {
        let cfg = Config::new();
        let codes = error_codes(&cfg);
        for code in [
            ErrorCode::AuthFailed,
            ErrorCode::NotConnected,
            ErrorCode::Internal,
        ] {
            let json = serde_json::to_string(&code).unwrap();
            assert!(codes.contains(&json), "{json} missing from {codes:?}");
        }
    }

    fn root() -> &'static std::path::Path {
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
    }

    /// The commands `capabilities/main.json` allows the window.
    fn allowed_commands() -> Vec<String> {
        let text = std::fs::read_to_string(root().join("capabilities/main.json")).unwrap();
        let capability: serde_json::Value = serde_json::from_str(&text).unwrap();
        capability["permissions"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|p| p.as_str()?.strip_prefix("allow-"))
            .map(|c| c.replace('-', "_"))
            .collect()
    }

    /// Every `invoke("name"` in the page's sources.
    fn commands_the_ui_calls() -> Vec<String> {
        let mut found = Vec::new();
        let mut dirs = vec![root().join("ui/src")];
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    dirs.push(path);
                } else if path.extension().is_some_and(|e| e == "ts" || e == "tsx") {
                    let text = std::fs::read_to_string(&path).unwrap();
                    for call in text.split("invoke(\"").skip(1) {
                        if let Some((name, _)) = call.split_once('"') {
                            found.push(name.to_owned());
                        }
                    }
                }
            }
        }
        found.sort();
        found.dedup();
        found
    }

    /// With an app manifest, Tauri refuses what the capability does not
    /// allow: so the window may call exactly what the UI calls, and the UI
    /// calls only declared commands.
    #[test]
    fn the_window_may_call_only_the_commands_the_ui_calls() {
        let mut allowed = allowed_commands();
        allowed.sort();
        assert_eq!(allowed, commands_the_ui_calls());
        let declared: Vec<&str> = commands::signatures(&Config::new())
            .iter()
            .map(|c| c.name)
            .collect();
        for command in &allowed {
            assert!(
                declared.contains(&command.as_str()),
                "{command} is allowed but not declared"
            );
        }
    }
}
