//! Certificate trust as the user manages it: see why a certificate was
//! refused, trust exactly that certificate, list and remove trusted ones.
//!
//! Invariant: only the certificate the server actually presented (and the
//! session refused) can be pinned through `trust_certificate`, identified by
//! its fingerprint; a changed certificate is never accepted silently.

use super::login::parse_account;
use super::App;
use crate::connection::{describe_certificate, CertificateInfo, RejectedCertificate};
use crate::error::{CertificateFault, ErrorCode, Problem, Result};

impl App {
    /// Trust exactly this certificate (DER) for `account` from now on.
    pub async fn pin_certificate(&self, account: &str, der: &[u8]) -> Result<String> {
        let account = parse_account(account)?.to_string();
        let der = der.to_vec();
        self.db
            .write(move |s| s.pin_certificate(&account, &der))
            .await
    }

    pub async fn forget_certificate(&self, account: &str, fingerprint: &str) -> Result<()> {
        let account = parse_account(account)?.to_string();
        let fingerprint = fingerprint.to_owned();
        self.db
            .write(move |s| s.unpin_certificate(&account, &fingerprint))
            .await
    }

    /// The account the certificate settings apply to: the current session's,
    /// else the last one used.
    async fn certificate_account(&self) -> Result<String> {
        if let Some(s) = self.session.lock().await.as_ref() {
            return Ok(s.account().to_string());
        }
        self.db
            .read(|s| s.last_account())
            .await?
            .map(|a| a.jid)
            .ok_or_else(|| Problem::of(ErrorCode::NoAccountYet).into())
    }

    async fn rejected(&self) -> Option<RejectedCertificate> {
        self.session
            .lock()
            .await
            .as_ref()
            .and_then(|s| s.rejected_certificate())
    }

    /// Details of the certificate the last connection attempt refused.
    pub async fn untrusted_certificate(&self) -> Option<CertificateInfo> {
        self.rejected().await.map(|r| describe_certificate(&r))
    }

    /// Trust the refused certificate with this fingerprint for the account,
    /// then connect again with the same login.
    pub async fn trust_certificate(&self, fingerprint: &str) -> Result<()> {
        let rejected = self
            .rejected()
            .await
            .filter(|r| r.fingerprint.eq_ignore_ascii_case(fingerprint.trim()))
            .ok_or_else(|| Problem::of(ErrorCode::CertificateNotPresented))?;
        let account = self.certificate_account().await?;
        let der = rejected.der.clone();
        self.db
            .write(move |s| s.pin_certificate(&account, &der))
            .await?;
        let last = self.last_login.lock().ok().and_then(|l| l.clone());
        match last {
            Some(request) => self.login(request).await,
            None => Ok(()),
        }
    }

    /// Certificates trusted for the current (or last) account.
    pub async fn pinned_certificates(&self) -> Result<Vec<CertificateInfo>> {
        let account = self.certificate_account().await?;
        self.pinned_certificates_of(&account).await
    }

    /// Stop trusting a certificate for the current (or last) account.
    pub async fn forget_pinned_certificate(&self, fingerprint: &str) -> Result<()> {
        let account = self.certificate_account().await?;
        self.forget_certificate(&account, fingerprint).await
    }

    /// Certificates trusted for the account.
    pub async fn pinned_certificates_of(&self, account: &str) -> Result<Vec<CertificateInfo>> {
        let account = parse_account(account)?.to_string();
        Ok(self
            .db
            .read(move |s| s.pinned_certificates(&account))
            .await?
            .into_iter()
            .map(|c| CertificateInfo {
                fault: None,
                ..describe_certificate(&RejectedCertificate {
                    fingerprint: c.fingerprint,
                    der: c.der,
                    fault: CertificateFault::Other,
                    changed: false,
                })
            })
            .collect())
    }
}
