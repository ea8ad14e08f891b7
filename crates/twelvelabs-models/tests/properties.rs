//! Property tests: the decoders never panic on arbitrary JSON around the documented
//! shapes, and whatever decodes re-encodes to the same value.

use proptest::prelude::*;
use serde_json::{json, Map, Value};
use twelvelabs_models::{
    ApiErrorBody, ImportLogs, ImportStatus, ImportVideosResponse, Task, TaskPage, TaskStatus,
};

fn leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(Value::from),
        "[a-z0-9:._+-]{0,24}".prop_map(Value::from),
        Just(json!("2024-11-13T09:12:34.567Z")),
        Just(json!("2024-11-13T18:12:34+09:00")),
        Just(json!("ready")),
    ]
}

fn any_json() -> impl Strategy<Value = Value> {
    leaf().prop_recursive(3, 24, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::from),
            prop::collection::btree_map("[a-z_]{1,12}", inner, 0..5)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

const TASK_KEYS: [&str; 11] = [
    "_id",
    "index_id",
    "video_id",
    "status",
    "created_at",
    "updated_at",
    "estimated_time",
    "metadata",
    "system_metadata",
    "hls",
    "process",
];

/// Objects with the documented keys, each holding an arbitrary value.
fn task_like() -> impl Strategy<Value = Value> {
    prop::collection::vec((prop::sample::select(&TASK_KEYS[..]), any_json()), 0..12).prop_map(
        |pairs| {
            let mut m = Map::new();
            for (k, v) in pairs {
                m.insert(k.to_owned(), v);
            }
            Value::Object(m)
        },
    )
}

proptest! {
    #[test]
    fn decoders_never_panic(v in any_json(), t in task_like()) {
        for value in [&v, &t] {
            let text = value.to_string();
            let _ = serde_json::from_str::<Task>(&text);
            let _ = serde_json::from_str::<TaskPage>(&text);
            let _ = serde_json::from_str::<ImportStatus>(&text);
            let _ = serde_json::from_str::<ImportLogs>(&text);
            let _ = serde_json::from_str::<ImportVideosResponse>(&text);
            let _ = ApiErrorBody::parse(text.as_bytes());
        }
    }

    #[test]
    fn decoded_tasks_round_trip(mut t in task_like(), id in "[0-9a-f]{24}", status in "[a-z]{1,10}") {
        // Required fields present, the rest arbitrary: a good share decodes.
        t["_id"] = Value::from(id);
        t["status"] = Value::from(status);
        if let Ok(task) = serde_json::from_value::<Task>(t) {
            let again: Task = serde_json::from_value(serde_json::to_value(&task).unwrap()).unwrap();
            prop_assert_eq!(task, again);
        }
    }

    #[test]
    fn statuses_round_trip(s in "[a-z_]{1,16}") {
        let status: TaskStatus = serde_json::from_value(Value::from(s.clone())).unwrap();
        prop_assert_eq!(status.as_str(), s.as_str());
        prop_assert_eq!(serde_json::to_value(&status).unwrap(), Value::from(s));
    }
}
