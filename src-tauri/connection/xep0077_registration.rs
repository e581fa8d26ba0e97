//! Creating an account before logging in (XEP-0077 §3.1): a connection of
//! its own, secured exactly like a login (STARTTLS or direct TLS, the same
//! trust), asks the server for its registration form and submits it.
//! Nothing here sees a logged-in session.

use std::time::Duration;

use futures::{SinkExt, StreamExt};
use tokio_xmpp::connect::ServerConnector;
use tokio_xmpp::jid::Jid;
use tokio_xmpp::minidom::Element;
use tokio_xmpp::parsers::iq::Iq;
use tokio_xmpp::parsers::ns;
use tokio_xmpp::xmlstream::{ReadError, Timeouts, XmppStream, XmppStreamElement};
use tokio_xmpp::Stanza;

use super::connector::{Connector, ServerAddress};
use super::failure::classify_connect;
use super::tls_trust::TrustVerifier;
use super::xml_console::Console;
use crate::error::{ErrorCode, Problem};
use crate::features::rfc6121_messages::remote_error;
use crate::features::xep0077_register::{form, NS};

const ANSWER_TIMEOUT: Duration = Duration::from_secs(30);

type Stream = XmppStream<<Connector as ServerConnector>::Stream>;

async fn open(
    domain: &str,
    address: ServerAddress,
    pinned: Vec<String>,
) -> Result<(Connector, Stream), Problem> {
    let jid: Jid = domain
        .parse()
        .map_err(|_| Problem::of(ErrorCode::InvalidServerName).detail(domain))?;
    let (console, _unused) = Console::new();
    let connector = Connector::new(address, TrustVerifier::new(pinned), console);
    let timeouts = Timeouts {
        read_timeout: Duration::from_secs(30),
        response_timeout: Duration::from_secs(15),
    };
    let pending = match tokio::time::timeout(
        ANSWER_TIMEOUT,
        connector.connect(&jid, ns::JABBER_CLIENT, timeouts),
    )
    .await
    {
        Ok(Ok((pending, _binding))) => pending,
        Ok(Err(e)) => return Err(classify_connect(e).problem),
        Err(_) => return Err(Problem::of(ErrorCode::Timeout)),
    };
    let (features, stream) = pending
        .recv_features()
        .await
        .map_err(|e| classify_connect(e.into()).problem)?;
    if !features.in_band_registration {
        return Err(Problem::of(ErrorCode::RegistrationUnsupported));
    }
    Ok((connector, stream))
}

/// Send one IQ on the unauthenticated stream and wait for its answer.
async fn ask(stream: &mut Stream, iq: Iq) -> Result<Option<Element>, Problem> {
    let id = iq.id().to_owned();
    let lost = || Problem::of(ErrorCode::ConnectionLost);
    stream
        .send(&XmppStreamElement::Stanza(Stanza::Iq(iq)))
        .await
        .map_err(|_| lost())?;
    let wait = async {
        loop {
            match stream
                .next()
                .await
                .map(|v| v.and_then(|v| v.into_read_error()))
            {
                Some(Ok(XmppStreamElement::Stanza(Stanza::Iq(answer)))) if answer.id() == id => {
                    return match answer {
                        Iq::Result { payload, .. } => Ok(payload),
                        Iq::Error { error, .. } => Err(refusal(&error)),
                        _ => Err(lost()),
                    };
                }
                Some(Ok(_))
                | Some(Err(ReadError::SoftTimeout))
                | Some(Err(ReadError::ParseError(_))) => continue,
                _ => return Err(lost()),
            }
        }
    };
    tokio::time::timeout(ANSWER_TIMEOUT, wait)
        .await
        .unwrap_or_else(|_| Err(Problem::of(ErrorCode::Timeout)))
}

/// The server's refusal to create the account (`conflict`: the name is
/// taken; `not-allowed`: no registration from clients; …).
fn refusal(e: &tokio_xmpp::parsers::stanza_error::StanzaError) -> Problem {
    remote_error(e)
        .problem()
        .recode(ErrorCode::RegistrationRefused)
}

/// The server's registration form.
pub async fn fetch_form(
    domain: &str,
    address: ServerAddress,
    pinned: Vec<String>,
) -> Result<form::RegistrationForm, Problem> {
    let (_connector, mut stream) = open(domain, address, pinned).await?;
    let query = Element::builder("query", NS).build();
    let iq = Iq::Get {
        from: None,
        to: None,
        id: "reg-form".into(),
        payload: query,
    };
    let answer = ask(&mut stream, iq).await?;
    let _ = SinkExt::<&XmppStreamElement>::close(&mut stream).await;
    answer
        .filter(|q| q.is("query", NS))
        .map(|q| form::parse(&q))
        .ok_or_else(|| Problem::of(ErrorCode::RegistrationUnsupported))
}

/// Submit the filled-in form; `Ok` means the account exists now.
pub async fn submit(
    domain: &str,
    address: ServerAddress,
    pinned: Vec<String>,
    data_form: bool,
    values: &[(String, String)],
) -> Result<(), Problem> {
    let (_connector, mut stream) = open(domain, address, pinned).await?;
    let iq = Iq::Set {
        from: None,
        to: None,
        id: "reg-submit".into(),
        payload: form::submission(data_form, values),
    };
    let result = ask(&mut stream, iq).await.map(|_| ());
    let _ = SinkExt::<&XmppStreamElement>::close(&mut stream).await;
    result
}
