//! Following an outgoing message through the stream's queue to its
//! delivery state: queued, sent, acknowledged by the server (XEP-0198), or
//! failed with the reason.

use tokio_xmpp::stanzastream::{StanzaStage, StanzaState, StanzaToken};

use crate::error::{ErrorCode, Problem};
use crate::store::DeliveryState;

/// Follow one outgoing message through the stream's queue; `report` hears
/// each state it reaches.
pub(super) async fn follow_delivery(
    mut token: StanzaToken,
    report: impl Fn(DeliveryState, Option<Problem>),
) {
    match token.wait_for(StanzaStage::Sent).await {
        Some(StanzaState::Sent { .. }) => report(DeliveryState::Sent, None),
        Some(StanzaState::Acked { .. }) => return report(DeliveryState::Acked, None),
        Some(StanzaState::Failed { error }) => {
            return report(
                DeliveryState::Failed,
                Some(
                    Problem::of(ErrorCode::MessageNotSent)
                        .detail(error.into_io_error().to_string()),
                ),
            )
        }
        Some(StanzaState::Dropped) | None => {
            return report(
                DeliveryState::Failed,
                Some(Problem::of(ErrorCode::MessageNotSent)),
            )
        }
        Some(StanzaState::Queued) => {}
    }
    match token.wait_for(StanzaStage::Acked).await {
        Some(StanzaState::Acked { .. }) => report(DeliveryState::Acked, None),
        Some(StanzaState::Failed { error }) => report(
            DeliveryState::Failed,
            Some(
                Problem::of(ErrorCode::MessageUnconfirmed)
                    .detail(error.into_io_error().to_string()),
            ),
        ),
        Some(StanzaState::Dropped) => report(
            DeliveryState::Failed,
            Some(Problem::of(ErrorCode::MessageUnconfirmed)),
        ),
        // No stream management: "sent" is the best we will know.
        _ => {}
    }
}
