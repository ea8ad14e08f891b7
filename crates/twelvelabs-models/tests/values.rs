//! String enums, id newtypes and timestamp helpers.

use std::collections::HashMap;
use std::str::FromStr;

use chrono::{TimeZone, Utc};
use twelvelabs_models::*;

// ---------------------------------------------------------------- TaskStatus

const TASK_STATUSES: [(&str, TaskStatus); 7] = [
    ("uploading", TaskStatus::Uploading),
    ("validating", TaskStatus::Validating),
    ("pending", TaskStatus::Pending),
    ("queued", TaskStatus::Queued),
    ("indexing", TaskStatus::Indexing),
    ("ready", TaskStatus::Ready),
    ("failed", TaskStatus::Failed),
];

#[test]
fn every_known_task_status_round_trips() {
    for (wire, status) in TASK_STATUSES {
        let json = format!("\"{wire}\"");
        let parsed: TaskStatus = serde_json::from_str(&json).unwrap();
        assert_eq!(parsed, status);
        assert_eq!(serde_json::to_string(&parsed).unwrap(), json);
        assert_eq!(parsed.as_str(), wire);
        assert_eq!(parsed.to_string(), wire);
        assert_eq!(TaskStatus::from_str(wire).unwrap(), status);
        assert_eq!(TaskStatus::from(wire.to_owned()), status);
        assert_eq!(parsed, wire);
        assert!(!parsed.is_unknown());
    }
    let all: Vec<TaskStatus> = TASK_STATUSES.iter().map(|(_, s)| s.clone()).collect();
    assert_eq!(TaskStatus::ALL_KNOWN.to_vec(), all);
}

#[test]
fn unknown_task_status_round_trips_exactly() {
    for wire in ["archiving", "READY", "Ready", " ready", "", "ünïcode"] {
        let json = serde_json::to_string(wire).unwrap();
        let parsed: TaskStatus = serde_json::from_str(&json).unwrap();
        assert_eq!(parsed, TaskStatus::Unknown(wire.to_owned()));
        assert!(parsed.is_unknown());
        assert_eq!(parsed.as_str(), wire);
        assert_eq!(serde_json::to_string(&parsed).unwrap(), json);
        assert_eq!(wire.parse::<TaskStatus>().unwrap(), parsed);
        assert_eq!(parsed, wire);
    }
}

#[test]
fn is_terminal_truth_table() {
    let table = [
        (TaskStatus::Uploading, false, false, false),
        (TaskStatus::Validating, false, false, false),
        (TaskStatus::Pending, false, false, false),
        (TaskStatus::Queued, false, false, false),
        (TaskStatus::Indexing, false, false, false),
        (TaskStatus::Ready, true, true, false),
        (TaskStatus::Failed, true, false, true),
        (TaskStatus::Unknown("archiving".into()), false, false, false),
        (TaskStatus::Unknown("done".into()), false, false, false),
    ];
    for (status, terminal, ready, failed) in table {
        assert_eq!(status.is_terminal(), terminal, "{status}");
        assert_eq!(status.is_ready(), ready, "{status}");
        assert_eq!(status.is_failed(), failed, "{status}");
        let task = Task::new("t", status.clone());
        assert_eq!(task.is_done(), terminal, "{status}");
    }
}

#[test]
fn display_honours_width() {
    assert_eq!(format!("[{:<10}]", TaskStatus::Ready), "[ready     ]");
    assert_eq!(format!("[{:>8}]", TaskId::from("abc")), "[     abc]");
}

// ---------------------------------------------------------------- other enums

#[test]
fn hls_status_round_trips() {
    for (wire, status) in [
        ("PROCESSING", HlsStatus::Processing),
        ("COMPLETE", HlsStatus::Complete),
        ("CANCELED", HlsStatus::Canceled),
        ("ERROR", HlsStatus::Error),
        ("complete", HlsStatus::Unknown("complete".into())),
    ] {
        let json = format!("\"{wire}\"");
        let parsed: HlsStatus = serde_json::from_str(&json).unwrap();
        assert_eq!(parsed, status);
        assert_eq!(serde_json::to_string(&parsed).unwrap(), json);
        assert_eq!(parsed.to_string(), wire);
    }
    assert_eq!(HlsStatus::ALL_KNOWN.len(), 4);
}

#[test]
fn sort_enums_round_trip() {
    for (wire, value) in [
        ("created_at", SortBy::CreatedAt),
        ("updated_at", SortBy::UpdatedAt),
        ("relevance", SortBy::Unknown("relevance".into())),
    ] {
        let parsed: SortBy = serde_json::from_str(&format!("\"{wire}\"")).unwrap();
        assert_eq!(parsed, value);
        assert_eq!(parsed.as_str(), wire);
        assert_eq!(parsed.to_string(), wire);
    }
    for (wire, value) in [
        ("asc", SortOption::Asc),
        ("desc", SortOption::Desc),
        ("DESC", SortOption::Unknown("DESC".into())),
    ] {
        let parsed: SortOption = wire.parse().unwrap();
        assert_eq!(parsed, value);
        assert_eq!(
            serde_json::to_string(&parsed).unwrap(),
            format!("\"{wire}\"")
        );
    }
    assert_eq!(SortBy::default(), SortBy::CreatedAt);
    assert_eq!(SortOption::default(), SortOption::Desc);
}

#[test]
fn enum_rejects_non_strings() {
    let err = serde_json::from_str::<HlsStatus>("1").unwrap_err();
    assert!(
        err.to_string().contains("expected an HLS status string"),
        "{err}"
    );
    let err = serde_json::from_str::<SortOption>("null").unwrap_err();
    assert!(
        err.to_string().contains("expected a sort_option string"),
        "{err}"
    );
}

// ---------------------------------------------------------------- ids

#[test]
fn ids_are_transparent_strings() {
    let id = TaskId::from("6734f1c2a1b2c3d4e5f60718");
    assert_eq!(
        serde_json::to_string(&id).unwrap(),
        "\"6734f1c2a1b2c3d4e5f60718\""
    );
    let back: TaskId = serde_json::from_str("\"6734f1c2a1b2c3d4e5f60718\"").unwrap();
    assert_eq!(back, id);
    assert_eq!(id, "6734f1c2a1b2c3d4e5f60718");
    assert_eq!(id, *"6734f1c2a1b2c3d4e5f60718");
    assert_eq!(id, String::from("6734f1c2a1b2c3d4e5f60718"));
    assert_eq!(id.as_str(), "6734f1c2a1b2c3d4e5f60718");
    assert_eq!(id.as_ref() as &str, "6734f1c2a1b2c3d4e5f60718");
    assert!(id.starts_with("6734")); // Deref<Target = str>
    assert_eq!(id.to_string(), "6734f1c2a1b2c3d4e5f60718");
    assert_eq!(id.clone().into_inner(), "6734f1c2a1b2c3d4e5f60718");
    assert_eq!(String::from(id.clone()), "6734f1c2a1b2c3d4e5f60718");
    assert_eq!(VideoId::new("v"), VideoId::from(String::from("v")));
    let (a, b) = (IndexId::from("a"), IndexId::from("b"));
    assert!(a < b);

    let mut by_id: HashMap<TaskId, u32> = HashMap::new();
    by_id.insert(id, 1);
    assert_eq!(by_id.get("6734f1c2a1b2c3d4e5f60718"), Some(&1)); // Borrow<str>
}

// ---------------------------------------------------------------- time

#[test]
fn timestamps_parse_leniently() {
    let base = Utc.with_ymd_and_hms(2024, 3, 1, 0, 0, 0).unwrap();
    for text in [
        "2024-03-01T00:00:00Z",
        "2024-03-01T00:00:00.000Z",
        "2024-03-01T00:00:00+00:00",
        "2024-03-01T09:00:00+09:00",
        "2024-02-29T19:00:00-05:00",
        "2024-03-01 00:00:00Z",
        "2024-03-01T00:00:00",
        " 2024-03-01T00:00:00Z\n",
    ] {
        assert_eq!(parse_timestamp(text).unwrap(), base, "{text}");
    }
    let precise = parse_timestamp("2022-08-01T17:22:18.372553+09:00").unwrap();
    assert_eq!(format_timestamp(&precise), "2022-08-01T08:22:18.372553Z");
    let millis = parse_timestamp("2022-06-09T04:50:00.879Z").unwrap();
    assert_eq!(format_timestamp(&millis), "2022-06-09T04:50:00.879Z");
    assert_eq!(format_timestamp(&base), "2024-03-01T00:00:00Z");
    for bad in [
        "",
        "yesterday",
        "2024-03-01",
        "2024-13-01T00:00:00Z",
        "1700000000",
    ] {
        assert!(parse_timestamp(bad).is_err(), "{bad}");
    }
}

#[test]
fn time_serde_helpers() {
    #[derive(serde::Serialize, serde::Deserialize, PartialEq, Debug)]
    struct Event {
        #[serde(with = "twelvelabs_models::time::rfc3339")]
        at: chrono::DateTime<Utc>,
        #[serde(default, with = "twelvelabs_models::time::rfc3339_option")]
        until: Option<chrono::DateTime<Utc>>,
    }
    let event: Event =
        serde_json::from_str(r#"{"at": "2024-03-01T09:00:00+09:00", "until": null}"#).unwrap();
    assert_eq!(event.at, Utc.with_ymd_and_hms(2024, 3, 1, 0, 0, 0).unwrap());
    assert_eq!(event.until, None);
    assert_eq!(
        serde_json::to_string(&event).unwrap(),
        r#"{"at":"2024-03-01T00:00:00Z","until":null}"#
    );
    let err = serde_json::from_str::<Event>(r#"{"at": "soon"}"#).unwrap_err();
    assert!(
        err.to_string()
            .contains("invalid RFC 3339 timestamp \"soon\""),
        "{err}"
    );
}
