//! `Error::Decode`'s `path` is the real JSON path for the SDK's own models
//! (not `.` with the path only inside the message).

use http::StatusCode;
use twelvelabs_models::{Task, TaskPage};
use twelvelabs_transport::{decode_json, Error};

fn decode_path<T: serde::de::DeserializeOwned + std::fmt::Debug>(body: &str) -> (String, String) {
    match decode_json::<T>(StatusCode::OK, body.as_bytes()) {
        Err(Error::Decode { path, source, .. }) => (path, source.to_string()),
        other => panic!("expected a decode error, got {other:?}"),
    }
}

#[test]
fn a_bad_item_of_a_task_page_has_its_path() {
    let (path, source) = decode_path::<TaskPage>(
        r#"{"data":[{"_id":"a","status":"ready"},{"_id":"b","status":42}],"page_info":{}}"#,
    );
    assert_eq!(path, "data[1].status");
    assert!(source.contains("field `data[1].status`"), "{source}");

    let (path, _) =
        decode_path::<Task>(r#"{"_id":"t","status":"ready","metadata":{"width":"854"}}"#);
    assert_eq!(path, "metadata.width");

    let (path, source) = decode_path::<Task>(r#"{"status":"ready"}"#);
    assert_eq!(path, ".");
    assert!(source.contains("missing field `_id`"), "{source}");
}

#[test]
fn a_page_over_the_limit_is_a_decode_error_at_data() {
    let items: Vec<String> = (0..51)
        .map(|i| format!(r#"{{"_id":"t{i}","status":"ready"}}"#))
        .collect();
    let body = format!(r#"{{"data":[{}],"page_info":{{}}}}"#, items.join(","));
    let (path, source) = decode_path::<TaskPage>(&body);
    assert_eq!(path, "data");
    assert!(source.contains("more than 50 items"), "{source}");
}
