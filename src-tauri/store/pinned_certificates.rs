//! Certificates the user chose to trust for one account.

use rusqlite::params;

use super::Store;
use crate::error::Result;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PinnedCertificate {
    pub fingerprint: String,
    pub der: Vec<u8>,
}

fn row_to_pinned(r: &rusqlite::Row<'_>) -> rusqlite::Result<PinnedCertificate> {
    Ok(PinnedCertificate {
        fingerprint: r.get(0)?,
        der: r.get(1)?,
    })
}

impl Store {
    pub fn pin_certificate(&self, account: &str, der: &[u8]) -> Result<String> {
        let fingerprint = crate::session::fingerprint(der);
        self.conn.execute(
            "INSERT OR IGNORE INTO pinned_certificates (account, fingerprint, der, added_at)
             VALUES (?1, ?2, ?3, ?4)",
            params![account, fingerprint, der, super::messages::now_ms()],
        )?;
        Ok(fingerprint)
    }

    pub fn pinned_certificates(&self, account: &str) -> Result<Vec<PinnedCertificate>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT fingerprint, der FROM pinned_certificates WHERE account = ?1 ORDER BY added_at",
        )?;
        let rows = stmt.query_map([account], row_to_pinned)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Certificates pinned for any account on `domain` (for connections
    /// made before an account exists, such as creating one).
    pub fn pinned_for_domain(&self, domain: &str) -> Result<Vec<PinnedCertificate>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT DISTINCT fingerprint, der FROM pinned_certificates WHERE account LIKE '%@' || ?1",
        )?;
        let rows = stmt.query_map([domain], row_to_pinned)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    pub fn unpin_certificate(&self, account: &str, fingerprint: &str) -> Result<()> {
        self.conn.execute(
            "DELETE FROM pinned_certificates WHERE account = ?1 AND fingerprint = ?2",
            params![account, fingerprint],
        )?;
        Ok(())
    }
}
