//! The error shape that crosses IPC: `{ code, message }`.

use serde::Serialize;
use ts_rs::TS;

use crate::error::{ErrorCode, HearthError};

#[derive(Debug, Clone, Serialize, TS)]
pub struct IpcError {
    pub code: ErrorCode,
    pub message: String,
}

impl From<HearthError> for IpcError {
    fn from(e: HearthError) -> Self {
        Self {
            code: e.code(),
            message: e.to_string(),
        }
    }
}

pub type IpcResult<T> = Result<T, IpcError>;
