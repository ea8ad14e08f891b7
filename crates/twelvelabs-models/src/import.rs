//! Cloud import: `POST /tasks/transfers/import/{integration-id}` and its
//! `/status` and `/logs` companions (v1.2 and v1.3, same shapes).

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::{Map, Value};

use crate::lenient::lenient_object;
use crate::{Extra, IndexId, VideoId};

/// User metadata attached to imported videos: a JSON object passed through
/// verbatim (keys are never case-converted or otherwise rewritten).
pub type UserMetadata = Map<String, Value>;

/// The JSON body of `POST /tasks/transfers/import/{integration-id}`.
///
/// Unset options are **omitted** from the JSON, never sent as `null`.
///
/// ```
/// # use twelvelabs_models::ImportVideosRequest;
/// let mut req = ImportVideosRequest::new("66ed1ed7046a96796303a06f");
/// req.retry_failed = Some(true);
/// assert_eq!(
///     serde_json::to_string(&req).unwrap(),
///     r#"{"index_id":"66ed1ed7046a96796303a06f","retry_failed":true}"#
/// );
/// ```
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct ImportVideosRequest {
    /// The index to import into.
    pub index_id: IndexId,
    /// Metadata applied to every imported video (string, integer, float or
    /// boolean values; system metadata cannot be overridden).
    pub user_metadata: Option<UserMetadata>,
    /// Server default `true`; `false` re-syncs every file of the bucket,
    /// bypassing the duplicate check.
    pub incremental_import: Option<bool>,
    /// Server default `false`; `true` re-attempts files that failed earlier.
    pub retry_failed: Option<bool>,
}

impl ImportVideosRequest {
    /// A request with every option unset.
    pub fn new(index_id: impl Into<IndexId>) -> Self {
        Self {
            index_id: index_id.into(),
            user_metadata: None,
            incremental_import: None,
            retry_failed: None,
        }
    }
}

// Accepts `null` for every option (the Python SDK sends them), as `None`.
lenient_object! {
    ImportVideosRequest expecting "an import videos request object" {
        index_id: Required "index_id",
        user_metadata: Optional "user_metadata",
        incremental_import: Optional "incremental_import",
        retry_failed: Optional "retry_failed",
    }
}

/// The response of an import: videos accepted and files rejected up front.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct ImportVideosResponse {
    /// Files that will be imported (missing/`null` → empty).
    pub videos: Vec<ImportedVideo>,
    /// Files rejected before import (missing/`null` → empty).
    pub failed_files: Vec<FailedFile>,
}

lenient_object! {
    ImportVideosResponse expecting "an import videos response object" {
        videos: List "videos",
        failed_files: List "failed_files",
    }
}

/// A file accepted by an import. Its `video_id` also identifies the task.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct ImportedVideo {
    /// The video (and task) id.
    pub video_id: VideoId,
    /// The file name in the bucket.
    pub filename: String,
}

lenient_object! {
    ImportedVideo expecting "an imported video object" {
        video_id: Required "video_id",
        filename: Required "filename",
    }
}

/// A file that could not be imported, with the reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct FailedFile {
    /// The file name in the bucket.
    pub filename: String,
    /// Why it failed.
    pub error_message: String,
}

lenient_object! {
    FailedFile expecting "a failed file object" {
        filename: Required "filename",
        error_message: Required "error_message",
    }
}

/// `GET …/import/{integration-id}/status?index_id=`: the files of an
/// integration grouped by status. Every group defaults to empty (the API
/// omits empty groups in its examples); serialisation always writes all seven.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[non_exhaustive]
pub struct ImportStatus {
    /// Files in the bucket not imported yet.
    pub not_imported: Vec<String>,
    /// Files in `validating`.
    pub validating: Vec<ImportVideoItem>,
    /// Files in `pending`.
    pub pending: Vec<ImportVideoItem>,
    /// Files in `queued`.
    pub queued: Vec<ImportVideoItem>,
    /// Files in `indexing`.
    pub indexing: Vec<ImportVideoItem>,
    /// Files in `ready`.
    pub ready: Vec<ImportVideoItem>,
    /// Files that failed, with the reason.
    pub failed: Vec<ImportFailedItem>,
    /// Every other key, unchanged.
    #[serde(flatten)]
    pub extra: Extra,
}

lenient_object! {
    ImportStatus expecting "an import status object" {
        not_imported: List "not_imported",
        validating: List "validating",
        pending: List "pending",
        queued: List "queued",
        indexing: List "indexing",
        ready: List "ready",
        failed: List "failed",
        ..extra
    }
}

/// A file of an import in a non-failed status group.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct ImportVideoItem {
    /// The video (and task) id.
    pub video_id: VideoId,
    /// The file name in the bucket.
    pub filename: String,
    /// When the file joined the import.
    #[serde(serialize_with = "crate::time::rfc3339_option::serialize")]
    pub created_at: Option<DateTime<Utc>>,
}

lenient_object! {
    ImportVideoItem expecting "an import video item object" {
        video_id: Required "video_id",
        filename: Required "filename",
        created_at: OptionalTime "created_at",
    }
}

/// A file of an import that failed.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct ImportFailedItem {
    /// The file name in the bucket.
    pub filename: String,
    /// When the file joined the import.
    #[serde(serialize_with = "crate::time::rfc3339_option::serialize")]
    pub created_at: Option<DateTime<Utc>>,
    /// Why it failed.
    pub error_message: String,
}

lenient_object! {
    ImportFailedItem expecting "an import failed item object" {
        filename: Required "filename",
        created_at: OptionalTime "created_at",
        error_message: Required "error_message",
    }
}

/// `GET …/import/{integration-id}/logs`: import runs, oldest first.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[non_exhaustive]
pub struct ImportLogs {
    /// The runs (missing/`null` → empty).
    pub data: Vec<ImportLog>,
}

lenient_object! {
    ImportLogs expecting "an import logs object" {
        data: List "data",
    }
}

/// One import run.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct ImportLog {
    /// The target index.
    pub index_id: IndexId,
    /// The target index's name.
    pub index_name: String,
    /// When the run started.
    #[serde(serialize_with = "crate::time::rfc3339::serialize")]
    pub created_at: DateTime<Utc>,
    /// When the run ended; `None` (`null` on the wire) while it is running.
    #[serde(serialize_with = "crate::time::rfc3339_option::serialize")]
    pub ended_at: Option<DateTime<Utc>>,
    /// Video counts per status.
    pub video_status: VideoStatusCounts,
    /// Files rejected by this run (missing/`null` → empty).
    pub failed_files: Vec<FailedFile>,
}

impl ImportLog {
    /// Whether the run is still going (`ended_at` is `None`).
    pub fn is_running(&self) -> bool {
        self.ended_at.is_none()
    }
}

lenient_object! {
    ImportLog expecting "an import log object" {
        index_id: Required "index_id",
        index_name: Required "index_name",
        created_at: RequiredTime "created_at",
        ended_at: OptionalTime "ended_at",
        video_status: Required "video_status",
        failed_files: List "failed_files",
    }
}

/// Video counts per status of an import run. A missing or `null` counter
/// reads as `0`; integral floats are accepted.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct VideoStatusCounts {
    /// Videos in `ready`.
    pub ready: u64,
    /// Videos in `validating`.
    pub validating: u64,
    /// Videos in `pending`.
    pub pending: u64,
    /// Videos in `indexing`.
    pub indexing: u64,
    /// Videos in `failed`.
    pub failed: u64,
    /// Videos in `queued`.
    pub queued: u64,
    /// Every other key, unchanged.
    #[serde(flatten)]
    pub extra: Extra,
}

impl VideoStatusCounts {
    /// The sum of the six counters.
    pub fn total(&self) -> u64 {
        self.ready + self.validating + self.pending + self.indexing + self.failed + self.queued
    }
}

lenient_object! {
    VideoStatusCounts expecting "a video status counts object" {
        ready: Count "ready",
        validating: Count "validating",
        pending: Count "pending",
        indexing: Count "indexing",
        failed: Count "failed",
        queued: Count "queued",
        ..extra
    }
}
