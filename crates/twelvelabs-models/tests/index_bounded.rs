//! The streaming decoder's bounds and structured paths for the index and
//! video models: page size, compact `extra`, paths `serde_path_to_error` can
//! see, and the `metadata` / `system_metadata` rule in any key order.

use serde::de::DeserializeOwned;
use serde_json::json;
use twelvelabs_models::extra::EXTRA_LIMIT_BYTES;
use twelvelabs_models::*;

const PAGE_INFO: &str =
    r#""page_info":{"limit_per_page":50,"page":1,"total_page":1,"total_results":1}"#;

fn page(items: &[String]) -> String {
    format!(r#"{{"data":[{}],{PAGE_INFO}}}"#, items.join(","))
}

fn index_page_of(n: usize) -> String {
    let items: Vec<String> = (0..n)
        .map(|i| format!(r#"{{"_id":"i{i}","index_name":"n{i}"}}"#))
        .collect();
    page(&items)
}

fn video_page_of(n: usize) -> String {
    let items: Vec<String> = (0..n).map(|i| format!(r#"{{"_id":"v{i}"}}"#)).collect();
    page(&items)
}

/// The error message and the structured path of a failed decode.
fn failure<T: DeserializeOwned + std::fmt::Debug>(json: &str) -> (String, String) {
    let plain = serde_json::from_str::<T>(json).unwrap_err().to_string();
    let mut de = serde_json::Deserializer::from_str(json);
    let err = serde_path_to_error::deserialize::<_, T>(&mut de).unwrap_err();
    (plain, err.path().to_string())
}

#[test]
fn index_page_holds_50_and_refuses_51_at_data() {
    let page: IndexPage = serde_json::from_str(&index_page_of(MAX_PAGE_ITEMS)).unwrap();
    assert_eq!(page.data.len(), MAX_PAGE_ITEMS);
    assert_eq!(page.data[49].id, "i49");

    let (msg, path) = failure::<IndexPage>(&index_page_of(MAX_PAGE_ITEMS + 1));
    assert!(msg.contains("field `data`: more than 50 items"), "{msg}");
    assert_eq!(path, "data");

    let (msg, path) = failure::<IndexPage>(&index_page_of(10_000));
    assert!(msg.contains("more than 50 items"), "{msg}");
    assert_eq!(path, "data");
}

#[test]
fn video_page_holds_50_and_refuses_51_at_data() {
    let page: VideoPage = serde_json::from_str(&video_page_of(MAX_PAGE_ITEMS)).unwrap();
    assert_eq!(page.data.len(), MAX_PAGE_ITEMS);
    assert_eq!(page.data[49].id, "v49");

    let (msg, path) = failure::<VideoPage>(&video_page_of(MAX_PAGE_ITEMS + 1));
    assert!(msg.contains("field `data`: more than 50 items"), "{msg}");
    assert_eq!(path, "data");
}

#[test]
fn pages_read_null_data_as_empty_and_ignore_unknown_envelope_keys() {
    let json = format!(r#"{{"data":null,"brand_new":[1,2],{PAGE_INFO}}}"#);
    let indexes: IndexPage = serde_json::from_str(&json).unwrap();
    assert!(indexes.data.is_empty());
    let videos: VideoPage = serde_json::from_str(&json).unwrap();
    assert!(videos.data.is_empty());

    let (msg, path) = failure::<VideoPage>(r#"{"data":[]}"#);
    assert!(msg.contains("missing field `page_info`"), "{msg}");
    assert_eq!(path, ".");
}

#[test]
fn paths_are_structured_through_pages_and_nested_objects() {
    let video_cases = [
        (
            page(&[
                r#"{"_id":"a"}"#.into(),
                r#"{"_id":"b","system_metadata":{"width":"854"}}"#.into(),
            ]),
            "data[1].system_metadata.width",
            "field `data[1].system_metadata.width`: invalid type: string",
        ),
        (
            page(&[r#"{"_id":"a","metadata":{"size":-1}}"#.into()]),
            "data[0].metadata.size",
            "field `data[0].metadata.size`: invalid value: -1",
        ),
        (
            page(&[r#"{"_id":"a","transcription":[{"start":0},{"start":"x"}]}"#.into()]),
            "data[0].transcription[1].start",
            "field `data[0].transcription[1].start`: invalid type: string",
        ),
        (
            page(&[r#"{"_id":"a","source":{"name":"n"}}"#.into()]),
            "data[0].source",
            "missing field `data[0].source.type`",
        ),
        (
            page(&[r#"{"_id":"a","created_at":"yesterday"}"#.into()]),
            "data[0].created_at",
            "field `data[0].created_at`: invalid RFC 3339 timestamp",
        ),
    ];
    for (json, want_path, want_msg) in video_cases {
        let (msg, path) = failure::<VideoPage>(&json);
        assert_eq!(path, want_path, "{json}");
        assert!(msg.contains(want_msg), "{msg}");
    }

    let index_cases = [
        (
            page(&[
                r#"{"_id":"a","index_name":"n"}"#.into(),
                r#"{"_id":"b","index_name":"m","engines":[{"engine_name":"e"},{"engine_options":[]}]}"#.into(),
            ]),
            "data[1].engines[1]",
            "missing field `data[1].engines[1].engine_name`",
        ),
        (
            page(&[r#"{"_id":"a","index_name":"n","video_count":1.5}"#.into()]),
            "data[0].video_count",
            "field `data[0].video_count`: invalid value: 1.5",
        ),
        (
            page(&[r#"{"_id":"a","index_name":"n","models":[{"model_name":"m","model_options":[7]}]}"#.into()]),
            "data[0].models[0].model_options[0]",
            "field `data[0].models[0].model_options[0]`: invalid type: integer `7`",
        ),
    ];
    for (json, want_path, want_msg) in index_cases {
        let (msg, path) = failure::<IndexPage>(&json);
        assert_eq!(path, want_path, "{json}");
        assert!(msg.contains(want_msg), "{msg}");
    }
}

#[test]
fn unknown_keys_are_kept_as_compact_text_at_every_level() {
    let index: Index = serde_json::from_str(
        r#"{ "_id": "a", "index_name": "n", "brand_new": { "x" : [1, 2.5, "s"] },
             "engines": [ {"engine_name": "e", "tier": { "a" : true } } ],
             "models": [ {"model_name": "m", "region": [ ] } ] }"#,
    )
    .unwrap();
    assert_eq!(index.extra.raw("brand_new"), Some(r#"{"x":[1,2.5,"s"]}"#));
    assert_eq!(index.extra["brand_new"], json!({"x": [1, 2.5, "s"]}));
    assert_eq!(index.engines[0].extra.raw("tier"), Some(r#"{"a":true}"#));
    assert_eq!(index.models[0].extra.raw("region"), Some("[]"));
    // Known keys never land in `extra`.
    assert_eq!(index.extra.keys().collect::<Vec<_>>(), ["brand_new"]);

    let video: Video = serde_json::from_str(
        r#"{ "_id": "v", "asset_id": "a1",
             "system_metadata": { "width": 854, "custom" : { "k" : null } },
             "source": { "type": "upload", "bucket": "b" },
             "transcription": [ { "start": 0, "end": 1, "value": "hi", "speaker": 2 } ] }"#,
    )
    .unwrap();
    assert_eq!(video.extra.raw("asset_id"), Some(r#""a1""#));
    let metadata = video.metadata.as_ref().unwrap();
    assert_eq!(metadata.width, Some(854));
    assert_eq!(metadata.extra.raw("custom"), Some(r#"{"k":null}"#));
    assert_eq!(video.source.as_ref().unwrap().extra["bucket"], "b");
    assert_eq!(video.transcription[0].extra.raw("speaker"), Some("2"));

    let created: CreateIndexResponse =
        serde_json::from_str(r#"{"_id":"a","warning":"slow"}"#).unwrap();
    assert_eq!(created.extra["warning"], "slow");

    // What was kept is written back.
    let back = serde_json::to_value(&video).unwrap();
    assert_eq!(back["asset_id"], "a1");
    assert_eq!(back["metadata"]["custom"], json!({"k": null}));
}

#[test]
fn extra_of_a_video_is_bounded() {
    let big = "x".repeat(EXTRA_LIMIT_BYTES);
    let json = format!(r#"{{"_id":"v","small":1,"huge":"{big}","after":true}}"#);
    let video: Video = serde_json::from_str(&json).unwrap();
    assert_eq!(video.extra["small"], 1);
    assert_eq!(video.extra["after"], true);
    assert!(!video.extra.contains_key("huge"));
    assert_eq!(video.extra.omitted().count(), 1);
    assert_eq!(video.extra.omitted().keys(), ["huge"]);
}

#[test]
fn video_metadata_rule_holds_in_any_key_order() {
    let meta = |v: &Video| v.metadata.as_ref().and_then(|m| m.filename.clone());

    // v1.2 alone, v1.3 alone.
    let v: Video = serde_json::from_str(r#"{"_id":"v","metadata":{"filename":"a"}}"#).unwrap();
    assert_eq!(meta(&v).as_deref(), Some("a"));
    assert!(v.extra.is_empty());
    let v: Video =
        serde_json::from_str(r#"{"_id":"v","system_metadata":{"filename":"b"}}"#).unwrap();
    assert_eq!(meta(&v).as_deref(), Some("b"));
    assert!(v.extra.is_empty());

    // Both: `metadata` wins whichever comes first; the other is kept.
    for json in [
        r#"{"_id":"v","metadata":{"filename":"a"},"system_metadata":{"filename":"b"}}"#,
        r#"{"_id":"v","system_metadata":{"filename":"b"},"metadata":{"filename":"a"}}"#,
    ] {
        let v: Video = serde_json::from_str(json).unwrap();
        assert_eq!(meta(&v).as_deref(), Some("a"), "{json}");
        assert_eq!(v.extra["system_metadata"]["filename"], "b", "{json}");
        assert_eq!(v.extra.len(), 1, "{json}");
    }

    // A `metadata: null` gives way to `system_metadata`, in either order,
    // and is not kept.
    for json in [
        r#"{"_id":"v","metadata":null,"system_metadata":{"filename":"b"}}"#,
        r#"{"_id":"v","system_metadata":{"filename":"b"},"metadata":null}"#,
    ] {
        let v: Video = serde_json::from_str(json).unwrap();
        assert_eq!(meta(&v).as_deref(), Some("b"), "{json}");
        assert!(v.extra.is_empty(), "{json}: {:?}", v.extra);
    }

    // Both null, or only a null: no metadata, nothing kept.
    for json in [
        r#"{"_id":"v","metadata":null}"#,
        r#"{"_id":"v","system_metadata":null,"metadata":null}"#,
    ] {
        let v: Video = serde_json::from_str(json).unwrap();
        assert_eq!(v.metadata, None, "{json}");
        assert!(v.extra.is_empty(), "{json}");
    }

    // After a winning `metadata`, `system_metadata` is only kept, never
    // decoded, so a malformed one is no error; before it, it is decoded (the
    // decoder cannot know yet that it will lose), so the same value fails.
    let v: Video = serde_json::from_str(
        r#"{"_id":"v","metadata":{"filename":"a"},"system_metadata":{"width":"wide"}}"#,
    )
    .unwrap();
    assert_eq!(v.extra.raw("system_metadata"), Some(r#"{"width":"wide"}"#));
    let (msg, path) = failure::<Video>(
        r#"{"_id":"v","system_metadata":{"width":"wide"},"metadata":{"filename":"a"}}"#,
    );
    assert_eq!(path, "system_metadata.width");
    assert!(msg.contains("field `system_metadata.width`"), "{msg}");
}

#[test]
fn video_id_is_required_and_id_is_only_extra() {
    let (msg, path) = failure::<Video>(r#"{"id":"v"}"#);
    assert!(msg.contains("missing field `_id`"), "{msg}");
    assert_eq!(path, ".");
    let (msg, path) = failure::<Video>(r#"{"_id":null}"#);
    assert!(msg.contains("field `_id`: invalid type: null"), "{msg}");
    assert_eq!(path, "_id");
    let v: Video = serde_json::from_str(r#"{"id":"p","_id":"v"}"#).unwrap();
    assert_eq!(v.id, "v");
    assert_eq!(v.extra["id"], "p");
}
