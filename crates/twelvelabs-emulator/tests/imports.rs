//! Cloud-to-cloud imports: start, status groups, logs, one job at a time.

mod common;

use common::{assert_error, start, start_default, start_instant, Env};
use reqwest::StatusCode;
use serde_json::{json, Value};
use twelvelabs_emulator::{EmulatorConfig, Integration, IntegrationFile};

const IDX: &str = "6298d673f1090f1100476d4c";
const BASE: &str = "/v1.2/tasks/transfers/import/demo-integration";

async fn import(env: &Env, version: &str, body: Value) -> (StatusCode, Value) {
    let r = env
        .post(&format!(
            "/{version}/tasks/transfers/import/demo-integration"
        ))
        .json(&body)
        .send()
        .await
        .unwrap();
    let s = r.status();
    (s, r.json().await.unwrap())
}

fn filenames(items: &Value) -> Vec<String> {
    let mut v: Vec<String> = items
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["filename"].as_str().unwrap().to_owned())
        .collect();
    v.sort();
    v
}

#[tokio::test]
async fn import_status_and_logs_follow_the_tasks() {
    let env = start_default().await;

    // Before anything: every file is not imported, all groups present.
    let (s, st) = env.get_json(&format!("{BASE}/status?index_id={IDX}")).await;
    assert_eq!(s, StatusCode::OK);
    for key in [
        "validating",
        "pending",
        "queued",
        "indexing",
        "ready",
        "failed",
    ] {
        assert_eq!(st[key], json!([]), "{key}");
    }
    assert_eq!(st["not_imported"].as_array().unwrap().len(), 4);
    let (_, logs) = env.get_json(&format!("{BASE}/logs")).await;
    assert_eq!(logs, json!({"data": []}));

    // Explicit nulls, like the Python SDK sends them.
    let (s, v) = import(
        &env,
        "v1.2",
        json!({"index_id": IDX, "user_metadata": null, "incremental_import": null, "retry_failed": null}),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    assert_eq!(filenames(&v["videos"]), ["01.mp4", "02.mp4", "03.mov"]);
    assert_eq!(v["failed_files"][0]["filename"], "04_huge.mp4");
    assert!(v["failed_files"][0]["error_message"]
        .as_str()
        .unwrap()
        .starts_with("The video is too big"));
    let video_ids: Vec<String> = v["videos"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["video_id"].as_str().unwrap().to_owned())
        .collect();

    // The video id doubles as the task id.
    let t = env.task("v1.3", &video_ids[0]).await;
    assert_eq!(t["_id"], t["video_id"]);
    assert_eq!(t["index_id"], IDX);

    let (_, st) = env.get_json(&format!("{BASE}/status?index_id={IDX}")).await;
    assert_eq!(st["not_imported"], json!([]));
    assert_eq!(filenames(&st["validating"]), ["02.mp4", "03.mov"]);
    assert_eq!(filenames(&st["pending"]), ["01.mp4"]);
    assert_eq!(filenames(&st["failed"]), ["04_huge.mp4"]);
    let item = &st["pending"][0];
    assert_eq!(item["video_id"], video_ids[0].as_str());
    assert!(item["created_at"].is_string());
    assert!(st["failed"][0]["error_message"].is_string());

    // A second import while the first runs is rejected.
    let (s, v) = import(&env, "v1.3", json!({"index_id": IDX})).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_error(&v, "import_in_progress");

    let (_, logs) = env.get_json(&format!("{BASE}/logs")).await;
    let log = &logs["data"][0];
    assert_eq!(log["index_id"], IDX);
    assert!(log["index_name"].is_string());
    assert!(log["ended_at"].is_null());
    assert_eq!(
        log["video_status"],
        json!({"ready": 0, "validating": 2, "pending": 1, "indexing": 0, "failed": 1, "queued": 0})
    );
    assert_eq!(log["failed_files"][0]["filename"], "04_huge.mp4");

    // Drive every task to ready.
    for id in &video_ids {
        env.finish("v1.2", id).await;
    }
    let (_, st) = env.get_json(&format!("{BASE}/status?index_id={IDX}")).await;
    assert_eq!(filenames(&st["ready"]), ["01.mp4", "02.mp4", "03.mov"]);
    let (_, logs) = env
        .get_json("/v1.3/tasks/transfers/import/demo-integration/logs")
        .await;
    assert!(logs["data"][0]["ended_at"].is_string(), "{logs}");
    assert_eq!(logs["data"][0]["video_status"]["ready"], 3);

    // Incremental (default): nothing new; retry_failed re-attempts the failed file.
    let (s, v) = import(&env, "v1.2", json!({"index_id": IDX})).await;
    assert_eq!(s, StatusCode::CREATED);
    assert_eq!(v, json!({"videos": [], "failed_files": []}));
    let (s, v) = import(&env, "v1.2", json!({"index_id": IDX, "retry_failed": true})).await;
    assert_eq!(s, StatusCode::CREATED);
    assert_eq!(v["videos"], json!([]));
    assert_eq!(filenames(&v["failed_files"]), ["04_huge.mp4"]);

    // Logs: oldest first.
    let (_, logs) = env.get_json(&format!("{BASE}/logs")).await;
    let data = logs["data"].as_array().unwrap();
    assert_eq!(data.len(), 3);
    let created: Vec<&str> = data
        .iter()
        .map(|l| l["created_at"].as_str().unwrap())
        .collect();
    let mut sorted = created.clone();
    sorted.sort();
    assert_eq!(created, sorted);
    assert!(data.iter().all(|l| l["ended_at"].is_string()));

    // A deleted task is still reported in its final state (its video first).
    let r = env
        .delete(&format!("/v1.2/indexes/{IDX}/videos/{}", video_ids[0]))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    let r = env
        .delete(&format!("/v1.2/tasks/{}", video_ids[0]))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    let (_, st) = env.get_json(&format!("{BASE}/status?index_id={IDX}")).await;
    assert_eq!(st["ready"].as_array().unwrap().len(), 3);
}

#[tokio::test]
async fn full_reimport_and_user_metadata() {
    let env = start_instant().await;
    let (s, v) = import(
        &env,
        "v1.3",
        json!({"index_id": IDX, "user_metadata": {"batch": 1}}),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED);
    let id = v["videos"][0]["video_id"].as_str().unwrap().to_owned();
    let t = env.task("v1.3", &id).await;
    assert_eq!(t["status"], "ready");
    assert_eq!(t["user_metadata"]["batch"], 1);
    // Instant pace: the job is over at once, so a new one may start;
    // incremental_import=false imports everything again.
    let (s, v) = import(
        &env,
        "v1.3",
        json!({"index_id": IDX, "incremental_import": false}),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    assert_eq!(v["videos"].as_array().unwrap().len(), 3);
    assert_eq!(v["failed_files"].as_array().unwrap().len(), 1);
    assert_eq!(env.emu.stats().tasks_stored, 6);
}

#[tokio::test]
async fn import_errors() {
    let env = start(EmulatorConfig {
        indexes: vec![twelvelabs_emulator::IndexSeed::new(IDX, "only")],
        integrations: vec![Integration {
            id: "s3-bucket".to_owned(),
            files: vec![IntegrationFile {
                filename: "x.mp4".to_owned(),
                size_bytes: 10,
                fails_prerequisites: None,
            }],
        }],
        ..EmulatorConfig::default()
    })
    .await;
    let (s, v) = import(&env, "v1.2", json!({"index_id": IDX})).await;
    assert_eq!(
        s,
        StatusCode::NOT_FOUND,
        "demo integration not configured here"
    );
    assert_error(&v, "resource_not_exist");

    let url = "/v1.3/tasks/transfers/import/s3-bucket";
    let post = |body: &'static str| {
        env.post(url)
            .header("content-type", "application/json")
            .body(body)
            .send()
    };
    let r = post("{}").await.unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert_error(&r.json().await.unwrap(), "parameter_not_provided");
    let r = post(r#"{"index_id": null}"#).await.unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let r = post("nope").await.unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert_error(&r.json().await.unwrap(), "parameter_invalid");
    let r = post(r#"{"index_id": "6298d673f1090f1100476d4c", "incremental_import": "yes"}"#)
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let r = post(r#"{"index_id": "cccccccccccccccccccccccc"}"#)
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let r = post(r#"{"index_id": "6298d673f1090f1100476d4c"}"#)
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);

    let (s, v) = env.get_json(&format!("{url}/status")).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_error(&v, "parameter_not_provided");
    let (s, _) = env.get_json("/v1.3/tasks/transfers/import/nope/logs").await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, _) = env
        .get_json(&format!(
            "/v1.3/tasks/transfers/import/nope/status?index_id={IDX}"
        ))
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
}
