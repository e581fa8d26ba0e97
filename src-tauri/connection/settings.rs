//! An account's connection settings, as the advanced connection dialog
//! edits them and the store keeps them. Secrets are not here: the account
//! and proxy passwords live in the keychain.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{HearthError, InputField, Problem, Result};

/// How the connection is secured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum ConnectionSecurity {
    /// Plain TCP upgraded with STARTTLS (RFC 6120 §5), required. Port 5222,
    /// SRV `_xmpp-client._tcp`.
    #[default]
    StartTls,
    /// TLS from the first byte (XEP-0368). Port 5223, SRV `_xmpps-client._tcp`.
    DirectTls,
    /// No encryption at all. Only on the user's explicit choice; the UI keeps
    /// it marked, and PLAIN is never used on such a link.
    PlainInsecure,
}

impl ConnectionSecurity {
    pub fn default_port(self) -> u16 {
        match self {
            Self::StartTls | Self::PlainInsecure => 5222,
            Self::DirectTls => 5223,
        }
    }

    /// The SRV service label looked up in automatic mode.
    pub fn srv_service(self) -> &'static str {
        match self {
            Self::StartTls | Self::PlainInsecure => "_xmpp-client._tcp",
            Self::DirectTls => "_xmpps-client._tcp",
        }
    }

    pub fn is_encrypted(self) -> bool {
        !matches!(self, Self::PlainInsecure)
    }
}

/// SASL mechanisms the user allows. A mechanism that is off is never used,
/// whatever the server offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SaslPolicy {
    pub scram_sha256: bool,
    pub scram_sha1: bool,
    /// Even when allowed, PLAIN is used only inside TLS and only when the
    /// server offers no SCRAM mechanism.
    pub plain: bool,
}

impl Default for SaslPolicy {
    fn default() -> Self {
        Self {
            scram_sha256: true,
            scram_sha1: true,
            plain: true,
        }
    }
}

impl SaslPolicy {
    /// Whether the SASL mechanism `name` (e.g. "SCRAM-SHA-1-PLUS") may be used.
    pub fn allows(&self, name: &str) -> bool {
        match name.strip_suffix("-PLUS").unwrap_or(name) {
            "SCRAM-SHA-256" => self.scram_sha256,
            "SCRAM-SHA-1" => self.scram_sha1,
            "PLAIN" => self.plain,
            _ => false,
        }
    }

    /// The stored form: the allowed base mechanisms, comma-separated.
    pub fn to_list(self) -> String {
        let mut names = Vec::new();
        for (on, name) in [
            (self.scram_sha256, "SCRAM-SHA-256"),
            (self.scram_sha1, "SCRAM-SHA-1"),
            (self.plain, "PLAIN"),
        ] {
            if on {
                names.push(name);
            }
        }
        names.join(",")
    }

    pub fn from_list(list: &str) -> Self {
        let has = |n: &str| list.split(',').any(|m| m.trim() == n);
        Self {
            scram_sha256: has("SCRAM-SHA-256"),
            scram_sha1: has("SCRAM-SHA-1"),
            plain: has("PLAIN"),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum ProxyKind {
    #[default]
    None,
    /// SOCKS5 (RFC 1928) with optional user/password (RFC 1929). The server
    /// name is resolved by the proxy.
    Socks5,
    /// An HTTP proxy's CONNECT method, with optional Basic authentication.
    HttpConnect,
}

impl ProxyKind {
    pub fn name(self) -> &'static str {
        match self {
            Self::None => "none",
            Self::Socks5 => "socks5",
            Self::HttpConnect => "httpConnect",
        }
    }

    pub fn from_name(name: &str) -> Self {
        match name {
            "socks5" => Self::Socks5,
            "httpConnect" => Self::HttpConnect,
            _ => Self::None,
        }
    }
}

/// The proxy in front of the server. Its password is in the keychain.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ProxySettings {
    pub kind: ProxyKind,
    pub host: String,
    pub port: Option<u16>,
    /// Empty = no authentication.
    pub user: String,
}

impl ProxySettings {
    pub fn default_port(&self) -> u16 {
        match self.kind {
            ProxyKind::Socks5 => 1080,
            _ => 8080,
        }
    }
}

/// Everything the advanced connection dialog edits, per account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ConnectionSettings {
    /// `null` = automatic: DNS SRV records of the address's domain, then
    /// the domain itself. A host = connect there.
    pub host: Option<String>,
    /// With a host: `null` = the security's default port.
    pub port: Option<u16>,
    pub security: ConnectionSecurity,
    /// `null` = "Hearth." and a random suffix, chosen once per account.
    pub resource: Option<String>,
    pub priority: i8,
    /// How long the server may take to answer; see `SessionConfig`.
    pub response_timeout_secs: u32,
    pub open_console_on_start: bool,
    pub sasl: SaslPolicy,
    pub proxy: ProxySettings,
    pub new_device_history: HistoryWindow,
}

pub const DEFAULT_RESPONSE_TIMEOUT_SECS: u32 = 15;

/// How much of the account's archive a profile that has never read it
/// fetches: recent history, not years of it. Later starts read from where
/// the last one stopped, however far that is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct HistoryWindow {
    /// Messages from the last this many days (1 to 3,650)…
    pub days: u32,
    /// …and at most this many (0 to 50,000; 0: none).
    pub messages: u32,
}

impl HistoryWindow {
    pub const MAX_DAYS: u32 = 3_650;
    pub const MAX_MESSAGES: u32 = 50_000;
}

impl Default for HistoryWindow {
    fn default() -> Self {
        Self {
            days: 7,
            messages: 1_000,
        }
    }
}

impl Default for ConnectionSettings {
    fn default() -> Self {
        Self {
            host: None,
            port: None,
            security: ConnectionSecurity::default(),
            resource: None,
            priority: 0,
            response_timeout_secs: DEFAULT_RESPONSE_TIMEOUT_SECS,
            open_console_on_start: false,
            sasl: SaslPolicy::default(),
            proxy: ProxySettings::default(),
            new_device_history: HistoryWindow::default(),
        }
    }
}

fn invalid(field: InputField) -> HearthError {
    Problem::invalid(field).into()
}

/// A host name or IP literal as a user may type it.
fn valid_host(host: &str) -> bool {
    !host.is_empty()
        && host.len() <= 253
        && !host
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || "/@?#".contains(c))
}

impl ConnectionSettings {
    /// Trim what the user typed and check it; the error names what to fix.
    pub fn normalized(mut self) -> Result<Self> {
        self.host = self
            .host
            .map(|h| h.trim().to_owned())
            .filter(|h| !h.is_empty());
        if self.host.as_deref().is_some_and(|h| !valid_host(h)) {
            return Err(invalid(InputField::Host));
        }
        if self.host.is_none() {
            // Automatic mode finds the port in DNS.
            self.port = None;
        }
        if self.port == Some(0) {
            return Err(invalid(InputField::Port));
        }
        self.resource = self
            .resource
            .map(|r| r.trim().to_owned())
            .filter(|r| !r.is_empty());
        if self
            .resource
            .as_deref()
            .is_some_and(|r| r.len() > 1023 || r.contains(char::is_control))
        {
            return Err(invalid(InputField::Resource));
        }
        if !(1..=600).contains(&self.response_timeout_secs) {
            return Err(invalid(InputField::Timeout));
        }
        if !(1..=HistoryWindow::MAX_DAYS).contains(&self.new_device_history.days) {
            return Err(invalid(InputField::HistoryDays));
        }
        if self.new_device_history.messages > HistoryWindow::MAX_MESSAGES {
            return Err(invalid(InputField::HistoryMessages));
        }
        let usable_sasl = self.sasl.scram_sha256
            || self.sasl.scram_sha1
            || (self.sasl.plain && self.security.is_encrypted());
        if !usable_sasl {
            return Err(invalid(if self.sasl.plain {
                InputField::SaslInsecure
            } else {
                InputField::SaslNone
            }));
        }
        self.proxy.host = self.proxy.host.trim().to_owned();
        self.proxy.user = self.proxy.user.trim().to_owned();
        if self.proxy.kind != ProxyKind::None {
            if !valid_host(&self.proxy.host) {
                return Err(invalid(InputField::ProxyHost));
            }
            if self.proxy.port == Some(0) {
                return Err(invalid(InputField::ProxyPort));
            }
        }
        Ok(self)
    }

    /// The server port to use with a fixed host.
    pub fn port_or_default(&self) -> u16 {
        self.port.unwrap_or(self.security.default_port())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorCode;

    #[test]
    fn sasl_policy_round_trips_and_covers_plus_variants() {
        let p = SaslPolicy {
            scram_sha256: true,
            scram_sha1: false,
            plain: false,
        };
        assert_eq!(SaslPolicy::from_list(&p.to_list()), p);
        assert!(p.allows("SCRAM-SHA-256-PLUS"));
        assert!(!p.allows("SCRAM-SHA-1-PLUS"));
        assert!(!p.allows("PLAIN"));
        assert!(!SaslPolicy::default().allows("ANONYMOUS"));
    }

    #[test]
    fn validation_names_what_to_fix() {
        let ok = ConnectionSettings::default().normalized().unwrap();
        assert_eq!(ok, ConnectionSettings::default());

        let spaced = ConnectionSettings {
            host: Some("  xmpp.example.com ".into()),
            ..Default::default()
        };
        assert_eq!(
            spaced.normalized().unwrap().host.as_deref(),
            Some("xmpp.example.com")
        );

        let cases = [
            (
                ConnectionSettings {
                    host: Some("bad host".into()),
                    ..Default::default()
                },
                InputField::Host,
            ),
            (
                ConnectionSettings {
                    response_timeout_secs: 0,
                    ..Default::default()
                },
                InputField::Timeout,
            ),
            (
                ConnectionSettings {
                    new_device_history: HistoryWindow {
                        days: 0,
                        messages: 10,
                    },
                    ..Default::default()
                },
                InputField::HistoryDays,
            ),
            (
                ConnectionSettings {
                    new_device_history: HistoryWindow {
                        days: 7,
                        messages: 50_001,
                    },
                    ..Default::default()
                },
                InputField::HistoryMessages,
            ),
            (
                ConnectionSettings {
                    sasl: SaslPolicy {
                        scram_sha256: false,
                        scram_sha1: false,
                        plain: true,
                    },
                    security: ConnectionSecurity::PlainInsecure,
                    ..Default::default()
                },
                InputField::SaslInsecure,
            ),
            (
                ConnectionSettings {
                    proxy: ProxySettings {
                        kind: ProxyKind::Socks5,
                        ..Default::default()
                    },
                    ..Default::default()
                },
                InputField::ProxyHost,
            ),
            (
                ConnectionSettings {
                    sasl: SaslPolicy {
                        scram_sha256: false,
                        scram_sha1: false,
                        plain: false,
                    },
                    ..Default::default()
                },
                InputField::SaslNone,
            ),
        ];
        for (settings, field) in cases {
            let problem = settings.normalized().unwrap_err().problem();
            assert_eq!(
                (problem.code, problem.field),
                (ErrorCode::InvalidInput, Some(field))
            );
        }
    }

    #[test]
    fn automatic_mode_has_no_port() {
        let s = ConnectionSettings {
            port: Some(5999),
            ..Default::default()
        };
        assert_eq!(s.normalized().unwrap().port, None);
    }
}
