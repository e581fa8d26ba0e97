//! The OS keychain through the `keyring` crate.
//!
//! The Secret Service backend talks D-Bus synchronously; call these methods
//! from a blocking context (`spawn_blocking`), not from an async task.

use super::{SecretStore, SERVICE};
use crate::error::{HearthError, Result};

#[derive(Debug, Default, Clone, Copy)]
pub struct Keychain;

fn entry(account: &str) -> Result<keyring::Entry> {
    keyring::Entry::new(SERVICE, account).map_err(keychain_error)
}

fn keychain_error(e: keyring::Error) -> HearthError {
    let sentence = match e {
        keyring::Error::NoStorageAccess(_) | keyring::Error::NoDefaultStore => {
            "the system keychain is locked or not running".to_owned()
        }
        other => other.to_string(),
    };
    HearthError::Keychain(sentence)
}

impl SecretStore for Keychain {
    fn set(&self, account: &str, secret: &str) -> Result<()> {
        entry(account)?.set_password(secret).map_err(keychain_error)
    }

    fn get(&self, account: &str) -> Result<Option<String>> {
        match entry(account)?.get_password() {
            Ok(p) => Ok(Some(p)),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(keychain_error(e)),
        }
    }

    fn delete(&self, account: &str) -> Result<()> {
        match entry(account)?.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(keychain_error(e)),
        }
    }
}
