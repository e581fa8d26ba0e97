//! The demo profile: `hearth --demo FILE` (or `HEARTH_DEMO=FILE`) points
//! the login screen at the local demo server started by `scripts/run`,
//! with its account prefilled and its self-signed certificate pinned, the
//! same way a user pins a company server's certificate.

use std::path::Path;

use serde::Deserialize;

use crate::error::{HearthError, Result};
use crate::store::Store;

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DemoProfile {
    pub jid: String,
    pub password: String,
    pub host: String,
    pub port: u16,
    /// PEM of the demo server's certificate (may be empty when the
    /// server's CA is already trusted by the system).
    #[serde(default)]
    pub certificate_pem: String,
    /// Log in at start without showing the form (benchmarks, kiosks).
    #[serde(default)]
    pub auto_login: bool,
}

impl DemoProfile {
    /// The demo server is on loopback at a fixed host and port.
    pub fn connection(&self) -> crate::connection::ConnectionSettings {
        crate::connection::ConnectionSettings {
            host: Some(self.host.clone()),
            port: Some(self.port),
            ..Default::default()
        }
    }

    pub fn from_args() -> Option<Self> {
        let mut args = std::env::args().skip(1);
        let path = loop {
            match args.next() {
                Some(a) if a == "--demo" => break args.next(),
                Some(_) => continue,
                None => break std::env::var("HEARTH_DEMO").ok(),
            }
        }?;
        match Self::load(Path::new(&path)) {
            Ok(p) => Some(p),
            Err(e) => {
                log::error!("ignoring the demo profile {path}: {e}");
                None
            }
        }
    }

    pub fn load(path: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| HearthError::Internal(format!("cannot read {}: {e}", path.display())))?;
        serde_json::from_str(&text).map_err(|e| {
            HearthError::Internal(format!("{} is not a demo profile: {e}", path.display()))
        })
    }

    /// Pin the demo certificate for the demo account.
    pub fn pin(&self, store: &Store) -> Result<()> {
        for der in pem_certificates(&self.certificate_pem) {
            store.pin_certificate(&self.jid, &der)?;
        }
        Ok(())
    }
}

/// The DER bodies of every CERTIFICATE block in `pem`.
pub fn pem_certificates(pem: &str) -> Vec<Vec<u8>> {
    use base64::Engine;
    let mut out = Vec::new();
    let mut current: Option<String> = None;
    for line in pem.lines() {
        let line = line.trim();
        if line == "-----BEGIN CERTIFICATE-----" {
            current = Some(String::new());
        } else if line == "-----END CERTIFICATE-----" {
            if let Some(b64) = current.take() {
                if let Ok(der) = base64::engine::general_purpose::STANDARD.decode(b64) {
                    out.push(der);
                }
            }
        } else if let Some(buf) = current.as_mut() {
            buf.push_str(line);
        }
    }
    out
}
