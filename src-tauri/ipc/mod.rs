//! The only module that knows Tauri: window setup, commands, events.

mod commands;
pub mod contract;
pub mod conversation_activity;
mod declare;
mod error;
mod events;
mod software_rendering;
mod webview_tuning;

use std::sync::Arc;

use tauri::Manager;

pub use error::IpcError;

use crate::app::heap_trim::{self, HeapTrim};
use crate::app::{self, App, DemoProfile};
use crate::credentials::Keychain;

/// Start the desktop app.
pub fn run() {
    // First, while the process has one thread (it sets variables).
    let webview_environment = webview_tuning::prepare_environment();
    app::logging::init();
    if !webview_environment.is_empty() {
        log::info!("web view environment: {webview_environment:?}");
    }
    let (heap, trim_when_quiet) = HeapTrim::new(heap_trim::QUIET, heap_trim::release_free_heap);
    tauri::async_runtime::spawn(trim_when_quiet);
    let sink = Arc::new(events::WindowSink::new(heap));
    let dir = app::data_dir();
    let app = match App::open(
        &dir,
        Arc::new(Keychain),
        sink.clone(),
        DemoProfile::from_args(),
    ) {
        Ok(app) => Arc::new(app),
        Err(e) => {
            eprintln!("Hearth cannot open its data folder {}: {e}", dir.display());
            std::process::exit(1);
        }
    };
    // Connect while the window and the web view are still being created.
    let early = app.clone();
    tauri::async_runtime::spawn(async move {
        if let Err(e) = early.auto_login().await {
            log::warn!("auto-login did not start: {e}");
        }
    });
    let window_sink = sink.clone();
    tauri::Builder::default()
        .plugin(tauri_plugin_notification::init())
        .manage::<commands::AppState>(app)
        .manage::<commands::UiEvents>(sink)
        .setup(move |tauri_app| {
            window_sink.attach(tauri_app.handle().clone());
            if let Some(window) = tauri_app.get_webview_window("main") {
                webview_tuning::apply(&window);
            }
            Ok(())
        })
        .invoke_handler(commands::handler())
        .run(tauri::generate_context!())
        .unwrap_or_else(|e| {
            eprintln!("Hearth could not start: {e}");
            std::process::exit(1);
        });
}
