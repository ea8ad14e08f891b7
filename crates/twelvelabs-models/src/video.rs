//! The video object (`GET /indexes/{index-id}/videos/{video-id}`, the items of
//! `GET /indexes/{index-id}/videos`) and the body of a video update.
//!
//! A video exists once its indexing task is `ready`; in v1.2 its `_id` is the
//! task's `video_id`.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Map, Value};

use crate::lenient::Fields;
use crate::{Hls, PageInfo, UserMetadata, VideoId};

/// A video of an index, as returned by v1.2 and v1.3.
///
/// Only `_id` is required. The v1.2 `metadata` and the v1.3 `system_metadata`
/// both land in [`Video::metadata`] (written back as `metadata`, as
/// [`Task`](crate::Task) does). Custom metadata is in [`Video::user_metadata`]
/// (v1.3, and v1.2 when the server sends it); older v1.2 servers put custom keys
/// inside `metadata`, where they stay in [`VideoMetadata::extra`].
///
/// ```
/// use twelvelabs_models::Video;
///
/// let video: Video = serde_json::from_str(r#"{
///     "_id": "61e17be5777e6caec646fa07", "created_at": "2022-01-14T13:34:29Z",
///     "system_metadata": {"filename": "a.mp4", "duration": 3747.84, "fps": 29.97,
///                         "width": 482, "height": 360, "size": 1024},
///     "user_metadata": {"category": "recentlyAdded", "rating": 9.3}
/// }"#)?;
/// let metadata = video.metadata.as_ref().unwrap();
/// assert_eq!(metadata.size, Some(1024));
/// assert_eq!(video.user_metadata.unwrap()["category"], "recentlyAdded");
/// # Ok::<(), serde_json::Error>(())
/// ```
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Video {
    /// The video id (`_id`).
    #[serde(rename = "_id")]
    pub id: VideoId,
    /// When the video's indexing task was created.
    #[serde(serialize_with = "crate::time::rfc3339_option::serialize")]
    pub created_at: Option<DateTime<Utc>>,
    /// When the video last changed.
    #[serde(serialize_with = "crate::time::rfc3339_option::serialize")]
    pub updated_at: Option<DateTime<Utc>>,
    /// When indexing finished.
    #[serde(serialize_with = "crate::time::rfc3339_option::serialize")]
    pub indexed_at: Option<DateTime<Utc>>,
    /// `metadata` (v1.2) or `system_metadata` (v1.3).
    pub metadata: Option<VideoMetadata>,
    /// Custom metadata set with a video update (or at import).
    pub user_metadata: Option<UserMetadata>,
    /// The HLS stream, when streaming was kept.
    pub hls: Option<Hls>,
    /// Where the video came from (meaning undocumented).
    pub source: Option<VideoOrigin>,
    /// Embeddings, when asked for (`embed=true` in v1.2, `embedding_option` in
    /// v1.3). Kept as raw JSON: its shape is outside this crate's scope.
    pub embedding: Option<Value>,
    /// The transcription, when asked for (`transcription=true`, v1.3).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub transcription: Vec<TranscriptionSegment>,
    /// Every other key of the JSON object, unchanged.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Video {
    /// A video with this id and nothing else.
    pub fn new(id: impl Into<VideoId>) -> Self {
        Self {
            id: id.into(),
            created_at: None,
            updated_at: None,
            indexed_at: None,
            metadata: None,
            user_metadata: None,
            hls: None,
            source: None,
            embedding: None,
            transcription: Vec::new(),
            extra: Map::new(),
        }
    }
}

impl<'de> Deserialize<'de> for Video {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let mut f = Fields::new(deserializer)?;
        let metadata = if f.has("metadata") {
            f.optional("metadata")?
        } else {
            // Consume a `metadata: null` too, then try the v1.3 key.
            f.optional::<VideoMetadata>("metadata")?;
            f.optional("system_metadata")?
        };
        Ok(Self {
            id: f.required("_id")?,
            created_at: f.optional_time("created_at")?,
            updated_at: f.optional_time("updated_at")?,
            indexed_at: f.optional_time("indexed_at")?,
            metadata,
            user_metadata: f.optional("user_metadata")?,
            hls: f.optional("hls")?,
            source: f.optional("source")?,
            embedding: f.optional("embedding")?,
            transcription: f.list("transcription")?,
            extra: f.finish(),
        })
    }
}

/// Video metadata computed by the platform (`metadata` in v1.2,
/// `system_metadata` in v1.3).
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct VideoMetadata {
    /// The original file name.
    pub filename: Option<String>,
    /// The duration in seconds.
    pub duration: Option<f64>,
    /// Frames per second.
    pub fps: Option<f64>,
    /// The width in pixels.
    pub width: Option<u32>,
    /// The height in pixels.
    pub height: Option<u32>,
    /// The file size in bytes.
    pub size: Option<u64>,
    /// The title set by an update (v1.2 `video_title`).
    pub video_title: Option<String>,
    /// Every other key (custom metadata on older v1.2 servers), unchanged.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl<'de> Deserialize<'de> for VideoMetadata {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let mut f = Fields::new(deserializer)?;
        Ok(Self {
            filename: f.optional("filename")?,
            duration: f.optional("duration")?,
            fps: f.optional("fps")?,
            width: f.optional_uint("width")?,
            height: f.optional_uint("height")?,
            size: f.optional_uint("size")?,
            video_title: f.optional("video_title")?,
            extra: f.finish(),
        })
    }
}

/// The `source` object of a video: `type` is required when the object is there.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct VideoOrigin {
    /// `type`.
    #[serde(rename = "type")]
    pub kind: String,
    /// `name`.
    pub name: Option<String>,
    /// `url`.
    pub url: Option<String>,
    /// Every other key, unchanged.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl<'de> Deserialize<'de> for VideoOrigin {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let mut f = Fields::new(deserializer)?;
        Ok(Self {
            kind: f.required("type")?,
            name: f.optional("name")?,
            url: f.optional("url")?,
            extra: f.finish(),
        })
    }
}

/// One segment of a v1.3 transcription: `{start, end, value}`.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TranscriptionSegment {
    /// Start, in seconds.
    pub start: Option<f64>,
    /// End, in seconds.
    pub end: Option<f64>,
    /// The text.
    pub value: Option<String>,
    /// Every other key, unchanged.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl<'de> Deserialize<'de> for TranscriptionSegment {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let mut f = Fields::new(deserializer)?;
        Ok(Self {
            start: f.optional("start")?,
            end: f.optional("end")?,
            value: f.optional("value")?,
            extra: f.finish(),
        })
    }
}

/// One page of `GET /indexes/{index-id}/videos`.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct VideoPage {
    /// The videos of this page.
    pub data: Vec<Video>,
    /// Where this page sits in the result set.
    pub page_info: PageInfo,
}

impl<'de> Deserialize<'de> for VideoPage {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let mut f = Fields::new(deserializer)?;
        Ok(Self {
            data: f.list("data")?,
            page_info: f.required("page_info")?,
        })
    }
}

/// The JSON body of a video update: v1.2 `PUT` with `video_title` and/or
/// `metadata`; v1.3 `PATCH` with `user_metadata`, where a `null` value deletes
/// the key. Unset fields are omitted; an update with nothing set is `{}`.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct UpdateVideoRequest {
    /// `video_title` (v1.2).
    #[serde(default)]
    pub video_title: Option<String>,
    /// `metadata` (v1.2): custom keys to store.
    #[serde(default)]
    pub metadata: Option<UserMetadata>,
    /// `user_metadata` (v1.3): keys to set, or to delete with `null`.
    #[serde(default)]
    pub user_metadata: Option<UserMetadata>,
}
