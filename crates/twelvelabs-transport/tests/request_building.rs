//! URL, query, headers and timeouts of the requests the executor builds.

mod common;

use std::io::Cursor;
use std::time::Duration;

use bytes::Bytes;
use common::{executor, executor_with, FakeTransport, Scripted, SECRET};
use http::{HeaderName, HeaderValue, Method};
use twelvelabs_transport::{
    ApiRequest, ApiVersion, Body, ClientConfig, Error, HttpRequest, Multipart, Part, PartContent,
    RequestOptions, StreamSource,
};

/// Sends one request through a fake that answers 200 and returns what it received.
async fn sent(request: ApiRequest, options: RequestOptions) -> HttpRequest {
    sent_with(request, options, |_| {}).await
}

async fn sent_with(
    request: ApiRequest,
    options: RequestOptions,
    tweak: impl FnOnce(&mut ClientConfig),
) -> HttpRequest {
    let fake = FakeTransport::new([Scripted::ok()]);
    let (exec, _) = executor_with(&fake, tweak);
    exec.send(request, &options).await.unwrap();
    let mut requests = fake.requests();
    assert_eq!(requests.len(), 1);
    requests.remove(0)
}

/// Asserts the call fails with InvalidInput and that no request was made.
async fn rejected(request: ApiRequest, options: RequestOptions) -> Error {
    let fake = FakeTransport::new([Scripted::ok()]);
    let (exec, _) = executor(&fake);
    let err = exec.send(request, &options).await.unwrap_err();
    assert!(matches!(err, Error::InvalidInput { .. }), "{err:?}");
    assert_eq!(fake.count(), 0, "a request was made");
    err
}

#[tokio::test]
async fn url_is_base_version_and_segments() {
    let r = sent(ApiRequest::get(["tasks", "abc123"]), RequestOptions::new()).await;
    assert_eq!(r.url.as_str(), "http://api.test/v1.2/tasks/abc123");
    assert_eq!(r.method, Method::GET);
    let r = sent_with(ApiRequest::get(["tasks"]), RequestOptions::new(), |c| {
        c.api_version = ApiVersion::V1_3;
    })
    .await;
    assert_eq!(r.url.as_str(), "http://api.test/v1.3/tasks");
    // A base URL with a path prefix keeps it.
    let r = sent_with(ApiRequest::get(["tasks"]), RequestOptions::new(), |c| {
        c.base_url = ClientConfig::parse_base_url("http://proxy.local/tl/")
            .unwrap()
            .0;
    })
    .await;
    assert_eq!(r.url.as_str(), "http://proxy.local/tl/v1.2/tasks");
}

#[tokio::test]
async fn ids_never_change_the_path() {
    let cases = [
        ("a/b", "a%2Fb"),
        ("../../indexes", "..%2F..%2Findexes"),
        ("x?admin=1", "x%3Fadmin=1"),
        ("x#frag", "x%23frag"),
        ("with space", "with%20space"),
        ("100%", "100%25"),
        ("%2e%2e", "%252e%252e"),
        ("a\\b", "a%5Cb"),
        ("é", "%C3%A9"),
        ("line\nbreak", "line%0Abreak"),
    ];
    for (id, encoded) in cases {
        let r = sent(ApiRequest::get(["tasks", id]), RequestOptions::new()).await;
        assert_eq!(
            r.url.as_str(),
            format!("http://api.test/v1.2/tasks/{encoded}"),
            "id {id:?}"
        );
        assert_eq!(r.url.query(), None, "id {id:?}");
        assert_eq!(r.url.fragment(), None, "id {id:?}");
        let segments: Vec<_> = r.url.path_segments().unwrap().collect();
        assert_eq!(segments.len(), 3, "id {id:?}: {segments:?}");
        assert_eq!(segments[..2], ["v1.2", "tasks"]);
    }
}

#[tokio::test]
async fn dot_and_empty_segments_are_rejected_before_any_request() {
    for id in [".", "..", ""] {
        let err = rejected(ApiRequest::get(["tasks", id]), RequestOptions::new()).await;
        let Error::InvalidInput { field, .. } = &err else {
            unreachable!()
        };
        assert_eq!(field, "id");
        let _ = rejected(
            ApiRequest::delete(["tasks", id, "x"]),
            RequestOptions::new(),
        )
        .await;
    }
}

#[tokio::test]
async fn query_is_form_encoded_and_keeps_repeats() {
    let request = ApiRequest::get(["tasks"])
        .query("created_at[gte]", "2024-01-01T00:00:00Z")
        .query("status", "ready")
        .query("status", "failed")
        .query("filename", "a b&c=d.mp4");
    let r = sent(request, RequestOptions::new()).await;
    assert_eq!(
        r.url.query(),
        Some(
            "created_at%5Bgte%5D=2024-01-01T00%3A00%3A00Z&status=ready&status=failed&filename=a+b%26c%3Dd.mp4"
        )
    );
    let pairs: Vec<(String, String)> = r.url.query_pairs().into_owned().collect();
    assert_eq!(
        pairs[0],
        ("created_at[gte]".into(), "2024-01-01T00:00:00Z".into())
    );
    assert_eq!(
        pairs.iter().filter(|(k, _)| k == "status").count(),
        2,
        "{pairs:?}"
    );
    assert_eq!(pairs[3].1, "a b&c=d.mp4");
}

#[tokio::test]
async fn per_call_query_is_merged_after_the_request_query() {
    let options = RequestOptions::new()
        .with_query("page", "2")
        .with_query("status", "failed");
    let r = sent(ApiRequest::get(["tasks"]).query("status", "ready"), options).await;
    assert_eq!(r.url.query(), Some("status=ready&page=2&status=failed"));
}

#[tokio::test]
async fn standard_headers() {
    let r = sent_with(ApiRequest::get(["tasks"]), RequestOptions::new(), |c| {
        c.default_headers.push((
            HeaderName::from_static("x-team"),
            HeaderValue::from_static("blue"),
        ));
        c.user_agent = "my-app/1.0 twelvelabs-rs".into();
    })
    .await;
    let key = r.headers.get("x-api-key").expect("x-api-key");
    assert_eq!(key, SECRET);
    assert!(key.is_sensitive());
    assert_eq!(r.headers.get_all("x-api-key").iter().count(), 1);
    assert_eq!(r.headers["user-agent"], "my-app/1.0 twelvelabs-rs");
    assert_eq!(r.headers["accept"], "application/json");
    assert_eq!(r.headers["x-team"], "blue");
    assert!(r.headers.get("authorization").is_none());

    // The default user agent names the SDK.
    let r = sent(ApiRequest::get(["tasks"]), RequestOptions::new()).await;
    let ua = r.headers["user-agent"].to_str().unwrap();
    assert!(ua.starts_with("twelvelabs-rs/"), "{ua}");
}

#[tokio::test]
async fn a_default_x_api_key_header_cannot_replace_the_key() {
    let r = sent_with(ApiRequest::get(["tasks"]), RequestOptions::new(), |c| {
        c.default_headers.push((
            HeaderName::from_static("x-api-key"),
            HeaderValue::from_static("other"),
        ));
    })
    .await;
    assert_eq!(r.headers.get_all("x-api-key").iter().count(), 1);
    assert_eq!(r.headers["x-api-key"], SECRET);
}

#[tokio::test]
async fn per_call_headers() {
    let options = RequestOptions::new()
        .with_header("X-Trace-Id", "abc123")
        .with_header("accept", "application/x-ndjson");
    let r = sent_with(ApiRequest::get(["tasks"]), options, |c| {
        c.default_headers.push((
            HeaderName::from_static("x-trace-id"),
            HeaderValue::from_static("default"),
        ));
    })
    .await;
    assert_eq!(r.headers["x-trace-id"], "abc123");
    assert_eq!(r.headers.get_all("x-trace-id").iter().count(), 1);
    assert_eq!(r.headers["accept"], "application/x-ndjson");
    assert_eq!(r.headers["x-api-key"], SECRET);
}

#[tokio::test]
async fn invalid_per_call_headers_are_rejected_before_any_request() {
    for (name, value) in [
        ("bad header", "v"),
        ("", "v"),
        ("x-ok", "line\nbreak"),
        ("x-api-key", "another-key"),
        ("X-API-KEY", "another-key"),
    ] {
        let err = rejected(
            ApiRequest::get(["tasks"]),
            RequestOptions::new().with_header(name, value),
        )
        .await;
        let Error::InvalidInput { field, .. } = &err else {
            unreachable!()
        };
        assert_eq!(field, "header", "{name:?}");
        // The message never echoes a key given per call.
        assert!(!err.to_string().contains("another-key"), "{err}");
    }
}

#[tokio::test]
async fn timeouts() {
    // The config's ordinary timeout.
    let r = sent(ApiRequest::get(["tasks"]), RequestOptions::new()).await;
    assert_eq!(r.timeout, Some(Duration::from_secs(60)));
    let r = sent_with(ApiRequest::get(["tasks"]), RequestOptions::new(), |c| {
        c.attempt_timeout = Duration::from_secs(5);
    })
    .await;
    assert_eq!(r.timeout, Some(Duration::from_secs(5)));
    // A per-call override.
    let r = sent(
        ApiRequest::get(["tasks"]),
        RequestOptions::new().with_attempt_timeout(Duration::from_millis(1500)),
    )
    .await;
    assert_eq!(r.timeout, Some(Duration::from_millis(1500)));
}

fn streamed_form() -> Multipart {
    Multipart::new()
        .part(Part::text("index_id", "IDX"))
        .part(Part::file(
            "video_file",
            "clip.mp4",
            "video/mp4",
            PartContent::Stream(StreamSource::reader(Cursor::new(b"data".to_vec()), Some(4))),
        ))
}

#[tokio::test]
async fn uploads_use_the_upload_timeout() {
    let r = sent_with(
        ApiRequest::post(["tasks"], Body::Multipart(streamed_form())),
        RequestOptions::new(),
        |c| c.upload_attempt_timeout = Duration::from_secs(7200),
    )
    .await;
    assert_eq!(r.timeout, Some(Duration::from_secs(7200)));
    // A form of text and in-memory bytes only is an ordinary call.
    let form = Multipart::new()
        .part(Part::text("video_url", "https://example.com/v.mp4"))
        .part(Part::file(
            "thumb",
            "t.jpg",
            "image/jpeg",
            PartContent::Bytes(Bytes::from_static(b"jpeg")),
        ));
    let r = sent(
        ApiRequest::post(["tasks"], Body::Multipart(form)),
        RequestOptions::new(),
    )
    .await;
    assert_eq!(r.timeout, Some(Duration::from_secs(60)));
    // A per-call timeout wins over the upload timeout.
    let r = sent(
        ApiRequest::post(["tasks"], Body::Multipart(streamed_form())),
        RequestOptions::new().with_attempt_timeout(Duration::from_secs(9)),
    )
    .await;
    assert_eq!(r.timeout, Some(Duration::from_secs(9)));
}

#[tokio::test]
async fn bodies_are_passed_through() {
    let body = Body::json(&serde_json::json!({"index_id": "IDX", "n": 1})).unwrap();
    let r = sent(
        ApiRequest::post(["tasks", "transfers"], body),
        RequestOptions::new(),
    )
    .await;
    assert_eq!(r.method, Method::POST);
    assert_eq!(r.body.content_type().as_deref(), Some("application/json"));
    let Body::Bytes { data, .. } = &r.body else {
        panic!("{:?}", r.body)
    };
    let value: serde_json::Value = serde_json::from_slice(data).unwrap();
    assert_eq!(value["index_id"], "IDX");

    let r = sent(
        ApiRequest::post(["tasks"], Body::Multipart(streamed_form())),
        RequestOptions::new(),
    )
    .await;
    let Body::Multipart(form) = &r.body else {
        panic!("{:?}", r.body)
    };
    assert_eq!(form.text("index_id"), Some("IDX"));
    assert_eq!(
        r.body.content_type(),
        Some(format!("multipart/form-data; boundary={}", form.boundary()))
    );
    assert!(r.body.content_length().is_some());
}

#[tokio::test]
async fn base_url_with_a_version_suffix() {
    for raw in [
        "http://api.test/v1.3",
        "http://api.test/v1.3/",
        " http://api.test/v1.3// ",
    ] {
        let (url, version) = ClientConfig::parse_base_url(raw).unwrap();
        assert_eq!(version, Some(ApiVersion::V1_3), "{raw}");
        let r = sent_with(
            ApiRequest::get(["tasks", "t1"]),
            RequestOptions::new(),
            |c| {
                c.base_url = url.clone();
                c.api_version = version.unwrap();
            },
        )
        .await;
        assert_eq!(r.url.as_str(), "http://api.test/v1.3/tasks/t1", "{raw}");
    }
    let (url, version) = ClientConfig::parse_base_url("https://gw.example/tl/v1.2").unwrap();
    assert_eq!(version, Some(ApiVersion::V1_2));
    assert_eq!(url.as_str(), "https://gw.example/tl");
    // Not a version segment: kept as a prefix.
    let (url, version) = ClientConfig::parse_base_url("https://gw.example/1.3").unwrap();
    assert_eq!(version, None);
    assert_eq!(url.as_str(), "https://gw.example/1.3");
    assert!(ClientConfig::parse_base_url("http://api.test/v1.3?x=1").is_err());
}
