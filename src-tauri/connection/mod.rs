//! The network stack: from an account's settings to an authenticated XML
//! stream. Resolving (SRV), reaching (TCP, SOCKS5, HTTP CONNECT), securing
//! (STARTTLS or direct TLS with Hearth's trust policy), SASL, the
//! reconnect policy and the step-by-step connection test. It knows nothing
//! of rosters, rooms or history: the session actor above it does.

mod backoff;
mod certificate;
mod connector;
pub mod failure;
pub mod link;
pub mod probe;
mod proxy;
mod proxy_error;
mod rfc1928_socks5;
mod rfc6120_sasl;
pub mod rfc6120_srv;
mod rfc9110_connect;
pub mod settings;
mod tls_trust;
mod transport;
pub mod xep0077_registration;
mod xml_console;

pub use certificate::{describe as describe_certificate, CertificateInfo};
pub use connector::{Connector, ServerAddress};
pub use proxy::Proxy;
pub use rfc6120_srv::NameServers;
pub use settings::{
    ConnectionSecurity, ConnectionSettings, HistoryWindow, ProxyKind, ProxySettings, SaslPolicy,
};
pub use tls_trust::{fingerprint, RejectedCertificate, TrustVerifier};
pub use xml_console::{Console, ConsoleDirection, ConsoleEntry};
