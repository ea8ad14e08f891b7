//! Indexes and videos: the records, how a `ready` task becomes a video, and
//! their v1.2 / v1.3 renderings.
//!
//! Task state is computed when read, so videos are materialised lazily too:
//! [`Store::sync_videos`] turns every task that has reached `ready` since the
//! last call into a video. Only tasks still on their way are visited.

use chrono::{DateTime, TimeDelta, Utc};
use serde_json::{json, Map, Value};

use crate::lifecycle::Status;
use crate::store::{Store, VideoMeta};
use crate::version::Version;
use crate::wire::ts;

/// Frames per second reported for videos (the emulator does not read it).
pub(crate) const DEFAULT_FPS: f64 = 30.0;

/// One engine (v1.2) or model (v1.3) of an index.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ModelSpec {
    pub name: String,
    pub options: Vec<String>,
}

impl ModelSpec {
    pub fn family(&self) -> &'static str {
        if self.name.starts_with("pegasus") {
            "pegasus"
        } else {
            "marengo"
        }
    }
}

/// One stored index.
#[derive(Debug, Clone)]
pub(crate) struct IndexRecord {
    pub id: String,
    pub name: String,
    /// The version the index was created with decides its model names; it
    /// is rendered for either version (engines in v1.2, models in v1.3).
    pub models: Vec<ModelSpec>,
    pub addons: Vec<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl IndexRecord {
    /// The default index of [`IndexSeed`](crate::IndexSeed)s and seeded tasks.
    pub fn seeded(id: String, name: String, now: DateTime<Utc>) -> IndexRecord {
        IndexRecord {
            id,
            name,
            models: vec![ModelSpec {
                name: "marengo2.6".to_owned(),
                options: vec!["visual".to_owned(), "conversation".to_owned()],
            }],
            addons: Vec::new(),
            created_at: now,
            updated_at: now,
        }
    }

    pub fn has_pegasus(&self) -> bool {
        self.models.iter().any(|m| m.family() == "pegasus")
    }

    fn options(&self) -> impl Iterator<Item = &str> {
        self.models
            .iter()
            .flat_map(|m| m.options.iter().map(String::as_str))
    }

    /// Whether the index has every option in `wanted` (after mapping the
    /// v1.2 and v1.3 vocabularies onto each other).
    pub fn has_options(&self, wanted: &[String]) -> bool {
        wanted.iter().all(|w| {
            self.options().any(|o| {
                o == w
                    || (o == "conversation" && w == "audio")
                    || (o == "audio" && w == "conversation")
            })
        })
    }

    /// The model name shown in a version (`marengo2.6` ↔ `marengo2.7`,
    /// `pegasus1.1` ↔ `pegasus1.2`), so clients of either version get names
    /// valid in their version.
    fn model_name(m: &ModelSpec, version: Version) -> String {
        match (version, m.family()) {
            (Version::V12, "pegasus") if !m.name.starts_with("pegasus1.1") => "pegasus1.1".into(),
            (Version::V12, _) if m.family() == "marengo" && !m.name.starts_with("marengo2.6") => {
                "marengo2.6".into()
            }
            (Version::V13, "pegasus") if m.name.starts_with("pegasus1.1") => "pegasus1.2".into(),
            (Version::V13, _) if m.name.starts_with("marengo2.6") => "marengo2.7".into(),
            _ => m.name.clone(),
        }
    }

    fn model_options(m: &ModelSpec, version: Version) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for o in &m.options {
            let mapped = match (version, o.as_str()) {
                (Version::V13, "conversation") => "audio",
                (Version::V13, "text_in_video" | "logo") => continue,
                (Version::V12, "audio") => "conversation",
                (_, other) => other,
            };
            if !out.iter().any(|x| x == mapped) {
                out.push(mapped.to_owned());
            }
        }
        out
    }

    /// Renders the index; `videos` = `(count, total duration)`.
    pub fn render(&self, version: Version, videos: (u64, f64)) -> Value {
        let mut o = Map::new();
        o.insert("_id".into(), json!(self.id));
        o.insert("index_name".into(), json!(self.name));
        let items: Vec<Value> = self
            .models
            .iter()
            .map(|m| {
                let name = Self::model_name(m, version);
                let options = Self::model_options(m, version);
                let mut item = match version {
                    Version::V12 => json!({ "engine_name": name, "engine_options": options }),
                    Version::V13 => json!({ "model_name": name, "model_options": options }),
                };
                if !self.addons.is_empty() && m.family() == "marengo" {
                    item["addons"] = json!(self.addons);
                }
                item
            })
            .collect();
        let key = match version {
            Version::V12 => "engines",
            Version::V13 => "models",
        };
        o.insert(key.into(), Value::Array(items));
        if !self.addons.is_empty() {
            o.insert("addons".into(), json!(self.addons));
        }
        o.insert("video_count".into(), json!(videos.0));
        o.insert("total_duration".into(), json!(videos.1));
        o.insert("created_at".into(), json!(ts(self.created_at)));
        o.insert("updated_at".into(), json!(ts(self.updated_at)));
        o.insert("expires_at".into(), Value::Null);
        Value::Object(o)
    }
}

/// One stored video.
#[derive(Debug, Clone)]
pub(crate) struct VideoRecord {
    pub id: String,
    pub index_id: String,
    pub task_id: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub indexed_at: DateTime<Utc>,
    pub meta: VideoMeta,
    pub fps: f64,
    pub title: Option<String>,
    pub user_metadata: Map<String, Value>,
    pub stream: bool,
}

/// Where a video is rendered: list items carry no `hls` in v1.3.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum VideoView {
    Retrieve,
    List,
}

impl VideoRecord {
    fn system_metadata(&self) -> Map<String, Value> {
        let m = &self.meta;
        let duration = m.duration.unwrap_or(0.0);
        let mut o = Map::new();
        o.insert(
            "filename".into(),
            json!(m.filename.as_deref().unwrap_or("video")),
        );
        o.insert("duration".into(), json!(duration));
        o.insert("fps".into(), json!(self.fps));
        o.insert("width".into(), json!(m.width.unwrap_or(0)));
        o.insert("height".into(), json!(m.height.unwrap_or(0)));
        o.insert("size".into(), json!(self.size()));
        o
    }

    /// Integer bytes (the Python SDK v0.3.2 rejects non-integral sizes); URL
    /// sources have no known size: about 2 Mbit/s is assumed.
    pub fn size(&self) -> u64 {
        self.meta
            .size
            .unwrap_or((self.meta.duration.unwrap_or(0.0) * 250_000.0) as u64)
    }

    /// The HLS object of a video whose stream was kept.
    pub fn hls(&self, base_url: &str) -> Value {
        json!({
            "video_url": hls_url(base_url, &self.id, &self.task_id),
            "thumbnail_urls": [format!("{base_url}/hls/{}/thumbnails/{}.0000001.jpg", self.id, self.task_id)],
            "status": "COMPLETE",
            "updated_at": ts(self.indexed_at),
        })
    }

    /// Renders the video. v1.2 never carries `index_id` (the Python SDK
    /// v0.3.2 passes it separately and fails with `TypeError` on a duplicate).
    pub fn render(&self, version: Version, view: VideoView, base_url: &str) -> Value {
        let mut o = Map::new();
        o.insert("_id".into(), json!(self.id));
        o.insert("created_at".into(), json!(ts(self.created_at)));
        o.insert("updated_at".into(), json!(ts(self.updated_at)));
        o.insert("indexed_at".into(), json!(ts(self.indexed_at)));
        let mut meta = self.system_metadata();
        match version {
            Version::V12 => {
                if let Some(t) = &self.title {
                    meta.insert("video_title".into(), json!(t));
                }
                // Custom keys appear both inside `metadata` (the v1.2
                // video-object page) and as `user_metadata` (the retrieve page).
                for (k, v) in &self.user_metadata {
                    meta.entry(k.clone()).or_insert_with(|| v.clone());
                }
                o.insert("metadata".into(), Value::Object(meta));
            }
            Version::V13 => {
                if let Some(t) = &self.title {
                    meta.insert("video_title".into(), json!(t));
                }
                o.insert("system_metadata".into(), Value::Object(meta));
            }
        }
        if !self.user_metadata.is_empty() {
            o.insert(
                "user_metadata".into(),
                Value::Object(self.user_metadata.clone()),
            );
        }
        let with_hls = match version {
            Version::V12 => true,
            Version::V13 => view == VideoView::Retrieve,
        };
        if self.stream && with_hls {
            o.insert("hls".into(), self.hls(base_url));
        }
        Value::Object(o)
    }
}

/// The playlist URL of a video.
pub(crate) fn hls_url(base_url: &str, video_id: &str, task_id: &str) -> String {
    format!("{base_url}/hls/{video_id}/stream/{task_id}.m3u8")
}

/// A minimal valid VOD media playlist for a video of `duration` seconds,
/// in segments of at most 10 s (the segments themselves are not served).
pub(crate) fn playlist(duration: f64) -> String {
    let duration = if duration.is_finite() && duration > 0.0 {
        duration.min(86_400.0)
    } else {
        10.0
    };
    let mut out = String::from(
        "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:10\n#EXT-X-MEDIA-SEQUENCE:0\n#EXT-X-PLAYLIST-TYPE:VOD\n",
    );
    let mut left = duration;
    let mut i = 0u32;
    while left > 1e-6 {
        let seg = left.min(10.0);
        out.push_str(&format!("#EXTINF:{seg:.3},\nsegment{i:05}.ts\n"));
        left -= seg;
        i += 1;
    }
    out.push_str("#EXT-X-ENDLIST\n");
    out
}

impl Store {
    /// Turns every task that has become `ready` into its video (and forgets
    /// tasks that ended `failed`).
    pub fn sync_videos(&mut self, now: DateTime<Utc>) {
        if self.unindexed.is_empty() {
            return;
        }
        let pending: Vec<String> = self.unindexed.iter().cloned().collect();
        for task_id in pending {
            let Some(task) = self.get(&task_id) else {
                self.unindexed.remove(&task_id);
                continue;
            };
            let snap = task.snapshot(now);
            match snap.status {
                Status::Ready => {
                    let video = VideoRecord {
                        id: task.video_id.clone(),
                        index_id: task.index_id.clone(),
                        task_id: task.id.clone(),
                        created_at: task.created_at,
                        updated_at: snap.updated_at,
                        indexed_at: snap.updated_at,
                        meta: task.meta.clone(),
                        fps: DEFAULT_FPS,
                        title: None,
                        user_metadata: task.user_metadata.clone().unwrap_or_default(),
                        stream: task.stream,
                    };
                    self.videos.insert(video.id.clone(), video);
                    self.unindexed.remove(&task_id);
                }
                Status::Failed => {
                    self.unindexed.remove(&task_id);
                }
                _ => {}
            }
        }
    }

    /// `(video_count, total_duration)` of an index (call `sync_videos` first).
    pub fn index_totals(&self, index_id: &str) -> (u64, f64) {
        let mut count = 0u64;
        let mut total = 0.0f64;
        for v in self.videos.values().filter(|v| v.index_id == index_id) {
            count += 1;
            total += v.meta.duration.unwrap_or(0.0);
        }
        (count, (total * 1e6).round() / 1e6)
    }

    pub fn index_by_name(&self, name: &str) -> Option<&IndexRecord> {
        self.indexes.values().find(|i| i.name == name)
    }

    /// Creates the index `id` (named after it) if it does not exist.
    pub fn ensure_index(&mut self, id: &str, now: DateTime<Utc>) {
        if !self.indexes.contains_key(id) {
            let mut name = id.to_owned();
            while self.index_by_name(&name).is_some() {
                name.push('_');
            }
            self.indexes
                .insert(id.to_owned(), IndexRecord::seeded(id.to_owned(), name, now));
        }
    }

    /// Deletes an index with its videos and its tasks (running ones too).
    pub fn delete_index(&mut self, id: &str) -> bool {
        if self.indexes.remove(id).is_none() {
            return false;
        }
        self.videos.retain(|_, v| v.index_id != id);
        let task_ids: Vec<String> = self
            .iter()
            .filter(|t| t.index_id == id)
            .map(|t| t.id.clone())
            .collect();
        for t in task_ids {
            self.remove(&t);
            self.unindexed.remove(&t);
        }
        true
    }

    /// A timestamp one millisecond after `t` if `t` is now (so that
    /// successive updates are ordered).
    pub fn bump(prev: DateTime<Utc>, now: DateTime<Utc>) -> DateTime<Utc> {
        crate::lifecycle::trunc_ms(now).max(prev + TimeDelta::milliseconds(1))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn playlist_is_valid_vod() {
        let p = playlist(25.5);
        assert!(p.starts_with("#EXTM3U\n"));
        assert!(p.ends_with("#EXT-X-ENDLIST\n"));
        assert_eq!(p.matches("#EXTINF:").count(), 3);
        assert!(p.contains("#EXTINF:5.500,"));
        assert_eq!(playlist(f64::NAN).matches("#EXTINF:").count(), 1);
    }

    #[test]
    fn renders_follow_the_version() {
        let now = Utc::now();
        let i = IndexRecord::seeded("a".into(), "n".into(), now);
        let v12 = i.render(Version::V12, (1, 2.0));
        assert_eq!(v12["engines"][0]["engine_name"], "marengo2.6");
        assert!(v12.get("models").is_none());
        let v13 = i.render(Version::V13, (1, 2.0));
        assert_eq!(v13["models"][0]["model_name"], "marengo2.7");
        assert_eq!(
            v13["models"][0]["model_options"],
            json!(["visual", "audio"])
        );
    }
}
