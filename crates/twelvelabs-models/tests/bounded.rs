//! The streaming decoder's bounds and structured paths: page size, the
//! `extra` byte bound, compact unknown values, and paths that
//! `serde_path_to_error` (hence the SDK's `Error::Decode::path`) can see.

use serde::de::DeserializeOwned;
use serde_json::json;
use twelvelabs_models::extra::{EXTRA_LIMIT_BYTES, OMITTED_KEYS_LISTED};
use twelvelabs_models::*;

fn page_of(n: usize) -> String {
    let items: Vec<String> = (0..n)
        .map(|i| format!(r#"{{"_id":"t{i}","status":"ready"}}"#))
        .collect();
    format!(
        r#"{{"data":[{}],"page_info":{{"limit_per_page":50,"page":1,"total_page":1,"total_results":{n}}}}}"#,
        items.join(",")
    )
}

/// The error message and the structured path of a failed decode.
fn failure<T: DeserializeOwned + std::fmt::Debug>(json: &str) -> (String, String) {
    let plain = serde_json::from_str::<T>(json).unwrap_err().to_string();
    let mut de = serde_json::Deserializer::from_str(json);
    let err = serde_path_to_error::deserialize::<_, T>(&mut de).unwrap_err();
    (plain, err.path().to_string())
}

#[test]
fn a_full_page_decodes_and_one_more_item_is_refused() {
    let page: TaskPage = serde_json::from_str(&page_of(MAX_PAGE_ITEMS)).unwrap();
    assert_eq!(page.data.len(), MAX_PAGE_ITEMS);
    assert_eq!(page.data[49].id, "t49");

    let (msg, path) = failure::<TaskPage>(&page_of(MAX_PAGE_ITEMS + 1));
    assert!(msg.contains("field `data`: more than 50 items"), "{msg}");
    assert_eq!(path, "data");

    // A huge page is refused after 51 items, whatever follows.
    let (msg, _) = failure::<TaskPage>(&page_of(100_000));
    assert!(msg.contains("more than 50 items"), "{msg}");
}

#[test]
fn paths_are_structured_for_our_own_models() {
    let cases = [
        (
            r#"{"data":[{"_id":"a","status":"ready"},{"_id":"b","status":[]}],"page_info":{}}"#,
            "data[1].status",
            "field `data[1].status`: invalid type: sequence",
        ),
        (
            r#"{"data":[{"_id":"a","status":"ready","metadata":{"width":"854"}}],"page_info":{}}"#,
            "data[0].metadata.width",
            "field `data[0].metadata.width`: invalid type: string",
        ),
        (
            r#"{"data":[{"status":"ready"}],"page_info":{}}"#,
            "data[0]",
            "missing field `data[0]._id`",
        ),
        (
            r#"{"data":[],"page_info":{"limit_per_page":10,"page":1.5,"total_page":1,"total_results":0}}"#,
            "page_info.page",
            "field `page_info.page`: invalid value: 1.5",
        ),
        (
            r#"{"data":[{"_id":"a","status":"ready","hls":{"thumbnail_urls":["x",2]}}],"page_info":{}}"#,
            "data[0].hls.thumbnail_urls[1]",
            "field `data[0].hls.thumbnail_urls[1]`: invalid type: integer `2`",
        ),
    ];
    for (json, want_path, want_msg) in cases {
        let (msg, path) = failure::<TaskPage>(json);
        assert_eq!(path, want_path, "{json}");
        assert!(msg.contains(want_msg), "{msg:?} lacks {want_msg:?}");
        // One position only: the nested error's own was removed.
        assert_eq!(msg.matches(" at line ").count(), 1, "{msg}");
    }
    let (_, path) = failure::<Task>(r#"{"_id":"t","status":"ready","created_at":"soon"}"#);
    assert_eq!(path, "created_at");
    let (_, path) = failure::<ImportLogs>(
        r#"{"data":[{"index_id":"i","index_name":"n","created_at":"2024-09-22T13:25:00Z","video_status":{"ready":"ten"}}]}"#,
    );
    assert_eq!(path, "data[0].video_status.ready");
}

#[test]
fn an_unknown_field_past_the_bound_is_omitted_and_recorded() {
    let junk = vec!["0"; 200_000].join(",");
    let json = format!(r#"{{"_id":"abc","status":"ready","junk":[{junk}],"after":{{"a":1}}}}"#);
    let task: Task = serde_json::from_str(&json).unwrap();
    assert_eq!(task.id, "abc");
    assert!(!task.extra.contains_key("junk"));
    assert_eq!(task.extra["after"], json!({"a": 1}));
    let omitted = task.extra.omitted();
    assert_eq!(omitted.count(), 1);
    assert_eq!(omitted.keys(), ["junk"]);
    assert_eq!(omitted.bytes(), ("junk".len() + junk.len() + 2) as u64);
    // Omitted entries are not written back.
    let out = serde_json::to_value(&task).unwrap();
    assert_eq!(
        out,
        json!({"_id": "abc", "status": "ready", "after": {"a": 1}})
    );
}

#[test]
fn the_bound_is_per_object_and_counts_keys_and_values() {
    // 60 entries of ~2 KiB: the first 32 fit in 64 KiB, the rest are omitted.
    let value = "x".repeat(2_000);
    let fields: Vec<String> = (0..60).map(|i| format!(r#""k{i:02}":"{value}""#)).collect();
    let json = format!(r#"{{"_id":"a","status":"ready",{}}}"#, fields.join(","));
    let task: Task = serde_json::from_str(&json).unwrap();
    let entry = 3 + value.len() + 2;
    let kept = EXTRA_LIMIT_BYTES / entry;
    assert_eq!(task.extra.len(), kept);
    assert_eq!(task.extra.omitted().count(), 60 - kept);
    assert_eq!(task.extra.omitted().keys().len(), OMITTED_KEYS_LISTED);
    assert_eq!(task.extra.omitted().keys()[0], format!("k{kept:02}"));
}

#[test]
fn unknown_values_are_kept_as_compact_text() {
    let json = "{ \"_id\": \"a\", \"status\": \"ready\",\n  \"reason\": { \"code\" : \"x\",\n \"list\": [ 1, 2.5, -3, true, null, \"q\\\"\\u00e9\" ] },\n \"empty\": [ ], \"obj\": { } }";
    let task: Task = serde_json::from_str(json).unwrap();
    assert_eq!(
        task.extra.raw("reason"),
        Some(r#"{"code":"x","list":[1,2.5,-3,true,null,"q\"é"]}"#)
    );
    assert_eq!(task.extra.raw("empty"), Some("[]"));
    assert_eq!(task.extra.raw("obj"), Some("{}"));
    assert_eq!(task.extra["reason"]["list"][1], 2.5);
    assert_eq!(
        task.extra.keys().collect::<Vec<_>>(),
        ["reason", "empty", "obj"]
    );
}

#[test]
fn duplicate_keys_keep_the_last_value() {
    let task: Task =
        serde_json::from_str(r#"{"_id":"a","status":"pending","x":1,"status":"ready","x":2}"#)
            .unwrap();
    assert_eq!(task.status, TaskStatus::Ready);
    assert_eq!(task.extra.len(), 1);
    assert_eq!(task.extra["x"], 2);
}

#[test]
fn extra_is_easy_to_build_and_read() {
    let mut extra = Extra::new();
    assert_eq!(extra.insert("a", json!([1, 2])), None);
    assert_eq!(extra.insert("a", json!(3)), Some(json!([1, 2])));
    extra.insert("b", json!({"c": true}));
    assert_eq!(extra.get("a"), Some(&json!(3)));
    assert_eq!(extra["missing"], serde_json::Value::Null);
    assert_eq!(extra.raw("b"), Some(r#"{"c":true}"#));
    assert_eq!(extra.remove("a"), Some(json!(3)));
    assert_eq!(
        extra.to_map(),
        serde_json::from_str(r#"{"b":{"c":true}}"#).unwrap()
    );
    let from_map = Extra::from(extra.to_map());
    assert_eq!(from_map, extra);
}

#[test]
fn a_syntax_error_inside_an_unknown_value_names_it_and_eof_stays_eof() {
    let err = serde_json::from_str::<Task>(r#"{"_id":"a","status":"ready","x":[1,}"#).unwrap_err();
    assert!(err.to_string().contains("field `x`"), "{err}");
    let err = serde_json::from_str::<Task>(r#"{"_id":"a","status":"ready","x":[1,"#).unwrap_err();
    assert!(err.is_eof(), "{err}");
}

#[test]
fn plain_id_and_metadata_rules_hold_in_any_key_order() {
    let task: Task = serde_json::from_str(r#"{"id":"p","status":"ready","_id":"u"}"#).unwrap();
    assert_eq!(task.id, "u");
    assert_eq!(task.extra["id"], "p");

    let task: Task = serde_json::from_str(r#"{"_id":null,"status":"ready","id":"p"}"#).unwrap();
    assert_eq!(task.id, "p");
    assert_eq!(task.extra["_id"], serde_json::Value::Null);

    let task: Task = serde_json::from_str(
        r#"{"_id":"a","status":"ready","system_metadata":{"filename":"b.mp4"},"metadata":{"filename":"a.mp4"}}"#,
    )
    .unwrap();
    assert_eq!(task.metadata.unwrap().filename.as_deref(), Some("a.mp4"));
    assert_eq!(task.extra["system_metadata"]["filename"], "b.mp4");

    let err = serde_json::from_str::<Task>(r#"{"id":5,"status":"ready"}"#).unwrap_err();
    assert!(
        err.to_string()
            .contains("field `id`: invalid type: integer `5`"),
        "{err}"
    );
}
