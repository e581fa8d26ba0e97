//! Writing XEP-0402 bookmarks (one PEP item per room) on servers that take
//! XEP-0402's publish options and on those that do not.
//!
//! A publish carries the node configuration XEP-0402 asks for as publish
//! options. ejabberd 23.01 refuses `pubsub#max_items` and
//! `pubsub#send_last_published_item` there, and the node it then creates
//! keeps a single item, so each new bookmark would replace the last. After
//! such a refusal the node is created (or reconfigured) with the full
//! configuration first, publishes wait for that, and from then on carry only
//! the options the server accepts. If the node cannot be configured, the
//! session keeps to XEP-0048 alone (logged at WARN): a one-item node would
//! lose bookmarks.

use std::mem;

use tokio::sync::oneshot;
use tokio_xmpp::Stanza;

use super::bookmark_state::{wait_for, ConfigStep, PepPublish, PepWrites, Storage};
use super::{Actor, Internal, IQ_TIMEOUT};
use crate::error::{HearthError, Result};
use crate::features::bookmark::Bookmark;
use crate::features::xep0402_bookmarks::{self, PublishOptions};
use crate::session::iq_tracker::IqAnswer;

impl Actor {
    /// Publish one bookmark to XEP-0402; the receiver tells whether it was
    /// stored.
    pub(super) async fn write_pep(
        &mut self,
        b: &Bookmark,
    ) -> Option<oneshot::Receiver<Result<()>>> {
        let (done, stored) = oneshot::channel();
        let publish = PepPublish {
            bookmark: b.clone(),
            options: PublishOptions::Full,
            done,
        };
        self.route_publish(publish).await?;
        Some(stored)
    }

    /// Send, or queue behind the node's configuration. `None`: the link is
    /// down (the publish's receiver then reports that).
    async fn route_publish(&mut self, mut publish: PepPublish) -> Option<()> {
        match &mut self.bookmarks.pep_writes {
            PepWrites::Configuring(waiting) => {
                waiting.push(publish);
                Some(())
            }
            PepWrites::Full => {
                publish.options = PublishOptions::Full;
                self.send_publish(publish).await.ok()
            }
            PepWrites::Essential => {
                publish.options = PublishOptions::Essential;
                self.send_publish(publish).await.ok()
            }
        }
    }

    /// `Err` gives the publish back when the link is down.
    async fn send_publish(&mut self, publish: PepPublish) -> std::result::Result<(), PepPublish> {
        let old = self.bookmarks.pep_items.get(&publish.bookmark.jid).cloned();
        let (id, answer) = self.tracker.register(None, IQ_TIMEOUT);
        let iq = xep0402_bookmarks::publish(&id, &publish.bookmark, old.as_ref(), publish.options);
        if self.send(Stanza::Iq(iq)).await.is_none() {
            return Err(publish);
        }
        let internal = self.internal.clone();
        tokio::spawn(async move {
            let answer = wait_for(answer).await;
            let _ = internal.send(Internal::PepPublished(publish, answer));
        });
        Ok(())
    }

    /// Again with the essential options; a publish that cannot be sent
    /// hears so.
    async fn send_essential(&mut self, publish: PepPublish) {
        let publish = PepPublish {
            options: PublishOptions::Essential,
            ..publish
        };
        if let Err(publish) = self.send_publish(publish).await {
            let _ = publish.done.send(Err(HearthError::NotConnected));
        }
    }

    pub(super) async fn on_pep_published(&mut self, publish: PepPublish, answer: IqAnswer) {
        let room = publish.bookmark.jid.clone();
        match answer {
            Ok(_) => {
                let _ = publish.done.send(Ok(()));
            }
            // Servers refuse options they do not know under several
            // conditions (XEP-0060 §7.1.5 says `conflict` with
            // precondition-not-met; ejabberd 23.01 `resource-constraint`
            // "Unknown field"), so any refusal of the full set leads to
            // configuring the node and one more try.
            Err(HearthError::Remote(e)) if publish.options == PublishOptions::Full => {
                match &mut self.bookmarks.pep_writes {
                    PepWrites::Full => {
                        log::info!(
                            "the server refused XEP-0402's publish options ({e}); configuring the bookmarks node"
                        );
                        self.bookmarks.pep_writes = PepWrites::Configuring(vec![publish]);
                        self.configure_node(ConfigStep::Create).await;
                    }
                    // Sent before the first refusal came back.
                    PepWrites::Configuring(waiting) => waiting.push(publish),
                    PepWrites::Essential => self.send_essential(publish).await,
                }
            }
            Err(e) => {
                log::warn!(
                    "the server did not store the bookmark for {room} in PEP (XEP-0402): {e}"
                );
                self.pep_unusable();
                let _ = publish.done.send(Err(e));
            }
        }
    }

    async fn configure_node(&mut self, step: ConfigStep) {
        let (id, answer) = self.tracker.register(None, IQ_TIMEOUT);
        let iq = match step {
            ConfigStep::Create => xep0402_bookmarks::create_configured(&id),
            ConfigStep::Configure => xep0402_bookmarks::configure(&id),
        };
        // Not sent: the link is down; the waiting publishes hear so below.
        if self.send(Stanza::Iq(iq)).await.is_none() {
            self.fail_waiting(HearthError::NotConnected);
            return;
        }
        let internal = self.internal.clone();
        tokio::spawn(async move {
            let answer = wait_for(answer).await;
            let _ = internal.send(Internal::PepConfigured(step, answer));
        });
    }

    pub(super) async fn on_pep_configured(&mut self, step: ConfigStep, answer: IqAnswer) {
        match (step, answer) {
            (_, Ok(_)) => {
                log::info!("bookmarks node configured for XEP-0402");
                let waiting =
                    match mem::replace(&mut self.bookmarks.pep_writes, PepWrites::Essential) {
                        PepWrites::Configuring(waiting) => waiting,
                        _ => vec![],
                    };
                for publish in waiting {
                    self.send_essential(publish).await;
                }
            }
            // The node exists already (another client made it).
            (ConfigStep::Create, Err(HearthError::Remote(e))) if e.is("conflict") => {
                self.configure_node(ConfigStep::Configure).await
            }
            (_, Err(e)) => {
                log::warn!(
                    "the server did not let Hearth configure the XEP-0402 bookmarks node: {e}"
                );
                self.pep_unusable();
                self.fail_waiting(e);
            }
        }
    }

    fn fail_waiting(&mut self, e: HearthError) {
        if let PepWrites::Configuring(waiting) = mem::take(&mut self.bookmarks.pep_writes) {
            let problem = e.problem();
            for publish in waiting {
                let _ = publish
                    .done
                    .send(Err(HearthError::Refused(problem.clone())));
            }
        }
    }

    /// With both stores, XEP-0048 alone for the rest of the session rather
    /// than failing again on every change.
    fn pep_unusable(&mut self) {
        if self.bookmarks.storage == Some(Storage::Both) {
            log::warn!("bookmarks: XEP-0048 private storage alone for the rest of this session");
            self.bookmarks.storage = Some(Storage::Private);
        }
    }

    /// Retract one bookmark from XEP-0402. An item that is not there is
    /// already gone: that is success.
    pub(super) async fn retract_pep(
        &mut self,
        room: &str,
    ) -> Option<oneshot::Receiver<Result<()>>> {
        self.bookmarks.pep_items.remove(room);
        let (id, answer) = self.tracker.register(None, IQ_TIMEOUT);
        self.send(Stanza::Iq(xep0402_bookmarks::retract(&id, room)))
            .await?;
        let (done, removed) = oneshot::channel();
        let room = room.to_owned();
        tokio::spawn(async move {
            let result = match wait_for(answer).await {
                Ok(_) => Ok(()),
                Err(HearthError::Remote(e)) if e.is("item-not-found") => Ok(()),
                Err(e) => {
                    log::warn!("the server did not remove the bookmark for {room} from PEP (XEP-0402): {e}");
                    Err(e)
                }
            };
            let _ = done.send(result);
        });
        Some(removed)
    }
}
