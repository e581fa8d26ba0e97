//! "Test connection" from the advanced dialog: the settings as typed, the
//! passwords as typed or saved; nothing is stored.

use super::login::{parse_account, proxy_secret_key, LoginRequest};
use super::App;
pub use crate::connection::probe::StepFinding;
use crate::connection::probe::{probe, ProbeRequest};
pub use crate::connection::probe::{ConnectionReport, ConnectionStep, StepKind, StepOutcome};
use crate::connection::Proxy;
use crate::error::Result;

impl App {
    pub async fn test_connection(&self, req: LoginRequest) -> Result<ConnectionReport> {
        let account = parse_account(&req.jid)?;
        let key = account.to_string();
        // The settings a login would use (nothing is saved here).
        let settings = self.settings_for(&key, &req).await?;
        let password = if req.password.is_empty() {
            self.secret(key.clone()).await
        } else {
            Some(req.password.clone())
        };
        let proxy_password = match &req.proxy_password {
            Some(p) => p.clone(),
            None => self
                .secret(proxy_secret_key(&key))
                .await
                .unwrap_or_default(),
        };
        let proxy = Proxy::from_settings(&settings.proxy, proxy_password);
        Ok(probe(ProbeRequest {
            pinned: self.pinned_for(&key).await?,
            address: self.server_address(&settings, proxy),
            account,
            password,
            sasl: settings.sasl,
        })
        .await)
    }
}
