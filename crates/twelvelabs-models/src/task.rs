//! The task object (`GET /tasks/{task_id}` and the items of `GET /tasks`).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Map, Value};

use crate::lenient::Fields;
use crate::{HlsStatus, IndexId, TaskId, TaskStatus, VideoId};

/// A video indexing task, as returned by v1.2 and v1.3.
///
/// Only `_id` and `status` are required. Every other field may be missing or
/// `null` (→ `None`). The v1.2 `metadata` and the v1.3 `system_metadata`
/// both land in [`Task::metadata`]; when serialised it is written as
/// `metadata`. Keys this crate does not know are kept in [`Task::extra`] and
/// written back, so nothing the server says is lost (for example a failure
/// reason a newer API version adds).
///
/// Reading is lenient where the API is inconsistent: `_id` falls back to `id`
/// when absent (webhook payloads), integral floats are accepted for integer
/// fields (`854.0`), and an `estimated_time` that is not a timestamp (the seed
/// docs call it "seconds") is kept in `extra` rather than failing the task.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct Task {
    /// The task id (`_id`).
    #[serde(rename = "_id")]
    pub id: TaskId,
    /// The index the video is being indexed into.
    pub index_id: Option<IndexId>,
    /// The video id. v1.2 sends it only once the task is `ready`.
    pub video_id: Option<VideoId>,
    /// The task status.
    pub status: TaskStatus,
    /// When the task was created.
    #[serde(serialize_with = "crate::time::rfc3339_option::serialize")]
    pub created_at: Option<DateTime<Utc>>,
    /// When the task last changed (bumped on every status transition).
    #[serde(serialize_with = "crate::time::rfc3339_option::serialize")]
    pub updated_at: Option<DateTime<Utc>>,
    /// The estimated completion time (v1.2).
    #[serde(serialize_with = "crate::time::rfc3339_option::serialize")]
    pub estimated_time: Option<DateTime<Utc>>,
    /// Video metadata: `metadata` (v1.2) or `system_metadata` (v1.3).
    pub metadata: Option<SystemMetadata>,
    /// The HLS stream, when streaming was kept/enabled.
    pub hls: Option<Hls>,
    /// Progress of an unfinished task (v1.2).
    pub process: Option<Process>,
    /// Every other key of the JSON object, unchanged.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Task {
    /// A task with the given id and status and nothing else.
    pub fn new(id: impl Into<TaskId>, status: TaskStatus) -> Self {
        Self {
            id: id.into(),
            index_id: None,
            video_id: None,
            status,
            created_at: None,
            updated_at: None,
            estimated_time: None,
            metadata: None,
            hls: None,
            process: None,
            extra: Map::new(),
        }
    }

    /// Whether the task reached a terminal status (`ready` or `failed`).
    pub fn is_done(&self) -> bool {
        self.status.is_terminal()
    }
}

impl<'de> Deserialize<'de> for Task {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let mut f = Fields::new(deserializer)?;
        let id = if !f.has("_id") && f.has("id") {
            f.required("id")?
        } else {
            f.required("_id")?
        };
        let metadata = if f.has("metadata") {
            f.optional("metadata")?
        } else {
            // Consume a `metadata: null` too, then try the v1.3 key.
            f.optional::<SystemMetadata>("metadata")?;
            f.optional("system_metadata")?
        };
        Ok(Self {
            id,
            index_id: f.optional("index_id")?,
            video_id: f.optional("video_id")?,
            status: f.required("status")?,
            created_at: f.optional_time("created_at")?,
            updated_at: f.optional_time("updated_at")?,
            estimated_time: f.optional_time_or_keep("estimated_time"),
            metadata,
            hls: f.optional("hls")?,
            process: f.optional("process")?,
            extra: f.finish(),
        })
    }
}

/// Video metadata computed by the platform (`metadata` in v1.2,
/// `system_metadata` in v1.3).
///
/// The seed's `for key, value in task.metadata.items()` becomes:
///
/// ```
/// # use twelvelabs_models::SystemMetadata;
/// let metadata: SystemMetadata =
///     serde_json::from_str(r#"{"filename":"01.mp4","duration":531.998133,"width":854,"height":480,"fps":25}"#).unwrap();
/// for (key, value) in metadata.iter() {
///     println!("{key}: {value}");
/// }
/// assert_eq!(metadata.iter().count(), 5);
/// ```
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[non_exhaustive]
pub struct SystemMetadata {
    /// The original file name.
    pub filename: Option<String>,
    /// The duration in seconds.
    pub duration: Option<f64>,
    /// The width in pixels.
    pub width: Option<u32>,
    /// The height in pixels.
    pub height: Option<u32>,
    /// Every other key, unchanged.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl SystemMetadata {
    /// All entries as `(key, value)` pairs: the known fields that are set (in
    /// the order filename, duration, width, height), then the `extra` keys.
    pub fn iter(&self) -> impl Iterator<Item = (&str, Value)> + '_ {
        let known = [
            ("filename", self.filename.clone().map(Value::from)),
            ("duration", self.duration.map(Value::from)),
            ("width", self.width.map(Value::from)),
            ("height", self.height.map(Value::from)),
        ];
        known
            .into_iter()
            .filter_map(|(k, v)| Some((k, v?)))
            .chain(self.extra.iter().map(|(k, v)| (k.as_str(), v.clone())))
    }

    /// All entries as a JSON object (the same pairs as [`SystemMetadata::iter`]).
    pub fn to_map(&self) -> Map<String, Value> {
        self.iter().map(|(k, v)| (k.to_owned(), v)).collect()
    }

    /// The value of one entry, known or extra.
    pub fn get(&self, key: &str) -> Option<Value> {
        self.iter().find(|(k, _)| *k == key).map(|(_, v)| v)
    }
}

impl<'de> Deserialize<'de> for SystemMetadata {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let mut f = Fields::new(deserializer)?;
        Ok(Self {
            filename: f.optional("filename")?,
            duration: f.optional("duration")?,
            width: f.optional_uint("width")?,
            height: f.optional_uint("height")?,
            extra: f.finish(),
        })
    }
}

/// The HLS stream of a task.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[non_exhaustive]
pub struct Hls {
    /// The `.m3u8` playlist URL.
    pub video_url: Option<String>,
    /// Thumbnail URLs (missing or `null` → empty).
    pub thumbnail_urls: Vec<String>,
    /// The stream status.
    pub status: Option<HlsStatus>,
    /// When the stream last changed.
    #[serde(serialize_with = "crate::time::rfc3339_option::serialize")]
    pub updated_at: Option<DateTime<Utc>>,
    /// Every other key, unchanged.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl<'de> Deserialize<'de> for Hls {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let mut f = Fields::new(deserializer)?;
        Ok(Self {
            video_url: f.optional("video_url")?,
            thumbnail_urls: f.list("thumbnail_urls")?,
            status: f.optional("status")?,
            updated_at: f.optional_time("updated_at")?,
            extra: f.finish(),
        })
    }
}

/// Progress of an unfinished v1.2 task.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[non_exhaustive]
pub struct Process {
    /// Percent complete (`0.0..=100.0`).
    pub percentage: Option<f64>,
    /// Estimated seconds remaining.
    pub remain_seconds: Option<f64>,
    /// Every other key, unchanged.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl<'de> Deserialize<'de> for Process {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let mut f = Fields::new(deserializer)?;
        Ok(Self {
            percentage: f.optional("percentage")?,
            remain_seconds: f.optional("remain_seconds")?,
            extra: f.finish(),
        })
    }
}
