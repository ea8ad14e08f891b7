//! v1.2 legacy `POST /tasks/transfers` and `GET /tasks/status`.

mod common;

use common::{assert_error, start, start_default, Form};
use reqwest::StatusCode;
use twelvelabs_emulator::EmulatorConfig;

const IDX: &str = "6298d673f1090f1100476d4c";

#[tokio::test]
async fn transfer_creates_one_task_per_entry() {
    let env = start_default().await;
    let json = format!(
        r#"[
          {{"index_id": "{IDX}", "language": "en", "object": "s3://twelve-labs-docs/01.mp4", "transcription": "s3://twelve-labs-docs/01.srt"}},
          {{"index_id": "{IDX}", "language": "en", "object": "s3://twelve-labs-docs/02.mp4"}}
        ]"#
    );
    let r = Form::new()
        .file(
            "file",
            "upload",
            "application/octet-stream",
            json.as_bytes(),
        )
        .send(env.post("/v1.2/tasks/transfers"))
        .await;
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    assert!(r.bytes().await.unwrap().is_empty());
    let (_, v) = env.get_json("/v1.2/tasks?sort_option=asc").await;
    let names: Vec<_> = v["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["metadata"]["filename"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(names.len(), 2);
    assert!(names.contains(&"01.mp4".to_owned()) && names.contains(&"02.mp4".to_owned()));
    assert_eq!(env.emu.stats().tasks_created, 2);
}

#[tokio::test]
async fn bad_transfer_bodies_are_400() {
    let env = start(EmulatorConfig {
        indexes: vec![twelvelabs_emulator::IndexSeed::new(IDX, "only")],
        ..EmulatorConfig::default()
    })
    .await;
    for body in [
        "not json",
        "{\"index_id\": \"x\"}",
        "[{\"language\": \"en\"}]",
    ] {
        let r = Form::new()
            .file(
                "file",
                "upload",
                "application/octet-stream",
                body.as_bytes(),
            )
            .send(env.post("/v1.2/tasks/transfers"))
            .await;
        assert_eq!(r.status(), StatusCode::BAD_REQUEST, "{body}");
        assert_error(&r.json().await.unwrap(), "parameter_invalid");
    }
    let r = Form::new()
        .text("other", "x")
        .send(env.post("/v1.2/tasks/transfers"))
        .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert_error(&r.json().await.unwrap(), "parameter_not_provided");

    let r = Form::new()
        .file(
            "file",
            "list.json",
            "application/json",
            br#"[{"index_id": "bbbbbbbbbbbbbbbbbbbbbbbb", "language": "en", "object": "s3://b/1.mp4"}]"#,
        )
        .send(env.post("/v1.2/tasks/transfers"))
        .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    assert_error(&r.json().await.unwrap(), "resource_not_exist");

    let r = env
        .post("/v1.2/tasks/transfers")
        .header("content-type", "application/json")
        .body("[]")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert_eq!(env.emu.stats().tasks_stored, 0);
}

#[tokio::test]
async fn index_status_summary() {
    let env = start_default().await;
    let a = env.create_url("v1.2", IDX, "https://e.com/a.mp4").await;
    let b = env
        .create_url("v1.2", IDX, "https://e.com/fail-b.mp4")
        .await;
    env.create_url("v1.2", IDX, "https://e.com/c.mp4").await;
    env.create_url("v1.2", common::SECOND_INDEX, "https://e.com/d.mp4")
        .await;
    env.finish("v1.2", &a).await;
    env.finish("v1.2", &b).await;
    let (s, v) = env
        .get_json(&format!("/v1.2/tasks/status?index_id={IDX}"))
        .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(
        v,
        serde_json::json!({"index_id": IDX, "ready": 1, "validating": 1, "pending": 0, "failed": 1, "total_result": 3})
    );
    let (s, v) = env.get_json("/v1.2/tasks/status").await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_error(&v, "parameter_not_provided");
}
