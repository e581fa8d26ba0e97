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
use rustls::{
    CertificateError, DigitallySignedStruct, Error as TlsError, OtherError, RootCertStore,
    SignatureScheme,
};
use sha2::{Digest, Sha256};

use crate::error::CertificateFault;

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
    pub fault: CertificateFault,
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

    fn reject(&self, end_entity: &CertificateDer<'_>, err: &TlsError) -> TlsError {
        let refusal = TrustRefusal {
            fault: fault_of(err),
            changed: !self.pinned.is_empty(),
        };
        log::warn!("certificate refused: {err}");
        let rejected = RejectedCertificate {
            fingerprint: fingerprint(end_entity.as_ref()),
            der: end_entity.as_ref().to_vec(),
            fault: refusal.fault,
            changed: refusal.changed,
        };
        if let Ok(mut slot) = self.rejected.lock() {
            *slot = Some(rejected);
        }
        TlsError::InvalidCertificate(CertificateError::Other(OtherError(Arc::new(refusal))))
    }
}

/// The verifier's refusal as it travels inside rustls' error (and then
/// tokio-rustls' `io::Error`), so the connection code can tell it from any
/// other TLS failure by its type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("certificate not trusted ({fault:?}, changed: {changed})")]
pub struct TrustRefusal {
    pub fault: CertificateFault,
    /// The account had pinned a different certificate.
    pub changed: bool,
}

impl TrustRefusal {
    /// The refusal inside a TLS error, if that is what it is.
    pub fn of(err: &TlsError) -> Option<Self> {
        match err {
            TlsError::InvalidCertificate(CertificateError::Other(OtherError(inner))) => {
                inner.downcast_ref::<Self>().copied()
            }
            _ => None,
        }
    }
}

/// Why rustls refused a certificate.
fn fault_of(err: &TlsError) -> CertificateFault {
    use CertificateError as C;
    match err {
        TlsError::InvalidCertificate(C::UnknownIssuer) => CertificateFault::UnknownIssuer,
        TlsError::InvalidCertificate(C::Expired | C::ExpiredContext { .. }) => {
            CertificateFault::Expired
        }
        TlsError::InvalidCertificate(C::NotValidYet | C::NotValidYetContext { .. }) => {
            CertificateFault::NotValidYet
        }
        TlsError::InvalidCertificate(C::NotValidForName | C::NotValidForNameContext { .. }) => {
            CertificateFault::WrongName
        }
        TlsError::InvalidCertificate(C::Revoked) => CertificateFault::Revoked,
        _ => CertificateFault::Other,
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
                    Err(self.reject(end_entity, &err))
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

    #[test]
    fn a_refusal_is_recognised_by_its_type_and_keeps_its_fault() {
        let verifier = TrustVerifier::new(vec!["AA:BB".into()]);
        let der = CertificateDer::from(b"not a certificate".to_vec());
        let err = verifier.reject(
            &der,
            &TlsError::InvalidCertificate(CertificateError::Expired),
        );
        assert_eq!(
            TrustRefusal::of(&err),
            Some(TrustRefusal {
                fault: CertificateFault::Expired,
                changed: true
            })
        );
        let rejected = verifier.last_rejected().expect("recorded");
        assert_eq!(rejected.fault, CertificateFault::Expired);
        // Another TLS failure, even one about certificates, is not ours.
        let other = TlsError::InvalidCertificate(CertificateError::UnknownIssuer);
        assert_eq!(TrustRefusal::of(&other), None);
        assert_eq!(TrustRefusal::of(&TlsError::General("x".into())), None);
    }
}
