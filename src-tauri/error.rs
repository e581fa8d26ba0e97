//! Hearth's typed errors. Every reason that can reach a user is a [`Problem`]:
//! an [`ErrorCode`] plus typed parameters (the remote condition, the
//! server's own text, the setting at fault). The UI turns them into a
//! sentence in the user's language; Rust builds no user-facing sentences,
//! and Rust debug strings never cross IPC.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Stable, user-facing reasons. The UI has a sentence for each (and for
/// each condition that may come with it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum ErrorCode {
    /// The server said the user name or password is wrong (SASL
    /// `not-authorized`).
    AuthFailed,
    /// The server refused the login for another reason: `condition` is the
    /// SASL condition (`account-disabled`, `temporary-auth-failure`, …).
    LoginRefused,
    /// No login method is both safe and allowed by the settings; `detail`
    /// lists what the server offered.
    NoSafeMechanism,
    /// The server could not prove that it knows the password (SCRAM).
    ServerNotAuthenticated,
    /// The server offers no STARTTLS; the password is not sent in the clear.
    NoStartTls,
    /// The certificate failed verification and is not pinned; `condition`
    /// is the [`CertificateFault`].
    CertificateUntrusted,
    /// The certificate differs from the one the user pinned.
    CertificateChanged,
    /// The proxy rejected (or requires) a user name and password.
    ProxyAuthFailed,
    /// The proxy did not open the tunnel; `detail` says what it answered.
    ProxyFailed,
    /// The host name has no address (DNS); `detail` is the host.
    UnknownHost,
    /// The domain's SRV records say it offers no XMPP service.
    NoXmppService,
    ConnectionRefused,
    ConnectionLost,
    /// The TLS handshake failed for a reason other than the certificate.
    TlsFailed,
    /// The network failed in another way; `detail` is the system's text.
    Network,
    Timeout,
    /// `see-other-host` more times in a row than Hearth follows.
    TooManyRedirects,
    /// The server ended the stream: `condition` is the RFC 6120 §4.9.3
    /// stream error condition, `serverText` its text.
    StreamError,
    /// The other side sent something Hearth cannot use; `detail` says what.
    Protocol,
    NotConnected,
    /// An error answer (RFC 6120 §8.3): `condition` and `serverText`.
    RemoteError,
    /// A room refused to let us in (or to take a nick): `condition` is the
    /// stanza error condition (XEP-0045 §7.2).
    RoomJoinRefused,
    /// The room did not answer the join in time.
    RoomJoinTimeout,
    /// A newer request to join the same room replaced this one.
    RoomJoinSuperseded,
    /// A moderator removed us; `serverText` is their reason.
    RoomKicked,
    RoomBanned,
    /// Our membership was taken away in a members-only room.
    RoomMembershipLost,
    /// The room was destroyed; `serverText` is the owner's reason.
    RoomDestroyed,
    /// The room's server ended our presence; Hearth enters again.
    RoomPresenceEnded,
    NotInRoom,
    /// This server names no group chat service; the user must enter one.
    NoRoomService,
    InvitationAnswered,
    /// A message could not be handed to the server; `detail` is why.
    MessageNotSent,
    /// The server did not confirm a message (XEP-0198) before the link
    /// ended.
    MessageUnconfirmed,
    /// Only our own message, not retracted, with the id it was sent under
    /// (and, in a room, the room's id for it) can be corrected or retracted.
    MessageNotAmendable,
    /// The room does not let its moderators remove messages (XEP-0425).
    ModerationNotOffered,
    /// The server refused to create the account: `condition`, `serverText`.
    RegistrationRefused,
    /// The server does not offer in-band registration.
    RegistrationUnsupported,
    /// A setting or form value is not valid: `field` names which.
    InvalidInput,
    /// Not an XMPP address; `detail` is what was typed.
    InvalidAddress,
    /// Not a server name; `detail` is what was typed.
    InvalidServerName,
    /// The XML console's input: `detail` is the parser's complaint, `limit`
    /// the nesting limit when that was exceeded.
    InvalidXml,
    /// The XML is well-formed but not a message, presence or iq.
    NotAStanza,
    /// Raw XML is sent only while the XML console is open.
    ConsoleClosed,
    /// A link from a message that is not a web or mail address (or hides
    /// a user name in it): not opened.
    LinkRefused,
    /// No program on this computer opened the link.
    LinkNotOpened,
    /// Trusting a certificate that is not the one the server presented.
    CertificateNotPresented,
    /// Certificates are asked for before any login.
    NoAccountYet,
    Storage,
    Keychain,
    Internal,
}

/// What is wrong with an input, named after the setting or value. Each
/// has its own sentence in the UI.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum InputField {
    Host,
    Port,
    Resource,
    Timeout,
    /// The days of history a new profile fetches.
    HistoryDays,
    /// The number of messages a new profile fetches.
    HistoryMessages,
    /// No login method is allowed.
    SaslNone,
    /// Without encryption only SCRAM may be used, and none is allowed.
    SaslInsecure,
    ProxyHost,
    ProxyPort,
    Password,
    NewPassword,
    Nick,
    Message,
    /// A room address needs a local part (`room@service`); `detail` is
    /// what was typed.
    Room,
}

/// Why a certificate was refused, as `condition` of a
/// [`ErrorCode::CertificateUntrusted`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
pub enum CertificateFault {
    UnknownIssuer,
    Expired,
    NotValidYet,
    WrongName,
    Revoked,
    Other,
}

impl CertificateFault {
    pub fn name(self) -> &'static str {
        match self {
            Self::UnknownIssuer => "unknown-issuer",
            Self::Expired => "expired",
            Self::NotValidYet => "not-valid-yet",
            Self::WrongName => "wrong-name",
            Self::Revoked => "revoked",
            Self::Other => "other",
        }
    }
}

/// A problem as the user sees it: a code and what the sentence needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Problem {
    pub code: ErrorCode,
    /// The defined condition by its XML name (`not-authorized`,
    /// `conflict`, …): of the SASL failure, stream error or error stanza
    /// the code names; for certificates a [`CertificateFault`] name.
    pub condition: Option<String>,
    /// The other side's own words (an error's `<text/>`, a kick reason):
    /// shown quoted, never translated.
    pub server_text: Option<String>,
    /// The input at fault, for `invalidInput`.
    pub field: Option<InputField>,
    /// A technical detail in no particular language (the system's I/O
    /// error, a parser's complaint, a host name, what was typed).
    pub detail: Option<String>,
    /// A number the sentence needs (a limit).
    pub limit: Option<u32>,
}

impl Problem {
    pub fn of(code: ErrorCode) -> Self {
        Self {
            code,
            condition: None,
            server_text: None,
            field: None,
            detail: None,
            limit: None,
        }
    }

    pub fn invalid(field: InputField) -> Self {
        Self::of(ErrorCode::InvalidInput).field(field)
    }

    pub fn condition(mut self, condition: impl Into<String>) -> Self {
        self.condition = Some(condition.into());
        self
    }

    /// The remote party's text; blank text is no text.
    pub fn server_text(mut self, text: Option<String>) -> Self {
        self.server_text = text.map(|t| t.trim().to_owned()).filter(|t| !t.is_empty());
        self
    }

    pub fn field(mut self, field: InputField) -> Self {
        self.field = Some(field);
        self
    }

    pub fn detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = Some(detail.into());
        self
    }

    pub fn limit(mut self, limit: u32) -> Self {
        self.limit = Some(limit);
        self
    }

    /// The same parameters under another code (a remote error that, in
    /// context, is a room's or a registration's refusal).
    pub fn recode(mut self, code: ErrorCode) -> Self {
        self.code = code;
        self
    }
}

/// For logs: `code/condition field: server text (detail)`.
impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:?}", self.code)?;
        if let Some(c) = &self.condition {
            write!(f, "/{c}")?;
        }
        if let Some(field) = &self.field {
            write!(f, " {field:?}")?;
        }
        if let Some(t) = &self.server_text {
            write!(f, ": {t}")?;
        }
        if let Some(d) = &self.detail {
            write!(f, " ({d})")?;
        }
        Ok(())
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

    /// As the user sees it: an error answer with its condition, or an
    /// unusable answer.
    pub fn problem(&self) -> Problem {
        if self.condition.is_empty() {
            let p = Problem::of(ErrorCode::Protocol);
            return match &self.text {
                Some(t) => p.detail(t.clone()),
                None => p,
            };
        }
        Problem::of(ErrorCode::RemoteError)
            .condition(self.condition.clone())
            .server_text(self.text.clone())
    }
}

/// "item-not-found: the server's text", for logs.
impl std::fmt::Display for RemoteError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.text.as_deref().map(str::trim) {
            Some(t) if !t.is_empty() && self.condition.is_empty() => f.write_str(t),
            Some(t) if !t.is_empty() => write!(f, "{}: {t}", self.condition),
            _ => f.write_str(&self.condition),
        }
    }
}

/// Errors of the core (session, store, credentials). `Display` is for
/// logs; the user sees [`HearthError::problem`].
#[derive(Debug, thiserror::Error)]
pub enum HearthError {
    #[error("not a valid XMPP address: {0:?}")]
    InvalidJid(String),
    #[error("not connected")]
    NotConnected,
    #[error("no answer in time")]
    Timeout,
    #[error("local database: {0}")]
    Storage(#[from] rusqlite::Error),
    #[error("keychain: {0}")]
    Keychain(String),
    #[error("error answer: {0}")]
    Remote(RemoteError),
    #[error("internal: {0}")]
    Internal(String),
    /// A problem already in the user's terms (a refusal, invalid input).
    #[error("{0}")]
    Refused(Problem),
}

impl From<Problem> for HearthError {
    fn from(p: Problem) -> Self {
        Self::Refused(p)
    }
}

impl HearthError {
    pub fn code(&self) -> ErrorCode {
        self.problem().code
    }

    pub fn problem(&self) -> Problem {
        match self {
            Self::InvalidJid(typed) => Problem::of(ErrorCode::InvalidAddress).detail(typed.clone()),
            Self::NotConnected => Problem::of(ErrorCode::NotConnected),
            Self::Timeout => Problem::of(ErrorCode::Timeout),
            Self::Storage(e) => Problem::of(ErrorCode::Storage).detail(e.to_string()),
            Self::Keychain(e) => Problem::of(ErrorCode::Keychain).detail(e.clone()),
            Self::Remote(e) => e.problem(),
            Self::Internal(e) => Problem::of(ErrorCode::Internal).detail(e.clone()),
            Self::Refused(p) => p.clone(),
        }
    }
}

pub type Result<T, E = HearthError> = std::result::Result<T, E>;
