//! Which links from messages the system may open. The page only asks; the
//! rule is kept here, so a page that was tricked still cannot have the
//! system open a `file:` path, a script or a custom URL handler.

use tauri::plugin::TauriPlugin;
use tauri::Runtime;
use url::Url;

/// Whether the window may load `url`: only Hearth's own page (and, in a
/// development build, the dev server). A link or a script that tries to
/// take the window elsewhere is stopped; links are opened by the system
/// (`open_link`) instead.
pub fn stays_in_app(url: &Url, dev: bool) -> bool {
    match url.scheme() {
        "tauri" | "about" => true,
        "http" | "https" => match url.host_str() {
            Some("tauri.localhost") => true,
            Some("localhost") | Some("127.0.0.1") => dev,
            _ => false,
        },
        _ => false,
    }
}

/// The plugin that applies [`stays_in_app`] to every navigation.
pub fn navigation_guard<R: Runtime>() -> TauriPlugin<R> {
    tauri::plugin::Builder::new("navigation-guard")
        .on_navigation(|_webview, url| {
            let allowed = stays_in_app(url, tauri::is_dev());
            if !allowed {
                log::warn!(
                    "the window was kept from loading a {} address",
                    url.scheme()
                );
            }
            allowed
        })
        .build()
}

/// The address to open, if it is a web page or a mail address with
/// nothing hidden in it. A user name in a web address
/// (`https://bank.example@evil.example/`) is refused: it shows one site
/// and opens another.
pub fn openable(text: &str) -> Option<Url> {
    let url = Url::parse(text.trim()).ok()?;
    match url.scheme() {
        "http" | "https" => {
            let plain = url.host_str().is_some_and(|h| !h.is_empty())
                && url.username().is_empty()
                && url.password().is_none();
            plain.then_some(url)
        }
        "mailto" => (!url.path().is_empty()).then_some(url),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_window_stays_on_its_own_page() {
        let url = |s: &str| Url::parse(s).unwrap();
        assert!(stays_in_app(&url("tauri://localhost/index.html"), false));
        assert!(stays_in_app(&url("http://tauri.localhost/"), false));
        assert!(stays_in_app(&url("http://localhost:1420/"), true));
        for away in [
            "http://localhost:1420/",
            "https://example.com/",
            "file:///etc/passwd",
            "javascript:alert(1)",
            "http://tauri.localhost.evil.example/",
        ] {
            assert!(!stays_in_app(&url(away), false), "{away}");
        }
    }

    #[test]
    fn web_and_mail_addresses_open_and_nothing_else() {
        for ok in [
            "https://example.com/a?b=1#c",
            "http://intranet.corp/wiki",
            "https://例子.测试/路径",
            "mailto:ops@corp.example?subject=hi",
        ] {
            assert!(openable(ok).is_some(), "{ok}");
        }
        for refused in [
            "file:///etc/passwd",
            "javascript:alert(1)",
            "data:text/html,<b>x</b>",
            "xmpp:bob@example.com",
            "ms-settings:privacy",
            "smb://server/share",
            "https://bank.example@evil.example/login",
            "https://user:secret@example.com/",
            "https://",
            "mailto:",
            "not a url",
        ] {
            assert!(openable(refused).is_none(), "{refused}");
        }
    }
}
