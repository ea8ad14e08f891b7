//! `GET /tasks/{task_id}`: fixtures for v1.2 and v1.3, path encoding, error mapping
//! and retries.

mod common;

use common::*;
use twelvelabs_models::{HlsStatus, Task, TaskStatus};
use twelvelabs_transport::{ApiErrorKind, ApiVersion, Error};
use wiremock::matchers::{any, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const TASK: &str = "6734f1c2a1b2c3d4e5f60718";

async fn retrieve_fixture(version: ApiVersion, id: &str, fixture: &str) -> Task {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(format!("/{version}/tasks/{id}")))
        .respond_with(json_fixture(200, fixture))
        .expect(1)
        .mount(&server)
        .await;
    let (tasks, _) = client(&server, version);
    let task = tasks.retrieve(id).await.unwrap();
    let requests = received(&server).await;
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0].url.query(), None);
    assert!(requests[0].body.is_empty());
    assert_eq!(header(&requests[0], "x-api-key"), Some(API_KEY));
    assert_eq!(header(&requests[0], "accept"), Some("application/json"));
    task
}

#[tokio::test]
async fn v12_in_progress_task() {
    let task = retrieve_fixture(ApiVersion::V1_2, TASK, "task_v12_indexing.json").await;
    assert_eq!(task.status, TaskStatus::Indexing);
    assert!(!task.is_done());
    assert_eq!(task.video_id, None, "v1.2 sends video_id only once ready");
    let process = task.process.as_ref().unwrap();
    assert_eq!(process.percentage, Some(42.5));
    assert_eq!(process.remain_seconds, Some(118.3));
    assert_eq!(
        task.hls.as_ref().unwrap().status,
        Some(HlsStatus::Processing)
    );
    assert!(task.hls.as_ref().unwrap().thumbnail_urls.is_empty());
    insta::assert_json_snapshot!("v12_in_progress", task);
}

#[tokio::test]
async fn v12_finished_task() {
    let task = retrieve_fixture(ApiVersion::V1_2, TASK, "task_v12_ready.json").await;
    assert_eq!(task.status, TaskStatus::Ready);
    assert!(task.is_done());
    assert_eq!(task.video_id.as_deref(), Some("6734f25ea1b2c3d4e5f60720"));
    assert!(task.process.is_none());
    let hls = task.hls.as_ref().unwrap();
    assert_eq!(hls.status, Some(HlsStatus::Complete));
    assert_eq!(hls.thumbnail_urls.len(), 1);
    assert!(hls.video_url.as_deref().unwrap().ends_with(".m3u8"));
    // The seed's `for key, value in task.metadata.items()`.
    let keys: Vec<_> = task
        .metadata
        .as_ref()
        .unwrap()
        .iter()
        .map(|(k, _)| k)
        .collect();
    assert_eq!(keys, ["filename", "duration", "width", "height"]);
    insta::assert_json_snapshot!("v12_finished", task);
}

#[tokio::test]
async fn v13_task_reads_system_metadata_into_metadata() {
    let id = "663da73b31cdd0c1f638a8e6";
    let task = retrieve_fixture(ApiVersion::V1_3, id, "task_v13_ready.json").await;
    assert_eq!(task.id, id);
    let metadata = task.metadata.as_ref().expect("system_metadata → metadata");
    assert_eq!(metadata.filename.as_deref(), Some("01.mp4"));
    assert_eq!(metadata.width, Some(854));
    assert_eq!(metadata.height, Some(480));
    assert!(task.estimated_time.is_none());
    assert!(!task.extra.contains_key("system_metadata"));
    insta::assert_json_snapshot!("v13_ready", task);
}

#[tokio::test]
async fn ids_are_percent_encoded_into_one_path_segment() {
    let cases = [
        ("a/b", "/v1.2/tasks/a%2Fb"),
        ("a?b", "/v1.2/tasks/a%3Fb"),
        ("a#b", "/v1.2/tasks/a%23b"),
        ("a b", "/v1.2/tasks/a%20b"),
        ("../../indexes", "/v1.2/tasks/..%2F..%2Findexes"),
        ("100%", "/v1.2/tasks/100%25"),
    ];
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(json(200, task_json("x", "ready")))
        .expect(cases.len() as u64)
        .mount(&server)
        .await;
    let (tasks, _) = client(&server, ApiVersion::V1_2);
    for (id, _) in cases {
        tasks.retrieve(id).await.unwrap();
    }
    let paths: Vec<String> = received(&server)
        .await
        .iter()
        .map(|r| {
            assert_eq!(r.url.query(), None, "nothing leaked into the query");
            assert_eq!(r.url.fragment(), None);
            r.url.path().to_owned()
        })
        .collect();
    let expected: Vec<&str> = cases.iter().map(|(_, p)| *p).collect();
    assert_eq!(paths, expected);
}

#[tokio::test]
async fn dot_segments_and_empty_ids_are_rejected_before_any_request() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(500))
        .expect(0)
        .mount(&server)
        .await;
    let (tasks, _) = client(&server, ApiVersion::V1_2);
    for id in ["..", ".", "", "  "] {
        let err = tasks.retrieve(id).await.unwrap_err();
        assert!(
            matches!(err, Error::InvalidInput { ref field, .. } if field == "id"),
            "{id:?}: {err:?}"
        );
    }
    assert!(received(&server).await.is_empty());
}

#[tokio::test]
async fn not_found_is_an_api_error_with_code_and_message() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            json_fixture(404, "error_not_found.json").insert_header("x-request-id", "req-42"),
        )
        .expect(1)
        .mount(&server)
        .await;
    let (tasks, _) = client(&server, ApiVersion::V1_2);

    let err = tasks
        .retrieve("6734f1c2a1b2c3d4e5f60799")
        .await
        .unwrap_err();
    let api = match &err {
        Error::Api(api) => api,
        other => panic!("expected Api, got {other:?}"),
    };
    assert_eq!(api.kind, ApiErrorKind::NotFound);
    assert_eq!(api.status.as_u16(), 404);
    assert_eq!(api.code.as_deref(), Some("resource_not_exist"));
    let message = "Resource with id 6734f1c2a1b2c3d4e5f60799 does not exist in tasks.";
    assert_eq!(api.message.as_deref(), Some(message));
    assert_eq!(
        api.docs_url.as_deref(),
        Some("https://docs.twelvelabs.io/v1.2/reference/error-codes")
    );
    assert_eq!(api.request_id(), Some("req-42"));
    assert_eq!(err.code(), Some("resource_not_exist"));
    assert!(!err.is_transient());
    let shown = err.to_string();
    assert!(shown.contains("resource_not_exist"), "{shown}");
    assert!(shown.contains(message), "{shown}");
    assert!(shown.contains("404"), "{shown}");
}

#[tokio::test]
async fn each_status_maps_to_its_kind() {
    // (status, kind, attempts): 4xx are final, 429 and 5xx are retried (3 attempts).
    let cases = [
        (400, ApiErrorKind::BadRequest, "parameter_invalid", 1),
        (401, ApiErrorKind::Authentication, "api_key_invalid", 1),
        (403, ApiErrorKind::PermissionDenied, "api_not_allowed", 1),
        (409, ApiErrorKind::Conflict, "conflict", 1),
        (422, ApiErrorKind::UnprocessableEntity, "unprocessable", 1),
        (429, ApiErrorKind::RateLimit, "too_many_requests", 3),
        (500, ApiErrorKind::InternalServer, "internal_error", 3),
    ];
    for (status, kind, code, attempts) in cases {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .and(path(format!("/v1.2/tasks/{TASK}")))
            .respond_with(api_error(status, code, "something went wrong"))
            .expect(attempts)
            .mount(&server)
            .await;
        let (tasks, clock) = client(&server, ApiVersion::V1_2);
        let err = tasks.retrieve(TASK).await.unwrap_err();
        let api = err.api().unwrap_or_else(|| panic!("{status}: {err:?}"));
        assert_eq!(api.status.as_u16(), status);
        assert_eq!(api.kind, kind, "{status}");
        assert_eq!(api.code.as_deref(), Some(code));
        assert!(err.to_string().contains(code));
        assert_eq!(err.is_transient(), attempts > 1, "{status}");
        assert_eq!(clock.sleeps().len() as u64, attempts - 1, "{status}");
    }
}

#[tokio::test]
async fn two_503s_then_200_succeeds_after_three_requests() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(format!("/v1.2/tasks/{TASK}")))
        .respond_with(Sequence::new(vec![
            ResponseTemplate::new(503),
            ResponseTemplate::new(503),
            json_fixture(200, "task_v12_ready.json"),
        ]))
        .expect(3)
        .mount(&server)
        .await;
    let (tasks, clock) = client(&server, ApiVersion::V1_2);

    let task = tasks.retrieve(TASK).send().await.unwrap();
    assert_eq!(task.status, TaskStatus::Ready);
    assert_eq!(received(&server).await.len(), 3);
    assert_eq!(clock.sleeps().len(), 2);
}

#[tokio::test]
async fn per_call_headers_and_query_are_sent() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(json_fixture(200, "task_v12_ready.json"))
        .expect(1)
        .mount(&server)
        .await;
    let (tasks, _) = client(&server, ApiVersion::V1_2);
    tasks
        .retrieve(TASK)
        .with_header("x-trace-id", "abc123")
        .with_query("debug", "1")
        .await
        .unwrap();
    let r = &received(&server).await[0];
    assert_eq!(header(r, "x-trace-id"), Some("abc123"));
    assert_eq!(r.url.query(), Some("debug=1"));
    // The API key cannot be overridden per call.
    let err = tasks
        .retrieve(TASK)
        .with_header("x-api-key", "other")
        .await
        .unwrap_err();
    assert!(matches!(err, Error::InvalidInput { .. }), "{err:?}");
    assert_eq!(received(&server).await.len(), 1);
}

#[tokio::test]
async fn a_body_that_is_not_a_task_is_a_decode_error_naming_the_field() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(json(200, serde_json::json!({"_id": TASK, "status": 7})))
        .mount(&server)
        .await;
    let (tasks, _) = client(&server, ApiVersion::V1_2);
    let err = tasks.retrieve(TASK).await.unwrap_err();
    match &err {
        Error::Decode { status, .. } => assert_eq!(status.as_u16(), 200),
        other => panic!("expected Decode, got {other:?}"),
    }
    assert!(err.to_string().contains("status"), "{err}");
}
