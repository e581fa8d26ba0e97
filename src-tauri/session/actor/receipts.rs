//! The session half of XEP-0184 delivery receipts: a contact's receipt
//! marks our message delivered; a contact's request is answered.

use tokio_xmpp::Stanza;

use super::announce::update_and_announce;
use super::inbound::{Inbound, Via};
use super::Actor;
use crate::features::xep0184_receipts;
use crate::store::DeliveryState;

impl Actor {
    /// A contact's client confirms one of our messages (XEP-0184). Believed
    /// from the contact it was sent to, directly or through a carbon of
    /// what another device of ours received.
    pub(super) fn on_receipt(&mut self, inbound: &Inbound) -> bool {
        let m = &inbound.message;
        let Some(id) = xep0184_receipts::confirms(m) else {
            return false;
        };
        let (Via::Live | Via::CarbonReceived) = inbound.via else {
            return true;
        };
        let Some(peer) = m.from.as_ref().map(|f| f.to_bare().to_string()) else {
            return true;
        };
        let account = self.own.to_string();
        update_and_announce(&self.db, self.sink.clone(), move |s| {
            match s.outgoing_by_message_id(&account, &peer, &id)? {
                Some(row) => s.set_delivery_state(row, DeliveryState::Delivered, None),
                None => Ok(None),
            }
        });
        // A receipt may ride on a message with a body (rare): that body is
        // read as a message too.
        m.bodies.is_empty()
    }

    /// Answer a receipt request on a message just taken, if the sender is
    /// a contact (a stranger does not learn that we are here).
    pub(super) fn acknowledge(&mut self, inbound: &Inbound) {
        if inbound.via != Via::Live {
            return;
        }
        let m = &inbound.message;
        let known = m
            .from
            .as_ref()
            .is_some_and(|f| self.roster.contains(&f.to_bare().to_string()));
        if let Some(receipt) = xep0184_receipts::answer(m).filter(|_| known) {
            let _ = self
                .internal
                .send(super::Internal::Send(Box::new(Stanza::Message(receipt))));
        }
    }
}
