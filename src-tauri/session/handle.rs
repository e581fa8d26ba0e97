//! The handle the rest of the app holds on a session: commands with a
//! oneshot reply, the connection state, the console switch.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{mpsc, oneshot, watch};
use tokio_xmpp::jid::{BareJid, Jid};
use tokio_xmpp::minidom::Element;
use tokio_xmpp::Stanza;

use super::command::{Command, RosterSnapshot};
use super::state::ConnectionState;
use crate::connection::{Console, TrustVerifier};
use crate::error::{ErrorCode, HearthError, InputField, Problem, Result};
use crate::features::rfc6121_presence::PresenceShow;
use crate::features::xep0085_chat_states::ChatState;
use crate::store::ChatMessage;

#[derive(Clone)]
pub struct SessionHandle {
    pub(super) account: BareJid,
    pub(super) commands: mpsc::Sender<Command>,
    pub(super) state: watch::Receiver<ConnectionState>,
    pub(super) trust: Arc<TrustVerifier>,
    pub(super) console: Console,
}

impl SessionHandle {
    /// Show (or stop showing) this account's traffic in the XML console.
    pub fn set_console_open(&self, open: bool) {
        self.console.set_open(open);
    }

    /// The certificate this session last refused, if any.
    pub fn rejected_certificate(&self) -> Option<crate::connection::RejectedCertificate> {
        self.trust.last_rejected()
    }

    pub fn account(&self) -> &BareJid {
        &self.account
    }

    pub fn state(&self) -> ConnectionState {
        self.state.borrow().clone()
    }

    /// Wait until the state satisfies `pred` or `timeout` passes.
    pub async fn wait_for_state(
        &self,
        timeout: Duration,
        pred: impl Fn(&ConnectionState) -> bool,
    ) -> Option<ConnectionState> {
        let mut rx = self.state.clone();
        let fut = async { rx.wait_for(|s| pred(s)).await.map(|s| s.clone()).ok() };
        tokio::time::timeout(timeout, fut).await.ok().flatten()
    }

    pub(super) async fn ask<T>(
        &self,
        make: impl FnOnce(oneshot::Sender<T>) -> Command,
    ) -> Result<T> {
        let (tx, rx) = oneshot::channel();
        self.commands
            .send(make(tx))
            .await
            .map_err(|_| HearthError::NotConnected)?;
        rx.await.map_err(|_| HearthError::NotConnected)
    }

    /// The page before the oldest message held with `peer`, from the
    /// server's archive (stored, then answered); `complete` when the
    /// archive has nothing older.
    pub async fn fetch_older(&self, peer: &str) -> Result<crate::store::HistoryPage> {
        let peer = peer.to_owned();
        self.ask(|reply| Command::FetchOlder { peer, reply })
            .await?
    }

    pub async fn send_message(&self, to: &str, body: &str) -> Result<ChatMessage> {
        let (to, body) = addressed(to, body)?;
        self.ask(|reply| Command::SendMessage { to, body, reply })
            .await?
    }

    pub async fn set_presence(&self, show: PresenceShow, status: Option<String>) -> Result<()> {
        self.ask(|reply| Command::SetPresence {
            show,
            status,
            reply,
        })
        .await?
    }

    /// Add (or update) a contact and ask to see their presence; with
    /// `share`, let them see ours too without asking.
    pub async fn add_contact(
        &self,
        jid: &str,
        name: Option<String>,
        groups: Vec<String>,
        share: bool,
    ) -> Result<()> {
        let jid = parse_bare(jid)?;
        self.ask(|reply| Command::AddContact {
            jid,
            name,
            groups,
            share,
            reply,
        })
        .await?
    }

    /// Give a contact another name or other groups.
    pub async fn update_contact(
        &self,
        jid: &str,
        name: Option<String>,
        groups: Vec<String>,
    ) -> Result<()> {
        let jid = parse_bare(jid)?;
        self.ask(|reply| Command::UpdateContact {
            jid,
            name,
            groups,
            reply,
        })
        .await?
    }

    /// Rename the group `from` to `to`, or dissolve it (`to` blank): its
    /// contacts keep their other groups.
    pub async fn regroup(&self, from: &str, to: &str) -> Result<()> {
        let (from, to) = (from.to_owned(), to.to_owned());
        self.ask(|reply| Command::Regroup { from, to, reply })
            .await?
    }

    /// Remove a contact, ending the subscriptions both ways.
    pub async fn remove_contact(&self, jid: &str) -> Result<()> {
        let jid = parse_bare(jid)?;
        self.ask(|reply| Command::RemoveContact { jid, reply })
            .await?
    }

    /// Ask again to see a contact's presence, or (`ask` false) stop seeing it.
    pub async fn ask_presence(&self, jid: &str, ask: bool) -> Result<()> {
        let jid = parse_bare(jid)?;
        self.ask(|reply| Command::AskPresence { jid, ask, reply })
            .await?
    }

    /// Change the account's password on the server (XEP-0077); later
    /// reconnects use the new one.
    pub async fn change_password(&self, new_password: &str) -> Result<()> {
        if new_password.is_empty() {
            return Err(Problem::invalid(InputField::NewPassword).into());
        }
        let new_password = new_password.to_owned();
        self.ask(|reply| Command::ChangePassword {
            new_password,
            reply,
        })
        .await?
    }

    /// Send one stanza typed by the user (the XML console's "send").
    pub async fn send_raw(&self, xml: &str) -> Result<()> {
        // Checked before parsing: the parser recurses, and a paste thousands
        // of levels deep must not overflow the stack.
        if nesting_depth(xml) > MAX_TYPED_DEPTH {
            return Err(Problem::of(ErrorCode::InvalidXml)
                .limit(MAX_TYPED_DEPTH as u32)
                .into());
        }
        let element = parse_typed(xml.trim())
            .map_err(|e| Problem::of(ErrorCode::InvalidXml).detail(e.to_string()))?;
        let stanza = Stanza::try_from(element)
            .map_err(|e| Problem::of(ErrorCode::NotAStanza).detail(e.to_string()))?;
        let stanza = Box::new(stanza);
        self.ask(|reply| Command::SendRaw { stanza, reply }).await?
    }

    /// Accept (mutual subscription) or refuse someone's request to see our
    /// presence.
    pub async fn answer_subscription(&self, jid: &str, accept: bool) -> Result<()> {
        let jid = parse_bare(jid)?;
        self.ask(|reply| Command::AnswerSubscription { jid, accept, reply })
            .await?
    }

    /// The user has seen the conversation with `peer`: a displayed marker
    /// goes to the contact for its newest markable message, once, and only
    /// to a contact in the roster. True when one went out.
    pub async fn mark_displayed(&self, peer: &str) -> Result<bool> {
        let peer = parse_bare(peer)?;
        self.ask(|reply| Command::MarkDisplayed { peer, reply })
            .await
    }

    /// Correct our message `row` to `body`: sent to the conversation, and
    /// shown as edited here. The text may not be empty.
    pub async fn correct_message(&self, row: i64, body: &str) -> Result<()> {
        let body = body.trim_end();
        if body.trim().is_empty() {
            return Err(Problem::invalid(InputField::Message).into());
        }
        let body = Some(body.to_owned());
        self.ask(|reply| Command::AmendOwn { row, body, reply })
            .await?
    }

    /// Retract our message `row` for everyone: its text is gone here and,
    /// where their clients honour it, for the others.
    pub async fn retract_message(&self, row: i64) -> Result<()> {
        self.ask(|reply| Command::AmendOwn {
            row,
            body: None,
            reply,
        })
        .await?
    }

    /// `body` to `to` (a contact, an occupant or a room) as a reply to our
    /// stored message `answering` (XEP-0461).
    pub async fn send_reply(&self, to: &str, body: &str, answering: i64) -> Result<ChatMessage> {
        let (to, body) = addressed(to, body)?;
        self.ask(|reply| Command::SendReply {
            to,
            body,
            answering,
            reply,
        })
        .await?
    }

    /// Our whole set of reactions to message `row` becomes `emojis` (empty:
    /// none).
    pub async fn react(&self, row: i64, emojis: Vec<String>) -> Result<()> {
        self.ask(|reply| Command::React { row, emojis, reply })
            .await?
    }

    /// The user's chat state in the conversation with `peer` (a contact,
    /// an occupant or a room): sent where the other side welcomes it.
    pub async fn set_chat_state(&self, peer: &str, state: ChatState) -> Result<()> {
        let peer: Jid = peer
            .trim()
            .parse()
            .map_err(|_| HearthError::InvalidJid(peer.to_owned()))?;
        self.ask(|reply| Command::SetChatState { peer, state, reply })
            .await?
    }

    pub async fn roster(&self) -> RosterSnapshot {
        self.ask(|reply| Command::Roster { reply })
            .await
            .unwrap_or(RosterSnapshot {
                items: vec![],
                presences: vec![],
                requests: Default::default(),
            })
    }

    /// Say goodbye to the server and end the session.
    pub async fn logout(&self) {
        let _ = self.ask(|reply| Command::Logout { reply }).await;
    }
}

/// Deepest nesting accepted from the XML console. Generous (an admin may
/// test a server with odd stanzas) but far from what overflows the parser.
const MAX_TYPED_DEPTH: usize = 500;

/// The deepest element nesting in `xml`, by a scan that needs no parser.
fn nesting_depth(xml: &str) -> usize {
    let (mut depth, mut deepest) = (0usize, 0usize);
    let mut rest = xml;
    while let Some(start) = rest.find('<') {
        let tag_and_after = &rest[start + 1..];
        let end = tag_and_after.find('>').unwrap_or(tag_and_after.len());
        let tag = &tag_and_after[..end];
        if tag.starts_with('/') {
            depth = depth.saturating_sub(1);
        } else if !tag.starts_with('?') && !tag.starts_with('!') {
            depth += 1;
            deepest = deepest.max(depth);
            if tag.ends_with('/') {
                depth -= 1;
            }
        }
        rest = tag_and_after.get(end + 1..).unwrap_or("");
    }
    deepest
}

/// Parse typed XML with the same token limit as the incoming stream, so a
/// stanza that Hearth would accept from the server can also be sent; a
/// missing `xmlns` means `jabber:client`.
fn parse_typed(xml: &str) -> std::result::Result<Element, tokio_xmpp::minidom::Error> {
    use tokio_xmpp::minidom::rxml::{Options, RawParser, RawReader, WithOptions};
    use tokio_xmpp::minidom::tree_builder::TreeBuilder;
    let parser = <RawParser as WithOptions>::with_options(Options {
        max_token_length: tokio_xmpp::xmlstream::MAX_TOKEN_LENGTH,
        ..Options::default()
    });
    let mut reader = RawReader::wrap(xml.as_bytes(), parser);
    // Stanzas typed without `xmlns` are in the client namespace, as they
    // would be on the stream.
    let mut builder =
        TreeBuilder::new().with_prefixes_stack(vec![String::from("jabber:client").into()]);
    while let Some(event) = reader.read()? {
        builder.process_event(event)?;
        if let Some(root) = builder.root.take() {
            return Ok(root);
        }
    }
    Err(tokio_xmpp::minidom::Error::EndOfDocument)
}

/// A message's addressee and text as typed: a valid address, and not blank.
fn addressed(to: &str, body: &str) -> Result<(Jid, String)> {
    let jid: Jid = to
        .trim()
        .parse()
        .map_err(|_| HearthError::InvalidJid(to.to_owned()))?;
    if body.trim().is_empty() {
        return Err(Problem::invalid(InputField::Message).into());
    }
    Ok((jid, body.to_owned()))
}

/// An address as typed or shown: a bare JID, or the reason it is not.
pub(super) fn parse_bare(jid: &str) -> Result<BareJid> {
    jid.trim()
        .parse()
        .map_err(|_| HearthError::InvalidJid(jid.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::nesting_depth;

    #[test]
    fn nesting_depth_counts_open_elements() {
        assert_eq!(nesting_depth("<a><b/><c><d>x</d></c></a>"), 3);
        assert_eq!(nesting_depth("<?xml version='1.0'?><a/>"), 1);
        assert_eq!(nesting_depth(&"<x>".repeat(5000)), 5000);
    }
}
