//! `DELETE /tasks/{task_id}`.

mod common;

use common::*;
use twelvelabs_transport::{ApiErrorKind, ApiVersion, Error};
use wiremock::matchers::{any, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const TASK: &str = "6734f1c2a1b2c3d4e5f60718";

#[tokio::test]
async fn empty_204_and_empty_200_are_success() {
    for (version, status) in [
        (ApiVersion::V1_2, 204),
        (ApiVersion::V1_2, 200),
        (ApiVersion::V1_3, 204),
    ] {
        let server = MockServer::start().await;
        Mock::given(method("DELETE"))
            .and(path(format!("/{version}/tasks/{TASK}")))
            .respond_with(ResponseTemplate::new(status))
            .expect(1)
            .mount(&server)
            .await;
        let (tasks, _) = client(&server, version);
        tasks.delete(TASK).await.unwrap();
        let r = &received(&server).await[0];
        assert_eq!(r.method.as_str(), "DELETE");
        assert!(r.body.is_empty());
        assert_eq!(r.url.query(), None);
        assert_eq!(header(r, "x-api-key"), Some(API_KEY));
    }
}

#[tokio::test]
async fn task_cannot_be_deleted_is_an_api_error_with_that_code() {
    let server = MockServer::start().await;
    Mock::given(method("DELETE"))
        .respond_with(json_fixture(400, "error_task_cannot_be_deleted.json"))
        .expect(1)
        .mount(&server)
        .await;
    let (tasks, _) = client(&server, ApiVersion::V1_2);
    let err = tasks.delete(TASK).send().await.unwrap_err();
    let api = err.api().expect("api error");
    assert_eq!(api.kind, ApiErrorKind::BadRequest);
    assert_eq!(api.code.as_deref(), Some("task_cannot_be_deleted"));
    assert!(api.message.as_deref().unwrap().contains("indexing"));
    assert!(err.to_string().contains("task_cannot_be_deleted"));
}

#[tokio::test]
async fn a_5xx_delete_is_retried_as_idempotent() {
    let server = MockServer::start().await;
    Mock::given(method("DELETE"))
        .respond_with(Sequence::new(vec![
            ResponseTemplate::new(502),
            ResponseTemplate::new(204),
        ]))
        .expect(2)
        .mount(&server)
        .await;
    let (tasks, _) = client(&server, ApiVersion::V1_2);
    tasks.delete(TASK).await.unwrap();
}

#[tokio::test]
async fn ids_are_encoded_and_checked() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    let (tasks, _) = client(&server, ApiVersion::V1_2);
    tasks.delete("a/../b").await.unwrap();
    assert_eq!(
        received(&server).await[0].url.path(),
        "/v1.2/tasks/a%2F..%2Fb"
    );
    for bad in ["", "..", "."] {
        let err = tasks.delete(bad).await.unwrap_err();
        assert!(
            matches!(err, Error::InvalidInput { .. }),
            "{bad:?}: {err:?}"
        );
    }
    assert_eq!(received(&server).await.len(), 1);
}
