//! Per-account settings. Never a password: those live in the keychain.

use rusqlite::{params, OptionalExtension, Row};

use super::Store;
use crate::connection::{
    ConnectionSecurity, ConnectionSettings, HistoryWindow, ProxyKind, ProxySettings, SaslPolicy,
};
use crate::error::Result;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountSettings {
    pub jid: String,
    pub remember: bool,
    pub auto_login: bool,
    /// `resource` is always set once saved (chosen on first login).
    pub connection: ConnectionSettings,
}

const COLUMNS: &str = "jid, remember, auto_login, host, port, resource, security, priority,
     response_timeout, open_console, sasl_mechanisms, proxy_kind, proxy_host, proxy_port,
     proxy_user, history_days, history_messages";

/// The stored name of a `ConnectionSecurity` (its serialized form).
fn security_name(s: ConnectionSecurity) -> &'static str {
    match s {
        ConnectionSecurity::StartTls => "startTls",
        ConnectionSecurity::DirectTls => "directTls",
        ConnectionSecurity::PlainInsecure => "plainInsecure",
    }
}

fn parse_security(name: &str) -> ConnectionSecurity {
    match name {
        "directTls" => ConnectionSecurity::DirectTls,
        "plainInsecure" => ConnectionSecurity::PlainInsecure,
        // Unknown values fall back to the safe default.
        _ => ConnectionSecurity::StartTls,
    }
}

fn row_to_account(r: &Row<'_>) -> rusqlite::Result<AccountSettings> {
    Ok(AccountSettings {
        jid: r.get(0)?,
        remember: r.get(1)?,
        auto_login: r.get(2)?,
        connection: ConnectionSettings {
            host: r.get(3)?,
            port: r.get(4)?,
            resource: Some(r.get(5)?),
            security: parse_security(&r.get::<_, String>(6)?),
            priority: r.get(7)?,
            response_timeout_secs: r.get(8)?,
            open_console_on_start: r.get(9)?,
            sasl: SaslPolicy::from_list(&r.get::<_, String>(10)?),
            proxy: ProxySettings {
                kind: ProxyKind::from_name(&r.get::<_, String>(11)?),
                host: r.get(12)?,
                port: r.get(13)?,
                user: r.get(14)?,
            },
            new_device_history: HistoryWindow {
                days: r.get(15)?,
                messages: r.get(16)?,
            },
        },
    })
}

impl Store {
    pub fn save_account(&self, a: &AccountSettings) -> Result<()> {
        let c = &a.connection;
        self.conn.execute(
            "INSERT INTO accounts (jid, remember, auto_login, host, port, resource, last_used,
                 security, priority, response_timeout, open_console, sasl_mechanisms,
                 proxy_kind, proxy_host, proxy_port, proxy_user, history_days, history_messages)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16,
                 ?17, ?18)
             ON CONFLICT (jid) DO UPDATE SET remember = ?2, auto_login = ?3, host = ?4,
                 port = ?5, resource = ?6, last_used = ?7, security = ?8, priority = ?9,
                 response_timeout = ?10, open_console = ?11, sasl_mechanisms = ?12,
                 proxy_kind = ?13, proxy_host = ?14, proxy_port = ?15, proxy_user = ?16,
                 history_days = ?17, history_messages = ?18",
            params![
                a.jid,
                a.remember,
                a.auto_login,
                c.host,
                c.port,
                c.resource.as_deref().unwrap_or_default(),
                super::messages::now_ms(),
                security_name(c.security),
                c.priority,
                c.response_timeout_secs,
                c.open_console_on_start,
                c.sasl.to_list(),
                c.proxy.kind.name(),
                c.proxy.host,
                c.proxy.port,
                c.proxy.user,
                c.new_device_history.days,
                c.new_device_history.messages,
            ],
        )?;
        Ok(())
    }

    /// The account used most recently.
    pub fn last_account(&self) -> Result<Option<AccountSettings>> {
        Ok(self
            .conn
            .query_row(
                &format!("SELECT {COLUMNS} FROM accounts ORDER BY last_used DESC LIMIT 1"),
                [],
                row_to_account,
            )
            .optional()?)
    }

    pub fn account(&self, jid: &str) -> Result<Option<AccountSettings>> {
        Ok(self
            .conn
            .query_row(
                &format!("SELECT {COLUMNS} FROM accounts WHERE jid = ?1"),
                [jid],
                row_to_account,
            )
            .optional()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_connection_setting_survives_a_round_trip() {
        let store = Store::open_in_memory().unwrap();
        let account = AccountSettings {
            jid: "anna@company.com".into(),
            remember: true,
            auto_login: false,
            connection: ConnectionSettings {
                host: Some("xmpp.company.com".into()),
                port: Some(5223),
                security: ConnectionSecurity::PlainInsecure,
                resource: Some("Desk".into()),
                priority: -3,
                response_timeout_secs: 40,
                open_console_on_start: true,
                sasl: SaslPolicy {
                    scram_sha256: true,
                    scram_sha1: false,
                    plain: false,
                },
                proxy: ProxySettings {
                    kind: ProxyKind::HttpConnect,
                    host: "proxy.company.com".into(),
                    port: Some(3128),
                    user: "anna".into(),
                },
                new_device_history: HistoryWindow {
                    days: 30,
                    messages: 200,
                },
            },
        };
        store.save_account(&account).unwrap();
        assert_eq!(store.account("anna@company.com").unwrap(), Some(account));
    }
}
