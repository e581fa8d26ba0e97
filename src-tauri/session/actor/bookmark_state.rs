//! What the actor remembers about the account's bookmarks between stanzas:
//! where they live, what was fetched, and how XEP-0402 publishes are going.
//! The behaviour is in `bookmarks.rs` and `pep_bookmarks.rs`.

use std::collections::HashMap;

use tokio::sync::oneshot;
use tokio_xmpp::minidom::Element;

use crate::error::{HearthError, Result};
use crate::features::bookmark::Bookmark;
use crate::features::xep0402_bookmarks::PublishOptions;
use crate::session::iq_tracker::IqAnswer;

/// Where the account's bookmarks live.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Storage {
    /// XEP-0402; the server mirrors it into XEP-0048 (`#compat`).
    Pep,
    /// XEP-0048 in private storage only.
    Private,
    /// Both, kept in step by Hearth.
    Both,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Source {
    Private,
    Pep,
}

#[derive(Default)]
pub(super) struct Bookmarks {
    pub(super) storage: Option<Storage>,
    pub(super) list: Vec<Bookmark>,
    /// The last XEP-0048 document (written back with our changes).
    pub(super) private_doc: Option<Element>,
    /// The last XEP-0402 `<conference/>` of each room.
    pub(super) pep_items: HashMap<String, Element>,
    /// Fetch answers still awaited at login.
    pub(super) waiting: HashMap<Source, Option<Vec<Bookmark>>>,
    pub(super) loaded: bool,
    /// How this session's server takes XEP-0402 publishes.
    pub(super) pep_writes: PepWrites,
}

pub(super) async fn wait_for(answer: oneshot::Receiver<IqAnswer>) -> IqAnswer {
    answer.await.unwrap_or(Err(HearthError::NotConnected))
}

/// How this session's server takes XEP-0402 publishes.
#[derive(Default)]
pub(crate) enum PepWrites {
    /// Publish options as XEP-0402 has them (until refused).
    #[default]
    Full,
    /// The node is being configured; these publishes wait for it.
    Configuring(Vec<PepPublish>),
    /// The node is configured; publishes carry the essential options.
    Essential,
}

/// A XEP-0402 publish on its way: what to do with the server's answer.
pub(crate) struct PepPublish {
    pub(super) bookmark: Bookmark,
    pub(super) options: PublishOptions,
    pub(super) done: oneshot::Sender<Result<()>>,
}

/// Which step of configuring the node an answer belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ConfigStep {
    /// Create the node with its configuration.
    Create,
    /// The node existed: configure it.
    Configure,
}
