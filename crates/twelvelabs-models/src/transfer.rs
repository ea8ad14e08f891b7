//! Legacy v1.2 payloads: the cloud-to-cloud transfer file
//! (`POST /v1.2/tasks/transfers`) and the per-index status summary
//! (`GET /v1.2/tasks/status?index_id=`).

use serde::Serialize;

use crate::lenient::lenient_object;
use crate::{Extra, IndexId};

/// One element of the JSON array uploaded to `POST /v1.2/tasks/transfers`
/// (the file downloaded from the dashboard's Integrations page).
///
/// ```
/// # use twelvelabs_models::TransferFileEntry;
/// let entries = vec![TransferFileEntry::new("6298d673f1090f1100476d4c", "s3://bucket/01.mp4")];
/// assert_eq!(
///     serde_json::to_string(&entries).unwrap(),
///     r#"[{"index_id":"6298d673f1090f1100476d4c","object":"s3://bucket/01.mp4"}]"#
/// );
/// ```
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct TransferFileEntry {
    /// The target index.
    pub index_id: IndexId,
    /// The video language (e.g. `en`).
    pub language: Option<String>,
    /// The S3 URL of the video.
    pub object: String,
    /// The S3 URL of an SRT/VTT transcription.
    pub transcription: Option<String>,
}

impl TransferFileEntry {
    /// An entry for one video object, without language or transcription.
    pub fn new(index_id: impl Into<IndexId>, object: impl Into<String>) -> Self {
        Self {
            index_id: index_id.into(),
            language: None,
            object: object.into(),
            transcription: None,
        }
    }
}

lenient_object! {
    TransferFileEntry expecting "a transfer file entry" {
        index_id: Required "index_id",
        language: Optional "language",
        object: Required "object",
        transcription: Optional "transcription",
    }
}

/// The v1.2 `GET /tasks/status?index_id=` summary (SDK-only endpoint): task
/// counts per status for one index.
///
/// `index_id` is required; a missing or `null` counter reads as `0`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct IndexTaskStatus {
    /// The index summarised.
    pub index_id: IndexId,
    /// Tasks in `ready`.
    pub ready: u64,
    /// Tasks in `validating`.
    pub validating: u64,
    /// Tasks in `pending`.
    pub pending: u64,
    /// Tasks in `failed`.
    pub failed: u64,
    /// All tasks of the index.
    pub total_result: u64,
    /// Every other key, unchanged.
    #[serde(flatten)]
    pub extra: Extra,
}

impl IndexTaskStatus {
    /// A summary with every counter at zero.
    pub fn new(index_id: impl Into<IndexId>) -> Self {
        Self {
            index_id: index_id.into(),
            ready: 0,
            validating: 0,
            pending: 0,
            failed: 0,
            total_result: 0,
            extra: Extra::new(),
        }
    }
}

lenient_object! {
    IndexTaskStatus expecting "an index task status object" {
        index_id: Required "index_id",
        ready: Count "ready",
        validating: Count "validating",
        pending: Count "pending",
        failed: Count "failed",
        total_result: Count "total_result",
        ..extra
    }
}
