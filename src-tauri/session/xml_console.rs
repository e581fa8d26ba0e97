//! The XML console: what goes over the wire after login, per account, with
//! passwords redacted.
//!
//! A [`Tap`] sits between TLS and the XML parser. It records nothing until
//! the console is open *and* SASL has finished (armed by the connector), so
//! authentication never reaches it; on top of that, [`Redactor`] blanks the
//! content of `<password>` elements (password change, room passwords) and
//! of SASL elements in both directions, even when a read or write splits
//! them. Entries go through a bounded channel: a console that cannot keep
//! up loses entries (counted), never slows the connection.

use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};

use serde::Serialize;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::sync::mpsc;
use ts_rs::TS;

/// Entries buffered between the wire and the UI.
const QUEUE: usize = 2048;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum ConsoleDirection {
    In,
    Out,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct ConsoleEntry {
    pub direction: ConsoleDirection,
    /// Milliseconds since the Unix epoch.
    #[ts(type = "number")]
    pub timestamp: i64,
    pub xml: String,
}

/// The console's switch and queue, shared by the session and its taps.
#[derive(Clone)]
pub struct Console {
    open: Arc<AtomicBool>,
    tx: mpsc::Sender<ConsoleEntry>,
}

impl Console {
    pub fn new() -> (Self, mpsc::Receiver<ConsoleEntry>) {
        let (tx, rx) = mpsc::channel(QUEUE);
        (
            Self {
                open: Arc::new(AtomicBool::new(false)),
                tx,
            },
            rx,
        )
    }

    pub fn set_open(&self, open: bool) {
        self.open.store(open, Ordering::Relaxed);
    }

    fn record(&self, direction: ConsoleDirection, xml: String) {
        if xml.trim().is_empty() {
            return;
        }
        let _ = self.tx.try_send(ConsoleEntry {
            direction,
            timestamp: crate::store::now_ms(),
            xml,
        });
    }
}

/// Blanks element content that must never be shown, across chunk borders.
#[derive(Default)]
pub struct Redactor {
    /// Inside a secret element: the closing tag we wait for.
    closing: Option<String>,
    /// A tail that might be the start of a tag split by the chunk border.
    carry: String,
}

/// Elements whose text content is secret.
const SECRET: &[&str] = &["password", "auth", "response", "challenge", "success"];

impl Redactor {
    pub fn feed(&mut self, chunk: &str) -> String {
        let text = std::mem::take(&mut self.carry) + chunk;
        let mut out = String::with_capacity(text.len());
        let mut rest = text.as_str();
        loop {
            if let Some(name) = self.closing.clone() {
                match find_closing(rest, &name) {
                    Some(i) => {
                        out.push_str("[redacted]");
                        rest = &rest[i..];
                        self.closing = None;
                    }
                    None => {
                        // The secret goes nowhere; a '<' without '>' at the
                        // end may be the start of the closing tag.
                        self.carry = unfinished_tag(rest).to_owned();
                        return out;
                    }
                }
            }
            match next_secret_open(rest) {
                Some((end, name)) => {
                    out.push_str(&rest[..end]);
                    rest = &rest[end..];
                    self.closing = Some(name);
                }
                None => {
                    // A '<' without its '>' may be a secret tag cut in two.
                    let tail = unfinished_tag(rest);
                    out.push_str(&rest[..rest.len() - tail.len()]);
                    self.carry = tail.to_owned();
                    return out;
                }
            }
        }
    }
}

/// The trailing part of `s` from a '<' that has no '>' yet.
fn unfinished_tag(s: &str) -> &str {
    match s.rfind('<') {
        Some(i) if !s[i..].contains('>') => &s[i..],
        _ => "",
    }
}

/// Local name of the tag starting at `tag` (without '<' and '/').
fn local_name(tag: &str) -> &str {
    let name = tag
        .split(|c: char| c.is_whitespace() || c == '/' || c == '>')
        .next()
        .unwrap_or("");
    name.rsplit(':').next().unwrap_or(name)
}

/// Index of the `</name>` (any prefix) that closes the secret element.
fn find_closing(s: &str, name: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(rel) = s[from..].find("</") {
        let start = from + rel;
        let after = &s[start + 2..];
        if after.contains('>') && local_name(after) == name {
            return Some(start);
        }
        from = start + 2;
    }
    None
}

/// The next opening tag of a secret element that is not self-closing:
/// (index after its '>', local name).
fn next_secret_open(s: &str) -> Option<(usize, String)> {
    let mut from = 0;
    while let Some(rel) = s[from..].find('<') {
        let start = from + rel;
        let end = start + s[start..].find('>')? + 1;
        let tag = &s[start + 1..end - 1];
        let local = local_name(tag);
        if !tag.starts_with('/') && !tag.ends_with('/') && SECRET.contains(&local) {
            return Some((end, local.to_owned()));
        }
        from = end;
    }
    None
}

/// Wraps the TLS stream; records plaintext once armed and the console is open.
pub struct Tap<S> {
    inner: S,
    console: Console,
    armed: Arc<AtomicBool>,
    redact_in: Redactor,
    redact_out: Redactor,
}

impl<S> Tap<S> {
    pub fn new(inner: S, console: Console, armed: Arc<AtomicBool>) -> Self {
        Self {
            inner,
            console,
            armed,
            redact_in: Redactor::default(),
            redact_out: Redactor::default(),
        }
    }

    fn recording(&self) -> bool {
        self.armed.load(Ordering::Relaxed) && self.console.open.load(Ordering::Relaxed)
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for Tap<S> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        let before = buf.filled().len();
        let result = Pin::new(&mut self.inner).poll_read(cx, buf);
        if matches!(result, Poll::Ready(Ok(()))) && self.recording() {
            let text = String::from_utf8_lossy(&buf.filled()[before..]).into_owned();
            let shown = self.redact_in.feed(&text);
            self.console.record(ConsoleDirection::In, shown);
        }
        result
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for Tap<S> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        data: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        let result = Pin::new(&mut self.inner).poll_write(cx, data);
        if let Poll::Ready(Ok(n)) = result {
            if self.recording() {
                let text = String::from_utf8_lossy(&data[..n]).into_owned();
                let shown = self.redact_out.feed(&text);
                self.console.record(ConsoleDirection::Out, shown);
            }
        }
        result
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn redact_all(chunks: &[&str]) -> String {
        let mut r = Redactor::default();
        chunks.iter().map(|c| r.feed(c)).collect()
    }

    #[test]
    fn passwords_are_blanked_even_when_split() {
        let xml = "<iq type='set'><query xmlns='jabber:iq:register'><username>a</username><password>hunter2</password></query></iq>";
        for cut in 1..xml.len() {
            let out = redact_all(&[&xml[..cut], &xml[cut..]]);
            assert!(!out.contains("hunter2"), "leaked at cut {cut}: {out}");
            assert!(
                out.contains("<username>a</username>"),
                "lost text at cut {cut}: {out}"
            );
        }
    }

    #[test]
    fn sasl_payloads_and_prefixed_names_are_blanked() {
        let out = redact_all(&["<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>AGFsaWNlAGFsaWNl</auth><x:password>p</x:password><password/>"]);
        assert!(!out.contains("AGFsaWNl"), "{out}");
        assert!(!out.contains(">p<"), "{out}");
        assert!(out.contains("<password/>"), "{out}");
    }
}
