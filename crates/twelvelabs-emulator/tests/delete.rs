//! `DELETE /tasks/{id}` rules.

mod common;

use common::{assert_error, start_default};
use reqwest::StatusCode;
use serde_json::Value;

const IDX: &str = "6298d673f1090f1100476d4c";

#[tokio::test]
async fn only_terminal_tasks_can_be_deleted() {
    let env = start_default().await;
    let id = env.create_url("v1.2", IDX, "https://e.com/a.mp4").await;
    for _ in 0..4 {
        let r = env
            .delete(&format!("/v1.2/tasks/{id}"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::BAD_REQUEST);
        let v: Value = r.json().await.unwrap();
        assert_error(&v, "task_cannot_be_deleted");
        env.task("v1.2", &id).await; // advance one step
    }
    let task = env.task("v1.2", &id).await;
    assert_eq!(task["status"], "ready");
    // A ready task whose video still exists cannot be deleted.
    let r = env
        .delete(&format!("/v1.3/tasks/{id}"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert_error(&r.json().await.unwrap(), "task_cannot_be_deleted");
    let video_id = task["video_id"].as_str().unwrap();
    let r = env
        .delete(&format!("/v1.2/indexes/{IDX}/videos/{video_id}"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    let r = env
        .delete(&format!("/v1.3/tasks/{id}"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    assert!(r.bytes().await.unwrap().is_empty());
    let (s, v) = env.get_json(&format!("/v1.2/tasks/{id}")).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert_error(&v, "resource_not_exist");
    let r = env
        .delete(&format!("/v1.2/tasks/{id}"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    assert_eq!(env.emu.stats().tasks_stored, 0);
}

#[tokio::test]
async fn failed_tasks_can_be_deleted_and_unknown_ids_are_404() {
    let env = start_default().await;
    let id = env.create_url("v1.2", IDX, "https://e.com/fail.mp4").await;
    assert_eq!(env.finish("v1.2", &id).await["status"], "failed");
    let r = env
        .delete(&format!("/v1.2/tasks/{id}"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    let r = env
        .delete("/v1.2/tasks/000000000000000000000000")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    assert_error(&r.json().await.unwrap(), "resource_not_exist");
}
