//! Index and video shapes of `index-video-api.md`, as fixtures: deserialised,
//! checked field by field, and round-tripped. The fixtures live in
//! `tests/index_fixtures/` (not `tests/fixtures/`, whose every file the task
//! fixture tests decode as a task).

use std::fmt::Debug;
use std::path::Path;

use chrono::{TimeZone, Utc};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{json, Map, Value};
use twelvelabs_models::*;

fn load(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/index_fixtures")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Deserialises a fixture and checks that it survives a serialise/deserialise
/// round trip unchanged.
fn check<T: DeserializeOwned + Serialize + PartialEq + Debug>(name: &str) -> T {
    let first: T = serde_json::from_str(&load(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
    let json = serde_json::to_string(&first).unwrap();
    let second: T =
        serde_json::from_str(&json).unwrap_or_else(|e| panic!("{name} (re-read): {e}\n{json}"));
    assert_eq!(
        first, second,
        "{name}: round trip changed the value\n{json}"
    );
    first
}

#[test]
fn index_v12_reads_engines_and_every_field() {
    let index: Index = check("index_v12.json");
    assert_eq!(index.id, "6734f0aa9e2a3a33a92c00b1");
    assert_eq!(index.name, "my-index");
    assert_eq!(index.engines.len(), 2);
    assert_eq!(index.engines[0].name, "marengo2.6");
    assert_eq!(
        index.engines[0].options,
        ["visual", "conversation", "text_in_video"]
    );
    assert_eq!(index.engines[0].addons, ["thumbnail"]);
    assert_eq!(index.engines[1].finetuned, Some(false));
    assert!(index.models.is_empty());
    assert_eq!(index.video_count, Some(1));
    assert_eq!(index.total_duration, Some(531.998133));
    assert_eq!(
        index.created_at,
        Some(Utc.with_ymd_and_hms(2024, 11, 13, 9, 0, 0).unwrap())
    );
    assert!(index.expires_at.is_some());
    assert!(index.has_addon("thumbnail"));
    assert_eq!(
        index.model_names().collect::<Vec<_>>(),
        ["marengo2.6", "pegasus1.1"]
    );
    // v1.2 keys are written back, v1.3 keys are not invented.
    let out = serde_json::to_value(&index).unwrap();
    assert!(out.get("engines").is_some());
    assert!(out.get("models").is_none());
    assert_eq!(out["engines"][0]["engine_name"], "marengo2.6");
}

#[test]
fn index_v13_reads_models_with_addons_inside() {
    let index: Index = check("index_v13.json");
    assert_eq!(index.name, "myIndex");
    assert!(index.engines.is_empty());
    assert_eq!(index.models[0].name, "marengo2.7");
    assert_eq!(index.models[0].options, ["visual", "audio"]);
    assert!(index.addons.is_empty());
    assert!(index.has_addon("thumbnail"));
    assert!(!index.has_addon("logo"));
    assert_eq!(index.video_count, Some(12));
    let out = serde_json::to_value(&index).unwrap();
    assert_eq!(out["models"][1]["model_name"], "pegasus1.2");
    assert!(out.get("engines").is_none());
}

#[test]
fn index_nulls_read_as_absent_and_unknown_keys_are_kept() {
    let index: Index = check("index_nulls.json");
    assert!(index.engines.is_empty() && index.models.is_empty() && index.addons.is_empty());
    assert_eq!(index.video_count, Some(3));
    assert_eq!(index.total_duration, None);
    assert_eq!(index.created_at, None);
    assert_eq!(index.extra["brand_new"], json!({"x": 1}));
}

#[test]
fn index_without_id_or_name_is_an_error_naming_the_field() {
    let e = serde_json::from_str::<Index>(r#"{"index_name":"x"}"#).unwrap_err();
    assert!(e.to_string().contains("_id"), "{e}");
    let e = serde_json::from_str::<Index>(r#"{"_id":"x"}"#).unwrap_err();
    assert!(e.to_string().contains("index_name"), "{e}");
    let e = serde_json::from_str::<Index>(
        r#"{"_id":"x","index_name":"n","engines":[{"engine_name":"m","engine_options":[1]}]}"#,
    )
    .unwrap_err();
    assert!(e.to_string().contains("engines[0]"), "{e}");
}

#[test]
fn index_page_and_create_response() {
    let page: IndexPage = check("index_list_v12.json");
    assert_eq!(page.data.len(), 2);
    assert_eq!(page.data[1].video_count, Some(2));
    assert_eq!(page.page_info.total_results, 2);
    let created: CreateIndexResponse = check("create_index_response.json");
    assert_eq!(created.id, "62d85fe7340fa665f1fda5dd");
    assert!(serde_json::from_str::<CreateIndexResponse>("{}").is_err());
}

#[test]
fn create_and_update_bodies_omit_what_is_unset() {
    let mut v12 = CreateIndexRequest::new("my-index");
    v12.engines = vec![Engine::new("marengo2.6", ["visual", "conversation"])];
    assert_eq!(
        serde_json::to_value(&v12).unwrap(),
        json!({"index_name": "my-index", "engines": [{"engine_name": "marengo2.6", "engine_options": ["visual", "conversation"]}]})
    );
    let mut v13 = CreateIndexRequest::new("i");
    v13.models = vec![Model::new("marengo2.7", ["visual", "audio"])];
    v13.addons = Some(vec!["thumbnail".into()]);
    assert_eq!(
        serde_json::to_value(&v13).unwrap(),
        json!({"index_name": "i", "models": [{"model_name": "marengo2.7", "model_options": ["visual", "audio"]}], "addons": ["thumbnail"]})
    );
    assert_eq!(
        serde_json::to_value(UpdateIndexRequest::new("new-name")).unwrap(),
        json!({"index_name": "new-name"})
    );
}

#[test]
fn video_v12_reads_metadata_hls_and_source() {
    let video: Video = check("video_v12.json");
    assert_eq!(video.id, "6734f25ea1b2c3d4e5f60720");
    let m = video.metadata.as_ref().unwrap();
    assert_eq!(m.filename.as_deref(), Some("01.mp4"));
    assert_eq!(m.fps, Some(29.97));
    assert_eq!((m.width, m.height), (Some(854), Some(480)));
    assert_eq!(m.size, Some(65_749_715));
    // Custom keys inside v1.2 `metadata` are kept, not dropped.
    assert_eq!(m.extra["category"], "news");
    let hls = video.hls.as_ref().unwrap();
    assert_eq!(hls.status, Some(HlsStatus::Complete));
    assert_eq!(hls.thumbnail_urls.len(), 1);
    assert_eq!(video.source.as_ref().unwrap().kind, "youtube");
    assert!(video.indexed_at.is_some());
    assert!(video.transcription.is_empty());
    assert!(serde_json::to_value(&video)
        .unwrap()
        .get("index_id")
        .is_none());
}

#[test]
fn video_v13_reads_system_and_user_metadata() {
    let video: Video = check("video_v13.json");
    let m = video.metadata.as_ref().unwrap();
    assert_eq!(m.size, Some(2_000_000));
    assert_eq!(m.width, Some(482));
    let user = video.user_metadata.as_ref().unwrap();
    assert_eq!(user["batchNumber"], 5);
    assert_eq!(user["needsReview"], true);
    assert_eq!(video.transcription[0].value.as_deref(), Some("Hello"));
    assert_eq!(video.transcription[0].end, Some(2.5));
    assert_eq!(
        video.embedding.as_ref().unwrap()["model_name"],
        "marengo2.7"
    );
}

#[test]
fn video_page_keeps_unknown_item_keys() {
    let page: VideoPage = check("video_list_v13.json");
    assert_eq!(page.data[0].extra["asset_id"], "a1");
    assert_eq!(page.page_info.total_page, 3);
    assert_eq!(page.data[0].metadata.as_ref().unwrap().fps, Some(25.0));
}

#[test]
fn video_errors_name_the_field() {
    let bad = |json: &str| serde_json::from_str::<Video>(json).unwrap_err().to_string();
    assert!(bad(r#"{"created_at":"2024-01-01T00:00:00Z"}"#).contains("_id"));
    let e = bad(r#"{"_id":"v","metadata":{"size":2.5}}"#);
    assert!(e.contains("metadata.size"), "{e}");
    let e = bad(r#"{"_id":"v","source":{"name":"x"}}"#);
    assert!(e.contains("source.type"), "{e}");
    let e = bad(r#"{"_id":"v","created_at":"yesterday"}"#);
    assert!(e.contains("created_at"), "{e}");
}

#[test]
fn update_video_body_keeps_nulls_inside_user_metadata_only() {
    let mut user = Map::new();
    user.insert("category".into(), json!("news"));
    user.insert("obsolete".into(), Value::Null);
    let mut v13 = UpdateVideoRequest::default();
    v13.user_metadata = Some(user);
    assert_eq!(
        serde_json::to_value(&v13).unwrap(),
        json!({"user_metadata": {"category": "news", "obsolete": null}})
    );
    let mut v12 = UpdateVideoRequest::default();
    v12.video_title = Some("New title".into());
    assert_eq!(
        serde_json::to_value(&v12).unwrap(),
        json!({"video_title": "New title"})
    );
    assert_eq!(
        serde_json::to_string(&UpdateVideoRequest::default()).unwrap(),
        "{}"
    );
}

#[test]
fn every_prefix_of_every_index_fixture_fails_cleanly() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/index_fixtures");
    let mut seen = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        let bytes = text.trim_end().as_bytes();
        for end in 0..bytes.len() {
            let prefix = &bytes[..end];
            assert!(serde_json::from_slice::<Index>(prefix).is_err());
            assert!(serde_json::from_slice::<IndexPage>(prefix).is_err());
            assert!(serde_json::from_slice::<Video>(prefix).is_err());
            assert!(serde_json::from_slice::<VideoPage>(prefix).is_err());
        }
        seen += 1;
    }
    assert_eq!(seen, 10);
}
