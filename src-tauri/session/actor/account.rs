//! Account-level requests: changing the password (XEP-0077).

use tokio::sync::oneshot;
use tokio_xmpp::jid::Jid;
use tokio_xmpp::Stanza;

use super::{Actor, IQ_TIMEOUT};
use crate::error::{HearthError, Result};

impl Actor {
    pub(super) async fn change_password(
        &mut self,
        new_password: String,
        reply: oneshot::Sender<Result<()>>,
    ) {
        if !self.state.borrow().is_online() {
            let _ = reply.send(Err(HearthError::NotConnected));
            return;
        }
        let server = Jid::from(self.own.domain().to_owned());
        let (id, answer) = self.tracker.register(Some(server), IQ_TIMEOUT);
        let request =
            crate::features::xep0077_register::change_password(&id, &self.own, &new_password);
        self.send(Stanza::Iq(request)).await;
        let link = self.link.clone();
        // The answer arrives through this actor's loop: wait in a task.
        tokio::spawn(async move {
            let result = match answer.await {
                Ok(Ok(_)) => {
                    if let Ok(mut p) = link.password.lock() {
                        *p = new_password;
                    }
                    Ok(())
                }
                Ok(Err(e)) => Err(e),
                Err(_) => Err(HearthError::NotConnected),
            };
            let _ = reply.send(result);
        });
    }
}
