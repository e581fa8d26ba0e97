//! Logging in and out, and what the login screen is prefilled with.
//!
//! The password crosses IPC once, inbound, in [`LoginRequest`]; it goes to
//! the keychain (when remembered) and to the session, and is never returned,
//! stored in SQLite or logged.

use serde::{Deserialize, Serialize};
use tokio_xmpp::jid::BareJid;
use ts_rs::TS;

use super::App;
use crate::error::{HearthError, InputField, Problem, Result};
use std::time::Duration;

use crate::connection::{ConnectionSettings, Proxy, ProxyKind, ServerAddress};
use crate::session::{self, SessionConfig};
use crate::store::AccountSettings;

/// How long closing the app may wait for the session to end.
const CLOSING_GRACE: Duration = Duration::from_secs(3);

#[derive(Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct LoginRequest {
    pub jid: String,
    /// Empty = use the password remembered in the keychain.
    pub password: String,
    pub remember: bool,
    pub auto_login: bool,
    /// `null` = the account's saved settings (the defaults at first).
    pub connection: Option<ConnectionSettings>,
    /// `null` = the proxy password saved in the keychain; empty = none.
    pub proxy_password: Option<String>,
}

impl LoginRequest {
    /// A login with the account's saved connection settings.
    pub fn new(jid: &str, password: &str) -> Self {
        Self {
            jid: jid.to_owned(),
            password: password.to_owned(),
            remember: false,
            auto_login: false,
            connection: None,
            proxy_password: None,
        }
    }
}

impl std::fmt::Debug for LoginRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Both passwords are deliberately absent.
        f.debug_struct("LoginRequest")
            .field("jid", &self.jid)
            .field("connection", &self.connection)
            .finish()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SavedLogin {
    pub jid: String,
    pub remember: bool,
    pub auto_login: bool,
    pub connection: ConnectionSettings,
    /// A password is remembered in the keychain (the password itself never
    /// leaves the backend).
    pub has_password: bool,
    /// A proxy password is saved in the keychain.
    pub has_proxy_password: bool,
    /// The public password of the local demo account, to prefill the form.
    pub demo_password: Option<String>,
}

/// The keychain entry of an account's proxy password.
pub fn proxy_secret_key(account: &str) -> String {
    format!("proxy:{account}")
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
        let saved = self.db.read(|s| s.last_account()).await?;
        let Some(a) = saved else {
            return Ok(self.demo.as_ref().map(|d| SavedLogin {
                jid: d.jid.clone(),
                remember: false,
                auto_login: false,
                connection: d.connection(),
                has_password: false,
                has_proxy_password: false,
                demo_password: Some(d.password.clone()),
            }));
        };
        // A keychain that cannot be read counts as "nothing remembered".
        let has_password = a.remember && self.secret(a.jid.clone()).await.is_some();
        let has_proxy_password = a.connection.proxy.kind != ProxyKind::None
            && self.secret(proxy_secret_key(&a.jid)).await.is_some();
        let demo_password = self
            .demo
            .as_ref()
            .filter(|d| d.jid == a.jid)
            .map(|d| d.password.clone());
        Ok(Some(SavedLogin {
            jid: a.jid,
            remember: a.remember,
            auto_login: a.auto_login && has_password,
            connection: a.connection,
            has_password,
            has_proxy_password,
            demo_password,
        }))
    }

    pub(super) async fn secret(&self, key: String) -> Option<String> {
        let secrets = self.secrets.clone();
        blocking(move || secrets.get(&key)).await.ok().flatten()
    }

    /// The connection settings a login uses: what the user sent, else what
    /// the account has saved, else the defaults; checked, with a resource.
    pub(super) async fn settings_for(
        &self,
        key: &str,
        req: &LoginRequest,
    ) -> Result<ConnectionSettings> {
        let lookup = key.to_owned();
        let known = self.db.read(move |s| s.account(&lookup)).await?;
        let mut settings = match (&req.connection, &known) {
            (Some(c), _) => c.clone(),
            (None, Some(a)) => a.connection.clone(),
            (None, None) => ConnectionSettings::default(),
        }
        .normalized()?;
        if settings.resource.is_none() {
            settings.resource = known
                .and_then(|a| a.connection.resource)
                .or_else(|| Some(new_resource()));
        }
        Ok(settings)
    }

    /// The proxy to use, with its password from the request or the keychain.
    async fn proxy_for(
        &self,
        key: &str,
        settings: &ConnectionSettings,
        typed: Option<&str>,
    ) -> Result<Option<Proxy>> {
        let p = &settings.proxy;
        if p.kind == ProxyKind::None {
            return Ok(None);
        }
        let secret_key = proxy_secret_key(key);
        let password = match typed {
            Some(typed) => {
                let (secrets, k, v) = (self.secrets.clone(), secret_key, typed.to_owned());
                let saved = if v.is_empty() {
                    blocking(move || secrets.delete(&k)).await
                } else {
                    blocking(move || secrets.set(&k, &v)).await
                };
                if let Err(e) = saved {
                    // The login still works this time; the user is asked again next time.
                    log::warn!("the proxy password could not be saved: {e}");
                }
                typed.to_owned()
            }
            None => self.secret(secret_key).await.unwrap_or_default(),
        };
        Ok(Proxy::from_settings(p, password))
    }

    /// Where and how a session for `settings` connects.
    pub(super) fn server_address(
        &self,
        settings: &ConnectionSettings,
        proxy: Option<Proxy>,
    ) -> ServerAddress {
        ServerAddress {
            host: settings.host.clone(),
            port: settings.port,
            security: settings.security,
            proxy,
            name_servers: self.name_servers(),
        }
    }

    pub(super) async fn pinned_for(&self, key: &str) -> Result<Vec<String>> {
        let key = key.to_owned();
        Ok(self
            .db
            .read(move |s| s.pinned_certificates(&key))
            .await?
            .into_iter()
            .map(|c| c.fingerprint)
            .collect())
    }

    /// The login password: typed (and then remembered or forgotten as the
    /// user asked) or, when empty, the one in the keychain.
    async fn password_for(&self, key: &str, req: &LoginRequest) -> Result<String> {
        let lookup = key.to_owned();
        let was_remembered = self
            .db
            .read(move |s| s.account(&lookup))
            .await?
            .is_some_and(|a| a.remember);
        if req.password.is_empty() {
            return self
                .secret(key.to_owned())
                .await
                .ok_or_else(|| Problem::invalid(InputField::Password).into());
        }
        let secrets = self.secrets.clone();
        let (k, p) = (key.to_owned(), req.password.clone());
        if req.remember {
            blocking(move || secrets.set(&k, &p)).await?;
        } else if was_remembered {
            // Not remembering must work without any keychain at all.
            if let Err(e) = blocking(move || secrets.delete(&k)).await {
                log::warn!("the remembered password could not be removed: {e}");
            }
        }
        Ok(req.password.clone())
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
        let settings = self.settings_for(&key, &req).await?;
        let using_saved = req.password.is_empty();
        let password = self.password_for(&key, &req).await?;
        let proxy = self
            .proxy_for(&key, &settings, req.proxy_password.as_deref())
            .await?;
        let saved = AccountSettings {
            jid: key.clone(),
            remember: req.remember,
            auto_login: req.remember && req.auto_login,
            connection: settings.clone(),
        };
        self.db.write(move |s| s.save_account(&saved)).await?;
        let pinned = self.pinned_for(&key).await?;
        self.stop_session().await;
        let handle = session::start(
            SessionConfig {
                jid: account,
                resource: settings.resource.clone().unwrap_or_else(new_resource),
                password,
                address: self.server_address(&settings, proxy),
                pinned,
                retry_first_attempt: using_saved,
                priority: settings.priority,
                response_timeout: Duration::from_secs(settings.response_timeout_secs.into()),
                sasl: settings.sasl,
                room_quiet_before_ping: self.room_quiet_before_ping(),
                new_device_history: settings.new_device_history,
            },
            self.db.clone(),
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
                    connection: Some(demo.connection()),
                    ..LoginRequest::new(&demo.jid, &demo.password)
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
            remember: true,
            auto_login: true,
            ..LoginRequest::new(&saved.jid, "")
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
        let lookup = account.clone();
        let remembered = self
            .db
            .read(move |s| s.account(&lookup))
            .await?
            .is_some_and(|a| a.remember);
        if remembered {
            let (secrets, p) = (self.secrets.clone(), new_password.to_owned());
            blocking(move || secrets.set(&account, &p)).await?;
        }
        Ok(())
    }

    /// End the session without changing any setting (the app is closing):
    /// contacts see us leave at once instead of when the server gives up
    /// on a silent connection, and what the session still had to write is
    /// on disk before the process ends. At most `CLOSING_GRACE`: a server
    /// that does not answer must not keep a closed window's process alive.
    pub async fn shutdown(&self) {
        let close = async {
            self.stop_session().await;
            self.db.flushed().await
        };
        match tokio::time::timeout(CLOSING_GRACE, close).await {
            Ok(Ok(())) => {}
            Ok(Err(e)) => log::warn!("the last writes before closing may be missing: {e}"),
            Err(_) => log::warn!("the session did not close in time; closing anyway"),
        }
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
            let saved = self.db.read(|s| s.last_account()).await?;
            if let Some(mut a) = saved {
                let secrets = self.secrets.clone();
                let k = a.jid.clone();
                blocking(move || secrets.delete(&k)).await?;
                a.remember = false;
                a.auto_login = false;
                self.db.write(move |s| s.save_account(&a)).await?;
            }
        } else if let Some(account) = account {
            // An explicit logout must not be undone by auto-login next start.
            // Read and write in one job, so nothing changes in between.
            self.db
                .write(move |s| match s.account(&account)? {
                    Some(mut a) => {
                        a.auto_login = false;
                        s.save_account(&a)
                    }
                    None => Ok(()),
                })
                .await?;
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
            proxy_password: Some("swordfish".into()),
            ..LoginRequest::new("a@b", "hunter2")
        };
        let shown = format!("{r:?}");
        assert!(!shown.contains("hunter2") && !shown.contains("swordfish"));
    }
}
