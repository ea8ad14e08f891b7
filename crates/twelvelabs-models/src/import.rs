//! Cloud import: `POST /tasks/transfers/import/{integration-id}` and its
//! `/status` and `/logs` companions (v1.2 and v1.3, same shapes).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Map, Value};

use crate::lenient::Fields;
use crate::{IndexId, VideoId};

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

impl<'de> Deserialize<'de> for ImportVideosRequest {
    /// Accepts `null` for every option (the Python SDK sends them), as `None`.
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let mut f = Fields::new(deserializer)?;
        Ok(Self {
            index_id: f.required("index_id")?,
            user_metadata: f.optional("user_metadata")?,
            incremental_import: f.optional("incremental_import")?,
            retry_failed: f.optional("retry_failed")?,
        })
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

impl<'de> Deserialize<'de> for ImportVideosResponse {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let mut f = Fields::new(deserializer)?;
        Ok(Self {
            videos: f.list("videos")?,
            failed_files: f.list("failed_files")?,
        })
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

impl<'de> Deserialize<'de> for ImportedVideo {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let mut f = Fields::new(deserializer)?;
        Ok(Self {
            video_id: f.required("video_id")?,
            filename: f.required("filename")?,
        })
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

impl<'de> Deserialize<'de> for FailedFile {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let mut f = Fields::new(deserializer)?;
        Ok(Self {
            filename: f.required("filename")?,
            error_message: f.required("error_message")?,
        })
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
    pub extra: Map<String, Value>,
}

impl<'de> Deserialize<'de> for ImportStatus {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let mut f = Fields::new(deserializer)?;
        Ok(Self {
            not_imported: f.list("not_imported")?,
            validating: f.list("validating")?,
            pending: f.list("pending")?,
            queued: f.list("queued")?,
            indexing: f.list("indexing")?,
            ready: f.list("ready")?,
            failed: f.list("failed")?,
            extra: f.finish(),
        })
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

impl<'de> Deserialize<'de> for ImportVideoItem {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let mut f = Fields::new(deserializer)?;
        Ok(Self {
            video_id: f.required("video_id")?,
            filename: f.required("filename")?,
            created_at: f.optional_time("created_at")?,
        })
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

impl<'de> Deserialize<'de> for ImportFailedItem {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let mut f = Fields::new(deserializer)?;
        Ok(Self {
            filename: f.required("filename")?,
            created_at: f.optional_time("created_at")?,
            error_message: f.required("error_message")?,
        })
    }
}

/// `GET …/import/{integration-id}/logs`: import runs, oldest first.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[non_exhaustive]
pub struct ImportLogs {
    /// The runs (missing/`null` → empty).
    pub data: Vec<ImportLog>,
}

impl<'de> Deserialize<'de> for ImportLogs {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let mut f = Fields::new(deserializer)?;
        Ok(Self {
            data: f.list("data")?,
        })
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

impl<'de> Deserialize<'de> for ImportLog {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let mut f = Fields::new(deserializer)?;
        Ok(Self {
            index_id: f.required("index_id")?,
            index_name: f.required("index_name")?,
            created_at: f.required_time("created_at")?,
            ended_at: f.optional_time("ended_at")?,
            video_status: f.required("video_status")?,
            failed_files: f.list("failed_files")?,
        })
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
    pub extra: Map<String, Value>,
}

impl VideoStatusCounts {
    /// The sum of the six counters.
    pub fn total(&self) -> u64 {
        self.ready + self.validating + self.pending + self.indexing + self.failed + self.queued
    }
}

impl<'de> Deserialize<'de> for VideoStatusCounts {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let mut f = Fields::new(deserializer)?;
        Ok(Self {
            ready: f.count("ready")?,
            validating: f.count("validating")?,
            pending: f.count("pending")?,
            indexing: f.count("indexing")?,
            failed: f.count("failed")?,
            queued: f.count("queued")?,
            extra: f.finish(),
        })
    }
}
