//! The API key never appears in logs, `Debug` or `Display` output; bodies stay out
//! of the logs.

mod common;

use std::io::{self, Cursor};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::{executor, executor_with, FakeTransport, Scripted, SECRET};
use tracing_subscriber::fmt::format::FmtSpan;
use tracing_subscriber::fmt::MakeWriter;
use twelvelabs_models::{Task, TaskStatus};
use twelvelabs_transport::{
    ApiKey, ApiRequest, Body, ClientConfig, Error, Executor, HttpTransport, ManualClock, Multipart,
    Part, PartContent, RequestOptions, ReqwestTransport, RetryPolicy, StreamSource,
    TransportErrorKind,
};
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

/// Collects everything the subscriber writes.
#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<u8>>>);

struct CaptureWriter(Arc<Mutex<Vec<u8>>>);

impl io::Write for CaptureWriter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for Capture {
    type Writer = CaptureWriter;
    fn make_writer(&'a self) -> Self::Writer {
        CaptureWriter(Arc::clone(&self.0))
    }
}

impl Capture {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

/// Everything formatted during the test, checked at the end.
#[derive(Default)]
struct Outputs(Vec<String>);

impl Outputs {
    fn debug(&mut self, label: &str, value: &dyn std::fmt::Debug) {
        let text = format!("{value:?}");
        let pretty = format!("{value:#?}");
        tracing::info!(label, debug = %text, "formatted");
        self.0.push(format!("{label}: {text}"));
        self.0.push(format!("{label}: {pretty}"));
    }

    fn error(&mut self, label: &str, err: &Error) {
        self.debug(label, err);
        let text = err.to_string();
        tracing::warn!(label, error = %err, "error");
        self.0.push(format!("{label}: {text}"));
        // And every cause in the chain.
        let mut cause = std::error::Error::source(err);
        while let Some(e) = cause {
            self.0.push(format!("{label} cause: {e} / {e:?}"));
            cause = e.source();
        }
    }
}

const BODY_MARKER: &str = "RESPONSE_BODY_MARKER_31337";
const REQUEST_MARKER: &str = "REQUEST_BODY_MARKER_4242";

async fn fake_calls(out: &mut Outputs) {
    // Success, after a retry.
    let fake = FakeTransport::new([
        Scripted::status(503),
        Scripted::json(200, &format!(r#"{{"marker":"{BODY_MARKER}"}}"#)),
    ]);
    let (exec, clock) = executor(&fake);
    let resp = exec
        .send(ApiRequest::get(["tasks", "t1"]), &RequestOptions::new())
        .await
        .unwrap();
    assert_eq!(clock.sleeps().len(), 1);
    out.debug("response", &resp);
    out.debug("executor", &exec);
    out.debug("config", exec.config());
    out.debug("key", &exec.config().api_key);
    out.0
        .push(format!("key display: {}", exec.config().api_key));
    for (i, r) in fake.requests().iter().enumerate() {
        assert_eq!(r.headers["x-api-key"], SECRET, "the fake did get the key");
        out.debug(&format!("request {i}"), r);
        out.debug(&format!("request {i} headers"), &r.headers);
    }

    // A JSON POST with a body and per-call header.
    let fake = FakeTransport::new([Scripted::json(201, r#"{"_id":"t1"}"#)]);
    let (exec, _) = executor(&fake);
    let body = Body::json(&serde_json::json!({ "marker": REQUEST_MARKER })).unwrap();
    exec.send(
        ApiRequest::post(["tasks", "transfers"], body),
        &RequestOptions::new().with_header("x-trace", "t"),
    )
    .await
    .unwrap();
    out.debug("post request", &fake.requests()[0]);

    // Every failure the fake can produce.
    let failures: Vec<(&str, Scripted)> = vec![
        (
            "api 401",
            Scripted::json(401, r#"{"code":"api_key_invalid","message":"bad key"}"#),
        ),
        (
            "api 429",
            Scripted::with_headers(429, &[("retry-after", "9999")], ""),
        ),
        ("timeout", Scripted::fail(TransportErrorKind::Timeout)),
        (
            "connection",
            Scripted::Fail {
                kind: TransportErrorKind::Connect,
                source: Some(io::Error::new(io::ErrorKind::ConnectionRefused, "refused")),
            },
        ),
        ("receive", Scripted::fail(TransportErrorKind::Receive)),
        ("decode", Scripted::json(200, r#"{"data":7}"#)),
        ("too large", Scripted::json(200, &"x".repeat(4096))),
    ];
    for (label, scripted) in failures {
        let fake = FakeTransport::new((0..3).map(|_| {
            match &scripted {
                Scripted::Full {
                    status,
                    headers,
                    body,
                } => Scripted::Full {
                    status: *status,
                    headers: headers.clone(),
                    body: body.clone(),
                },
                Scripted::Fail { kind, source } => Scripted::Fail {
                    kind: *kind,
                    source: source
                        .as_ref()
                        .map(|s| io::Error::new(s.kind(), s.to_string())),
                },
                _ => unreachable!("only Full and Fail answers are scripted here"),
            }
        }));
        let (exec, _) = executor_with(&fake, |c| c.max_response_bytes = 1024);
        let err = exec
            .send_json::<Vec<u8>>(ApiRequest::get(["tasks"]), &RequestOptions::new())
            .await
            .unwrap_err();
        out.error(label, &err);
        for r in fake.requests() {
            out.debug(label, &r);
        }
    }

    // InvalidInput: a per-call attempt to send the key again, and a bad id.
    let fake = FakeTransport::new([]);
    let (exec, _) = executor(&fake);
    let err = exec
        .send(
            ApiRequest::get(["tasks"]),
            &RequestOptions::new().with_header("x-api-key", SECRET),
        )
        .await
        .unwrap_err();
    assert!(matches!(err, Error::InvalidInput { .. }));
    out.error("invalid header", &err);
    let err = exec
        .send(
            ApiRequest::get(["tasks"]),
            &RequestOptions::new().with_header("x-other", format!("{SECRET}\n")),
        )
        .await
        .unwrap_err();
    out.error("invalid header value", &err);
    let err = exec
        .send(ApiRequest::get(["tasks", ".."]), &RequestOptions::new())
        .await
        .unwrap_err();
    out.error("invalid id", &err);

    // Io: an upload whose source is shorter than announced.
    let form = Multipart::new().part(Part::file(
        "video_file",
        "a.mp4",
        "video/mp4",
        PartContent::Stream(StreamSource::reader(Cursor::new(b"ab".to_vec()), Some(5))),
    ));
    let fake = FakeTransport::new([Scripted::ok()]);
    let (exec, _) = executor(&fake);
    let err = exec
        .send(
            ApiRequest::post(["tasks"], Body::Multipart(form)),
            &RequestOptions::new(),
        )
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Io { .. }), "{err:?}");
    out.error("io", &err);
    out.debug("upload request", &fake.requests()[0]);

    // Config, WaitTimeout, TaskCreated.
    out.error("config", &ApiKey::new(" ").unwrap_err());
    out.error(
        "config url",
        &ClientConfig::parse_base_url("ftp://x").unwrap_err(),
    );
    let wait = Error::WaitTimeout {
        task_id: "t1".into(),
        waited: Duration::from_secs(5),
        last: Some(Box::new(Task::new("t1", TaskStatus::Indexing))),
        last_error: Some(Box::new(Error::Timeout {
            timeout: Duration::from_secs(1),
            outcome_unknown: false,
        })),
    };
    out.error("wait timeout", &wait);
    let created = Error::TaskCreated {
        task_id: "t1".into(),
        source: Box::new(Error::Timeout {
            timeout: Duration::from_secs(1),
            outcome_unknown: false,
        }),
    };
    out.error("task created", &created);
}

async fn reqwest_calls(out: &mut Outputs) {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(200).set_body_string(format!(r#"{{"m":"{BODY_MARKER}"}}"#)),
        )
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(500).set_body_string("oops"))
        .mount(&server)
        .await;
    let clock = ManualClock::new();
    let mut config = ClientConfig::new(ApiKey::new(SECRET).unwrap());
    config.base_url = server.uri().parse().unwrap();
    config.clock = Arc::new(clock.clone());
    let transport: Arc<dyn HttpTransport> = Arc::new(ReqwestTransport::new().unwrap());
    let exec = Executor::new(transport, config.clone());
    out.debug("reqwest executor", &exec);

    let resp = exec
        .send(ApiRequest::get(["tasks"]), &RequestOptions::new())
        .await
        .unwrap();
    out.debug("reqwest response", &resp);
    let err = exec
        .send(ApiRequest::get(["tasks"]), &RequestOptions::new())
        .await
        .unwrap_err();
    out.error("reqwest 500", &err);
    assert_eq!(clock.sleeps().len(), 2);
    let received = server.received_requests().await.unwrap();
    assert_eq!(received.len(), 4);
    assert_eq!(received[0].headers["x-api-key"], SECRET);

    // Connection refused.
    let port = {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let mut refused = config;
    refused.base_url = format!("http://127.0.0.1:{port}").parse().unwrap();
    let exec = exec.with_config(refused);
    let err = exec
        .send(
            ApiRequest::get(["tasks"]),
            &RequestOptions::new().with_retry(RetryPolicy::none()),
        )
        .await
        .unwrap_err();
    out.error("reqwest refused", &err);
}

/// The tests of this binary run one at a time: tracing caches each callsite's
/// interest globally, and a callsite first hit on another test's thread (no
/// subscriber there) while the capturing test rebuilds that cache can be
/// cached as "never", dropping the very events the capture checks.
static SERIAL: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

#[tokio::test]
async fn the_key_never_appears_in_logs_or_formatting() {
    let _serial = SERIAL.lock().await;
    let capture = Capture::default();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_span_events(FmtSpan::FULL)
        .with_writer(capture.clone())
        .finish();
    // Global, not thread-local: with a thread-local subscriber, a callsite first
    // hit by another test thread (no subscriber there) can cache "never
    // interested" and this test's events go missing at random. The other tests of
    // this binary then log here too, which only widens what is checked.
    tracing::subscriber::set_global_default(subscriber)
        .expect("only this test installs a subscriber");

    let mut out = Outputs::default();
    fake_calls(&mut out).await;
    reqwest_calls(&mut out).await;

    let log = capture.text();
    // The capture works, at the levels the executor uses.
    assert!(!log.is_empty());
    assert!(log.contains("twelvelabs.request"), "{log}");
    assert!(log.contains("retrying"), "{log}");
    assert!(log.contains("path=/v1.2/tasks/t1"), "{log}");
    assert!(log.contains("DEBUG"), "{log}");
    assert!(out.0.len() > 50);

    // The secret is nowhere, not even a large piece of it.
    let fragment = &SECRET[4..];
    for text in out.0.iter().chain(std::iter::once(&log)) {
        assert!(!text.contains(SECRET), "the key leaked: {text}");
        assert!(!text.contains(fragment), "part of the key leaked: {text}");
    }
    // Bodies stay out of the logs (the formatted responses do show them).
    assert!(!log.contains(REQUEST_MARKER), "request body logged: {log}");
    let log_without_formatting: String = log
        .lines()
        .filter(|l| !l.contains("formatted") && !l.contains(" error"))
        .collect();
    assert!(
        !log_without_formatting.contains(BODY_MARKER),
        "response body logged"
    );
    // Sanity: the formatted output does contain the things it should.
    let all = out.0.join("\n");
    assert!(all.contains("<redacted>"));
    assert!(all.contains("Sensitive"), "HeaderMap marks the key");
    assert!(all.contains("api_key_invalid"));
}

#[tokio::test]
async fn a_key_echoed_by_the_server_is_redacted_everywhere() {
    let _serial = SERIAL.lock().await;
    let echo =
        format!(r#"{{"code":"api_key_invalid {SECRET}","message":"key {SECRET} is not valid"}}"#);
    let fake = FakeTransport::new([Scripted::with_headers(
        401,
        &[("content-type", "application/json"), ("x-echo", SECRET)],
        &echo,
    )]);
    let (exec, _) = executor(&fake);
    let err = exec
        .send(ApiRequest::get(["tasks"]), &RequestOptions::new())
        .await
        .unwrap_err();
    let api = err.api().expect("an API error");
    let shown = format!("{err} {err:?} {} {:?}", api.body_text(), api.headers);
    assert!(!shown.contains(SECRET), "{shown}");
    assert!(shown.contains("[REDACTED]"), "{shown}");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(401));
    // Under a deadline the error is kept, still redacted.
    let fake = FakeTransport::new([Scripted::with_headers(429, &[("retry-after", "30")], &echo)]);
    let (exec, _) = executor(&fake);
    let err = exec
        .send(
            ApiRequest::get(["tasks"]),
            &RequestOptions::new().with_deadline(Duration::from_secs(5)),
        )
        .await
        .unwrap_err();
    assert!(matches!(err, Error::DeadlineExceeded { .. }), "{err:?}");
    let shown = format!("{err} {err:?}");
    assert!(!shown.contains(SECRET), "{shown}");
    assert_eq!(err.retry_after(), Some(Duration::from_secs(30)));
}

#[tokio::test]
async fn url_user_info_and_sensitive_headers_are_never_printed() {
    let _serial = SERIAL.lock().await;
    let mut config = ClientConfig::new(ApiKey::new(SECRET).unwrap());
    config.base_url = "https://user:pa55word@proxy.example/".parse().unwrap();
    let fake = FakeTransport::new([Scripted::ok()]);
    let exec = Executor::new(fake.clone(), config.clone());
    let mut marked = http::HeaderValue::from_static("marked-value-1");
    marked.set_sensitive(true);
    let options = RequestOptions::new()
        .with_header("authorization", "Bearer bearer-value-2")
        .with_header("Cookie", "cookie-value-3")
        .with_header("x-api-key", "per-call-key-4")
        .with_sensitive_header("x-proxy-token", "token-value-5")
        .with_header_value("x-marked", marked)
        .with_header("x-trace-id", "visible-6");
    let shown = format!("{config:?} {exec:?} {options:?} {options:#?}");
    for secret in [
        "pa55word",
        "user:",
        "bearer-value-2",
        "cookie-value-3",
        "per-call-key-4",
        "token-value-5",
        "marked-value-1",
    ] {
        assert!(!shown.contains(secret), "{secret} in {shown}");
    }
    assert!(shown.contains("visible-6"));
    // Sent as given (x-api-key aside, which is refused), yet hidden in the request's Debug.
    let options = options.clone().with_header("x-trace-id", "visible-6");
    let err = exec
        .send(ApiRequest::get(["tasks"]), &options)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::InvalidInput { .. }));
    let options = RequestOptions::new()
        .with_header("authorization", "Bearer bearer-value-2")
        .with_sensitive_header("x-proxy-token", "token-value-5");
    exec.send(ApiRequest::get(["tasks"]), &options)
        .await
        .unwrap();
    let request = &fake.requests()[0];
    assert_eq!(request.headers["x-proxy-token"], "token-value-5");
    assert_eq!(request.url.password(), Some("pa55word"));
    let shown = format!("{request:?}");
    for secret in ["pa55word", "bearer-value-2", "token-value-5", SECRET] {
        assert!(!shown.contains(secret), "{secret} in {shown}");
    }
}
