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
        let fingerprint = crate::connection::fingerprint(der);
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
    /// made before an account exists, such as creating one). The domain is
    /// compared as text: typed into a pattern, `%` or `_` would match
    /// other servers' certificates.
    pub fn pinned_for_domain(&self, domain: &str) -> Result<Vec<PinnedCertificate>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT DISTINCT fingerprint, der FROM pinned_certificates
             WHERE substr(account, -length(?1) - 1) = '@' || ?1",
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_domain_is_matched_as_text_not_as_a_pattern() {
        let store = Store::open_in_memory().unwrap();
        store.pin_certificate("anna@chat.example", b"anna").unwrap();
        store.pin_certificate("bob@other.example", b"bob").unwrap();
        store
            .pin_certificate("eve@notchat.example", b"eve")
            .unwrap();
        let ders = |d: &str| {
            store
                .pinned_for_domain(d)
                .unwrap()
                .into_iter()
                .map(|p| p.der)
                .collect::<Vec<_>>()
        };
        assert_eq!(ders("chat.example"), vec![b"anna".to_vec()]);
        assert!(ders("%").is_empty());
        assert!(ders("%.example").is_empty());
        assert!(ders("_hat.example").is_empty());
        assert!(ders("example").is_empty());
    }
}
