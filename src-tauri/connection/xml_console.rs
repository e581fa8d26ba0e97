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

/// Blanks what must never be shown, across chunk borders: the content of
/// secret elements, `password` attributes (XEP-0249 invitations), and the
/// values of password fields in data forms (room secrets, XEP-0077 forms).
#[derive(Default)]
pub struct Redactor {
    /// Inside a secret element: the closing tag we wait for.
    closing: Option<String>,
    /// Inside a data-form field whose values are secret.
    secret_field: bool,
    /// A tail that might be the start of a tag split by the chunk border.
    carry: String,
}

/// Elements whose text content is secret.
const SECRET: &[&str] = &["password", "auth", "response", "challenge", "success"];

/// Data-form fields that hold passwords whatever their `type` says (a
/// submitted form often has none).
const SECRET_FIELDS: &[&str] = &[
    "password",
    "old_password",
    "new_password",
    "muc#roomconfig_roomsecret",
];

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
            let Some(start) = rest.find('<') else {
                out.push_str(rest);
                return out;
            };
            out.push_str(&rest[..start]);
            rest = &rest[start..];
            // A tag cut in two waits for its end: it may be secret.
            let Some(len) = rest.find('>').map(|i| i + 1) else {
                self.carry = rest.to_owned();
                return out;
            };
            let tag = &rest[1..len - 1];
            out.push('<');
            out.push_str(&redact_attribute(tag, "password"));
            out.push('>');
            rest = &rest[len..];
            self.after_tag(tag);
        }
    }

    /// What a complete tag opens or closes.
    fn after_tag(&mut self, tag: &str) {
        let local = local_name(tag.trim_start_matches('/'));
        if tag.starts_with('/') {
            if local == "field" {
                self.secret_field = false;
            }
            return;
        }
        if tag.ends_with('/') {
            return;
        }
        if local == "field" {
            self.secret_field = attribute(tag, "type") == Some("text-private")
                || attribute(tag, "var").is_some_and(|v| SECRET_FIELDS.contains(&v));
        } else if SECRET.contains(&local) || (local == "value" && self.secret_field) {
            self.closing = Some(local.to_owned());
        }
    }
}

/// The value of attribute `name` in a tag's text, if it is there.
fn attribute<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    let (_, start, end) = attribute_span(tag, name)?;
    Some(&tag[start..end])
}

/// (start of the name, start of the value, end of the value).
fn attribute_span(tag: &str, name: &str) -> Option<(usize, usize, usize)> {
    let mut from = 0;
    while let Some(rel) = tag[from..].find(name) {
        let at = from + rel;
        from = at + name.len();
        let before_ok = tag[..at].ends_with(|c: char| c.is_whitespace() || c == ':');
        let after = tag[from..].trim_start();
        let Some(after_eq) = after.strip_prefix('=') else {
            continue;
        };
        let value = after_eq.trim_start();
        let Some(quote) = value.chars().next().filter(|q| *q == '\'' || *q == '"') else {
            continue;
        };
        if !before_ok {
            continue;
        }
        let value_start = tag.len() - value.len() + 1;
        let value_end = value_start + tag[value_start..].find(quote)?;
        return Some((at, value_start, value_end));
    }
    None
}

/// The tag with attribute `name`'s value replaced by `[redacted]`.
fn redact_attribute(tag: &str, name: &str) -> String {
    match attribute_span(tag, name) {
        Some((_, start, end)) => format!("{}[redacted]{}", &tag[..start], &tag[end..]),
        None => tag.to_owned(),
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

    #[test]
    fn password_attributes_and_password_fields_are_blanked_even_when_split() {
        let xml = "<message to='b@x'><x xmlns='jabber:x:conference' jid='r@c.x' password=\"open-sesame\"/></message>\
            <iq type='set'><query xmlns='http://jabber.org/protocol/muc#owner'><x xmlns='jabber:x:data' type='submit'>\
            <field var='muc#roomconfig_roomname'><value>Team</value></field>\
            <field var='muc#roomconfig_roomsecret'><value>r00m-secret</value></field>\
            <field var='x-pin' type='text-private'><value>4711</value></field>\
            <field var='password'><value>n3w-pass</value></field>\
            <field var='FORM_TYPE' type='hidden'><value>jabber:iq:register</value></field></x></query></iq>";
        for cut in 1..xml.len() {
            let out = redact_all(&[&xml[..cut], &xml[cut..]]);
            for secret in ["open-sesame", "r00m-secret", "4711", "n3w-pass"] {
                assert!(!out.contains(secret), "{secret} leaked at cut {cut}: {out}");
            }
            for kept in [
                "<value>Team</value>",
                "<value>jabber:iq:register</value>",
                "jid='r@c.x'",
            ] {
                assert!(out.contains(kept), "lost {kept} at cut {cut}: {out}");
            }
        }
    }
}
