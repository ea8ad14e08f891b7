//! The video object (`GET /indexes/{index-id}/videos/{video-id}`, the items of
//! `GET /indexes/{index-id}/videos`) and the body of a video update.
//!
//! A video exists once its indexing task is `ready`; in v1.2 its `_id` is the
//! task's `video_id`.

use std::fmt;

use chrono::{DateTime, Utc};
use serde::de::{MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;

use crate::lenient::{
    capture, keep, lenient_object, nest_error, unknown, Key, KeySeed, List, Optional, OptionalTime,
    Required, Slot,
};
use crate::{Extra, Hls, PageInfo, UserMetadata, VideoId};

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
#[non_exhaustive]
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
    pub extra: Extra,
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
            extra: Extra::new(),
        }
    }
}

impl<'de> Deserialize<'de> for Video {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(VideoVisitor)
    }
}

/// The known keys of a video object.
#[derive(Clone, Copy)]
enum VideoKey {
    Id,
    CreatedAt,
    UpdatedAt,
    IndexedAt,
    Metadata,
    SystemMetadata,
    UserMetadata,
    Hls,
    Source,
    Embedding,
    Transcription,
}

impl VideoKey {
    fn of(key: &str) -> Option<VideoKey> {
        Some(match key {
            "_id" => VideoKey::Id,
            "created_at" => VideoKey::CreatedAt,
            "updated_at" => VideoKey::UpdatedAt,
            "indexed_at" => VideoKey::IndexedAt,
            "metadata" => VideoKey::Metadata,
            "system_metadata" => VideoKey::SystemMetadata,
            "user_metadata" => VideoKey::UserMetadata,
            "hls" => VideoKey::Hls,
            "source" => VideoKey::Source,
            "embedding" => VideoKey::Embedding,
            "transcription" => VideoKey::Transcription,
            _ => return None,
        })
    }

    /// The wire name (for error paths and `extra`).
    fn name(self) -> &'static str {
        match self {
            VideoKey::Id => "_id",
            VideoKey::CreatedAt => "created_at",
            VideoKey::UpdatedAt => "updated_at",
            VideoKey::IndexedAt => "indexed_at",
            VideoKey::Metadata => "metadata",
            VideoKey::SystemMetadata => "system_metadata",
            VideoKey::UserMetadata => "user_metadata",
            VideoKey::Hls => "hls",
            VideoKey::Source => "source",
            VideoKey::Embedding => "embedding",
            VideoKey::Transcription => "transcription",
        }
    }
}

/// The video's rule beyond what `lenient_object!` expresses: `metadata`
/// (v1.2), else `system_metadata` (v1.3), as for [`Task`](crate::Task). When
/// both are present and non-null, `metadata` wins and `system_metadata` goes
/// to `extra`: captured as text when it comes after `metadata`, re-serialised
/// from its decoded form when it came first. A `metadata: null` is consumed
/// (neither field nor `extra`).
struct VideoVisitor;

impl<'de> Visitor<'de> for VideoVisitor {
    type Value = Video;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a video object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Video, A::Error> {
        let mut id = Required::default();
        let mut created_at = OptionalTime::default();
        let mut updated_at = OptionalTime::default();
        let mut indexed_at = OptionalTime::default();
        // `None`: absent; `Some(None)`: `null`.
        let mut metadata: Option<Option<VideoMetadata>> = None;
        let mut system_metadata: Option<Option<VideoMetadata>> = None;
        let mut user_metadata = Optional::default();
        let mut hls = Optional::default();
        let mut source = Optional::default();
        let mut embedding = Optional::default();
        let mut transcription = List::default();
        let mut extra = Extra::new();

        while let Some(key) = map.next_key_seed(KeySeed(VideoKey::of))? {
            let key = match key {
                Key::Known(known) => known,
                Key::Unknown(key) => {
                    unknown(Some(&mut extra), key, &mut map)?;
                    continue;
                }
            };
            let name = key.name();
            let nested = |e| nest_error(name, e);
            match key {
                VideoKey::Id => id.read(&mut map).map_err(nested)?,
                VideoKey::CreatedAt => created_at.read(&mut map).map_err(nested)?,
                VideoKey::UpdatedAt => updated_at.read(&mut map).map_err(nested)?,
                VideoKey::IndexedAt => indexed_at.read(&mut map).map_err(nested)?,
                VideoKey::Metadata => metadata = Some(map.next_value().map_err(nested)?),
                VideoKey::SystemMetadata => {
                    if matches!(metadata, Some(Some(_))) {
                        // `metadata` already won: keep this one verbatim.
                        let room = extra.room_for(name.len()).unwrap_or(0);
                        let raw = capture(&mut map, room).map_err(nested)?;
                        keep(&mut extra, Some(name.into()), raw);
                    } else {
                        system_metadata = Some(map.next_value().map_err(nested)?);
                    }
                }
                VideoKey::UserMetadata => user_metadata.read(&mut map).map_err(nested)?,
                VideoKey::Hls => hls.read(&mut map).map_err(nested)?,
                VideoKey::Source => source.read(&mut map).map_err(nested)?,
                VideoKey::Embedding => embedding.read(&mut map).map_err(nested)?,
                VideoKey::Transcription => transcription.read(&mut map).map_err(nested)?,
            }
        }

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
        Ok(Video {
            id: id.finish("_id")?,
            created_at: created_at.finish("created_at")?,
            updated_at: updated_at.finish("updated_at")?,
            indexed_at: indexed_at.finish("indexed_at")?,
            metadata,
            user_metadata: user_metadata.finish("user_metadata")?,
            hls: hls.finish("hls")?,
            source: source.finish("source")?,
            embedding: embedding.finish("embedding")?,
            transcription: transcription.finish("transcription")?,
            extra: extra.finish(),
        })
    }
}

/// Video metadata computed by the platform (`metadata` in v1.2,
/// `system_metadata` in v1.3).
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[non_exhaustive]
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
    pub extra: Extra,
}

lenient_object! {
    VideoMetadata expecting "a video metadata object" {
        filename: Optional "filename",
        duration: Optional "duration",
        fps: Optional "fps",
        width: OptionalUint "width",
        height: OptionalUint "height",
        size: OptionalUint "size",
        video_title: Optional "video_title",
        ..extra
    }
}

/// The `source` object of a video: `type` is required when the object is there.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
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
    pub extra: Extra,
}

lenient_object! {
    VideoOrigin expecting "a video origin object" {
        kind: Required "type",
        name: Optional "name",
        url: Optional "url",
        ..extra
    }
}

/// One segment of a v1.3 transcription: `{start, end, value}`.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct TranscriptionSegment {
    /// Start, in seconds.
    pub start: Option<f64>,
    /// End, in seconds.
    pub end: Option<f64>,
    /// The text.
    pub value: Option<String>,
    /// Every other key, unchanged.
    #[serde(flatten)]
    pub extra: Extra,
}

lenient_object! {
    TranscriptionSegment expecting "a transcription segment object" {
        start: Optional "start",
        end: Optional "end",
        value: Optional "value",
        ..extra
    }
}

/// One page of `GET /indexes/{index-id}/videos`.
///
/// Decoded like [`TaskPage`](crate::TaskPage): `data` missing or `null` is an
/// empty page, `page_info` is required, more than
/// [`MAX_PAGE_ITEMS`](crate::MAX_PAGE_ITEMS) videos is an error at `data`,
/// and unknown keys of the envelope are ignored.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[non_exhaustive]
pub struct VideoPage {
    /// The videos of this page.
    pub data: Vec<Video>,
    /// Where this page sits in the result set.
    pub page_info: PageInfo,
}

impl VideoPage {
    /// A page from its items and `page_info` (for tests and custom sources).
    pub fn new(data: Vec<Video>, page_info: PageInfo) -> Self {
        Self { data, page_info }
    }
}

lenient_object! {
    VideoPage expecting "a video list page" {
        data: Page "data",
        page_info: Required "page_info",
    }
}

/// The JSON body of a video update: v1.2 `PUT` with `video_title` and/or
/// `metadata`; v1.3 `PATCH` with `user_metadata`, where a `null` value deletes
/// the key. Unset fields are omitted; an update with nothing set is `{}`.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
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
