//! Status → error mapping, error text, accessors, cause chains, decode errors and
//! the response size cap.

mod common;

use std::error::Error as _;
use std::io;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use chrono::TimeZone;
use common::{executor, FakeTransport, Scripted};
use http::StatusCode;
use serde::Deserialize;
use twelvelabs_transport::{
    ApiErrorKind, ApiRequest, Error, RequestOptions, RetryPolicy, TransportErrorKind,
};

fn no_retry() -> RequestOptions {
    RequestOptions::new().with_retry(RetryPolicy::none())
}

async fn api_error(scripted: Scripted) -> Error {
    let fake = FakeTransport::new([scripted]);
    let (exec, _) = executor(&fake);
    let err = exec
        .send(ApiRequest::get(["tasks", "t1"]), &no_retry())
        .await
        .unwrap_err();
    assert_eq!(fake.count(), 1);
    err
}

#[tokio::test]
async fn every_status_maps_to_its_kind() {
    let table = [
        (400u16, ApiErrorKind::BadRequest),
        (401, ApiErrorKind::Authentication),
        (403, ApiErrorKind::PermissionDenied),
        (404, ApiErrorKind::NotFound),
        (408, ApiErrorKind::RequestTimeout),
        (409, ApiErrorKind::Conflict),
        (422, ApiErrorKind::UnprocessableEntity),
        (429, ApiErrorKind::RateLimit),
        (500, ApiErrorKind::InternalServer),
        (501, ApiErrorKind::InternalServer),
        (502, ApiErrorKind::InternalServer),
        (503, ApiErrorKind::InternalServer),
        (504, ApiErrorKind::InternalServer),
        (599, ApiErrorKind::InternalServer),
        (301, ApiErrorKind::Redirect),
        (302, ApiErrorKind::Redirect),
        (307, ApiErrorKind::Redirect),
        (402, ApiErrorKind::Other),
        (418, ApiErrorKind::Other),
        (451, ApiErrorKind::Other),
    ];
    for (status, kind) in table {
        let code = StatusCode::from_u16(status).unwrap();
        assert_eq!(ApiErrorKind::from_status(code), kind, "{status}");
        let err = api_error(Scripted::status(status)).await;
        let api = err.api().expect("an API error");
        assert_eq!(api.kind, kind, "{status}");
        assert_eq!(api.status, code);
        assert_eq!(err.status(), Some(code));
        assert!(err.to_string().starts_with(&code.to_string()), "{err}");
    }
}

#[tokio::test]
async fn informational_and_success_statuses() {
    // 2xx is success whatever the code; a 1xx final status is an error of kind Other.
    let fake = FakeTransport::new([Scripted::status(202), Scripted::status(204)]);
    let (exec, _) = executor(&fake);
    for expected in [202, 204] {
        let resp = exec
            .send(ApiRequest::get(["x"]), &no_retry())
            .await
            .unwrap();
        assert_eq!(resp.status.as_u16(), expected);
    }
}

#[tokio::test]
async fn display_shows_status_code_and_message_for_every_body_shape() {
    let bodies = [
        r#"{"code":"index_not_found","message":"The index does not exist."}"#,
        r#"{"error":{"code":"index_not_found","message":"The index does not exist."}}"#,
        r#"{"error_code":"index_not_found","message":"The index does not exist."}"#,
    ];
    for body in bodies {
        let err = api_error(Scripted::json(404, body)).await;
        assert_eq!(
            err.to_string(),
            "404 Not Found index_not_found: The index does not exist.",
            "body {body}"
        );
        assert_eq!(err.code(), Some("index_not_found"));
        assert_eq!(err.message(), Some("The index does not exist."));
        // The raw body is kept as is.
        assert_eq!(&err.api().unwrap().body[..], body.as_bytes());
        assert_eq!(err.api().unwrap().body_text(), body);
    }
}

#[tokio::test]
async fn display_of_partial_bodies() {
    let err = api_error(Scripted::json(400, r#"{"code":"parameter_invalid"}"#)).await;
    assert_eq!(err.to_string(), "400 Bad Request parameter_invalid");
    let err = api_error(Scripted::json(400, r#"{"message":"bad index_id"}"#)).await;
    assert_eq!(err.to_string(), "400 Bad Request: bad index_id");
    assert_eq!(err.code(), None);
}

#[tokio::test]
async fn empty_429_body_says_so() {
    let err = api_error(Scripted::status(429)).await;
    assert_eq!(err.to_string(), "429 Too Many Requests (empty body)");
    let err = api_error(Scripted::with_headers(429, &[], "  \n")).await;
    assert_eq!(err.to_string(), "429 Too Many Requests (empty body)");
    let err = api_error(Scripted::with_headers(429, &[("retry-after", "2")], "")).await;
    assert_eq!(
        err.to_string(),
        "429 Too Many Requests (empty body) (retry after 2s)"
    );
}

#[tokio::test]
async fn html_502_shows_an_excerpt() {
    let page = format!(
        "<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center>{}</body></html>",
        "<!-- padding -->".repeat(40)
    );
    let err = api_error(Scripted::with_headers(
        502,
        &[("content-type", "text/html")],
        &page,
    ))
    .await;
    let text = err.to_string();
    assert!(text.starts_with("502 Bad Gateway: <html>"), "{text}");
    assert!(text.contains("<h1>502 Bad Gateway</h1>"), "{text}");
    // An excerpt, not the whole page.
    assert!(text.len() < 260, "{} chars: {text}", text.len());
    assert!(text.ends_with('…'), "{text}");
    assert_eq!(err.code(), None);
    assert_eq!(err.api().unwrap().body.len(), page.len());
}

#[tokio::test]
async fn accessors_and_rate_limit_headers() {
    let reset = 1_900_000_000i64;
    let err = api_error(Scripted::with_headers(
        429,
        &[
            ("content-type", "application/json"),
            ("x-ratelimit-limit", "50"),
            ("x-ratelimit-remaining", "0"),
            ("x-ratelimit-used", "50"),
            ("x-ratelimit-reset", &reset.to_string()),
            ("x-request-id", "req-42"),
        ],
        r#"{"code":"too_many_requests","message":"Slow down","docs_url":"https://docs.example/429"}"#,
    ))
    .await;
    assert_eq!(err.status(), Some(StatusCode::TOO_MANY_REQUESTS));
    assert_eq!(err.code(), Some("too_many_requests"));
    assert_eq!(err.message(), Some("Slow down"));
    let rl = err.rate_limit().unwrap();
    assert_eq!(rl.limit, Some(50));
    assert_eq!(rl.remaining, Some(0));
    assert_eq!(rl.used, Some(50));
    assert_eq!(rl.reset, chrono::Utc.timestamp_opt(reset, 0).single());
    assert!(!rl.is_empty());
    let api = err.api().unwrap();
    assert_eq!(api.docs_url.as_deref(), Some("https://docs.example/429"));
    assert_eq!(api.request_id(), Some("req-42"));
    assert_eq!(api.headers["x-ratelimit-limit"], "50");
    // The reset is years away: far above any cap, so it is reported, not slept.
    assert!(err.retry_after().unwrap() > Duration::from_secs(3600));
    assert!(err.is_transient());

    // Malformed rate-limit headers are None, not an error.
    let err = api_error(Scripted::with_headers(
        429,
        &[("x-ratelimit-limit", "lots"), ("retry-after", "soon")],
        "",
    ))
    .await;
    assert!(err.rate_limit().unwrap().is_empty());
    assert_eq!(err.retry_after(), None);
}

#[tokio::test]
async fn successful_responses_expose_rate_limits_too() {
    let fake = FakeTransport::new([Scripted::with_headers(
        200,
        &[("x-ratelimit-remaining", "7")],
        "{}",
    )]);
    let (exec, _) = executor(&fake);
    let resp = exec
        .send(ApiRequest::get(["x"]), &no_retry())
        .await
        .unwrap();
    assert_eq!(resp.rate_limit.remaining, Some(7));
}

#[tokio::test]
async fn connection_error_keeps_the_cause_chain() {
    let fake = FakeTransport::new([Scripted::Fail {
        kind: TransportErrorKind::Connect,
        source: Some(io::Error::new(
            io::ErrorKind::ConnectionRefused,
            "refused by the fake peer",
        )),
    }]);
    let (exec, _) = executor(&fake);
    let err = exec
        .send(ApiRequest::get(["x"]), &no_retry())
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
    // Display names the root cause.
    assert!(
        err.to_string().contains("refused by the fake peer"),
        "{err}"
    );
    // source(): Error -> TransportError -> io::Error.
    let transport = err.source().expect("a transport error");
    assert!(transport
        .downcast_ref::<twelvelabs_transport::TransportError>()
        .is_some());
    let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(&err);
    let mut found = None;
    while let Some(e) = cause {
        if let Some(io) = e.downcast_ref::<io::Error>() {
            found = Some(io.kind());
        }
        cause = e.source();
    }
    assert_eq!(found, Some(io::ErrorKind::ConnectionRefused));
}

#[tokio::test]
async fn a_network_io_error_while_receiving_is_retried_as_a_connection_error() {
    // A reset connection is a network failure (retried for GET), not a local file
    // error.
    let reset = || Scripted::Fail {
        kind: TransportErrorKind::Receive,
        source: Some(io::Error::new(
            io::ErrorKind::ConnectionReset,
            "connection reset by peer",
        )),
    };
    let fake = FakeTransport::new([reset(), reset(), reset()]);
    let (exec, clock) = executor(&fake);
    let err = exec
        .send(ApiRequest::get(["x"]), &RequestOptions::new())
        .await
        .unwrap_err();
    assert_eq!(fake.count(), 3);
    assert_eq!(clock.sleeps().len(), 2);
    assert!(matches!(err, Error::Connection { .. }), "{err:?}");
}

#[derive(Debug, Deserialize)]
#[allow(dead_code)]
struct Page {
    data: Vec<Item>,
}

#[derive(Debug, Deserialize)]
#[allow(dead_code)]
struct Item {
    #[serde(rename = "_id")]
    id: String,
    status: String,
}

async fn decode(body: &str) -> Error {
    let fake = FakeTransport::new([Scripted::json(200, body)]);
    let (exec, _) = executor(&fake);
    exec.send_json::<Page>(ApiRequest::get(["tasks"]), &no_retry())
        .await
        .unwrap_err()
}

#[tokio::test]
async fn decode_error_of_an_empty_body() {
    let err = decode("").await;
    let Error::Decode { status, path, .. } = &err else {
        panic!("{err:?}")
    };
    assert_eq!(*status, StatusCode::OK);
    assert_eq!(path, ".");
    assert!(err.to_string().contains("empty"), "{err}");
    assert_eq!(err.status(), Some(StatusCode::OK));
}

#[tokio::test]
async fn decode_error_of_truncated_json() {
    let body = r#"{"data":[{"_id":"t1","status":"ready"},{"_id":"t2","sta"#;
    let err = decode(body).await;
    let Error::Decode {
        path,
        body_excerpt,
        source,
        ..
    } = &err
    else {
        panic!("{err:?}")
    };
    assert_eq!(body_excerpt, body);
    assert!(path.starts_with("data[1]"), "path {path}");
    assert!(source.to_string().contains("EOF"), "{source}");
    assert!(err.source().is_some());
}

#[tokio::test]
async fn decode_error_of_a_wrong_type_names_the_path() {
    let body = r#"{"data":[{"_id":"t1","status":42}]}"#;
    let err = decode(body).await;
    let Error::Decode {
        path, body_excerpt, ..
    } = &err
    else {
        panic!("{err:?}")
    };
    assert_eq!(path, "data[0].status");
    assert_eq!(body_excerpt, body);
    let text = err.to_string();
    assert!(text.contains("`data[0].status`"), "{text}");
    assert!(text.contains("200 OK"), "{text}");
    assert!(text.contains("invalid type"), "{text}");

    // A missing required field names its parent.
    let err = decode(r#"{"data":[{"status":"ready"}]}"#).await;
    let Error::Decode { path, .. } = &err else {
        panic!("{err:?}")
    };
    assert_eq!(path, "data[0]");
    assert!(err.to_string().contains("_id"), "{err}");
}

/// Decodes `body`, answered with `status`, as `T` through an executor.
async fn decode_as<T: serde::de::DeserializeOwned>(status: u16, body: &str) -> Result<T, Error> {
    let fake = FakeTransport::new([Scripted::json(status, body)]);
    let (exec, _) = executor(&fake);
    exec.send_json(ApiRequest::get(["tasks"]), &no_retry())
        .await
}

#[tokio::test]
async fn decode_excerpt_is_bounded() {
    let body = format!("{{\"data\":[{}", "x".repeat(10_000));
    let err = decode_as::<Page>(200, &body).await.unwrap_err();
    let Error::Decode { body_excerpt, .. } = &err else {
        panic!("{err:?}")
    };
    assert!(body_excerpt.len() < 300, "{}", body_excerpt.len());
}

#[tokio::test]
async fn empty_body_decodes_as_unit() {
    // Pitfall 48: a 200/204 with an empty body is `()`, not a decode error.
    decode_as::<()>(204, "").await.unwrap();
    decode_as::<()>(200, "").await.unwrap();
    assert_eq!(decode_as::<Option<u32>>(200, "  ").await.unwrap(), None);
}

#[tokio::test]
async fn a_full_body_over_the_cap_is_too_large() {
    let fake = FakeTransport::new([
        Scripted::json(200, &"x".repeat(2048)),
        Scripted::json(200, &"x".repeat(1024)),
    ]);
    let (exec, _) = executor(&fake);
    let options = RequestOptions::new().with_max_response_bytes(1024);
    let err = exec
        .send(ApiRequest::get(["x"]), &options)
        .await
        .unwrap_err();
    let Error::ResponseTooLarge { status, limit } = &err else {
        panic!("{err:?}")
    };
    assert_eq!((*status, *limit), (StatusCode::OK, 1024));
    assert!(err.to_string().contains("1024-byte limit"), "{err}");
    assert_eq!(fake.count(), 1, "not retried");
    // Exactly at the cap is fine.
    exec.send(ApiRequest::get(["x"]), &options).await.unwrap();
}

#[tokio::test]
async fn a_streamed_body_over_the_cap_stops_reading_early() {
    let pulled = Arc::new(AtomicUsize::new(0));
    let chunks: Vec<Bytes> = (0..100).map(|_| Bytes::from(vec![b'a'; 1024])).collect();
    let fake = FakeTransport::new([Scripted::Stream {
        status: 200,
        chunks,
        pulled: Arc::clone(&pulled),
    }]);
    let (exec, _) = executor_with_cap(&fake, 4096);
    let err = exec
        .send(ApiRequest::get(["x"]), &RequestOptions::new())
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::ResponseTooLarge {
                limit: 4096,
                status: StatusCode::OK
            }
        ),
        "{err:?}"
    );
    // 4 chunks fit; the 5th crosses the cap; nothing after it is read.
    assert_eq!(pulled.load(Ordering::SeqCst), 5);
    assert_eq!(fake.count(), 1);

    // An error status with a huge body is capped too.
    let pulled = Arc::new(AtomicUsize::new(0));
    let chunks: Vec<Bytes> = (0..100).map(|_| Bytes::from(vec![b'a'; 1024])).collect();
    let fake = FakeTransport::new([Scripted::Stream {
        status: 500,
        chunks,
        pulled: Arc::clone(&pulled),
    }]);
    let (exec, _) = executor_with_cap(&fake, 4096);
    let err = exec
        .send(ApiRequest::get(["x"]), &RequestOptions::new())
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::ResponseTooLarge { status, .. } if status.as_u16() == 500),
        "{err:?}"
    );
    assert_eq!(pulled.load(Ordering::SeqCst), 5);
}

fn executor_with_cap(
    fake: &Arc<FakeTransport>,
    cap: u64,
) -> (
    twelvelabs_transport::Executor,
    twelvelabs_transport::ManualClock,
) {
    common::executor_with(fake, |c| c.max_response_bytes = cap)
}

#[tokio::test]
async fn a_local_source_failure_is_an_io_error_and_not_retried() {
    use twelvelabs_transport::{Body, Multipart, Part, PartContent, StreamSource};
    let form = Multipart::new().part(Part::file(
        "video_file",
        "a.mp4",
        "video/mp4",
        // Announces 10 bytes, has 3: the body fails part-way.
        PartContent::Stream(StreamSource::reader(
            io::Cursor::new(b"abc".to_vec()),
            Some(10),
        )),
    ));
    let fake = FakeTransport::new([Scripted::ok(), Scripted::ok()]);
    let (exec, clock) = executor(&fake);
    let options =
        RequestOptions::new().with_retry(RetryPolicy::default().with_retry_non_idempotent(true));
    let err = exec
        .send(ApiRequest::post(["tasks"], Body::Multipart(form)), &options)
        .await
        .unwrap_err();
    assert_eq!(fake.count(), 1);
    assert!(clock.sleeps().is_empty());
    let Error::Io { source, .. } = &err else {
        panic!("{err:?}")
    };
    assert_eq!(source.kind(), io::ErrorKind::UnexpectedEof);
    assert!(err.to_string().contains("shrank"), "{err}");
}

#[test]
fn other_variants_display_their_cause() {
    let e = Error::invalid_input("index_id", "must not be empty");
    assert_eq!(e.to_string(), "invalid input `index_id`: must not be empty");
    assert_eq!(e.status(), None);
    assert!(!e.is_transient());
    let e = twelvelabs_transport::ApiKey::new("  ").unwrap_err();
    assert!(matches!(e, Error::Config(_)));
    assert!(e.to_string().contains("API key is empty"), "{e}");
    let e = Error::Io {
        path: Some("/tmp/x.mp4".into()),
        source: io::Error::new(io::ErrorKind::NotFound, "gone"),
    };
    assert_eq!(e.to_string(), "I/O error on /tmp/x.mp4: gone");
    assert!(e.source().is_some());
}
