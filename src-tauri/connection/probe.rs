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
use super::failure::{classify_connect, classify_sasl};
use super::rfc6120_sasl::authenticate;
use super::settings::SaslPolicy;
use super::tls_trust::TrustVerifier;
use super::xml_console::Console;
use crate::error::{ErrorCode, Problem};

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

/// What a step found, for the UI to phrase.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum StepFinding {
    /// A fixed host: no DNS lookup of SRV records.
    FixedServer {
        servers: Vec<String>,
    },
    SrvRecords {
        domain: String,
        servers: Vec<String>,
    },
    /// No SRV records: the domain itself on the default port.
    NoSrvRecords {
        domain: String,
        servers: Vec<String>,
    },
    /// `proxy` is `host:port` when the connection went through one.
    Connected {
        server: String,
        proxy: Option<String>,
    },
    /// Encrypted, and the certificate is trusted.
    Encrypted,
    /// Insecure plain TCP, as the settings say.
    NotEncrypted,
    /// No password was given, so the login was not tried.
    NeedsPassword,
    LoggedIn {
        mechanism: String,
    },
    /// An earlier step failed.
    NotTried,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct ConnectionStep {
    pub step: StepKind,
    pub outcome: StepOutcome,
    /// What was found (a step that worked or was skipped).
    pub finding: Option<StepFinding>,
    /// Why the step failed.
    pub problem: Option<Problem>,
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

    fn push(&mut self, step: StepKind, outcome: StepOutcome, finding: StepFinding) {
        self.steps.push(ConnectionStep {
            step,
            outcome,
            finding: Some(finding),
            problem: None,
        });
    }

    fn fail(&mut self, step: StepKind, problem: Problem) {
        self.steps.push(ConnectionStep {
            step,
            outcome: StepOutcome::Failed,
            finding: None,
            problem: Some(problem),
        });
    }

    /// Mark every step after a failure as not tried.
    fn skip_rest(mut self) -> Self {
        for step in [StepKind::Dns, StepKind::Tcp, StepKind::Tls, StepKind::Auth] {
            if !self.steps.iter().any(|s| s.step == step) {
                self.push(step, StepOutcome::Skipped, StepFinding::NotTried);
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
        .map(|p| format!("{}:{}", p.host, p.port));
    let security = req.address.security;
    let fixed = req.address.host.is_some();
    let connector = Connector::new(req.address, TrustVerifier::new(req.pinned), console);

    let resolution = connector.resolve(&domain).await;
    if resolution.candidates.is_empty() {
        report.fail(
            StepKind::Dns,
            Problem::of(ErrorCode::NoXmppService).detail(domain),
        );
        return report.skip_rest();
    }
    let servers = resolution
        .candidates
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>();
    let finding = if fixed {
        StepFinding::FixedServer { servers }
    } else if resolution.from_srv {
        StepFinding::SrvRecords {
            domain: domain.clone(),
            servers,
        }
    } else {
        StepFinding::NoSrvRecords {
            domain: domain.clone(),
            servers,
        }
    };
    report.push(StepKind::Dns, StepOutcome::Ok, finding);

    let tcp = match tokio::time::timeout(STEP_TIMEOUT, connector.reach(&resolution)).await {
        Ok(Ok((tcp, reached))) => {
            report.push(
                StepKind::Tcp,
                StepOutcome::Ok,
                StepFinding::Connected {
                    server: reached.to_string(),
                    proxy: via_proxy,
                },
            );
            tcp
        }
        Ok(Err(e)) => {
            report.fail(StepKind::Tcp, classify_connect(e.into()).problem);
            return report.skip_rest();
        }
        Err(_) => {
            report.fail(StepKind::Tcp, Problem::of(ErrorCode::Timeout));
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
            report.fail(StepKind::Tls, classify_connect(e).problem);
            return report.skip_rest();
        }
        Err(_) => {
            report.fail(StepKind::Tls, Problem::of(ErrorCode::Timeout));
            return report.skip_rest();
        }
    };
    if security.is_encrypted() {
        report.push(StepKind::Tls, StepOutcome::Ok, StepFinding::Encrypted);
    } else {
        report.push(
            StepKind::Tls,
            StepOutcome::Skipped,
            StepFinding::NotEncrypted,
        );
    }

    let Some(password) = req.password else {
        report.push(
            StepKind::Auth,
            StepOutcome::Skipped,
            StepFinding::NeedsPassword,
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
            StepFinding::LoggedIn {
                mechanism: mechanism.to_string(),
            },
        ),
        Ok(Err(e)) => report.fail(StepKind::Auth, classify_sasl(e).problem),
        Err(_) => report.fail(StepKind::Auth, Problem::of(ErrorCode::Timeout)),
    }
    report
}
