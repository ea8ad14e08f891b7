//! The task object (`GET /tasks/{task_id}` and the items of `GET /tasks`).

use std::fmt;

use chrono::{DateTime, Utc};
use serde::de::{self, MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Map, Value};

use crate::lenient::{
    capture, keep, lenient_object, nest, nest_error, unknown, Captured, Key, KeySeed, Optional,
    OptionalTime, Required, Slot, TimeOrKeep, TimeOrKept,
};
use crate::{Extra, HlsStatus, IndexId, TaskId, TaskStatus, VideoId};

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
    pub extra: Extra,
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
            extra: Extra::new(),
        }
    }

    /// Whether the task reached a terminal status (`ready` or `failed`).
    pub fn is_done(&self) -> bool {
        self.status.is_terminal()
    }
}

impl<'de> Deserialize<'de> for Task {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(TaskVisitor)
    }
}

/// The known keys of a task object.
enum TaskKey {
    UnderscoreId,
    Id,
    IndexId,
    VideoId,
    Status,
    CreatedAt,
    UpdatedAt,
    EstimatedTime,
    Metadata,
    SystemMetadata,
    Hls,
    Process,
}

fn task_key(key: &str) -> Option<TaskKey> {
    Some(match key {
        "_id" => TaskKey::UnderscoreId,
        "id" => TaskKey::Id,
        "index_id" => TaskKey::IndexId,
        "video_id" => TaskKey::VideoId,
        "status" => TaskKey::Status,
        "created_at" => TaskKey::CreatedAt,
        "updated_at" => TaskKey::UpdatedAt,
        "estimated_time" => TaskKey::EstimatedTime,
        "metadata" => TaskKey::Metadata,
        "system_metadata" => TaskKey::SystemMetadata,
        "hls" => TaskKey::Hls,
        "process" => TaskKey::Process,
        _ => return None,
    })
}

/// The task's rules beyond what `lenient_object!` expresses, in one pass
/// over the keys (wire order):
///
/// * `_id`, else (when `_id` is missing or `null`) `id`. The `id` value is
///   captured as text until the end decides: it becomes the id, or an
///   `extra` entry when `_id` won. A `_id: null` beside a used `id` is kept
///   in `extra`, as before.
/// * `metadata` (v1.2), else `system_metadata` (v1.3). When both are
///   present and non-null, `metadata` wins and `system_metadata` goes to
///   `extra`: captured as text when it comes after `metadata`, re-serialised
///   from its decoded form when it came first.
/// * `estimated_time` that is not a timestamp goes to `extra`.
struct TaskVisitor;

impl<'de> Visitor<'de> for TaskVisitor {
    type Value = Task;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a task object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Task, A::Error> {
        // `None`: absent; `Some(None)`: `null`.
        let mut underscore_id: Option<Option<TaskId>> = None;
        let mut plain_id: Option<Captured> = None;
        let mut index_id = Optional::default();
        let mut video_id = Optional::default();
        let mut status = Required::default();
        let mut created_at = OptionalTime::default();
        let mut updated_at = OptionalTime::default();
        let mut estimated_time = None;
        let mut metadata: Option<Option<SystemMetadata>> = None;
        let mut system_metadata: Option<Option<SystemMetadata>> = None;
        let mut hls = Optional::default();
        let mut process = Optional::default();
        let mut extra = Extra::new();

        while let Some(key) = map.next_key_seed(KeySeed(task_key))? {
            let name = match &key {
                Key::Known(known) => known_name(known),
                Key::Unknown(_) => "",
            };
            let nested = |e| nest_error(name, e);
            match key {
                Key::Known(TaskKey::UnderscoreId) => {
                    underscore_id = Some(map.next_value().map_err(nested)?);
                }
                Key::Known(TaskKey::Id) => {
                    let room = extra.room_for(name.len()).unwrap_or(0);
                    plain_id = Some(capture(&mut map, room).map_err(nested)?);
                }
                Key::Known(TaskKey::IndexId) => index_id.read(&mut map).map_err(nested)?,
                Key::Known(TaskKey::VideoId) => video_id.read(&mut map).map_err(nested)?,
                Key::Known(TaskKey::Status) => status.read(&mut map).map_err(nested)?,
                Key::Known(TaskKey::CreatedAt) => created_at.read(&mut map).map_err(nested)?,
                Key::Known(TaskKey::UpdatedAt) => updated_at.read(&mut map).map_err(nested)?,
                Key::Known(TaskKey::EstimatedTime) => {
                    let room = extra.room_for(name.len()).unwrap_or(0);
                    match map.next_value_seed(TimeOrKeep(room)).map_err(nested)? {
                        TimeOrKept::Null => estimated_time = None,
                        TimeOrKept::Time(t) => estimated_time = Some(t),
                        TimeOrKept::Kept(raw) => {
                            estimated_time = None;
                            keep(&mut extra, Some(name.into()), raw);
                        }
                    }
                }
                Key::Known(TaskKey::Metadata) => {
                    metadata = Some(map.next_value().map_err(nested)?);
                }
                Key::Known(TaskKey::SystemMetadata) => {
                    if matches!(metadata, Some(Some(_))) {
                        // `metadata` already won: keep this one verbatim.
                        let room = extra.room_for(name.len()).unwrap_or(0);
                        let raw = capture(&mut map, room).map_err(nested)?;
                        keep(&mut extra, Some(name.into()), raw);
                    } else {
                        system_metadata = Some(map.next_value().map_err(nested)?);
                    }
                }
                Key::Known(TaskKey::Hls) => hls.read(&mut map).map_err(nested)?,
                Key::Known(TaskKey::Process) => process.read(&mut map).map_err(nested)?,
                Key::Unknown(key) => unknown(Some(&mut extra), key, &mut map)?,
            }
        }

        let id = match (underscore_id, plain_id) {
            (Some(Some(id)), plain) => {
                if let Some(raw) = plain {
                    keep(&mut extra, Some("id".into()), raw);
                }
                id
            }
            (underscore, Some(Captured::Kept(raw))) if &*raw != "null" => {
                let id: TaskId = serde_json::from_str(&raw)
                    .map_err(|e| de::Error::custom(nest("id", &e.to_string())))?;
                if underscore.is_some() {
                    extra.push_raw("_id".into(), "null".into());
                }
                id
            }
            (_, Some(Captured::Omitted(_))) => {
                return Err(de::Error::custom(nest(
                    "id",
                    "the value is larger than an id can be",
                )));
            }
            (Some(None), _) => {
                return Err(de::Error::custom(nest(
                    "_id",
                    "invalid type: null, expected a string",
                )));
            }
            (None, _) => return Err(de::Error::missing_field("_id")),
        };
        let metadata = match (metadata, system_metadata) {
            (Some(Some(metadata)), system) => {
                if let Some(system) = system {
                    // It came before `metadata`; its decoded form is what is left.
                    let value = serde_json::to_value(&system).unwrap_or(Value::Null);
                    extra.insert("system_metadata", value);
                }
                Some(metadata)
            }
            (_, system) => system.flatten(),
        };
        Ok(Task {
            id,
            index_id: index_id.finish("index_id")?,
            video_id: video_id.finish("video_id")?,
            status: status.finish("status")?,
            created_at: created_at.finish("created_at")?,
            updated_at: updated_at.finish("updated_at")?,
            estimated_time,
            metadata,
            hls: hls.finish("hls")?,
            process: process.finish("process")?,
            extra: extra.finish(),
        })
    }
}

/// The wire name of a known key (for error paths and `extra`).
fn known_name(key: &TaskKey) -> &'static str {
    match key {
        TaskKey::UnderscoreId => "_id",
        TaskKey::Id => "id",
        TaskKey::IndexId => "index_id",
        TaskKey::VideoId => "video_id",
        TaskKey::Status => "status",
        TaskKey::CreatedAt => "created_at",
        TaskKey::UpdatedAt => "updated_at",
        TaskKey::EstimatedTime => "estimated_time",
        TaskKey::Metadata => "metadata",
        TaskKey::SystemMetadata => "system_metadata",
        TaskKey::Hls => "hls",
        TaskKey::Process => "process",
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
    pub extra: Extra,
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
            .chain(self.extra.iter().map(|(k, v)| (k, v.clone())))
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

lenient_object! {
    SystemMetadata expecting "a system metadata object" {
        filename: Optional "filename",
        duration: Optional "duration",
        width: OptionalUint "width",
        height: OptionalUint "height",
        ..extra
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
    pub extra: Extra,
}

lenient_object! {
    Hls expecting "a hls object" {
        video_url: Optional "video_url",
        thumbnail_urls: List "thumbnail_urls",
        status: Optional "status",
        updated_at: OptionalTime "updated_at",
        ..extra
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
    pub extra: Extra,
}

lenient_object! {
    Process expecting "a process object" {
        percentage: Optional "percentage",
        remain_seconds: Optional "remain_seconds",
        ..extra
    }
}
