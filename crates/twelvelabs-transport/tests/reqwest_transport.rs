//! `ReqwestTransport` against local wiremock servers: uploads, timeouts, the size
//! cap, redirects, failing sources and refused connections.

use std::future::Future;
use std::io;
use std::net::TcpListener;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use async_trait::async_trait;
use bytes::Bytes;
use twelvelabs_transport::{
    ApiErrorKind, ApiKey, ApiRequest, Body, ByteStream, ClientConfig, Error, Executor,
    HttpTransport, ManualClock, Multipart, OpenStream, Part, PartContent, Progress, RequestOptions,
    ReqwestTransport, RetryPolicy, StreamSource,
};
use wiremock::matchers::{any, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const SECRET: &str = "tlk_reqwest_test_key_0000";

fn executor(base: &str) -> (Executor, ManualClock) {
    let clock = ManualClock::new();
    let mut config = ClientConfig::new(ApiKey::new(SECRET).unwrap());
    config.base_url = ClientConfig::parse_base_url(base).unwrap().0;
    config.clock = Arc::new(clock.clone());
    let transport: Arc<dyn HttpTransport> = Arc::new(ReqwestTransport::new().unwrap());
    (Executor::new(transport, config), clock)
}

/// Fails the test instead of hanging.
async fn bounded<T>(f: impl Future<Output = T>) -> T {
    tokio::time::timeout(Duration::from_secs(10), f)
        .await
        .expect("the call hung")
}

/// A temp file removed on drop.
struct TempFile(PathBuf);

impl TempFile {
    fn new(content: &[u8]) -> Self {
        let path = std::env::temp_dir().join(format!(
            "twelvelabs-transport-test-{}-{:016x}.bin",
            std::process::id(),
            fastrand::u64(..)
        ));
        std::fs::write(&path, content).unwrap();
        TempFile(path)
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

fn find(haystack: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    haystack[from..]
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| p + from)
}

/// Splits a multipart/form-data body into (part headers, part content).
fn parse_multipart(body: &[u8], boundary: &str) -> Vec<(String, Vec<u8>)> {
    let delimiter = format!("--{boundary}");
    let next_delimiter = format!("\r\n--{boundary}");
    assert!(
        body.starts_with(delimiter.as_bytes()),
        "no opening boundary"
    );
    let mut parts = Vec::new();
    let mut pos = delimiter.len();
    loop {
        if body[pos..].starts_with(b"--") {
            assert_eq!(&body[pos..], b"--\r\n", "bad closing boundary");
            return parts;
        }
        assert!(body[pos..].starts_with(b"\r\n"), "no CRLF after a boundary");
        pos += 2;
        let headers_end = find(body, b"\r\n\r\n", pos).expect("part headers end");
        let headers = String::from_utf8(body[pos..headers_end].to_vec()).unwrap();
        let content_start = headers_end + 4;
        let content_end =
            find(body, next_delimiter.as_bytes(), content_start).expect("part content end");
        parts.push((headers, body[content_start..content_end].to_vec()));
        pos = content_end + next_delimiter.len();
    }
}

#[tokio::test]
async fn a_file_upload_arrives_intact_with_a_content_length() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1.2/tasks"))
        .respond_with(ResponseTemplate::new(201).set_body_string(r#"{"_id":"task1"}"#))
        .expect(1)
        .mount(&server)
        .await;

    let data: Vec<u8> = (0..5 * 1024 * 1024u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    let file = TempFile::new(&data);
    let progress: Arc<Mutex<Vec<Progress>>> = Arc::default();
    let sink = Arc::clone(&progress);
    let form = Multipart::new()
        .part(Part::text("index_id", "IDX-7"))
        .part(Part::file(
            "video_file",
            "clip \"1\".mp4",
            "video/mp4",
            PartContent::Stream(StreamSource::file(&file.0).await.unwrap()),
        ))
        .part(Part::text("enable_video_stream", "false"))
        .on_progress(Arc::new(move |p| sink.lock().unwrap().push(p)));
    let expected_len = form.content_length().expect("every length is known");
    let boundary = form.boundary().to_owned();

    let (exec, clock) = executor(&server.uri());
    let resp = bounded(exec.send(
        ApiRequest::post(["tasks"], Body::Multipart(form)),
        &RequestOptions::new(),
    ))
    .await
    .unwrap();
    assert_eq!(resp.status.as_u16(), 201);
    assert!(clock.sleeps().is_empty());

    let received = server.received_requests().await.unwrap();
    assert_eq!(received.len(), 1);
    let request = &received[0];
    assert_eq!(request.headers["x-api-key"], SECRET);
    assert_eq!(
        request.headers["content-type"].to_str().unwrap(),
        format!("multipart/form-data; boundary={boundary}")
    );
    assert_eq!(
        request.headers["content-length"].to_str().unwrap(),
        expected_len.to_string()
    );
    assert!(request.headers.get("transfer-encoding").is_none());
    assert_eq!(request.body.len() as u64, expected_len);

    let parts = parse_multipart(&request.body, &boundary);
    assert_eq!(parts.len(), 3);
    assert_eq!(
        parts[0].0,
        "Content-Disposition: form-data; name=\"index_id\""
    );
    assert_eq!(parts[0].1, b"IDX-7");
    assert_eq!(
        parts[1].0,
        "Content-Disposition: form-data; name=\"video_file\"; filename=\"clip %221%22.mp4\"\r\nContent-Type: video/mp4"
    );
    assert_eq!(parts[1].1.len(), data.len());
    assert!(parts[1].1 == data, "the file content differs");
    assert_eq!(parts[2].1, b"false");

    let progress = progress.lock().unwrap();
    let last = progress.last().unwrap();
    assert_eq!(last.sent, expected_len);
    assert_eq!(last.total, Some(expected_len));
    assert_eq!(progress.first().unwrap().sent, 0);
}

#[tokio::test]
async fn a_slow_answer_times_out_per_attempt() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(3)))
        .mount(&server)
        .await;
    let (exec, clock) = executor(&server.uri());
    let started = Instant::now();
    let options = RequestOptions::new().with_attempt_timeout(Duration::from_millis(250));
    let err = bounded(exec.send(ApiRequest::get(["tasks"]), &options))
        .await
        .unwrap_err();
    let took = started.elapsed();
    assert!(
        matches!(
            err,
            Error::Timeout {
                timeout,
                outcome_unknown: false
            } if timeout == Duration::from_millis(250)
        ),
        "{err:?}"
    );
    // GET: three attempts of 250 ms each, backoff on the manual clock.
    assert_eq!(clock.sleeps().len(), 2);
    assert!(took < Duration::from_secs(2), "took {took:?}");
    assert_eq!(server.received_requests().await.unwrap().len(), 3);

    // POST: one attempt, and the caller is told the outcome is unknown.
    let body = Body::json(&serde_json::json!({"a": 1})).unwrap();
    let err = bounded(exec.send(ApiRequest::post(["tasks"], body), &options))
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::Timeout {
                outcome_unknown: true,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(err.to_string().contains("outcome unknown"));
    assert_eq!(clock.sleeps().len(), 2);
}

#[tokio::test]
async fn a_response_over_the_cap_is_too_large() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_bytes(vec![b'x'; 1024 * 1024]))
        .mount(&server)
        .await;
    let (exec, _) = executor(&server.uri());
    let options = RequestOptions::new().with_max_response_bytes(64 * 1024);
    let err = bounded(exec.send(ApiRequest::get(["tasks"]), &options))
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::ResponseTooLarge { limit, .. } if limit == 64 * 1024),
        "{err:?}"
    );
    // Under the cap it is fine.
    let options = RequestOptions::new().with_max_response_bytes(1024 * 1024);
    let resp = bounded(exec.send(ApiRequest::get(["tasks"]), &options))
        .await
        .unwrap();
    assert_eq!(resp.body.len(), 1024 * 1024);
}

#[tokio::test]
async fn a_redirect_to_another_origin_is_not_followed() {
    let api = MockServer::start().await;
    let elsewhere = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_string("{}"))
        .mount(&elsewhere)
        .await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_string("{}"))
        .mount(&elsewhere)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1.2/tasks/t1"))
        .respond_with(
            ResponseTemplate::new(302)
                .insert_header("location", format!("{}/v1.2/tasks/t1", elsewhere.uri())),
        )
        .mount(&api)
        .await;
    Mock::given(method("POST"))
        .and(path("/v1.2/tasks"))
        .respond_with(
            ResponseTemplate::new(307)
                .insert_header("location", format!("{}/v1.2/tasks", elsewhere.uri())),
        )
        .mount(&api)
        .await;
    let (exec, _) = executor(&api.uri());
    let err = bounded(exec.send(ApiRequest::get(["tasks", "t1"]), &RequestOptions::new()))
        .await
        .unwrap_err();
    let api_err = err.api().unwrap_or_else(|| panic!("{err:?}"));
    assert_eq!(api_err.status.as_u16(), 302);
    assert_eq!(api_err.kind, ApiErrorKind::Redirect);
    let body = Body::json(&serde_json::json!({"a": 1})).unwrap();
    let err = bounded(exec.send(ApiRequest::post(["tasks"], body), &RequestOptions::new()))
        .await
        .unwrap_err();
    assert_eq!(err.status().unwrap().as_u16(), 307);

    assert!(
        elsewhere.received_requests().await.unwrap().is_empty(),
        "the other origin was contacted"
    );
    assert_eq!(api.received_requests().await.unwrap().len(), 2);
}

#[tokio::test]
async fn a_same_origin_redirect_is_followed() {
    let api = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1.2/old"))
        .respond_with(ResponseTemplate::new(301).insert_header("location", "/v1.2/new"))
        .mount(&api)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1.2/new"))
        .respond_with(ResponseTemplate::new(200).set_body_string(r#"{"moved":true}"#))
        .mount(&api)
        .await;
    let (exec, _) = executor(&api.uri());
    let value: serde_json::Value =
        bounded(exec.send_json(ApiRequest::get(["old"]), &RequestOptions::new()))
            .await
            .unwrap();
    assert_eq!(value["moved"], true);
    let received = api.received_requests().await.unwrap();
    assert_eq!(received.len(), 2);
    assert_eq!(received[1].url.path(), "/v1.2/new");
    assert_eq!(received[1].headers["x-api-key"], SECRET);
}

#[tokio::test]
async fn a_redirect_loop_stops() {
    let api = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(302).insert_header("location", "/v1.2/loop"))
        .mount(&api)
        .await;
    let (exec, _) = executor(&api.uri());
    let err = bounded(exec.send(ApiRequest::get(["loop"]), &RequestOptions::new()))
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(302), "{err:?}");
    let n = api.received_requests().await.unwrap().len();
    assert!((2..=10).contains(&n), "{n} requests");
}

/// Announces more bytes than it yields, like a file truncated during the upload.
#[derive(Debug)]
struct Shrinking;

#[async_trait]
impl OpenStream for Shrinking {
    async fn open(&self) -> io::Result<ByteStream> {
        let chunks = vec![Ok(Bytes::from(vec![7u8; 64 * 1024]))];
        Ok(Box::pin(futures_util::stream::iter(chunks)))
    }
}

async fn upload_must_fail(server: &MockServer, source: StreamSource) {
    let form = Multipart::new()
        .part(Part::text("index_id", "IDX"))
        .part(Part::file(
            "video_file",
            "a.mp4",
            "video/mp4",
            PartContent::Stream(source),
        ));
    let (exec, clock) = executor(&server.uri());
    // Even opted in to retries of creates, a broken source is not re-sent.
    let options =
        RequestOptions::new().with_retry(RetryPolicy::default().with_retry_non_idempotent(true));
    let err = bounded(exec.send(ApiRequest::post(["tasks"], Body::Multipart(form)), &options))
        .await
        .unwrap_err();
    let Error::Io { source, .. } = &err else {
        panic!("expected an I/O error, got {err:?}")
    };
    assert_eq!(source.kind(), io::ErrorKind::UnexpectedEof, "{err}");
    assert!(err.to_string().contains("shrank"), "{err}");
    assert!(clock.sleeps().is_empty(), "retried: {:?}", clock.sleeps());
}

#[tokio::test]
async fn a_source_shorter_than_announced_is_an_error_not_a_hang() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_string("{}"))
        .mount(&server)
        .await;
    upload_must_fail(&server, StreamSource::new(Shrinking, Some(1024 * 1024))).await;

    // A real file truncated after its length was read.
    let file = TempFile::new(&vec![1u8; 512 * 1024]);
    let source = StreamSource::file(&file.0).await.unwrap();
    std::fs::write(&file.0, vec![1u8; 1000]).unwrap();
    upload_must_fail(&server, source).await;
}

#[tokio::test]
async fn connection_refused_is_retried_then_reported() {
    let port = {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let (exec, clock) = executor(&format!("http://127.0.0.1:{port}"));
    let err = bounded(exec.send(ApiRequest::get(["tasks"]), &RequestOptions::new()))
        .await
        .unwrap_err();
    let Error::Connection {
        outcome_unknown,
        source,
    } = &err
    else {
        panic!("expected a connection error, got {err:?}")
    };
    assert!(!outcome_unknown);
    assert_eq!(
        source.kind(),
        twelvelabs_transport::TransportErrorKind::Connect
    );
    assert_eq!(clock.sleeps().len(), 2, "3 attempts");
    assert!(!err.to_string().contains("outcome unknown"), "{err}");

    // A create with a single-use reader is retried too: nothing was read from it.
    let data = b"abc".to_vec();
    let form = Multipart::new().part(Part::file(
        "video_file",
        "a.mp4",
        "video/mp4",
        PartContent::Stream(StreamSource::reader(io::Cursor::new(data), Some(3))),
    ));
    let (exec, clock) = executor(&format!("http://127.0.0.1:{port}"));
    let err = bounded(exec.send(
        ApiRequest::post(["tasks"], Body::Multipart(form)),
        &RequestOptions::new(),
    ))
    .await
    .unwrap_err();
    assert!(
        matches!(
            err,
            Error::Connection {
                outcome_unknown: false,
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(clock.sleeps().len(), 2);
}

#[tokio::test]
async fn a_transport_can_be_driven_directly_with_http_request_new() {
    // How a user tests a transport of their own: one exchange, no executor.
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/ping"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    let url = twelvelabs_transport::url::Url::parse(&format!("{}/ping", server.uri())).unwrap();
    let mut request = twelvelabs_transport::HttpRequest::new(http::Method::GET, url);
    request.timeout = Some(Duration::from_secs(5));
    let response = bounded(ReqwestTransport::new().unwrap().send(request))
        .await
        .unwrap();
    assert_eq!(response.status, http::StatusCode::NO_CONTENT);
}
