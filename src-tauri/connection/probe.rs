//! The "Test connection" button: walk the steps of a login one by one (DNS,
//! TCP, TLS, authentication) on a connection of its own and report each,
//! so the user sees where it breaks. Nothing is saved and no session starts.

use std::time::Duration;

use serde::Serialize;
use tokio_xmpp::jid::BareJid;
use tokio_xmpp::parsers::ns;
use tokio_xmpp::xmlstream::Timeouts;
use ts_rs::TS;

use super::connector::{Connector, ServerAddress};
use super::link::{classify_connect, classify_sasl};
use super::rfc6120_sasl::{authenticate, SaslError};
use super::settings::SaslPolicy;
use super::tls_trust::TrustVerifier;
use super::xml_console::Console;
use crate::error::ErrorCode;

const STEP_TIMEOUT: Duration = Duration::from_secs(30);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum StepKind {
    Dns,
    Tcp,
    Tls,
    Auth,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum StepOutcome {
    Ok,
    Failed,
    /// Not tried: an earlier step failed, or it does not apply.
    Skipped,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct ConnectionStep {
    pub step: StepKind,
    pub outcome: StepOutcome,
    /// What was found or what went wrong, as a sentence.
    pub detail: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct ConnectionReport {
    pub steps: Vec<ConnectionStep>,
}

impl ConnectionReport {
    pub fn succeeded(&self) -> bool {
        self.steps.iter().all(|s| s.outcome != StepOutcome::Failed)
            && self
                .steps
                .iter()
                .any(|s| s.step == StepKind::Auth && s.outcome == StepOutcome::Ok)
    }

    fn push(&mut self, step: StepKind, outcome: StepOutcome, detail: impl Into<String>) {
        self.steps.push(ConnectionStep {
            step,
            outcome,
            detail: detail.into(),
        });
    }

    /// Mark every step after a failure as not tried.
    fn skip_rest(mut self) -> Self {
        for step in [StepKind::Dns, StepKind::Tcp, StepKind::Tls, StepKind::Auth] {
            if !self.steps.iter().any(|s| s.step == step) {
                self.push(step, StepOutcome::Skipped, "Not tried.");
            }
        }
        self
    }
}

pub struct ProbeRequest {
    pub account: BareJid,
    /// `None`: stop after TLS (nothing to log in with).
    pub password: Option<String>,
    pub address: ServerAddress,
    pub pinned: Vec<String>,
    pub sasl: SaslPolicy,
}

pub async fn probe(req: ProbeRequest) -> ConnectionReport {
    let mut report = ConnectionReport { steps: Vec::new() };
    let domain = req.account.domain().to_string();
    let (console, _unused) = Console::new();
    let via_proxy = req
        .address
        .proxy
        .as_ref()
        .map(|p| format!(" through the proxy {}:{}", p.host, p.port))
        .unwrap_or_default();
    let security = req.address.security;
    let fixed = req.address.host.is_some();
    let connector = Connector::new(req.address, TrustVerifier::new(req.pinned), console);

    let resolution = connector.resolve(&domain).await;
    let list = |r: &super::rfc6120_srv::Resolution| {
        r.candidates
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(", ")
    };
    if resolution.candidates.is_empty() {
        report.push(
            StepKind::Dns,
            StepOutcome::Failed,
            format!("The DNS records of {domain} say it offers no XMPP service."),
        );
        return report.skip_rest();
    }
    let dns_detail = if fixed {
        format!(
            "Fixed server {} (no DNS lookup of SRV records).",
            list(&resolution)
        )
    } else if resolution.from_srv {
        format!("SRV records of {domain}: {}.", list(&resolution))
    } else {
        format!("{domain} has no SRV records; using {}.", list(&resolution))
    };
    report.push(StepKind::Dns, StepOutcome::Ok, dns_detail);

    let tcp = match tokio::time::timeout(STEP_TIMEOUT, connector.reach(&resolution)).await {
        Ok(Ok((tcp, reached))) => {
            report.push(
                StepKind::Tcp,
                StepOutcome::Ok,
                format!("Connected to {reached}{via_proxy}."),
            );
            tcp
        }
        Ok(Err(e)) => {
            let problem = classify_connect(&connector, e.into()).problem;
            report.push(StepKind::Tcp, StepOutcome::Failed, problem.message);
            return report.skip_rest();
        }
        Err(_) => {
            report.push(
                StepKind::Tcp,
                StepOutcome::Failed,
                "Nobody answered within 30 seconds.",
            );
            return report.skip_rest();
        }
    };

    let timeouts = Timeouts {
        read_timeout: STEP_TIMEOUT,
        response_timeout: STEP_TIMEOUT / 2,
    };
    let negotiated = async {
        let (pending, binding) = connector
            .negotiate(&domain, tcp, ns::JABBER_CLIENT, timeouts)
            .await?;
        let (features, stream) = pending.recv_features().await?;
        Ok::<_, tokio_xmpp::Error>((features, stream, binding))
    };
    let (features, stream, binding) = match tokio::time::timeout(STEP_TIMEOUT, negotiated).await {
        Ok(Ok(ok)) => ok,
        Ok(Err(e)) => {
            let problem = classify_connect(&connector, e).problem;
            report.push(StepKind::Tls, StepOutcome::Failed, problem.message);
            return report.skip_rest();
        }
        Err(_) => {
            report.push(
                StepKind::Tls,
                StepOutcome::Failed,
                "The server did not answer within 30 seconds.",
            );
            return report.skip_rest();
        }
    };
    if security.is_encrypted() {
        report.push(
            StepKind::Tls,
            StepOutcome::Ok,
            "Encrypted; the server's certificate is trusted.",
        );
    } else {
        report.push(
            StepKind::Tls,
            StepOutcome::Skipped,
            "Not encrypted: the connection is set to insecure plain TCP.",
        );
    }

    let Some(password) = req.password else {
        report.push(
            StepKind::Auth,
            StepOutcome::Skipped,
            "Enter the password to test the login as well.",
        );
        return report;
    };
    let user = req.account.node().map(|n| n.as_str()).unwrap_or_default();
    let login = authenticate(
        stream,
        &features,
        &binding,
        security.is_encrypted(),
        &req.sasl,
        user,
        &password,
    );
    match tokio::time::timeout(STEP_TIMEOUT, login).await {
        Ok(Ok((_stream, mechanism))) => report.push(
            StepKind::Auth,
            StepOutcome::Ok,
            format!("Logged in with {mechanism}."),
        ),
        Ok(Err(e)) => report.push(StepKind::Auth, StepOutcome::Failed, auth_sentence(e)),
        Err(_) => report.push(
            StepKind::Auth,
            StepOutcome::Failed,
            "The server did not finish the login within 30 seconds.",
        ),
    }
    report
}

/// The report's sentence for a failed login (the login screen translates
/// the code instead).
fn auth_sentence(e: SaslError) -> String {
    let problem = classify_sasl(e).problem;
    match problem.code {
        ErrorCode::AuthFailed if problem.message.is_empty() => {
            "The server rejected the user name or password.".to_owned()
        }
        ErrorCode::AuthFailed => format!(
            "The server rejected the user name or password: {}",
            problem.message
        ),
        ErrorCode::LoginRefused => format!("The server refused the login: {}", problem.message),
        _ => problem.message,
    }
}
