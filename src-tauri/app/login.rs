//! Logging in and out, and what the login screen is prefilled with.
//!
//! The password crosses IPC once, inbound, in [`LoginRequest`]; it goes to
//! the keychain (when remembered) and to the session, and is never returned,
//! stored in SQLite or logged.

use serde::{Deserialize, Serialize};
use tokio_xmpp::jid::BareJid;
use ts_rs::TS;

use super::App;
use crate::error::{HearthError, Result};
use std::time::Duration;

use crate::session::{
    self, ConnectionSecurity, ServerAddress, SessionConfig, DEFAULT_RESPONSE_TIMEOUT,
};
use crate::store::AccountSettings;

#[derive(Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct LoginRequest {
    pub jid: String,
    /// Empty = use the password remembered in the keychain.
    pub password: String,
    pub remember: bool,
    pub auto_login: bool,
    pub host: Option<String>,
    pub port: Option<u16>,
    /// `null` = STARTTLS.
    pub security: Option<ConnectionSecurity>,
    /// `null` = keep the account's resource ("Hearth." + a random suffix).
    pub resource: Option<String>,
    /// `null` = keep the account's priority (0 at first).
    pub priority: Option<i8>,
    /// `null` = keep the account's (15 s at first). See `SessionConfig`.
    pub response_timeout_secs: Option<u32>,
}

impl std::fmt::Debug for LoginRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LoginRequest")
            .field("jid", &self.jid)
            .field("password", &"<redacted>")
            .finish()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SavedLogin {
    pub jid: String,
    pub remember: bool,
    pub auto_login: bool,
    pub host: Option<String>,
    pub port: Option<u16>,
    pub security: ConnectionSecurity,
    pub resource: Option<String>,
    pub priority: i8,
    pub response_timeout_secs: u32,
    /// A password is remembered in the keychain (the password itself never
    /// leaves the backend).
    pub has_password: bool,
    /// The public password of the local demo account, to prefill the form.
    pub demo_password: Option<String>,
}

/// Parse and check a user-typed account address.
pub fn parse_account(jid: &str) -> Result<BareJid> {
    let bare: BareJid = jid
        .trim()
        .parse()
        .map_err(|_| HearthError::InvalidJid(jid.to_owned()))?;
    if bare.node().is_none() {
        return Err(HearthError::InvalidJid(jid.to_owned()));
    }
    Ok(bare)
}

fn security_name(s: ConnectionSecurity) -> String {
    serde_json::to_value(s)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_else(|| "startTls".into())
}

fn parse_security(name: &str) -> ConnectionSecurity {
    serde_json::from_value(serde_json::Value::String(name.to_owned())).unwrap_or_default()
}

fn new_resource() -> String {
    format!(
        "Hearth.{}",
        &crate::features::xep0359_stanza_ids::new_id()[..6]
    )
}

async fn blocking<T: Send + 'static>(f: impl FnOnce() -> Result<T> + Send + 'static) -> Result<T> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| HearthError::Internal(format!("background task failed: {e}")))?
}

impl App {
    pub async fn saved_login(&self) -> Result<Option<SavedLogin>> {
        let saved = self.store()?.last_account()?;
        let Some(a) = saved else {
            return Ok(self.demo.as_ref().map(|d| SavedLogin {
                jid: d.jid.clone(),
                remember: false,
                auto_login: false,
                host: Some(d.host.clone()),
                port: Some(d.port),
                security: ConnectionSecurity::StartTls,
                resource: None,
                priority: 0,
                response_timeout_secs: DEFAULT_RESPONSE_TIMEOUT.as_secs() as u32,
                has_password: false,
                demo_password: Some(d.password.clone()),
            }));
        };
        let has_password = a.remember && {
            let (secrets, k) = (self.secrets.clone(), a.jid.clone());
            // A keychain that cannot be read counts as "nothing remembered".
            matches!(blocking(move || secrets.get(&k)).await, Ok(Some(_)))
        };
        let demo_password = self
            .demo
            .as_ref()
            .filter(|d| d.jid == a.jid)
            .map(|d| d.password.clone());
        Ok(Some(SavedLogin {
            jid: a.jid,
            remember: a.remember,
            auto_login: a.auto_login && has_password,
            host: a.host,
            port: a.port,
            security: parse_security(&a.security),
            resource: Some(a.resource),
            priority: a.priority,
            response_timeout_secs: a.response_timeout,
            has_password,
            demo_password,
        }))
    }

    pub async fn login(&self, req: LoginRequest) -> Result<()> {
        let account = parse_account(&req.jid)?;
        let key = account.to_string();
        {
            // Already connecting or online with this account (e.g. auto-login
            // started before the window appeared): nothing to do.
            let current = self.session.lock().await;
            if let Some(s) = current.as_ref() {
                if s.account() == &account
                    && !matches!(s.state(), session::ConnectionState::Offline { .. })
                {
                    self.sink.emit(session::SessionEvent::State(s.state()));
                    return Ok(());
                }
            }
        }
        let secrets = self.secrets.clone();
        let using_saved = req.password.is_empty();
        let was_remembered = self.store()?.account(&key)?.is_some_and(|a| a.remember);
        let password = if using_saved {
            let k = key.clone();
            blocking(move || secrets.get(&k))
                .await?
                .ok_or_else(|| HearthError::InvalidInput("Enter your password.".into()))?
        } else {
            let secrets = secrets.clone();
            let (k, p, remember) = (key.clone(), req.password.clone(), req.remember);
            if remember {
                blocking(move || secrets.set(&k, &p)).await?;
            } else if was_remembered {
                // Not remembering must work without any keychain at all.
                if let Err(e) = blocking(move || secrets.delete(&k)).await {
                    log::warn!("the remembered password could not be removed: {e}");
                }
            }
            req.password.clone()
        };
        let host = req
            .host
            .clone()
            .map(|h| h.trim().to_owned())
            .filter(|h| !h.is_empty());
        let security = req.security.unwrap_or_default();
        if let Some(t) = req.response_timeout_secs {
            if !(1..=600).contains(&t) {
                return Err(HearthError::InvalidInput(
                    "The response timeout must be between 1 and 600 seconds.".into(),
                ));
            }
        }
        let typed_resource = req
            .resource
            .as_deref()
            .map(str::trim)
            .filter(|r| !r.is_empty());
        if typed_resource.is_some_and(|r| r.len() > 1023 || r.contains(char::is_control)) {
            return Err(HearthError::InvalidInput(
                "The resource name is not valid.".into(),
            ));
        }
        let (settings, pinned) = {
            let store = self.store()?;
            let known = store.account(&key)?;
            let settings = AccountSettings {
                jid: key.clone(),
                remember: req.remember,
                auto_login: req.remember && req.auto_login,
                host: host.clone(),
                port: req.port,
                resource: typed_resource
                    .map(str::to_owned)
                    .or_else(|| known.as_ref().map(|a| a.resource.clone()))
                    .unwrap_or_else(new_resource),
                security: security_name(security),
                priority: req
                    .priority
                    .or(known.as_ref().map(|a| a.priority))
                    .unwrap_or(0),
                response_timeout: req
                    .response_timeout_secs
                    .or(known.as_ref().map(|a| a.response_timeout))
                    .unwrap_or(DEFAULT_RESPONSE_TIMEOUT.as_secs() as u32),
            };
            store.save_account(&settings)?;
            let pinned = store
                .pinned_certificates(&key)?
                .into_iter()
                .map(|c| c.fingerprint)
                .collect();
            (settings, pinned)
        };
        self.stop_session().await;
        let handle = session::start(
            SessionConfig {
                jid: account,
                resource: settings.resource,
                password,
                address: ServerAddress {
                    host,
                    port: req.port,
                    security,
                },
                pinned,
                retry_first_attempt: using_saved,
                priority: settings.priority,
                response_timeout: Duration::from_secs(settings.response_timeout.into()),
            },
            self.shared_store(),
            self.sink.clone(),
        );
        handle.set_console_open(self.console_open.load(std::sync::atomic::Ordering::Relaxed));
        *self.session.lock().await = Some(handle);
        if let Ok(mut last) = self.last_login.lock() {
            *last = Some(req);
        }
        Ok(())
    }

    /// Log in with the remembered account if it asked for that.
    pub async fn auto_login(&self) -> Result<bool> {
        let saved = self.saved_login().await?;
        if let Some(demo) = self.demo.as_ref().filter(|d| d.auto_login) {
            if !saved.as_ref().is_some_and(|s| s.auto_login) {
                self.login(LoginRequest {
                    jid: demo.jid.clone(),
                    password: demo.password.clone(),
                    remember: false,
                    auto_login: false,
                    host: Some(demo.host.clone()),
                    port: Some(demo.port),
                    security: None,
                    resource: None,
                    priority: None,
                    response_timeout_secs: None,
                })
                .await?;
                return Ok(true);
            }
        }
        let Some(saved) = saved else {
            return Ok(false);
        };
        if !saved.auto_login {
            return Ok(false);
        }
        self.login(LoginRequest {
            jid: saved.jid,
            password: String::new(),
            remember: true,
            auto_login: true,
            host: saved.host,
            port: saved.port,
            security: Some(saved.security),
            resource: None,
            priority: None,
            response_timeout_secs: None,
        })
        .await?;
        Ok(true)
    }

    async fn stop_session(&self) {
        let old = self.session.lock().await.take();
        if let Some(old) = old {
            old.logout().await;
        }
    }

    /// Change the password on the server; a remembered password is replaced
    /// in the keychain, and reconnects use the new one.
    pub async fn change_password(&self, new_password: &str) -> Result<()> {
        let session = self.session().await?;
        session.change_password(new_password).await?;
        let account = session.account().to_string();
        if let Ok(mut last) = self.last_login.lock() {
            if let Some(req) = last.as_mut() {
                req.password = new_password.to_owned();
            }
        }
        let remembered = self.store()?.account(&account)?.is_some_and(|a| a.remember);
        if remembered {
            let (secrets, p) = (self.secrets.clone(), new_password.to_owned());
            blocking(move || secrets.set(&account, &p)).await?;
        }
        Ok(())
    }

    /// End the session without changing any setting (the app is closing).
    pub async fn shutdown(&self) {
        self.stop_session().await;
    }

    /// End the session; with `forget_password` also remove the password
    /// from the keychain and turn auto-login off.
    pub async fn logout(&self, forget_password: bool) -> Result<()> {
        let account = self
            .session
            .lock()
            .await
            .as_ref()
            .map(|s| s.account().to_string());
        self.stop_session().await;
        if forget_password {
            let saved = self.store()?.last_account()?;
            if let Some(mut a) = saved {
                let secrets = self.secrets.clone();
                let k = a.jid.clone();
                blocking(move || secrets.delete(&k)).await?;
                a.remember = false;
                a.auto_login = false;
                self.store()?.save_account(&a)?;
            }
        } else if let Some(account) = account {
            // An explicit logout must not be undone by auto-login next start.
            let store = self.store()?;
            if let Some(mut a) = store.account(&account)? {
                a.auto_login = false;
                store.save_account(&a)?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn account_needs_a_local_part() {
        assert!(parse_account("alice@example.org").is_ok());
        assert!(matches!(
            parse_account("example.org"),
            Err(HearthError::InvalidJid(_))
        ));
        assert!(matches!(
            parse_account("not a jid@"),
            Err(HearthError::InvalidJid(_))
        ));
    }

    #[test]
    fn debug_output_hides_the_password() {
        let r = LoginRequest {
            jid: "a@b".into(),
            password: "hunter2".into(),
            remember: true,
            auto_login: false,
            host: None,
            port: None,
            security: None,
            resource: None,
            priority: None,
            response_timeout_secs: None,
        };
        assert!(!format!("{r:?}").contains("hunter2"));
    }
}
