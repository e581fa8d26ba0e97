//! Per-account settings. Never the password: that lives in the keychain.

use rusqlite::{params, OptionalExtension, Row};

use super::Store;
use crate::error::Result;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountSettings {
    pub jid: String,
    pub remember: bool,
    pub auto_login: bool,
    pub host: Option<String>,
    pub port: Option<u16>,
    pub resource: String,
    /// `ConnectionSecurity` as its serialized name ("startTls", "directTls").
    pub security: String,
    pub priority: i8,
    /// Seconds.
    pub response_timeout: u32,
}

const COLUMNS: &str =
    "jid, remember, auto_login, host, port, resource, security, priority, response_timeout";

fn row_to_account(r: &Row<'_>) -> rusqlite::Result<AccountSettings> {
    Ok(AccountSettings {
        jid: r.get(0)?,
        remember: r.get(1)?,
        auto_login: r.get(2)?,
        host: r.get(3)?,
        port: r.get(4)?,
        resource: r.get(5)?,
        security: r.get(6)?,
        priority: r.get(7)?,
        response_timeout: r.get(8)?,
    })
}

impl Store {
    pub fn save_account(&self, a: &AccountSettings) -> Result<()> {
        self.conn.execute(
            "INSERT INTO accounts (jid, remember, auto_login, host, port, resource, last_used,
                 security, priority, response_timeout)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
             ON CONFLICT (jid) DO UPDATE SET remember = ?2, auto_login = ?3, host = ?4,
                 port = ?5, resource = ?6, last_used = ?7, security = ?8, priority = ?9,
                 response_timeout = ?10",
            params![
                a.jid,
                a.remember,
                a.auto_login,
                a.host,
                a.port,
                a.resource,
                super::messages::now_ms(),
                a.security,
                a.priority,
                a.response_timeout
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
