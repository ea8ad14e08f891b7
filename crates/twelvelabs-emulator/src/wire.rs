//! Rendering of stored tasks as v1.2 or v1.3 JSON.

use chrono::{DateTime, SecondsFormat, Utc};
use serde::Serialize;
use serde_json::{Map, Value};

use crate::lifecycle::{Snapshot, Status};
use crate::store::TaskRecord;
use crate::version::Version;

/// RFC 3339 with milliseconds and `Z`, like the API's examples.
pub(crate) fn ts(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// Where a task is rendered: retrieve includes `hls` in v1.3, list does not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum View {
    Retrieve,
    List,
}

#[derive(Debug, Serialize)]
struct Metadata {
    #[serde(skip_serializing_if = "Option::is_none")]
    filename: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    duration: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    width: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    height: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    size: Option<u64>,
}

#[derive(Debug, Serialize)]
struct Hls {
    #[serde(skip_serializing_if = "Option::is_none")]
    video_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    thumbnail_urls: Option<Vec<String>>,
    status: &'static str,
    updated_at: String,
}

#[derive(Debug, Serialize)]
struct Process {
    percentage: f64,
    remain_seconds: f64,
}

#[derive(Debug, Serialize)]
pub(crate) struct TaskV12 {
    _id: String,
    index_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    video_id: Option<String>,
    status: &'static str,
    created_at: String,
    updated_at: String,
    estimated_time: String,
    metadata: Metadata,
    #[serde(skip_serializing_if = "Option::is_none")]
    process: Option<Process>,
    #[serde(skip_serializing_if = "Option::is_none")]
    hls: Option<Hls>,
}

#[derive(Debug, Serialize)]
pub(crate) struct TaskV13 {
    _id: String,
    video_id: String,
    index_id: String,
    status: &'static str,
    created_at: String,
    updated_at: String,
    system_metadata: Metadata,
    #[serde(skip_serializing_if = "Option::is_none")]
    user_metadata: Option<Map<String, Value>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    hls: Option<Hls>,
}

fn hls(rec: &TaskRecord, snap: &Snapshot, base_url: &str) -> Option<Hls> {
    if !rec.stream {
        return None;
    }
    let updated_at = ts(snap.updated_at);
    Some(match snap.status {
        Status::Ready => Hls {
            video_url: Some(format!(
                "{base_url}/hls/{}/stream/{}.m3u8",
                rec.video_id, rec.id
            )),
            thumbnail_urls: Some(vec![format!(
                "{base_url}/hls/{}/thumbnails/{}.0000001.jpg",
                rec.video_id, rec.id
            )]),
            status: "COMPLETE",
            updated_at,
        },
        Status::Failed => Hls {
            video_url: None,
            thumbnail_urls: None,
            status: "ERROR",
            updated_at,
        },
        _ => Hls {
            video_url: None,
            thumbnail_urls: None,
            status: "PROCESSING",
            updated_at,
        },
    })
}

/// Options that shape a rendering.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RenderOpts<'a> {
    pub version: Version,
    pub view: View,
    pub base_url: &'a str,
    pub video_id_at_creation: bool,
}

/// A task rendered for one version (fields in the documented order).
#[derive(Debug, Serialize)]
#[serde(untagged)]
pub(crate) enum TaskView {
    V12(TaskV12),
    V13(TaskV13),
}

/// Renders one task.
pub(crate) fn task_json(rec: &TaskRecord, snap: &Snapshot, o: RenderOpts<'_>) -> TaskView {
    let metadata = Metadata {
        filename: rec.meta.filename.clone(),
        duration: rec.meta.duration,
        width: rec.meta.width,
        height: rec.meta.height,
        size: rec.meta.size,
    };
    match o.version {
        Version::V12 => TaskView::V12(TaskV12 {
            _id: rec.id.clone(),
            index_id: rec.index_id.clone(),
            video_id: (snap.status == Status::Ready || o.video_id_at_creation)
                .then(|| rec.video_id.clone()),
            status: snap.status.as_str(),
            created_at: ts(rec.created_at),
            updated_at: ts(snap.updated_at),
            estimated_time: ts(snap.estimated_time),
            metadata,
            process: snap.process.map(|(percentage, remain_seconds)| Process {
                percentage,
                remain_seconds,
            }),
            hls: hls(rec, snap, o.base_url),
        }),
        Version::V13 => TaskView::V13(TaskV13 {
            _id: rec.id.clone(),
            video_id: rec.video_id.clone(),
            index_id: rec.index_id.clone(),
            status: snap.status.as_str(),
            created_at: ts(rec.created_at),
            updated_at: ts(snap.updated_at),
            system_metadata: metadata,
            user_metadata: rec.user_metadata.clone(),
            hls: match o.view {
                View::Retrieve => hls(rec, snap, o.base_url),
                View::List => None,
            },
        }),
    }
}
