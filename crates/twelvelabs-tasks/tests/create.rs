//! `POST /tasks`: the exact multipart body on the wire, v1.2 and v1.3, the
//! follow-up retrieve, and the retry rules of a non-idempotent upload.

mod common;

use std::io::Cursor;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::*;
use twelvelabs_models::{TaskStatus, UserMetadata};
use twelvelabs_transport::{ApiErrorKind, ApiVersion, Error, Progress};
use wiremock::matchers::{any, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const IDX: &str = "6734f0aa9e2a3a33a92c00b1";
const TASK_V12: &str = "6734f1c2a1b2c3d4e5f60718";
const TASK_V13: &str = "663da73b31cdd0c1f638a8e6";

/// Mounts the v1.2 create + retrieve pair, each expected once.
async fn mount_v12_create(server: &MockServer) {
    Mock::given(method("POST"))
        .and(path("/v1.2/tasks"))
        .respond_with(json_fixture(200, "create_v12.json"))
        .expect(1)
        .mount(server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("/v1.2/tasks/{TASK_V12}")))
        .respond_with(json_fixture(200, "task_v12_indexing.json"))
        .expect(1)
        .mount(server)
        .await;
}

async fn mount_v13_create(server: &MockServer) {
    Mock::given(method("POST"))
        .and(path("/v1.3/tasks"))
        .respond_with(json_fixture(200, "create_v13.json"))
        .expect(1)
        .mount(server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("/v1.3/tasks/{TASK_V13}")))
        .respond_with(json_fixture(200, "task_v13_ready.json"))
        .expect(1)
        .mount(server)
        .await;
}

/// A server that must not receive anything.
async fn silent_server() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(500))
        .expect(0)
        .mount(&server)
        .await;
    server
}

/// The one POST the server received.
async fn the_post(server: &MockServer) -> wiremock::Request {
    let posts: Vec<_> = received(server)
        .await
        .into_iter()
        .filter(|r| r.method.as_str() == "POST")
        .collect();
    assert_eq!(posts.len(), 1, "exactly one POST");
    posts.into_iter().next().unwrap()
}

fn assert_invalid(err: &Error, expected_field: &str) {
    match err {
        Error::InvalidInput { field, .. } => assert_eq!(field, expected_field, "{err}"),
        other => panic!("expected InvalidInput({expected_field}), got {other:?}"),
    }
}

#[tokio::test]
async fn file_is_streamed_as_video_file_with_content_length() {
    let server = MockServer::start().await;
    mount_v12_create(&server).await;
    let data = pattern(300_000);
    let file = TempFile::new("clip.mp4", &data);
    let (tasks, _) = client(&server, ApiVersion::V1_2);

    let task = tasks.create(IDX).file(&file.path).send().await.unwrap();
    assert_eq!(task.id, TASK_V12);
    assert_eq!(task.status, TaskStatus::Indexing);
    assert_eq!(
        task.metadata.as_ref().unwrap().filename.as_deref(),
        Some("01.mp4")
    );

    let requests = received(&server).await;
    assert_eq!(requests.len(), 2);
    assert_eq!(requests[0].method.as_str(), "POST");
    assert_eq!(requests[0].url.path(), "/v1.2/tasks");
    assert_eq!(requests[1].method.as_str(), "GET");
    assert_eq!(requests[1].url.path(), format!("/v1.2/tasks/{TASK_V12}"));

    let post = &requests[0];
    assert_eq!(header(post, "x-api-key"), Some(API_KEY));
    let content_length: usize = header(post, "content-length")
        .expect("Content-Length header")
        .parse()
        .unwrap();
    assert_eq!(content_length, post.body.len());
    assert!(header(post, "transfer-encoding").is_none());

    let parts = form_of(post);
    assert_eq!(parts.len(), 2, "{:?}", summary(&parts));
    assert_eq!(parts[0].name, "index_id");
    assert!(parts[0].is_text());
    assert_eq!(parts[0].text(), IDX);
    assert_eq!(parts[1].name, "video_file");
    assert_eq!(parts[1].filename.as_deref(), Some("clip.mp4"));
    assert_eq!(parts[1].content_type.as_deref(), Some("video/mp4"));
    assert_eq!(parts[1].body.len(), data.len());
    assert!(parts[1].body == data, "file bytes changed on the wire");
}

#[tokio::test]
async fn bytes_are_sent_with_their_filename_and_type() {
    let server = MockServer::start().await;
    mount_v12_create(&server).await;
    let (tasks, _) = client(&server, ApiVersion::V1_2);
    let data = pattern(4096);

    tasks
        .create(IDX)
        .bytes(data.clone(), "holiday.MOV")
        .send()
        .await
        .unwrap();

    let post = the_post(&server).await;
    assert_eq!(
        header(&post, "content-length").unwrap(),
        post.body.len().to_string()
    );
    let parts = form_of(&post);
    assert_eq!(
        summary(&parts),
        [
            format!("index_id={IDX}"),
            "video_file; filename=holiday.MOV; video/quicktime (4096 bytes)".to_owned()
        ]
    );
    assert_eq!(parts[1].body, data);
}

#[tokio::test]
async fn reader_with_length_is_sent_once_with_content_length() {
    let server = MockServer::start().await;
    mount_v12_create(&server).await;
    let (tasks, _) = client(&server, ApiVersion::V1_2);
    let data = pattern(10_000);

    tasks
        .create(IDX)
        .reader(
            Cursor::new(data.clone()),
            "stream.webm",
            Some(data.len() as u64),
        )
        .send()
        .await
        .unwrap();

    let post = the_post(&server).await;
    assert_eq!(
        header(&post, "content-length").unwrap(),
        post.body.len().to_string()
    );
    let parts = form_of(&post);
    assert_eq!(parts[1].filename.as_deref(), Some("stream.webm"));
    assert_eq!(parts[1].content_type.as_deref(), Some("video/webm"));
    assert_eq!(parts[1].body, data);
}

#[tokio::test]
async fn reader_without_length_is_streamed_without_content_length() {
    let server = MockServer::start().await;
    mount_v12_create(&server).await;
    let (tasks, _) = client(&server, ApiVersion::V1_2);
    let data = pattern(700_000);

    tasks
        .create(IDX)
        .reader(Cursor::new(data.clone()), "pipe.mp4", None)
        .send()
        .await
        .unwrap();

    let post = the_post(&server).await;
    assert!(header(&post, "content-length").is_none());
    let parts = form_of(&post);
    assert_eq!(parts.len(), 2);
    assert!(parts[1].body == data);
}

#[tokio::test]
async fn reader_is_single_use_and_never_replayed() {
    // A 429 is retried for replayable bodies; a reader cannot be sent twice.
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1.2/tasks"))
        .respond_with(
            api_error(
                429,
                "too_many_requests",
                "You have exceeded the rate limit.",
            )
            .insert_header("retry-after", "1"),
        )
        .expect(1)
        .mount(&server)
        .await;
    let (tasks, clock) = client(&server, ApiVersion::V1_2);

    let err = tasks
        .create(IDX)
        .reader(Cursor::new(b"0123456789".to_vec()), "clip.mp4", Some(10))
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.api().unwrap().kind, ApiErrorKind::RateLimit);
    assert_eq!(err.retry_after(), Some(Duration::from_secs(1)));
    assert!(
        clock.sleeps().is_empty(),
        "no wait for a retry that cannot happen"
    );
    assert_eq!(received(&server).await.len(), 1);
}

#[tokio::test]
async fn url_on_v12_is_sent_as_text_and_as_file_part_like_the_python_sdk() {
    // task-api.md §2.1.3, the captured body, part for part.
    let server = MockServer::start().await;
    mount_v12_create(&server).await;
    let (tasks, _) = client(&server, ApiVersion::V1_2);

    tasks
        .create("IDX")
        .url("https://example.com/v.mp4")
        .transcription_url("https://example.com/t.srt")
        .language("en")
        .disable_video_stream(true)
        .send()
        .await
        .unwrap();

    let post = the_post(&server).await;
    let parts = form_of(&post);
    assert_eq!(
        summary(&parts),
        [
            "index_id=IDX",
            "video_url=https://example.com/v.mp4",
            "transcription_url=https://example.com/t.srt",
            "language=en",
            "disable_video_stream=true",
            "provide_transcription=true",
            "video_url; filename=upload; application/octet-stream (25 bytes)",
            "transcription_url; filename=upload; application/octet-stream (25 bytes)",
        ]
    );
    assert_eq!(parts[6].text(), "https://example.com/v.mp4");
    assert_eq!(parts[7].text(), "https://example.com/t.srt");
    assert_eq!(
        parts[6].headers,
        [
            "Content-Disposition: form-data; name=\"video_url\"; filename=\"upload\"",
            "Content-Type: application/octet-stream"
        ]
    );
    assert_eq!(
        header(&post, "content-length").unwrap(),
        post.body.len().to_string()
    );
}

#[tokio::test]
async fn url_on_v13_is_text_only_and_returns_the_v13_task() {
    let server = MockServer::start().await;
    mount_v13_create(&server).await;
    let (tasks, _) = client(&server, ApiVersion::V1_3);

    let task = tasks
        .create("IDX")
        .url("https://example.com/v.mp4")
        .send()
        .await
        .unwrap();
    assert_eq!(task.id, TASK_V13);
    assert_eq!(task.video_id.as_deref(), Some("62a1ec6d9ea24f052b971a0f"));
    assert_eq!(task.metadata.as_ref().unwrap().duration, Some(531.998133));

    let parts = form_of(&the_post(&server).await);
    assert_eq!(
        summary(&parts),
        ["index_id=IDX", "video_url=https://example.com/v.mp4"]
    );
}

#[tokio::test]
async fn url_as_file_part_can_be_switched_off_on_v12_and_on_for_v13() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(json_fixture(200, "create_v12.json"))
        .expect(2)
        .mount(&server)
        .await;
    let (v12, _) = client(&server, ApiVersion::V1_2);
    let (v13, _) = client(&server, ApiVersion::V1_3);

    v12.create("IDX")
        .url("https://example.com/v.mp4")
        .with_url_as_file_part(false)
        .send_raw()
        .await
        .unwrap();
    v13.create("IDX")
        .url("https://example.com/v.mp4")
        .with_url_as_file_part(true)
        .send_raw()
        .await
        .unwrap();

    let requests = received(&server).await;
    assert_eq!(requests[0].url.path(), "/v1.2/tasks");
    assert_eq!(
        summary(&form_of(&requests[0])),
        ["index_id=IDX", "video_url=https://example.com/v.mp4"]
    );
    assert_eq!(requests[1].url.path(), "/v1.3/tasks");
    assert_eq!(
        summary(&form_of(&requests[1])),
        [
            "index_id=IDX",
            "video_url=https://example.com/v.mp4",
            "video_url; filename=upload; application/octet-stream (25 bytes)"
        ]
    );
}

#[tokio::test]
async fn transcription_file_sets_provide_transcription() {
    // The CAP body with local files: text parts, then video_file and transcription_file.
    let server = MockServer::start().await;
    mount_v12_create(&server).await;
    let (tasks, _) = client(&server, ApiVersion::V1_2);
    let video = TempFile::new("clip.mp4", &pattern(2048));
    let srt = b"1\r\n00:00:00,000 --> 00:00:01,000\r\nHello\r\n";
    let transcription = TempFile::new("clip.srt", srt);

    tasks
        .create("IDX")
        .file(&video.path)
        .transcription_file(&transcription.path)
        .disable_video_stream(false)
        .send()
        .await
        .unwrap();

    let parts = form_of(&the_post(&server).await);
    assert_eq!(
        summary(&parts),
        [
            "index_id=IDX".to_owned(),
            "disable_video_stream=false".to_owned(),
            "provide_transcription=true".to_owned(),
            "video_file; filename=clip.mp4; video/mp4 (2048 bytes)".to_owned(),
            format!(
                "transcription_file; filename=clip.srt; text/plain ({} bytes)",
                srt.len()
            ),
        ]
    );
    assert_eq!(parts[4].body, srt);
}

#[tokio::test]
async fn transcription_url_sets_provide_transcription() {
    let server = MockServer::start().await;
    mount_v12_create(&server).await;
    let (tasks, _) = client(&server, ApiVersion::V1_2);

    tasks
        .create("IDX")
        .bytes(&b"video"[..], "a.mp4")
        .transcription_url("https://example.com/a.vtt")
        .with_url_as_file_part(false)
        .send()
        .await
        .unwrap();

    let parts = form_of(&the_post(&server).await);
    assert_eq!(
        summary(&parts),
        [
            "index_id=IDX",
            "transcription_url=https://example.com/a.vtt",
            "provide_transcription=true",
            "video_file; filename=a.mp4; video/mp4 (5 bytes)",
        ]
    );
}

#[tokio::test]
async fn language_is_a_text_part() {
    let server = MockServer::start().await;
    mount_v12_create(&server).await;
    let (tasks, _) = client(&server, ApiVersion::V1_2);

    tasks
        .create("IDX")
        .bytes(&b"v"[..], "a.mp4")
        .language("ko")
        .send()
        .await
        .unwrap();

    let parts = form_of(&the_post(&server).await);
    assert_eq!(
        summary(&parts),
        [
            "index_id=IDX",
            "language=ko",
            "video_file; filename=a.mp4; video/mp4 (1 bytes)"
        ]
    );
}

#[tokio::test]
async fn disable_video_stream_sends_exact_booleans_on_v12() {
    for (disable, expected) in [(false, "false"), (true, "true")] {
        let server = MockServer::start().await;
        mount_v12_create(&server).await;
        let (tasks, _) = client(&server, ApiVersion::V1_2);
        tasks
            .create("IDX")
            .url("https://example.com/v.mp4")
            .with_url_as_file_part(false)
            .disable_video_stream(disable)
            .send()
            .await
            .unwrap();
        let parts = form_of(&the_post(&server).await);
        let flags: Vec<_> = parts
            .iter()
            .filter(|p| p.name.ends_with("video_stream"))
            .map(|p| format!("{}={}", p.name, p.text()))
            .collect();
        assert_eq!(flags, [format!("disable_video_stream={expected}")]);
    }
}

#[tokio::test]
async fn enable_video_stream_maps_to_the_inverse_on_v12() {
    let server = MockServer::start().await;
    mount_v12_create(&server).await;
    let (tasks, _) = client(&server, ApiVersion::V1_2);
    tasks
        .create("IDX")
        .url("https://example.com/v.mp4")
        .with_url_as_file_part(false)
        .enable_video_stream(true)
        .send()
        .await
        .unwrap();
    let parts = form_of(&the_post(&server).await);
    assert_eq!(
        summary(&parts)[2..],
        ["disable_video_stream=false".to_owned()]
    );
}

#[tokio::test]
async fn disable_video_stream_maps_to_enable_video_stream_on_v13() {
    for (disable, expected) in [(true, "false"), (false, "true")] {
        let server = MockServer::start().await;
        mount_v13_create(&server).await;
        let (tasks, _) = client(&server, ApiVersion::V1_3);
        tasks
            .create("IDX")
            .url("https://example.com/v.mp4")
            .disable_video_stream(disable)
            .send()
            .await
            .unwrap();
        let parts = form_of(&the_post(&server).await);
        assert_eq!(
            summary(&parts),
            [
                "index_id=IDX".to_owned(),
                "video_url=https://example.com/v.mp4".to_owned(),
                format!("enable_video_stream={expected}"),
            ]
        );
    }
}

#[tokio::test]
async fn user_metadata_is_a_json_string_part_on_v13() {
    let server = MockServer::start().await;
    mount_v13_create(&server).await;
    let (tasks, _) = client(&server, ApiVersion::V1_3);
    let metadata: UserMetadata = serde_json::from_value(serde_json::json!({
        "batchNumber": 3,
        "category": "sports",
        "score": 0.5,
        "reviewed": false
    }))
    .unwrap();

    tasks
        .create("IDX")
        .url("https://example.com/v.mp4")
        .user_metadata(metadata)
        .send()
        .await
        .unwrap();

    let parts = form_of(&the_post(&server).await);
    let part = parts.iter().find(|p| p.name == "user_metadata").unwrap();
    assert!(
        part.is_text(),
        "a text part, not a file: {:?}",
        part.headers
    );
    let sent: serde_json::Value = serde_json::from_str(part.text()).unwrap();
    assert_eq!(
        sent,
        serde_json::json!({"batchNumber": 3, "category": "sports", "score": 0.5, "reviewed": false})
    );
}

#[tokio::test]
async fn user_metadata_on_v12_is_rejected_before_any_request() {
    let server = silent_server().await;
    let (tasks, _) = client(&server, ApiVersion::V1_2);
    let err = tasks
        .create("IDX")
        .url("https://example.com/v.mp4")
        .user_metadata(UserMetadata::new())
        .send()
        .await
        .unwrap_err();
    assert_invalid(&err, "user_metadata");
    assert!(received(&server).await.is_empty());
}

#[tokio::test]
async fn v13_rejects_transcription_and_language_before_any_request() {
    let server = silent_server().await;
    let (tasks, _) = client(&server, ApiVersion::V1_3);
    let url = "https://example.com/v.mp4";

    let err = tasks
        .create("IDX")
        .url(url)
        .transcription_url("https://example.com/t.srt")
        .send()
        .await
        .unwrap_err();
    assert_invalid(&err, "transcription");

    let srt = TempFile::new("t.srt", b"1\n");
    let err = tasks
        .create("IDX")
        .url(url)
        .transcription_file(&srt.path)
        .send()
        .await
        .unwrap_err();
    assert_invalid(&err, "transcription");

    let err = tasks
        .create("IDX")
        .url(url)
        .language("en")
        .send()
        .await
        .unwrap_err();
    assert_invalid(&err, "language");
    assert!(err.to_string().contains("v1.2"), "{err}");

    assert!(received(&server).await.is_empty());
}

#[tokio::test]
async fn zero_or_two_video_sources_are_rejected_before_any_request() {
    let server = silent_server().await;
    let (tasks, _) = client(&server, ApiVersion::V1_2);
    let file = TempFile::new("a.mp4", b"abc");

    let err = tasks.create("IDX").send().await.unwrap_err();
    assert_invalid(&err, "video");
    assert!(err.to_string().contains("0 given"), "{err}");

    let err = tasks
        .create("IDX")
        .file(&file.path)
        .url("https://example.com/v.mp4")
        .send()
        .await
        .unwrap_err();
    assert_invalid(&err, "video");
    assert!(err.to_string().contains("2 given"), "{err}");

    let err = tasks
        .create("IDX")
        .url("https://example.com/v.mp4")
        .transcription_url("https://example.com/a.srt")
        .transcription_url("https://example.com/b.srt")
        .send()
        .await
        .unwrap_err();
    assert_invalid(&err, "transcription");

    assert!(received(&server).await.is_empty());
}

#[tokio::test]
async fn empty_index_id_and_bad_urls_are_rejected_before_any_request() {
    let server = silent_server().await;
    let (tasks, _) = client(&server, ApiVersion::V1_2);

    for index in ["", "   "] {
        let err = tasks
            .create(index)
            .url("https://example.com/v.mp4")
            .send()
            .await
            .unwrap_err();
        assert_invalid(&err, "index_id");
    }
    let err = tasks
        .create("IDX")
        .url("not a url")
        .send()
        .await
        .unwrap_err();
    assert_invalid(&err, "url");
    let err = tasks
        .create("IDX")
        .url("ftp://example.com/v.mp4")
        .send()
        .await
        .unwrap_err();
    assert_invalid(&err, "url");
    let empty = TempFile::new("empty.mp4", b"");
    let err = tasks
        .create("IDX")
        .file(&empty.path)
        .send()
        .await
        .unwrap_err();
    assert_invalid(&err, "file");

    assert!(received(&server).await.is_empty());
}

#[tokio::test]
async fn missing_file_is_an_io_error_with_the_path_and_no_request() {
    let server = silent_server().await;
    let (tasks, _) = client(&server, ApiVersion::V1_2);
    let missing = TempFile::missing("nope.mp4");

    let err = tasks.create("IDX").file(&missing).send().await.unwrap_err();
    match &err {
        Error::Io { path, source } => {
            assert_eq!(path.as_deref(), Some(missing.as_path()));
            assert_eq!(source.kind(), std::io::ErrorKind::NotFound);
        }
        other => panic!("expected Io, got {other:?}"),
    }
    assert!(err.to_string().contains("nope.mp4"), "{err}");
    assert!(received(&server).await.is_empty());
}

#[tokio::test]
async fn failed_follow_up_retrieve_keeps_the_new_task_id() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1.2/tasks"))
        .respond_with(json_fixture(200, "create_v12.json"))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("/v1.2/tasks/{TASK_V12}")))
        .respond_with(api_error(500, "internal_error", "boom"))
        .expect(3)
        .mount(&server)
        .await;
    let (tasks, clock) = client(&server, ApiVersion::V1_2);

    let err = tasks
        .create("IDX")
        .url("https://example.com/v.mp4")
        .send()
        .await
        .unwrap_err();
    match &err {
        Error::TaskCreated { task_id, source } => {
            assert_eq!(task_id, TASK_V12);
            assert_eq!(source.status().map(|s| s.as_u16()), Some(500));
        }
        other => panic!("expected TaskCreated, got {other:?}"),
    }
    assert_eq!(err.created_task_id().map(|t| t.as_str()), Some(TASK_V12));
    assert!(err.to_string().contains(TASK_V12), "{err}");
    assert_eq!(clock.sleeps().len(), 2, "two backoffs between three GETs");
}

#[tokio::test]
async fn post_answered_503_is_not_retried() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1.2/tasks"))
        .respond_with(api_error(503, "service_unavailable", "try later"))
        .expect(1)
        .mount(&server)
        .await;
    let (tasks, clock) = client(&server, ApiVersion::V1_2);
    let file = TempFile::new("clip.mp4", &pattern(1000));

    let err = tasks
        .create("IDX")
        .file(&file.path)
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.api().unwrap().kind, ApiErrorKind::InternalServer);
    assert_eq!(err.status().unwrap().as_u16(), 503);
    assert!(clock.sleeps().is_empty());
    assert_eq!(received(&server).await.len(), 1, "one POST, no GET");
}

#[tokio::test]
async fn post_answered_429_with_retry_after_is_retried_after_that_wait() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1.2/tasks"))
        .respond_with(Sequence::new(vec![
            api_error(429, "too_many_requests", "slow down").insert_header("retry-after", "1"),
            json_fixture(200, "create_v12.json"),
        ]))
        .expect(2)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("/v1.2/tasks/{TASK_V12}")))
        .respond_with(json_fixture(200, "task_v12_indexing.json"))
        .expect(1)
        .mount(&server)
        .await;
    let (tasks, clock) = client(&server, ApiVersion::V1_2);
    let data = pattern(5000);
    let file = TempFile::new("clip.mp4", &data);

    let task = tasks.create("IDX").file(&file.path).send().await.unwrap();
    assert_eq!(task.id, TASK_V12);
    assert_eq!(clock.sleeps(), [Duration::from_secs(1)]);

    let requests = received(&server).await;
    assert_eq!(requests.len(), 3);
    // The file was re-opened: the retried body is complete and identical.
    assert_eq!(requests[0].body, requests[1].body);
    assert_eq!(form_of(&requests[1])[1].body, data);
}

#[tokio::test]
async fn progress_reaches_the_total() {
    let server = MockServer::start().await;
    mount_v12_create(&server).await;
    let (tasks, _) = client(&server, ApiVersion::V1_2);
    let file = TempFile::new("clip.mp4", &pattern(1_500_000));
    let seen: Arc<Mutex<Vec<Progress>>> = Arc::default();
    let sink = Arc::clone(&seen);

    tasks
        .create("IDX")
        .file(&file.path)
        .with_progress(move |p| sink.lock().unwrap().push(p))
        .send()
        .await
        .unwrap();

    let post = the_post(&server).await;
    let seen = seen.lock().unwrap();
    // The file's own bytes against the file's size: a bar sized by the file
    // ends exactly full, never past it (the body is larger, by its envelope).
    let total = 1_500_000u64;
    assert!(post.body.len() as u64 > total);
    assert!(seen.len() > 2, "several progress events: {}", seen.len());
    assert_eq!(seen.first().unwrap().sent, 0);
    assert!(seen.windows(2).all(|w| w[0].sent <= w[1].sent));
    assert!(seen.iter().all(|p| p.total == Some(total)));
    assert_eq!(seen.last().unwrap().sent, total);
}

#[tokio::test]
async fn send_raw_returns_the_create_response_without_retrieving() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1.3/tasks"))
        .respond_with(json_fixture(200, "create_v13.json"))
        .expect(1)
        .mount(&server)
        .await;
    let (tasks, _) = client(&server, ApiVersion::V1_3);

    let res = tasks
        .create("IDX")
        .url("https://example.com/v.mp4")
        .send_raw()
        .await
        .unwrap();
    assert_eq!(res.id, TASK_V13);
    assert_eq!(res.video_id.as_deref(), Some("62a1ec6d9ea24f052b971a0f"));
    assert_eq!(received(&server).await.len(), 1);
}
