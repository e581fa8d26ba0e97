//! Web view memory settings. Hearth's UI is one small page: it needs no
//! back/forward page cache and no large resource caches, so WebKit's
//! document-viewer cache model fits. Measured effect and the breakdown of
//! where a WebKitGTK window's memory goes are in docs/PERFORMANCE.md.
//!
//! `HEARTH_WEBVIEW_DEFAULTS=1` keeps WebKit's defaults (for measuring).

/// Once the main window exists.
pub fn apply(window: &tauri::WebviewWindow) {
    if std::env::var_os("HEARTH_WEBVIEW_DEFAULTS").is_some() {
        return;
    }
    #[cfg(target_os = "linux")]
    {
        let result = window.with_webview(|webview| {
            use webkit2gtk::{CacheModel, SettingsExt, WebContextExt, WebViewExt};
            let view = webview.inner();
            if let Some(settings) = WebViewExt::settings(&view) {
                settings.set_enable_page_cache(false);
            }
            if let Some(context) = view.context() {
                context.set_cache_model(CacheModel::DocumentViewer);
            }
        });
        if let Err(e) = result {
            log::warn!("web view settings not applied: {e}");
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = window;
}
