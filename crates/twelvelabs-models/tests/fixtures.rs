//! Every documented wire shape, as a realistic fixture: deserialised,
//! snapshotted, and round-tripped (deserialise → serialise → deserialise).

use std::fmt::Debug;
use std::path::Path;

use chrono::{TimeZone, Utc};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{json, Value};
use twelvelabs_models::*;

fn load(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Deserialises a fixture and checks that serialising and deserialising again
/// gives the same value (and the same JSON).
fn check<T: DeserializeOwned + Serialize + PartialEq + Debug>(name: &str) -> T {
    let first: T = serde_json::from_str(&load(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
    let json = serde_json::to_string(&first).unwrap();
    let second: T =
        serde_json::from_str(&json).unwrap_or_else(|e| panic!("{name} (re-read): {e}\n{json}"));
    assert_eq!(
        first, second,
        "{name}: round trip changed the value\n{json}"
    );
    assert_eq!(
        serde_json::to_string(&second).unwrap(),
        json,
        "{name}: unstable JSON"
    );
    first
}

/// Serialised form of a value, as a JSON value.
fn to_json<T: Serialize>(value: &T) -> Value {
    serde_json::to_value(value).unwrap()
}

macro_rules! fixtures {
    ($($test:ident: $file:literal => $ty:ty;)+) => {
        $(
            #[test]
            fn $test() {
                let value: $ty = check($file);
                insta::assert_debug_snapshot!(stringify!($test), value);
            }
        )+

        const ALL_FIXTURES: &[&str] = &[$($file),+];
    };
}

fixtures! {
    task_v12_in_progress: "task_v12_in_progress.json" => Task;
    task_v12_finished: "task_v12_finished.json" => Task;
    task_v13_retrieve: "task_v13_retrieve.json" => Task;
    task_v13_list_item: "task_v13_list_item.json" => Task;
    task_unknown_fields: "task_unknown_fields.json" => Task;
    task_nulls: "task_nulls.json" => Task;
    task_nested_nulls: "task_nested_nulls.json" => Task;
    task_timestamps: "task_timestamps.json" => Task;
    task_estimated_time_seconds: "task_estimated_time_seconds.json" => Task;
    list_v12: "list_v12.json" => TaskPage;
    list_v13: "list_v13.json" => TaskPage;
    list_empty: "list_empty.json" => TaskPage;
    list_data_null: "list_data_null.json" => TaskPage;
    create_v12: "create_v12.json" => CreateTaskResponse;
    create_v13: "create_v13.json" => CreateTaskResponse;
    index_status: "index_status.json" => IndexTaskStatus;
    transfer_file: "transfer_file.json" => Vec<TransferFileEntry>;
    import_request: "import_request.json" => ImportVideosRequest;
    import_request_py032_nulls: "import_request_py032_nulls.json" => ImportVideosRequest;
    import_response: "import_response.json" => ImportVideosResponse;
    import_response_no_failed: "import_response_no_failed.json" => ImportVideosResponse;
    import_status_all: "import_status_all.json" => ImportStatus;
    import_status_missing_groups: "import_status_missing_groups.json" => ImportStatus;
    import_logs: "import_logs.json" => ImportLogs;
    error_flat: "error_flat.json" => ApiErrorBody;
    error_wrapped: "error_wrapped.json" => ApiErrorBody;
    error_code_numeric: "error_code_numeric.json" => ApiErrorBody;
    error_not_found: "error_not_found.json" => ApiErrorBody;
    // The responses the Task resource's wire tests serve (one fixture set for
    // the workspace: crates/twelvelabs-tasks/tests read this directory too).
    error_task_cannot_be_deleted: "error_task_cannot_be_deleted.json" => ApiErrorBody;
    import_status: "import_status.json" => ImportStatus;
    import_videos_201: "import_videos_201.json" => ImportVideosResponse;
    index_status_v12: "index_status_v12.json" => IndexTaskStatus;
    list_v12_page: "list_v12_page.json" => TaskPage;
    list_v13_page: "list_v13_page.json" => TaskPage;
    task_v12_indexing: "task_v12_indexing.json" => Task;
    task_v12_ready: "task_v12_ready.json" => Task;
    task_v13_ready: "task_v13_ready.json" => Task;
    task_v13_validating: "task_v13_validating.json" => Task;
}

#[test]
fn every_fixture_file_is_tested() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut on_disk: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    on_disk.sort();
    let mut tested: Vec<String> = ALL_FIXTURES.iter().map(|s| s.to_string()).collect();
    tested.sort();
    assert_eq!(on_disk, tested);
}

// ---------------------------------------------------------------- tasks

#[test]
fn v12_in_progress_fields() {
    let task: Task = check("task_v12_in_progress.json");
    assert_eq!(task.id, "6734f1c2a1b2c3d4e5f60718");
    assert_eq!(task.status, TaskStatus::Indexing);
    assert!(!task.is_done());
    assert!(task.video_id.is_none());
    let process = task.process.as_ref().unwrap();
    assert_eq!(process.percentage, Some(42.5));
    assert_eq!(process.remain_seconds, Some(118.3));
    let hls = task.hls.as_ref().unwrap();
    assert_eq!(hls.status, Some(HlsStatus::Processing));
    assert!(hls.thumbnail_urls.is_empty());
    assert_eq!(
        task.estimated_time,
        Some(Utc.with_ymd_and_hms(2024, 11, 13, 9, 16, 2).unwrap())
    );
    assert!(task.extra.is_empty());
}

#[test]
fn v13_system_metadata_is_read_and_written_as_metadata() {
    let task: Task = check("task_v13_retrieve.json");
    assert!(task.is_done());
    let metadata = task.metadata.as_ref().unwrap();
    assert_eq!(metadata.filename.as_deref(), Some("01.mp4"));
    assert_eq!((metadata.width, metadata.height), (Some(854), Some(480)));
    assert!(
        task.extra.is_empty(),
        "system_metadata must not leak into extra"
    );
    insta::assert_json_snapshot!("task_v13_retrieve_serialised", task);
}

#[test]
fn metadata_items_translate_the_seed_loop() {
    let task: Task = check("task_unknown_fields.json");
    let metadata = task.metadata.as_ref().unwrap();
    let items: Vec<(String, Value)> = metadata.iter().map(|(k, v)| (k.to_owned(), v)).collect();
    assert_eq!(
        items,
        vec![
            ("filename".to_owned(), json!("02.mp4")),
            ("duration".to_owned(), json!(12.0)),
            ("width".to_owned(), json!(1280)),
            ("height".to_owned(), json!(720)),
            ("codec".to_owned(), json!("h264")),
            ("fps".to_owned(), json!(29.97)),
        ]
    );
    assert_eq!(metadata.get("fps"), Some(json!(29.97)));
    assert_eq!(metadata.get("missing"), None);
    assert_eq!(metadata.to_map().len(), 6);
}

#[test]
fn unknown_fields_and_status_are_kept_verbatim() {
    let text = load("task_unknown_fields.json");
    let task: Task = serde_json::from_str(&text).unwrap();
    assert_eq!(task.status, TaskStatus::Unknown("archiving".into()));
    assert!(!task.is_done());
    assert_eq!(task.extra["failure_reason"]["code"], "video_file_broken");
    assert_eq!(task.extra["tags"], json!(["lecture", "2025"]));
    let hls = task.hls.as_ref().unwrap();
    assert_eq!(hls.status, Some(HlsStatus::Unknown("TRANSCODING".into())));
    assert_eq!(hls.extra["cdn"], "edge-7");
    assert_eq!(task.process.as_ref().unwrap().extra["stage"], "finalize");
    // Nothing is lost: the serialised task equals the input JSON.
    let original: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(to_json(&task), original);
}

#[test]
fn nulls_everywhere_optional_are_none_and_not_written() {
    let task: Task = check("task_nulls.json");
    assert_eq!(task.status, TaskStatus::Pending);
    assert!(task.index_id.is_none() && task.video_id.is_none());
    assert!(task.created_at.is_none() && task.updated_at.is_none());
    assert!(task.estimated_time.is_none() && task.metadata.is_none());
    assert!(task.hls.is_none() && task.process.is_none());
    assert!(task.extra.is_empty(), "{:?}", task.extra);
    assert_eq!(
        to_json(&task),
        json!({"_id": "6734f1c2a1b2c3d4e5f60711", "status": "pending"})
    );

    let task: Task = check("task_nested_nulls.json");
    assert_eq!(task.metadata, Some(SystemMetadata::default()));
    assert_eq!(task.hls, Some(Hls::default()));
    assert_eq!(task.process, Some(Process::default()));
}

#[test]
fn timestamps_with_offsets_and_without_fraction_become_utc() {
    let task: Task = check("task_timestamps.json");
    let utc = |y, mo, d, h, mi, s, micros| {
        Utc.with_ymd_and_hms(y, mo, d, h, mi, s).unwrap() + chrono::Duration::microseconds(micros)
    };
    assert_eq!(task.created_at, Some(utc(2022, 8, 1, 8, 22, 18, 372_553)));
    assert_eq!(task.updated_at, Some(utc(2024, 3, 1, 0, 0, 0, 0)));
    assert_eq!(task.estimated_time, Some(utc(2024, 3, 1, 0, 30, 0, 0)));
    let hls = task.hls.as_ref().unwrap();
    assert_eq!(hls.updated_at, Some(utc(2024, 3, 1, 0, 0, 0, 500_000)));
    let metadata = task.metadata.as_ref().unwrap();
    assert_eq!((metadata.width, metadata.height), (Some(854), Some(480)));
    assert_eq!(metadata.duration, Some(30.0));
    let out = to_json(&task);
    assert_eq!(out["created_at"], "2022-08-01T08:22:18.372553Z");
    assert_eq!(out["updated_at"], "2024-03-01T00:00:00Z");
    assert_eq!(out["hls"]["updated_at"], "2024-03-01T00:00:00.500Z");
    assert_eq!(out["metadata"]["width"], 854);
}

#[test]
fn estimated_time_that_is_not_a_timestamp_is_kept_in_extra() {
    let task: Task = check("task_estimated_time_seconds.json");
    assert_eq!(task.estimated_time, None);
    assert_eq!(task.extra["estimated_time"], 290);
    assert_eq!(task.metadata, Some(SystemMetadata::default()));
}

#[test]
fn both_metadata_keys_present_keeps_the_second_in_extra() {
    let text = r#"{"_id":"a","status":"ready","metadata":{"filename":"a.mp4"},"system_metadata":{"filename":"b.mp4"}}"#;
    let task: Task = serde_json::from_str(text).unwrap();
    assert_eq!(task.metadata.unwrap().filename.as_deref(), Some("a.mp4"));
    assert_eq!(task.extra["system_metadata"]["filename"], "b.mp4");

    let text =
        r#"{"_id":"a","status":"ready","metadata":null,"system_metadata":{"filename":"b.mp4"}}"#;
    let task: Task = serde_json::from_str(text).unwrap();
    assert_eq!(task.metadata.unwrap().filename.as_deref(), Some("b.mp4"));
    assert!(task.extra.is_empty());
}

#[test]
fn id_falls_back_to_plain_id_key() {
    let task: Task = serde_json::from_str(r#"{"id":"t1","status":"ready"}"#).unwrap();
    assert_eq!(task.id, "t1");
    assert!(task.extra.is_empty());
    assert_eq!(to_json(&task), json!({"_id": "t1", "status": "ready"}));
}

#[test]
fn task_new_builds_a_minimal_task() {
    let mut task = Task::new("6734f1c2a1b2c3d4e5f60718", TaskStatus::Validating);
    let mut metadata = SystemMetadata::default();
    metadata.filename = Some("01.mp4".into());
    task.metadata = Some(metadata);
    assert_eq!(
        to_json(&task),
        json!({"_id": "6734f1c2a1b2c3d4e5f60718", "status": "validating", "metadata": {"filename": "01.mp4"}})
    );
}

// ---------------------------------------------------------------- lists

#[test]
fn list_pages() {
    let page: TaskPage = check("list_v12.json");
    assert_eq!(page.data.len(), 2);
    assert_eq!(page.data[1].status, TaskStatus::Indexing);
    assert!(!page.has_next_page());

    let page: TaskPage = check("list_v13.json");
    assert_eq!(page.data[1].status, TaskStatus::Uploading);
    assert_eq!(
        (
            page.page_info.limit_per_page,
            page.page_info.page,
            page.page_info.total_page
        ),
        (2, 2, 3)
    );
    assert_eq!(page.page_info.total_results, 6);
    assert!(page.has_next_page());
    assert_eq!(to_json(&page.page_info)["total_results"], 6);

    let page: TaskPage = check("list_empty.json");
    assert!(page.data.is_empty() && !page.has_next_page());

    let page: TaskPage = check("list_data_null.json");
    assert!(page.data.is_empty());
    assert_eq!(
        page.page_info.extra["page_expired_time"],
        "2025-02-03T08:10:00Z"
    );
    assert_eq!(to_json(&page)["data"], json!([]));
}

// ---------------------------------------------------------------- create, status, transfer

#[test]
fn create_responses() {
    let res: CreateTaskResponse = check("create_v12.json");
    assert_eq!(res.id, "6734f1c2a1b2c3d4e5f60718");
    assert!(res.video_id.is_none());
    assert_eq!(to_json(&res), json!({"_id": "6734f1c2a1b2c3d4e5f60718"}));

    let res: CreateTaskResponse = check("create_v13.json");
    assert_eq!(res.video_id.unwrap(), "62a1ec6d9ea24f052b971a0f");
}

#[test]
fn index_status_summary() {
    let status: IndexTaskStatus = check("index_status.json");
    assert_eq!(
        (
            status.ready,
            status.validating,
            status.pending,
            status.failed,
            status.total_result
        ),
        (10, 0, 1, 2, 13)
    );
    let original: Value = serde_json::from_str(&load("index_status.json")).unwrap();
    assert_eq!(to_json(&status), original);
}

#[test]
fn transfer_file_entries_omit_unset_fields() {
    let entries: Vec<TransferFileEntry> = check("transfer_file.json");
    assert_eq!(
        entries[0].transcription.as_deref(),
        Some("s3://twelve-labs-docs/01.srt")
    );
    assert_eq!(entries[2].language, None);
    let original: Value = serde_json::from_str(&load("transfer_file.json")).unwrap();
    assert_eq!(to_json(&entries), original);
}

// ---------------------------------------------------------------- import

fn assert_no_nulls(value: &Value) {
    match value {
        Value::Null => panic!("null in serialised JSON"),
        Value::Array(items) => items.iter().for_each(assert_no_nulls),
        Value::Object(map) => map.values().for_each(assert_no_nulls),
        _ => {}
    }
}

#[test]
fn import_request_never_serialises_nulls() {
    let minimal = ImportVideosRequest::new("66ed1ed7046a96796303a06f");
    assert_no_nulls(&to_json(&minimal));
    assert_eq!(
        serde_json::to_string(&minimal).unwrap(),
        r#"{"index_id":"66ed1ed7046a96796303a06f"}"#
    );

    // The Python SDK's explicit nulls read as "absent" and are not echoed.
    let from_python: ImportVideosRequest = check("import_request_py032_nulls.json");
    assert_eq!(from_python, minimal);
    assert_no_nulls(&to_json(&from_python));

    let full: ImportVideosRequest = check("import_request.json");
    assert_no_nulls(&to_json(&full));
    assert_eq!(full.incremental_import, Some(false));
    assert_eq!(full.retry_failed, Some(true));
    insta::assert_json_snapshot!("import_request_serialised", full);
}

#[test]
fn import_request_user_metadata_keys_are_untouched() {
    let full: ImportVideosRequest = check("import_request.json");
    let metadata = full.user_metadata.as_ref().unwrap();
    assert_eq!(metadata["batchNumber"], 7);
    assert_eq!(metadata["course_name"], "CS101");
    let out = to_json(&full);
    assert_eq!(out["user_metadata"]["batchNumber"], 7);
    assert!(out["user_metadata"].get("batch_number").is_none());
}

#[test]
fn import_responses() {
    let res: ImportVideosResponse = check("import_response.json");
    assert_eq!(res.videos.len(), 2);
    assert_eq!(res.videos[1].video_id, "66fcee250f9f7bcce21915a4");
    assert_eq!(res.failed_files[0].filename, "2.mp4");

    let res: ImportVideosResponse = check("import_response_no_failed.json");
    assert!(res.failed_files.is_empty());
    assert_eq!(to_json(&res)["failed_files"], json!([]));

    let res: ImportVideosResponse = serde_json::from_str("{}").unwrap();
    assert_eq!(res, ImportVideosResponse::default());
}

#[test]
fn import_status_groups() {
    let status: ImportStatus = check("import_status_all.json");
    assert_eq!(status.not_imported.len(), 2);
    assert_eq!(status.indexing[0].created_at, None);
    assert_eq!(
        status.failed[0].error_message,
        "The file is not a valid video file."
    );

    let status: ImportStatus = check("import_status_missing_groups.json");
    assert!(status.validating.is_empty() && status.pending.is_empty());
    assert!(status.queued.is_empty() && status.indexing.is_empty() && status.failed.is_empty());
    assert_eq!(status.ready[0].filename, "2.mp4");
    // All seven groups are always written.
    let out = to_json(&status);
    for group in [
        "not_imported",
        "validating",
        "pending",
        "queued",
        "indexing",
        "ready",
        "failed",
    ] {
        assert!(out[group].is_array(), "{group} missing in {out}");
    }
}

#[test]
fn import_logs_running_and_finished() {
    let logs: ImportLogs = check("import_logs.json");
    assert_eq!(logs.data.len(), 2);
    assert!(!logs.data[0].is_running());
    assert!(logs.data[1].is_running());
    assert_eq!(logs.data[0].video_status.total(), 13);
    assert_eq!(logs.data[1].video_status.indexing, 1);
    let out = to_json(&logs);
    assert_eq!(out["data"][0]["ended_at"], "2024-09-22T13:40:00Z");
    assert!(
        out["data"][1].get("ended_at").unwrap().is_null(),
        "ended_at is written as null while running"
    );
}

// ---------------------------------------------------------------- error bodies

#[test]
fn error_bodies_parse_every_shape() {
    let flat = ApiErrorBody::parse(load("error_flat.json").as_bytes()).unwrap();
    assert_eq!(flat.code.as_deref(), Some("parameter_invalid"));
    assert_eq!(
        flat.message.as_deref(),
        Some("The page_limit parameter is invalid.")
    );
    assert!(flat.docs_url.is_some());
    assert_eq!(flat, check::<ApiErrorBody>("error_flat.json"));

    let wrapped = ApiErrorBody::parse(load("error_wrapped.json").as_bytes()).unwrap();
    assert_eq!(wrapped.code.as_deref(), Some("too_many_requests"));
    assert_eq!(wrapped.details.as_ref().unwrap()["limit"], 50);

    let numeric = ApiErrorBody::parse(load("error_code_numeric.json").as_bytes()).unwrap();
    assert_eq!(numeric.code.as_deref(), Some("104"));
    assert_eq!(
        numeric.message.as_deref(),
        Some("Search query is too long.")
    );
    assert_eq!(numeric.to_string(), "104: Search query is too long.");

    // Serialising always writes the flat shape.
    assert_eq!(
        to_json(&wrapped),
        json!({
            "code": "too_many_requests",
            "message": "You have exceeded the rate limit (50). Please try again later after 2025-01-01T00:00:00Z.",
            "details": {"limit": 50, "retry_after": "2025-01-01T00:00:00Z"}
        })
    );
    assert_eq!(
        to_json(&ApiErrorBody::new("api_key_invalid", "bad key").with_docs_url("https://d")),
        json!({"code": "api_key_invalid", "message": "bad key", "docs_url": "https://d"})
    );
}

#[test]
fn error_bodies_that_are_not_errors_parse_to_none() {
    for body in [
        "",
        "   \n\t ",
        "<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>",
        "Too Many Requests",
        "[]",
        "\"oops\"",
        "null",
        "{}",
        r#"{"status": 500}"#,
        r#"{"code": null, "message": null}"#,
        r#"{"code": "x", "message": "truncated"#,
    ] {
        assert_eq!(ApiErrorBody::parse(body.as_bytes()), None, "{body:?}");
    }
    // Not UTF-8 at all: still no panic.
    assert_eq!(ApiErrorBody::parse(&[0xff, 0xfe, 0x00]), None);
    // A bare `{"error": "text"}` is a message.
    let body = ApiErrorBody::parse(br#"{"error": "Unauthorized"}"#).unwrap();
    assert_eq!(body.message.as_deref(), Some("Unauthorized"));
    assert_eq!(body.code, None);
}
