//! The stream's life as the actor sees it: what the reconnector reports
//! (connecting, waiting, given up), and what the stream says (a new
//! session bound, the old one resumed, the link suspended).

use tokio_xmpp::jid::Jid;
use tokio_xmpp::stanzastream::{Event, StreamEvent};
use tokio_xmpp::Stanza;

use super::{Actor, Internal, IQ_TIMEOUT};
use crate::connection::link::LinkStatus;
use crate::error::{ErrorCode, HearthError, Problem};
use crate::features::registry;
use crate::features::{rfc6121_presence, rfc6121_roster};
use crate::session::event::SessionEvent;
use crate::session::state::ConnectionState;

impl Actor {
    pub(super) fn set_state(&self, s: ConnectionState) {
        if *self.state.borrow() != s {
            self.state.send_replace(s.clone());
            self.sink.emit(SessionEvent::State(s));
        }
    }

    pub(super) fn on_link(&mut self, status: LinkStatus) {
        match status {
            LinkStatus::Connecting => {
                if !matches!(*self.state.borrow(), ConnectionState::Reconnecting { .. }) {
                    self.set_state(ConnectionState::Connecting);
                }
            }
            LinkStatus::Waiting { reason, delay } => {
                self.lost_reason = Some(reason.clone());
                // Every wait is announced, even one as long as the last
                // (jitter can round two to the same seconds): the UI's
                // countdown starts again from it.
                let s = ConnectionState::Reconnecting {
                    reason,
                    retry_in_secs: delay.as_secs_f64().ceil() as u32,
                };
                self.state.send_replace(s.clone());
                self.sink.emit(SessionEvent::State(s));
            }
            LinkStatus::Stopped(problem) => {
                self.stopped = Some(problem.clone());
                self.set_state(ConnectionState::Offline {
                    reason: Some(problem),
                });
            }
        }
    }

    pub(super) async fn on_event(&mut self, ev: Event) {
        match ev {
            Event::Stream(StreamEvent::Reset {
                bound_jid,
                resumable,
                ..
            }) => {
                self.sync.resumes_caught_up = false;
                if self.resumption.on_reset(&bound_jid, resumable) {
                    self.resumption.forget(&self.db, self.own.as_str());
                }
                self.on_fresh_session(bound_jid).await
            }
            Event::Stream(StreamEvent::Resumed) => {
                if let Some((jid, caught_up)) = self.resumption.on_resumed() {
                    // The session an earlier run left: new to this process.
                    // The server resends what that run had not stored; if
                    // it had caught up with the archive, nothing else is
                    // missing.
                    self.sync.resumes_caught_up = caught_up;
                    return self.on_fresh_session(jid).await;
                }
                self.lost_reason = None;
                self.sync_resumed();
                if let Some(jid) = &self.bound {
                    self.set_state(ConnectionState::Online {
                        jid: jid.to_string(),
                        new_session_after_loss: false,
                    });
                }
            }
            Event::Stream(StreamEvent::Suspended) => {
                self.sync_suspended();
                let reason = self
                    .lost_reason
                    .clone()
                    .unwrap_or_else(|| Problem::of(ErrorCode::ConnectionLost));
                self.set_state(ConnectionState::Reconnecting {
                    reason,
                    retry_in_secs: 0,
                });
            }
            Event::Stanza(stanza, counted) => {
                match stanza {
                    Stanza::Iq(iq) => self.on_iq(iq).await,
                    Stanza::Message(m) => self.on_message(m),
                    Stanza::Presence(p) => self.on_presence(p).await,
                }
                self.resumption.handled(counted);
            }
        }
    }

    /// A new session (first login, or resumption failed): ask for the
    /// roster, announce presence, then report online.
    async fn on_fresh_session(&mut self, bound: Jid) {
        self.tracker.fail_all();
        // A previous session existed: the server could not resume it.
        let after_loss = self.bound.is_some();
        let gone = self.presence.clear();
        self.presence_batch.extend(gone);
        self.bound = Some(bound.clone());
        let (id, answer) = self.tracker.register(None, IQ_TIMEOUT);
        self.roster.loading();
        let request = rfc6121_roster::request(&id);
        self.send(Stanza::Iq(request)).await;
        let internal = self.internal.clone();
        tokio::spawn(async move {
            let result = answer.await.unwrap_or(Err(HearthError::NotConnected));
            let _ = internal.send(Internal::RosterLoaded(result));
        });
        let presence = rfc6121_presence::own(
            self.own_show,
            self.own_status.as_deref(),
            self.priority,
            registry::caps(super::registration::features()),
        );
        self.send(Stanza::Presence(presence)).await;
        self.rejoin_rooms().await;
        self.start_bookmarks().await;
        self.lost_reason = None;
        self.set_state(ConnectionState::Online {
            jid: bound.to_string(),
            new_session_after_loss: after_loss,
        });
        // After "online": catching up never holds up the start.
        self.start_sync().await;
    }
}
