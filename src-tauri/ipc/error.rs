//! The error shape that crosses IPC: the [`Problem`] itself (a code and
//! its parameters), which the UI translates.

use serde::Serialize;
use ts_rs::TS;

use crate::error::{HearthError, Problem};

#[derive(Debug, Clone, Serialize, TS)]
pub struct IpcError(pub Problem);

impl From<HearthError> for IpcError {
    fn from(e: HearthError) -> Self {
        Self(e.problem())
    }
}

pub type IpcResult<T> = Result<T, IpcError>;
