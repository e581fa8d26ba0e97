//! The only module that knows Tauri: window setup, commands, events.

mod commands;
pub mod contract;
mod error;
mod events;
mod webview_tuning;

use std::sync::Arc;

use tauri::Manager;

pub use error::IpcError;

use crate::app::{self, App, DemoProfile};
use crate::credentials::Keychain;

/// Start the desktop app.
pub fn run() {
    webview_tuning::before_start();
    env_logger::Builder::from_env(env_logger::Env::default().default_filter_or("info")).init();
    tauri::Builder::default()
        .setup(|tauri_app| {
            let sink = Arc::new(events::TauriSink(tauri_app.handle().clone()));
            let dir = app::data_dir();
            let app = App::open(&dir, Arc::new(Keychain), sink, DemoProfile::from_args()).map_err(
                |e| format!("Hearth cannot open its data folder {}: {e}", dir.display()),
            )?;
            let app = Arc::new(app);
            tauri_app.manage::<commands::AppState>(app.clone());
            if let Some(window) = tauri_app.get_webview_window("main") {
                webview_tuning::apply(&window);
            }
            // Connect while the web view is still loading.
            tauri::async_runtime::spawn(async move {
                if let Err(e) = app.auto_login().await {
                    log::warn!("auto-login did not start: {e}");
                }
            });
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            commands::saved_login,
            commands::login,
            commands::logout,
            commands::connection_state,
            commands::roster_snapshot,
            commands::set_presence,
            commands::send_message,
            commands::history_page,
            commands::add_contact,
        ])
        .run(tauri::generate_context!())
        .unwrap_or_else(|e| {
            eprintln!("Hearth could not start: {e}");
            std::process::exit(1);
        });
}
