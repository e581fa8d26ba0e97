//! Hearth's typed errors. Every error that can reach a user carries an
//! [`ErrorCode`] the UI branches on and a plain sentence; Rust debug strings
//! never cross IPC.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Stable, user-facing error categories. The UI translates each code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum ErrorCode {
    /// The server said the user name or password is wrong.
    AuthFailed,
    /// The server refused the login for another reason (its SASL condition
    /// and text are the message).
    LoginRefused,
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

/// An error stanza's meaning (RFC 6120 §8.3): its defined condition, by its
/// XML name, and the text the other side sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemoteError {
    /// e.g. `item-not-found`; empty when the answer carried no error.
    pub condition: String,
    pub text: Option<String>,
}

impl RemoteError {
    /// An answer that is unusable although it is not an error stanza.
    pub fn unusable(text: impl Into<String>) -> Self {
        Self {
            condition: String::new(),
            text: Some(text.into()),
        }
    }

    pub fn is(&self, condition: &str) -> bool {
        self.condition == condition
    }
}

/// "item not found: the server's text" (the condition alone when there is
/// no text): callers and users can both tell what happened.
impl std::fmt::Display for RemoteError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let condition = self.condition.replace('-', " ");
        match self.text.as_deref().map(str::trim) {
            Some(t) if !t.is_empty() && condition.is_empty() => f.write_str(t),
            Some(t) if !t.is_empty() => write!(f, "{condition}: {t}"),
            _ => f.write_str(&condition),
        }
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
    Remote(RemoteError),
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
