//! "Test connection" from the advanced dialog: the settings as typed, the
//! passwords as typed or saved; nothing is stored.

use super::login::{parse_account, proxy_secret_key, LoginRequest};
use super::App;
use crate::error::Result;
use crate::session::connection_probe::{probe, ProbeRequest};
pub use crate::session::connection_probe::{
    ConnectionReport, ConnectionStep, StepKind, StepOutcome,
};
use crate::session::{ConnectionSettings, Proxy, ProxyKind};

impl App {
    pub async fn test_connection(&self, req: LoginRequest) -> Result<ConnectionReport> {
        let account = parse_account(&req.jid)?;
        let key = account.to_string();
        let saved = self.store()?.account(&key)?;
        let settings = match (&req.connection, &saved) {
            (Some(c), _) => c.clone(),
            (None, Some(a)) => a.connection.clone(),
            (None, None) => ConnectionSettings::default(),
        }
        .normalized()?;
        let password = if req.password.is_empty() {
            self.secret(key.clone()).await
        } else {
            Some(req.password.clone())
        };
        let proxy = match settings.proxy.kind {
            ProxyKind::None => None,
            kind => Some(Proxy {
                kind,
                host: settings.proxy.host.clone(),
                port: settings.proxy.port.unwrap_or(settings.proxy.default_port()),
                user: settings.proxy.user.clone(),
                password: match &req.proxy_password {
                    Some(p) => p.clone(),
                    None => self
                        .secret(proxy_secret_key(&key))
                        .await
                        .unwrap_or_default(),
                },
            }),
        };
        Ok(probe(ProbeRequest {
            pinned: self.pinned_for(&key)?,
            address: self.server_address(&settings, proxy),
            account,
            password,
            sasl: settings.sasl,
        })
        .await)
    }
}
