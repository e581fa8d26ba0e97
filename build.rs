//! Tauri's build step, with an app manifest for Hearth's own commands. Once
//! the app has one, Tauri refuses every command the window's capability
//! (`capabilities/main.json`) does not allow, instead of allowing them all.

fn main() {
    let manifest = tauri_build::AppManifest::new().commands(allowed_commands());
    if let Err(e) = tauri_build::try_build(tauri_build::Attributes::new().app_manifest(manifest)) {
        panic!("{e:#}");
    }
}

/// The commands the capability allows (`allow-<command>`, `-` for `_`).
/// Permissions are generated for these only, so a command left out of the
/// capability cannot be granted by mistake elsewhere. The `ipc::contract`
/// tests hold the capability to the commands the UI calls.
fn allowed_commands() -> &'static [&'static str] {
    const CAPABILITY: &str = "capabilities/main.json";
    println!("cargo:rerun-if-changed={CAPABILITY}");
    let text = std::fs::read_to_string(CAPABILITY).expect("capabilities/main.json is readable");
    let capability: serde_json::Value =
        serde_json::from_str(&text).expect("capabilities/main.json is JSON");
    let names: Vec<&'static str> = capability["permissions"]
        .as_array()
        .expect("the capability lists permissions")
        .iter()
        .filter_map(|p| p.as_str()?.strip_prefix("allow-"))
        .map(|command| &*Box::leak(command.replace('-', "_").into_boxed_str()))
        .collect();
    Box::leak(names.into_boxed_slice())
}
