//! Web view memory tuning. A bare Tauri window costs ~260 MB PSS on Linux,
//! most of it in WebKitWebProcess. Hearth's UI is a small single page: it
//! needs no GPU compositing, no back/forward page cache and no large
//! resource caches. Figures before/after are in docs/PERFORMANCE.md.
//!
//! `HEARTH_WEBVIEW_DEFAULTS=1` keeps WebKit's defaults (for measuring).

fn enabled() -> bool {
    std::env::var_os("HEARTH_WEBVIEW_DEFAULTS").is_none()
}

/// Before any thread or web view exists: settings WebKit reads from the
/// environment, inherited by its helper processes.
pub fn before_start() {
    #[cfg(target_os = "linux")]
    if enabled() {
        // Software compositing of a chat window is cheap; GL contexts (often
        // llvmpipe in VMs and remote desktops) are not.
        if std::env::var_os("WEBKIT_DISABLE_COMPOSITING_MODE").is_none() {
            // SAFETY (edition 2021 API): called first thing in main, before
            // any other thread is started.
            std::env::set_var("WEBKIT_DISABLE_COMPOSITING_MODE", "1");
        }
        if std::env::var_os("WEBKIT_DISABLE_DMABUF_RENDERER").is_none() {
            std::env::set_var("WEBKIT_DISABLE_DMABUF_RENDERER", "1");
        }
    }
}

/// Once the main window exists.
pub fn apply(window: &tauri::WebviewWindow) {
    if !enabled() {
        return;
    }
    #[cfg(target_os = "linux")]
    {
        let result = window.with_webview(|webview| {
            use webkit2gtk::{
                CacheModel, HardwareAccelerationPolicy, SettingsExt, WebContextExt, WebViewExt,
            };
            let view = webview.inner();
            if let Some(settings) = WebViewExt::settings(&view) {
                settings.set_hardware_acceleration_policy(HardwareAccelerationPolicy::Never);
                settings.set_enable_page_cache(false);
            }
            if let Some(context) = view.context() {
                context.set_cache_model(CacheModel::DocumentViewer);
            }
        });
        if let Err(e) = result {
            log::warn!("web view tuning not applied: {e}");
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = window;
}
