//! "Create account" on the login screen (XEP-0077 in-band registration).

use serde::Deserialize;
use ts_rs::TS;

use super::App;
use crate::connection::xep0077_registration::{fetch_form, submit};
use crate::connection::{ConnectionSecurity, Proxy, ProxySettings, ServerAddress};
use crate::error::{ErrorCode, HearthError, Problem, Result};
use crate::features::xep0077_register::form::RegistrationForm;

/// Which server to create the account on, and how to reach it.
#[derive(Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RegistrationTarget {
    pub domain: String,
    pub host: Option<String>,
    pub port: Option<u16>,
    pub security: Option<ConnectionSecurity>,
    /// The proxy of the connection settings (none when `null`).
    #[serde(default)]
    pub proxy: Option<ProxySettings>,
    #[serde(default)]
    pub proxy_password: Option<String>,
}

#[derive(Clone, Deserialize, TS)]
pub struct RegistrationValue {
    pub var: String,
    pub value: String,
}

#[derive(Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RegistrationRequest {
    pub target: RegistrationTarget,
    pub data_form: bool,
    pub values: Vec<RegistrationValue>,
}

impl std::fmt::Debug for RegistrationTarget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The proxy password is deliberately absent.
        f.debug_struct("RegistrationTarget")
            .field("domain", &self.domain)
            .field("host", &self.host)
            .field("port", &self.port)
            .field("security", &self.security)
            .field("proxy", &self.proxy)
            .finish()
    }
}

impl std::fmt::Debug for RegistrationRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Values hold the new password: never printed.
        f.debug_struct("RegistrationRequest")
            .field("target", &self.target)
            .finish()
    }
}

impl App {
    async fn registration_route(
        &self,
        target: &RegistrationTarget,
    ) -> Result<(String, ServerAddress, Vec<String>)> {
        let domain = target.domain.trim().to_lowercase();
        if domain.is_empty() || domain.contains('@') || domain.contains(char::is_whitespace) {
            return Err(Problem::of(ErrorCode::InvalidServerName)
                .detail(target.domain.clone())
                .into());
        }
        let lookup = domain.clone();
        let pinned = self
            .db
            .read(move |s| s.pinned_for_domain(&lookup))
            .await?
            .into_iter()
            .map(|c| c.fingerprint)
            .collect();
        let address = ServerAddress {
            host: target
                .host
                .clone()
                .map(|h| h.trim().to_owned())
                .filter(|h| !h.is_empty()),
            port: target.port,
            security: target.security.unwrap_or_default(),
            proxy: target.proxy.as_ref().and_then(|p| {
                Proxy::from_settings(p, target.proxy_password.clone().unwrap_or_default())
            }),
            name_servers: self.name_servers(),
        };
        Ok((domain, address, pinned))
    }

    pub async fn registration_form(&self, target: &RegistrationTarget) -> Result<RegistrationForm> {
        let (domain, address, pinned) = self.registration_route(target).await?;
        fetch_form(&domain, address, pinned)
            .await
            .map_err(HearthError::Refused)
    }

    pub async fn register(&self, request: &RegistrationRequest) -> Result<()> {
        let (domain, address, pinned) = self.registration_route(&request.target).await?;
        let values: Vec<(String, String)> = request
            .values
            .iter()
            .map(|v| (v.var.clone(), v.value.clone()))
            .collect();
        submit(&domain, address, pinned, request.data_form, &values)
            .await
            .map_err(HearthError::Refused)
    }
}
