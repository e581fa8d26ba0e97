//! What the user is shown about a certificate before trusting it.

use serde::Serialize;
use ts_rs::TS;
use x509_parser::prelude::{FromDer, GeneralName, X509Certificate};

use super::tls_trust::RejectedCertificate;
use crate::error::CertificateFault;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CertificateInfo {
    /// SHA-256 of the DER, colon-separated hex.
    pub fingerprint: String,
    pub subject: String,
    pub issuer: String,
    /// DNS names the certificate is valid for.
    pub names: Vec<String>,
    /// Validity, milliseconds since the Unix epoch.
    #[ts(type = "number")]
    pub not_before: i64,
    #[ts(type = "number")]
    pub not_after: i64,
    /// Why it was refused; `null` for a certificate the user trusts.
    pub fault: Option<CertificateFault>,
    /// The user had trusted another certificate for this account.
    pub changed: bool,
}

pub fn describe(rejected: &RejectedCertificate) -> CertificateInfo {
    let mut info = CertificateInfo {
        fingerprint: rejected.fingerprint.clone(),
        subject: String::new(),
        issuer: String::new(),
        names: vec![],
        not_before: 0,
        not_after: 0,
        fault: Some(rejected.fault),
        changed: rejected.changed,
    };
    // An unparsable certificate still shows its fingerprint and reason.
    if let Ok((_, cert)) = X509Certificate::from_der(&rejected.der) {
        info.subject = cert.subject().to_string();
        info.issuer = cert.issuer().to_string();
        info.not_before = cert.validity().not_before.timestamp() * 1000;
        info.not_after = cert.validity().not_after.timestamp() * 1000;
        if let Ok(Some(san)) = cert.subject_alternative_name() {
            info.names = san
                .value
                .general_names
                .iter()
                .filter_map(|n| match n {
                    GeneralName::DNSName(d) => Some(d.to_string()),
                    _ => None,
                })
                .collect();
        }
    }
    info
}
