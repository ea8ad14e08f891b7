//! `delete(id).with_video()`: the task is retrieved, its video deleted
//! (`DELETE /indexes/{index_id}/videos/{video_id}`), then the task — and
//! nothing of the kind without `with_video()`.

mod common;

use common::*;
use serde_json::json;
use twelvelabs_transport::{ApiErrorKind, ApiVersion};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const TASK: &str = "6734f1c2a1b2c3d4e5f60718";
const INDEX: &str = "6734f0aa9e2a3a33a92c00b1";
const VIDEO: &str = "6734f25ea1b2c3d4e5f60720";

async fn server_with_task(version: ApiVersion, status: &str, video_status: u16) -> MockServer {
    let server = MockServer::start().await;
    let mut task = task_json(TASK, status);
    task["index_id"] = json!(INDEX);
    task["video_id"] = json!(VIDEO);
    Mock::given(method("GET"))
        .and(path(format!("/{version}/tasks/{TASK}")))
        .respond_with(json(200, task))
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(path(format!("/{version}/indexes/{INDEX}/videos/{VIDEO}")))
        .respond_with(ResponseTemplate::new(video_status))
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(path(format!("/{version}/tasks/{TASK}")))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    server
}

async fn calls(server: &MockServer) -> Vec<String> {
    received(server)
        .await
        .iter()
        .map(|r| format!("{} {}", r.method, r.url.path()))
        .collect()
}

#[tokio::test]
async fn a_ready_task_loses_its_video_first_then_the_task() {
    for version in [ApiVersion::V1_2, ApiVersion::V1_3] {
        let server = server_with_task(version, "ready", 204).await;
        let (tasks, _) = client(&server, version);
        tasks.delete(TASK).with_video().await.unwrap();
        assert_eq!(
            calls(&server).await,
            [
                format!("GET /{version}/tasks/{TASK}"),
                format!("DELETE /{version}/indexes/{INDEX}/videos/{VIDEO}"),
                format!("DELETE /{version}/tasks/{TASK}"),
            ]
        );
    }
}

#[tokio::test]
async fn a_failed_task_has_no_video_to_delete() {
    let server = server_with_task(ApiVersion::V1_2, "failed", 204).await;
    let (tasks, _) = client(&server, ApiVersion::V1_2);
    tasks.delete(TASK).with_video().await.unwrap();
    assert_eq!(
        calls(&server).await,
        [
            format!("GET /v1.2/tasks/{TASK}"),
            format!("DELETE /v1.2/tasks/{TASK}"),
        ]
    );
}

#[tokio::test]
async fn a_video_already_gone_is_not_an_error() {
    let server = server_with_task(ApiVersion::V1_2, "ready", 404).await;
    let (tasks, _) = client(&server, ApiVersion::V1_2);
    tasks.delete(TASK).with_video().await.unwrap();
    assert_eq!(calls(&server).await.len(), 3);
}

#[tokio::test]
async fn a_failed_video_delete_leaves_the_task_alone() {
    let server = server_with_task(ApiVersion::V1_2, "ready", 403).await;
    let (tasks, _) = client(&server, ApiVersion::V1_2);
    let err = tasks.delete(TASK).with_video().await.unwrap_err();
    assert_eq!(err.api().unwrap().kind, ApiErrorKind::PermissionDenied);
    assert_eq!(
        calls(&server).await,
        [
            format!("GET /v1.2/tasks/{TASK}"),
            format!("DELETE /v1.2/indexes/{INDEX}/videos/{VIDEO}"),
        ]
    );
}

#[tokio::test]
async fn without_with_video_only_the_task_is_deleted() {
    let server = server_with_task(ApiVersion::V1_2, "ready", 204).await;
    let (tasks, _) = client(&server, ApiVersion::V1_2);
    tasks.delete(TASK).await.unwrap();
    assert_eq!(calls(&server).await, [format!("DELETE /v1.2/tasks/{TASK}")]);
}
