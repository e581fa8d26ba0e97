//! An in-memory [`SecretStore`] for unit tests only.

use std::collections::HashMap;
use std::sync::Mutex;

use super::SecretStore;
use crate::error::{HearthError, Result};

#[derive(Debug, Default)]
pub struct MemorySecrets {
    map: Mutex<HashMap<String, String>>,
}

impl SecretStore for MemorySecrets {
    fn set(&self, account: &str, secret: &str) -> Result<()> {
        self.map
            .lock()
            .map_err(|_| HearthError::Internal("secret map poisoned".into()))?
            .insert(account.to_owned(), secret.to_owned());
        Ok(())
    }

    fn get(&self, account: &str) -> Result<Option<String>> {
        Ok(self
            .map
            .lock()
            .map_err(|_| HearthError::Internal("secret map poisoned".into()))?
            .get(account)
            .cloned())
    }

    fn delete(&self, account: &str) -> Result<()> {
        self.map
            .lock()
            .map_err(|_| HearthError::Internal("secret map poisoned".into()))?
            .remove(account);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        let s = MemorySecrets::default();
        assert_eq!(s.get("a@x").unwrap(), None);
        s.set("a@x", "pw").unwrap();
        assert_eq!(s.get("a@x").unwrap().as_deref(), Some("pw"));
        s.delete("a@x").unwrap();
        s.delete("a@x").unwrap();
        assert_eq!(s.get("a@x").unwrap(), None);
    }
}
