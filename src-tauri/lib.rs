//! Hearth: a desktop XMPP client for company chat servers.
//!
//! Layers (see docs/ARCHITECTURE.md): `ipc` is the only module that knows
//! Tauri; `app` composes accounts, store and credentials; `connection` is the
//! network stack (DNS, proxies, TLS, SASL, reconnecting); `session` owns
//! the XMPP stream per account; `features` holds one protocol feature per
//! file; `store` is the SQLite history; `credentials` the OS keychain.

pub mod app;
pub mod connection;
pub mod credentials;
pub mod error;
pub mod features;
pub mod ipc;
pub mod session;
pub mod store;

pub use ipc::run;
