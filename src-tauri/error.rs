//! Hearth's typed errors. Every error that can reach a user carries an
//! [`ErrorCode`] the UI branches on and a plain sentence; Rust debug strings
//! never cross IPC.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Stable, user-facing error categories. The UI translates each code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum ErrorCode {
    AuthFailed,
    CertificateUntrusted,
    Network,
    Timeout,
    Protocol,
    NotConnected,
    InvalidInput,
    Storage,
    Keychain,
    Internal,
}

/// A problem as the user sees it: a code and a sentence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Problem {
    pub code: ErrorCode,
    pub message: String,
}

impl Problem {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
        }
    }
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

/// Errors of the core (session, store, credentials).
#[derive(Debug, thiserror::Error)]
pub enum HearthError {
    #[error("The address \u{201c}{0}\u{201d} is not a valid XMPP address (user@domain).")]
    InvalidJid(String),
    #[error("{0}")]
    InvalidInput(String),
    #[error("Not connected to the server.")]
    NotConnected,
    #[error("The server did not answer in time.")]
    Timeout,
    #[error("Could not save to the local history database: {0}")]
    Storage(#[from] rusqlite::Error),
    #[error("The system keychain is not available: {0}")]
    Keychain(String),
    #[error("The server answered with an error: {0}")]
    Remote(String),
    #[error("Internal error: {0}")]
    Internal(String),
    /// A problem already phrased for the user (e.g. by the server's refusal).
    #[error("{0}")]
    Refused(Problem),
}

impl HearthError {
    pub fn code(&self) -> ErrorCode {
        match self {
            Self::InvalidJid(_) | Self::InvalidInput(_) => ErrorCode::InvalidInput,
            Self::NotConnected => ErrorCode::NotConnected,
            Self::Timeout => ErrorCode::Timeout,
            Self::Storage(_) => ErrorCode::Storage,
            Self::Keychain(_) => ErrorCode::Keychain,
            Self::Remote(_) => ErrorCode::Protocol,
            Self::Internal(_) => ErrorCode::Internal,
            Self::Refused(p) => p.code,
        }
    }

    pub fn problem(&self) -> Problem {
        match self {
            Self::Refused(p) => p.clone(),
            other => Problem::new(other.code(), other.to_string()),
        }
    }
}

pub type Result<T, E = HearthError> = std::result::Result<T, E>;
