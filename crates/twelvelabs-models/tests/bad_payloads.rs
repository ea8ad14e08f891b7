//! Malformed payloads give a `serde_json::Error` that names the field, never a
//! panic.

use std::path::Path;

use serde::de::DeserializeOwned;
use twelvelabs_models::*;

/// Parses `json` as `T`, expecting failure; returns the error message.
fn error<T: DeserializeOwned + std::fmt::Debug>(json: &str) -> String {
    match serde_json::from_str::<T>(json) {
        Ok(value) => panic!("expected an error for {json}, got {value:?}"),
        Err(e) => e.to_string(),
    }
}

fn assert_contains(message: &str, needle: &str) {
    assert!(
        message.contains(needle),
        "{message:?} does not contain {needle:?}"
    );
}

#[test]
fn missing_id() {
    let msg = error::<Task>(r#"{"status": "ready", "index_id": "i"}"#);
    assert_contains(&msg, "missing field `_id`");
}

#[test]
fn missing_status() {
    let msg = error::<Task>(r#"{"_id": "t"}"#);
    assert_contains(&msg, "missing field `status`");
}

#[test]
fn status_as_a_number() {
    let msg = error::<Task>(r#"{"_id": "t", "status": 5}"#);
    assert_contains(&msg, "field `status`");
    assert_contains(
        &msg,
        "invalid type: integer `5`, expected a task status string",
    );
}

#[test]
fn status_null_is_an_error_because_it_is_required() {
    let msg = error::<Task>(r#"{"_id": "t", "status": null}"#);
    assert_contains(&msg, "field `status`: invalid type: null");
}

#[test]
fn id_as_a_number() {
    let msg = error::<Task>(r#"{"_id": 12, "status": "ready"}"#);
    assert_contains(&msg, "field `_id`: invalid type: integer `12`");
}

#[test]
fn width_as_a_string() {
    let msg = error::<Task>(r#"{"_id": "t", "status": "ready", "metadata": {"width": "854"}}"#);
    assert_contains(&msg, "field `metadata.width`");
    assert_contains(
        &msg,
        "invalid type: string \"854\", expected a non-negative integer",
    );
}

#[test]
fn width_in_v13_system_metadata_names_the_wire_key() {
    let msg =
        error::<Task>(r#"{"_id": "t", "status": "ready", "system_metadata": {"height": true}}"#);
    assert_contains(
        &msg,
        "field `system_metadata.height`: invalid type: boolean `true`",
    );
}

#[test]
fn non_integral_and_negative_integers() {
    let msg = error::<Task>(r#"{"_id": "t", "status": "ready", "metadata": {"width": 854.5}}"#);
    assert_contains(&msg, "field `metadata.width`: invalid value: 854.5");
    let msg = error::<Task>(r#"{"_id": "t", "status": "ready", "metadata": {"height": -1}}"#);
    assert_contains(&msg, "field `metadata.height`");
    let msg =
        error::<Task>(r#"{"_id": "t", "status": "ready", "metadata": {"width": 5000000000}}"#);
    assert_contains(
        &msg,
        "field `metadata.width`: invalid value: 5000000000 is out of range",
    );
}

#[test]
fn bad_timestamp() {
    let msg = error::<Task>(r#"{"_id": "t", "status": "ready", "created_at": "yesterday"}"#);
    assert_contains(
        &msg,
        "field `created_at`: invalid RFC 3339 timestamp \"yesterday\"",
    );
    let msg = error::<Task>(r#"{"_id": "t", "status": "ready", "updated_at": 1700000000}"#);
    assert_contains(
        &msg,
        "field `updated_at`: invalid type: integer `1700000000`",
    );
    let msg = error::<Task>(
        r#"{"_id":"t","status":"ready","hls":{"updated_at":"2024-13-01T00:00:00Z"}}"#,
    );
    assert_contains(&msg, "field `hls.updated_at`");
}

#[test]
fn truncated_json_is_an_eof_error() {
    let json = r#"{"_id": "6734f1c2a1b2c3d4e5f60718", "status": "ready", "metadata": {"width": 85"#;
    let err = serde_json::from_str::<Task>(json).unwrap_err();
    assert!(err.is_eof(), "{err}");
    assert_contains(&err.to_string(), "EOF while parsing");
}

#[test]
fn every_prefix_of_every_fixture_fails_cleanly() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        let bytes = text.trim_end().as_bytes();
        for end in 0..bytes.len() {
            let prefix = &bytes[..end];
            // Each call must return (Ok or Err), never panic.
            let _ = serde_json::from_slice::<Task>(prefix);
            let _ = serde_json::from_slice::<TaskPage>(prefix);
            let _ = serde_json::from_slice::<ImportStatus>(prefix);
            let _ = serde_json::from_slice::<ImportLogs>(prefix);
            let _ = ApiErrorBody::parse(prefix);
        }
    }
}

#[test]
fn list_item_errors_name_the_index() {
    let json = r#"{"data": [{"_id": "a", "status": "ready"}, {"_id": "b", "status": []}],
                   "page_info": {"limit_per_page": 10, "page": 1, "total_page": 1, "total_results": 2}}"#;
    let msg = error::<TaskPage>(json);
    assert_contains(&msg, "field `data[1].status`: invalid type: sequence");

    let msg = error::<TaskPage>(r#"{"data": [{"status": "ready"}], "page_info": {}}"#);
    assert_contains(&msg, "missing field `data[0]._id`");

    let msg = error::<TaskPage>(r#"{"data": {}, "page_info": {}}"#);
    assert_contains(&msg, "field `data`: invalid type: map, expected an array");
}

#[test]
fn page_info_is_required_and_strict_about_fractions() {
    let msg = error::<TaskPage>(r#"{"data": []}"#);
    assert_contains(&msg, "missing field `page_info`");
    let msg = error::<TaskPage>(
        r#"{"data": [], "page_info": {"limit_per_page": 10, "page": 1, "total_page": 1}}"#,
    );
    assert_contains(&msg, "missing field `page_info.total_results`");
    let msg = error::<TaskPage>(
        r#"{"data": [], "page_info": {"limit_per_page": 10, "page": 1.5, "total_page": 1, "total_results": 0}}"#,
    );
    assert_contains(&msg, "field `page_info.page`: invalid value: 1.5");
}

#[test]
fn nested_import_errors_have_paths() {
    let msg = error::<ImportLogs>(
        r#"{"data": [{"index_id": "i", "index_name": "n", "video_status": {}}]}"#,
    );
    assert_contains(&msg, "missing field `data[0].created_at`");

    let msg = error::<ImportLogs>(
        r#"{"data": [{"index_id": "i", "index_name": "n", "created_at": "2024-09-22T13:25:00Z",
                      "video_status": {"ready": "ten"}}]}"#,
    );
    assert_contains(
        &msg,
        "field `data[0].video_status.ready`: invalid type: string \"ten\"",
    );

    let msg = error::<ImportStatus>(r#"{"failed": [{"filename": "a.mp4"}]}"#);
    assert_contains(&msg, "missing field `failed[0].error_message`");

    let msg = error::<ImportVideosResponse>(r#"{"videos": [{"video_id": 1, "filename": "a"}]}"#);
    assert_contains(
        &msg,
        "field `videos[0].video_id`: invalid type: integer `1`",
    );

    let msg = error::<ImportVideosRequest>(r#"{"index_id": "i", "retry_failed": "yes"}"#);
    assert_contains(
        &msg,
        "field `retry_failed`: invalid type: string \"yes\", expected a boolean",
    );

    let msg = error::<ImportVideosRequest>(r#"{"user_metadata": {}}"#);
    assert_contains(&msg, "missing field `index_id`");
}

#[test]
fn thumbnail_url_errors_name_the_element() {
    let msg = error::<Task>(r#"{"_id":"t","status":"ready","hls":{"thumbnail_urls":["a", 2]}}"#);
    assert_contains(
        &msg,
        "field `hls.thumbnail_urls[1]`: invalid type: integer `2`",
    );
}

#[test]
fn top_level_of_the_wrong_type() {
    let msg = error::<Task>(r#""ready""#);
    assert_contains(&msg, "invalid type: string \"ready\"");
    let msg = error::<TaskPage>("[]");
    assert_contains(&msg, "invalid type: sequence");
    let msg = error::<ApiErrorBody>("[]");
    assert_contains(&msg, "expected an error object");
}
