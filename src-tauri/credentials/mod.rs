//! Passwords live only here: in the OS keychain (Keychain Services, Windows
//! Credential Manager, Secret Service) behind the [`SecretStore`] trait.
//! The in-memory store exists for unit tests.

mod keychain;
mod memory;

pub use keychain::Keychain;
pub use memory::MemorySecrets;

use crate::error::Result;

/// The keychain service name under which Hearth stores account passwords.
pub const SERVICE: &str = "org.hearth.desktop";

pub trait SecretStore: Send + Sync {
    fn set(&self, account: &str, secret: &str) -> Result<()>;
    /// `Ok(None)` when nothing is stored for `account`.
    fn get(&self, account: &str) -> Result<Option<String>>;
    /// Deleting a missing entry is not an error.
    fn delete(&self, account: &str) -> Result<()>;
}
