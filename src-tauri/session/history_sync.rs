//! How catching up from the server archive goes, as the UI is told
//! (`session/actor/sync.rs` does the catching up).

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::Problem;

/// How catch-up is going, for the conversation list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct HistorySync {
    /// Still reading the archive.
    pub running: bool,
    /// Pages read so far in this catch-up.
    pub pages: u32,
    /// Archived messages received so far (some may have been held already).
    pub messages: u32,
    /// Why catch-up stopped early (what we hold stays; the next session
    /// tries again from the same point).
    pub problem: Option<Problem>,
}
