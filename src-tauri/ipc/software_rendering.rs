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
//! device exactly as the EGL answer would. Values already in the
//! environment win, so a user or an administrator can still choose.

use std::path::Path;

const DISABLE_DMABUF: &str = "WEBKIT_DISABLE_DMABUF_RENDERER";
const RENDER_DEVICE: &str = "WEBKIT_WEB_RENDER_DEVICE_FILE";

/// Set the variables before GTK starts. It calls `set_var`, which is sound
/// only while the process has a single thread: call it first in `run`.
/// Returns what it set, for the log once logging is up.
pub fn prepare() -> Vec<(&'static str, &'static str)> {
    if !cfg!(target_os = "linux") {
        return Vec::new();
    }
    let chosen = plan(has_render_node(Path::new("/dev/dri")), |name| {
        std::env::var_os(name).is_some()
    });
    for (name, value) in &chosen {
        std::env::set_var(name, value);
    }
    chosen
}

/// What to set, given whether a render node exists and which variables the
/// environment already has.
fn plan(render_node: bool, is_set: impl Fn(&str) -> bool) -> Vec<(&'static str, &'static str)> {
    if render_node {
        return Vec::new();
    }
    [(DISABLE_DMABUF, "1"), (RENDER_DEVICE, "/dev/null")]
        .into_iter()
        .filter(|(name, _)| !is_set(name))
        .collect()
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
    fn a_machine_with_a_gpu_keeps_webkit_defaults() {
        assert!(plan(true, |_| false).is_empty());
    }

    #[test]
    fn without_a_gpu_both_are_set_unless_already_chosen() {
        assert_eq!(
            plan(false, |_| false),
            vec![(DISABLE_DMABUF, "1"), (RENDER_DEVICE, "/dev/null")]
        );
        assert_eq!(
            plan(false, |name| name == DISABLE_DMABUF),
            vec![(RENDER_DEVICE, "/dev/null")]
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
