//! The only module that knows Tauri: window setup, commands, events.

mod args;
mod commands;
pub mod contract;
pub mod conversation_activity;
mod declare;
mod error;
mod events;
mod links;
mod software_rendering;
mod webview_tuning;

use std::sync::{Arc, OnceLock};

use tauri::Manager;

pub use error::IpcError;

use crate::app::heap_trim::{self, HeapTrim};
use crate::app::{self, App, DemoProfile};
use crate::credentials::Keychain;
use crate::store::Database;

/// Start the desktop app.
pub fn run() {
    // First, while the process has one thread (it sets variables).
    let webview_environment = webview_tuning::prepare_environment();
    app::logging::init();
    if !webview_environment.is_empty() {
        log::info!("web view environment: {webview_environment:?}");
    }
    // The database opens with the app, after the trim's handle is needed.
    let history: Arc<OnceLock<Database>> = Arc::default();
    let opened = history.clone();
    let (heap, trim_when_quiet) = HeapTrim::new(heap_trim::QUIET, move || {
        heap_trim::release_caches_and_heap(&opened)
    });
    tauri::async_runtime::spawn(trim_when_quiet);
    let sink = Arc::new(events::WindowSink::new(heap));
    let dir = app::data_dir();
    let app = match App::open(
        &dir,
        Arc::new(Keychain),
        sink.clone(),
        DemoProfile::from_args(),
    ) {
        Ok(app) => {
            let _ = history.set(app.database());
            Arc::new(app)
        }
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
    let closing = app.clone();
    let built = tauri::Builder::default()
        .plugin(tauri_plugin_notification::init())
        .plugin(tauri_plugin_opener::init())
        .plugin(links::navigation_guard())
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
        .build(tauri::generate_context!())
        .unwrap_or_else(|e| {
            eprintln!("Hearth could not start: {e}");
            std::process::exit(1);
        });
    #[cfg(unix)]
    tauri::async_runtime::spawn(close_on_signal(built.handle().clone(), closing.clone()));
    built.run(move |handle, event| {
        // The last window closed (no exit code): close the session before
        // the process ends. `exit` below asks again with a code.
        if let tauri::RunEvent::ExitRequested {
            code: None, api, ..
        } = &event
        {
            api.prevent_exit();
            close_then_exit(handle.clone(), closing.clone());
        }
    });
}

/// End the session cleanly (unavailable presence, stream closed, writes
/// done; bounded in time), then the process.
fn close_then_exit(handle: tauri::AppHandle, app: Arc<App>) {
    tauri::async_runtime::spawn(async move {
        app.shutdown().await;
        handle.exit(0);
    });
}

/// The desktop session ending (or `kill`) closes Hearth like its window
/// does, rather than leaving the server to time out a dead connection.
#[cfg(unix)]
async fn close_on_signal(handle: tauri::AppHandle, app: Arc<App>) {
    use tokio::signal::unix::{signal, SignalKind};
    let (Ok(mut term), Ok(mut int), Ok(mut hup)) = (
        signal(SignalKind::terminate()),
        signal(SignalKind::interrupt()),
        signal(SignalKind::hangup()),
    ) else {
        log::warn!("cannot listen for termination signals");
        return;
    };
    tokio::select! {
        _ = term.recv() => {}
        _ = int.recv() => {}
        _ = hup.recv() => {}
    }
    log::info!("asked to stop: closing the session first");
    close_then_exit(handle, app);
}
