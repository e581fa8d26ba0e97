//! Sending what an earlier run left queued (`store/outbox.rs`): once per
//! session actor, after the first catch-up from the archive has marked as
//! acked whatever did go out, so a message is sent once. Messages written
//! during this run are the stream's to deliver, and are not touched.

use tokio_xmpp::jid::Jid;

use super::{Actor, Internal};
use crate::store::Queued;

/// Messages released from the outbox at most per start.
const MAX_RELEASED: u32 = 1_000;

impl Actor {
    /// Remember which rows existed before this actor stored anything: only
    /// those can have been left queued by an earlier run.
    pub(super) async fn mark_outbox(&mut self) {
        match self.db.write(|s| s.newest_row()).await {
            Ok(row) => self.outbox_up_to = Some(row),
            Err(e) => log::warn!("could not read the outbox: {e}"),
        }
    }

    /// Catch-up is over (or there is no archive): send what waited.
    pub(super) fn release_outbox(&mut self) {
        let Some(up_to) = self.outbox_up_to.take() else {
            return;
        };
        let account = self.own.to_string();
        let db = self.db.clone();
        let internal = self.internal.clone();
        tokio::spawn(async move {
            // On the store thread, after the archive's confirmations.
            match db
                .write(move |s| s.queued_outgoing(&account, up_to, MAX_RELEASED))
                .await
            {
                Ok(queued) if !queued.is_empty() => {
                    let _ = internal.send(Internal::Outbox(queued));
                }
                Ok(_) => {}
                Err(e) => log::warn!("could not read the outbox: {e}"),
            }
        });
    }

    pub(super) async fn on_outbox(&mut self, queued: Vec<Queued>) {
        log::info!(
            "sending {} messages written before the last start",
            queued.len()
        );
        for q in queued {
            let Ok(to) = q.to.parse::<Jid>() else {
                continue;
            };
            let (stanza, _) = self.chat_message(to, q.body, Some(q.id));
            if !self.send_and_follow(stanza, q.row).await {
                return;
            }
        }
    }
}
