//! Certificate trust: the operating system's roots, plus the exact
//! certificates the user pinned for this account.
//!
//! Invariant: a certificate that fails OS verification is accepted only when
//! its SHA-256 fingerprint equals one the user pinned; anything else fails
//! the handshake and is remembered in [`TrustVerifier::last_rejected`] so the
//! session can explain the refusal (and later offer to pin it).

use std::sync::{Arc, Mutex};

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::WebPkiServerVerifier;
use rustls::crypto::{verify_tls12_signature, verify_tls13_signature, CryptoProvider};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{DigitallySignedStruct, Error as TlsError, RootCertStore, SignatureScheme};
use sha2::{Digest, Sha256};

/// SHA-256 over the DER of a certificate, as lowercase hex pairs joined by ':'.
pub fn fingerprint(der: &[u8]) -> String {
    Sha256::digest(der)
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect::<Vec<_>>()
        .join(":")
}

/// What the user needs to see about a refused certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RejectedCertificate {
    pub fingerprint: String,
    pub der: Vec<u8>,
    pub reason: String,
    /// The user had trusted a different certificate for this account: the
    /// server's certificate changed.
    pub changed: bool,
}

#[derive(Debug)]
pub struct TrustVerifier {
    provider: Arc<CryptoProvider>,
    /// `None` when the OS offers no roots at all (minimal containers).
    os: Option<Arc<WebPkiServerVerifier>>,
    pinned: Vec<String>,
    rejected: Mutex<Option<RejectedCertificate>>,
}

impl TrustVerifier {
    /// `pinned` are SHA-256 fingerprints as produced by [`fingerprint`].
    pub fn new(pinned: Vec<String>) -> Arc<Self> {
        let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
        let mut roots = RootCertStore::empty();
        let native = rustls_native_certs::load_native_certs();
        let (added, _ignored) = roots.add_parsable_certificates(native.certs);
        let os = if added > 0 {
            WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider.clone())
                .build()
                .ok()
        } else {
            log::warn!("no operating system root certificates found");
            None
        };
        Arc::new(Self {
            provider,
            os,
            pinned,
            rejected: Mutex::new(None),
        })
    }

    pub fn last_rejected(&self) -> Option<RejectedCertificate> {
        self.rejected.lock().ok().and_then(|r| r.clone())
    }

    fn reject(&self, end_entity: &CertificateDer<'_>, reason: String) -> TlsError {
        let rejected = RejectedCertificate {
            fingerprint: fingerprint(end_entity.as_ref()),
            der: end_entity.as_ref().to_vec(),
            reason: reason.clone(),
            changed: !self.pinned.is_empty(),
        };
        if let Ok(mut slot) = self.rejected.lock() {
            *slot = Some(rejected);
        }
        TlsError::General(reason)
    }
}

/// A sentence for why rustls refused a certificate.
fn explain(err: &TlsError) -> String {
    use rustls::CertificateError as C;
    match err {
        TlsError::InvalidCertificate(C::UnknownIssuer) => {
            "it is not signed by an authority this computer trusts (self-signed or internal CA)"
                .into()
        }
        TlsError::InvalidCertificate(C::Expired)
        | TlsError::InvalidCertificate(C::ExpiredContext { .. }) => "it has expired".into(),
        TlsError::InvalidCertificate(C::NotValidYet)
        | TlsError::InvalidCertificate(C::NotValidYetContext { .. }) => {
            "it is not valid yet".into()
        }
        TlsError::InvalidCertificate(C::NotValidForName)
        | TlsError::InvalidCertificate(C::NotValidForNameContext { .. }) => {
            "it was issued for a different server name".into()
        }
        TlsError::InvalidCertificate(C::Revoked) => "it has been revoked".into(),
        other => format!("it could not be verified ({other})"),
    }
}

impl ServerCertVerifier for TrustVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, TlsError> {
        let os_result = match &self.os {
            Some(os) => {
                os.verify_server_cert(end_entity, intermediates, server_name, ocsp_response, now)
            }
            None => Err(TlsError::InvalidCertificate(
                rustls::CertificateError::UnknownIssuer,
            )),
        };
        match os_result {
            Ok(ok) => Ok(ok),
            Err(err) => {
                let fp = fingerprint(end_entity.as_ref());
                if self.pinned.iter().any(|p| p.eq_ignore_ascii_case(&fp)) {
                    Ok(ServerCertVerified::assertion())
                } else {
                    Err(self.reject(end_entity, explain(&err)))
                }
            }
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, TlsError> {
        verify_tls12_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, TlsError> {
        verify_tls13_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}

/// A rustls client configuration that trusts through `verifier`.
pub fn client_config(verifier: Arc<TrustVerifier>, alpn: &[&[u8]]) -> Arc<rustls::ClientConfig> {
    let provider = verifier.provider.clone();
    let mut config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("the default provider supports the default protocol versions")
        .dangerous()
        .with_custom_certificate_verifier(verifier)
        .with_no_client_auth();
    config.alpn_protocols = alpn.iter().map(|p| p.to_vec()).collect();
    Arc::new(config)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprint_is_colon_separated_upper_hex() {
        let fp = fingerprint(b"abc");
        assert_eq!(fp.len(), 32 * 3 - 1);
        assert!(fp.starts_with("BA:78:16:BF"));
    }
}
