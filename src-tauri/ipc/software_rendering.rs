//! WebKitGTK on a Linux machine without a GPU: virtual desktops, remote
//! sessions, Xvfb. Mesa then renders with llvmpipe, and two WebKit defaults
//! cost memory and CPU without giving anything back:
//!
//! - The DMA-BUF renderer pushes every frame through llvmpipe's GL. In the
//!   ingest benchmark the web process needed 2.6 times the CPU with it.
//! - When the web process starts, the UI process opens an EGL display only to
//!   ask which DRM render node the web process should use. Without a GPU the
//!   answer is "none", but asking maps Mesa and LLVM into the UI process:
//!   25 MiB of its 98 MiB idle (docs/PERFORMANCE.md).
//!
//! So when `/dev/dri` has no render node, Hearth turns the DMA-BUF renderer
//! off and gives WebKit the answer itself: `/dev/null`, a device the web
//! process cannot create a GBM device from, which leaves it without a render
//! device exactly as the EGL answer would. `webview_tuning` sets them, and
//! values already in the environment win.

use std::path::Path;

/// The variables to set on this Linux machine (none when it has a GPU).
pub fn variables() -> Vec<(&'static str, &'static str)> {
    plan(has_render_node(Path::new("/dev/dri")))
}

fn plan(render_node: bool) -> Vec<(&'static str, &'static str)> {
    if render_node {
        return Vec::new();
    }
    vec![
        ("WEBKIT_DISABLE_DMABUF_RENDERER", "1"),
        ("WEBKIT_WEB_RENDER_DEVICE_FILE", "/dev/null"),
    ]
}

fn has_render_node(dri: &Path) -> bool {
    std::fs::read_dir(dri)
        .map(|entries| {
            entries
                .flatten()
                .any(|e| e.file_name().to_string_lossy().starts_with("renderD"))
        })
        .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_machine_without_a_gpu_changes_the_renderer() {
        assert!(plan(true).is_empty());
        let names: Vec<_> = plan(false).into_iter().map(|(name, _)| name).collect();
        assert_eq!(
            names,
            [
                "WEBKIT_DISABLE_DMABUF_RENDERER",
                "WEBKIT_WEB_RENDER_DEVICE_FILE"
            ]
        );
    }

    #[test]
    fn render_nodes_are_found_by_name() {
        let dir = tempfile::tempdir().unwrap();
        assert!(!has_render_node(dir.path()));
        std::fs::write(dir.path().join("card0"), b"").unwrap();
        assert!(!has_render_node(dir.path()));
        std::fs::write(dir.path().join("renderD128"), b"").unwrap();
        assert!(has_render_node(dir.path()));
        assert!(!has_render_node(&dir.path().join("missing")));
    }
}
