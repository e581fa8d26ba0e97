//! Web view memory settings. Hearth's UI is one small page: it needs no
//! back/forward page cache and no large resource caches, so WebKit's
//! document-viewer cache model fits. JavaScriptCore keeps all its tiers:
//! without the optimizing ones the web process is 6 MiB smaller, but the
//! page's longest stalls during message floods grew by half. Measured
//! effects and the breakdown of where a WebKitGTK window's memory goes are
//! in docs/PERFORMANCE.md.
//!
//! `HEARTH_WEBVIEW_DEFAULTS=1` keeps WebKit's defaults (for measuring).

use super::software_rendering;

/// Set the environment WebKit reads when it starts its processes. It calls
/// `set_var`, which is sound only while the process has a single thread:
/// call it first in `run`. Variables already set win, so a user or an
/// administrator can still choose. Returns what it set, for the log.
pub fn prepare_environment() -> Vec<(&'static str, &'static str)> {
    if !cfg!(target_os = "linux") || std::env::var_os("HEARTH_WEBVIEW_DEFAULTS").is_some() {
        return Vec::new();
    }
    let chosen = unset_only(software_rendering::variables(), |name| {
        std::env::var_os(name).is_some()
    });
    for (name, value) in &chosen {
        std::env::set_var(name, value);
    }
    chosen
}

fn unset_only(
    wanted: impl IntoIterator<Item = (&'static str, &'static str)>,
    is_set: impl Fn(&str) -> bool,
) -> Vec<(&'static str, &'static str)> {
    wanted
        .into_iter()
        .filter(|(name, _)| !is_set(name))
        .collect()
}

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_the_environment_already_chose_is_kept() {
        let wanted = [("WEBKIT_DISABLE_DMABUF_RENDERER", "1"), ("OTHER", "1")];
        let chosen = unset_only(wanted, |name| name == "WEBKIT_DISABLE_DMABUF_RENDERER");
        assert_eq!(chosen, vec![("OTHER", "1")]);
    }
}
