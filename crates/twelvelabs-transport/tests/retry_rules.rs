//! Which failures are retried, how often, how long the executor waits, and that a
//! retried request is the same request.

mod common;

use std::io::Cursor;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use common::{executor, executor_with, FakeTransport, Scripted};
use http::Method;
use twelvelabs_transport::{
    ApiErrorKind, ApiRequest, Body, Clock, Error, ManualClock, Multipart, Part, PartContent,
    RequestOptions, RetryPolicy, StreamSource, TransportErrorKind,
};

fn get() -> ApiRequest {
    ApiRequest::get(["tasks", "t1"])
}

fn post_json() -> ApiRequest {
    ApiRequest::post(
        ["tasks", "transfers"],
        Body::json(&serde_json::json!({"a": 1})).unwrap(),
    )
}

fn opts() -> RequestOptions {
    RequestOptions::new()
}

/// Every sleep is within the backoff ceiling of its retry, and there is one per retry.
fn assert_backoff(clock: &ManualClock, policy: &RetryPolicy, retries: usize) {
    let sleeps = clock.sleeps();
    assert_eq!(sleeps.len(), retries, "sleeps: {sleeps:?}");
    for (i, s) in sleeps.iter().enumerate() {
        let ceiling = policy.backoff_ceiling(i as u32 + 1);
        assert!(*s <= ceiling, "sleep {i} = {s:?} above {ceiling:?}");
    }
}

#[tokio::test]
async fn get_retried_on_transient_statuses_up_to_max_attempts() {
    for status in [500u16, 502, 503, 504, 408, 429] {
        let fake = FakeTransport::new((0..3).map(|_| Scripted::status(status)));
        let (exec, clock) = executor(&fake);
        let err = exec.send(get(), &opts()).await.unwrap_err();
        assert_eq!(fake.count(), 3, "status {status}");
        assert_eq!(err.status().map(|s| s.as_u16()), Some(status));
        assert!(err.is_transient());
        assert_backoff(&clock, &RetryPolicy::default(), 2);
    }
}

#[tokio::test]
async fn get_succeeds_after_transient_failures() {
    let fake = FakeTransport::new([
        Scripted::status(503),
        Scripted::fail(TransportErrorKind::Receive),
        Scripted::json(200, r#"{"_id":"t1"}"#),
    ]);
    let (exec, clock) = executor(&fake);
    let resp = exec.send(get(), &opts()).await.unwrap();
    assert_eq!(resp.status.as_u16(), 200);
    assert_eq!(&resp.body[..], br#"{"_id":"t1"}"#);
    assert_eq!(fake.count(), 3);
    assert_eq!(clock.sleeps().len(), 2);
}

#[tokio::test]
async fn delete_is_retried_like_get() {
    let fake = FakeTransport::new([Scripted::status(502), Scripted::status(204)]);
    let (exec, _clock) = executor(&fake);
    let resp = exec
        .send(ApiRequest::delete(["tasks", "t1"]), &opts())
        .await
        .unwrap();
    assert_eq!(resp.status.as_u16(), 204);
    assert_eq!(fake.count(), 2);
    assert!(fake.requests().iter().all(|r| r.method == Method::DELETE));
}

#[tokio::test]
async fn get_retried_on_every_transport_failure() {
    for kind in [
        TransportErrorKind::Connect,
        TransportErrorKind::Timeout,
        TransportErrorKind::Send,
        TransportErrorKind::Receive,
    ] {
        let fake = FakeTransport::new((0..3).map(|_| Scripted::fail(kind)));
        let (exec, clock) = executor(&fake);
        let err = exec.send(get(), &opts()).await.unwrap_err();
        assert_eq!(fake.count(), 3, "{kind:?}");
        assert_backoff(&clock, &RetryPolicy::default(), 2);
        match (kind, &err) {
            (
                TransportErrorKind::Timeout,
                Error::Timeout {
                    outcome_unknown: false,
                    timeout,
                },
            ) => assert_eq!(*timeout, Duration::from_secs(60)),
            (TransportErrorKind::Timeout, other) => panic!("expected Timeout, got {other:?}"),
            (
                _,
                Error::Connection {
                    outcome_unknown: false,
                    source,
                },
            ) => assert_eq!(source.kind(), kind),
            (_, other) => panic!("{kind:?}: expected Connection, got {other:?}"),
        }
        assert!(!err.to_string().contains("outcome unknown"), "{err}");
    }
}

#[tokio::test]
async fn redirect_and_other_transport_errors_are_not_retried() {
    for kind in [TransportErrorKind::Redirect, TransportErrorKind::Other] {
        let fake = FakeTransport::new([Scripted::fail(kind)]);
        let (exec, clock) = executor(&fake);
        let err = exec.send(get(), &opts()).await.unwrap_err();
        assert_eq!(fake.count(), 1, "{kind:?}");
        assert!(clock.sleeps().is_empty());
        assert!(matches!(err, Error::Connection { .. }), "{err:?}");
    }
}

#[tokio::test]
async fn client_errors_are_never_retried() {
    for (status, kind) in [
        (400u16, ApiErrorKind::BadRequest),
        (401, ApiErrorKind::Authentication),
        (403, ApiErrorKind::PermissionDenied),
        (404, ApiErrorKind::NotFound),
        (409, ApiErrorKind::Conflict),
        (422, ApiErrorKind::UnprocessableEntity),
    ] {
        for request in [get(), post_json()] {
            // A second, successful answer is scripted: retrying would consume it.
            let fake = FakeTransport::new([Scripted::status(status), Scripted::ok()]);
            let (exec, clock) = executor_with(&fake, |c| {
                c.retry = RetryPolicy::default().with_retry_non_idempotent(true);
            });
            let err = exec.send(request, &opts()).await.unwrap_err();
            assert_eq!(fake.count(), 1, "status {status}");
            assert!(clock.sleeps().is_empty());
            assert_eq!(err.api().unwrap().kind, kind);
            assert!(!err.is_transient());
        }
    }
}

#[tokio::test]
async fn post_not_retried_on_ambiguous_statuses() {
    for status in [500u16, 502, 503, 504, 408] {
        let fake = FakeTransport::new([Scripted::status(status), Scripted::ok()]);
        let (exec, clock) = executor(&fake);
        let err = exec.send(post_json(), &opts()).await.unwrap_err();
        assert_eq!(fake.count(), 1, "status {status}");
        assert!(clock.sleeps().is_empty());
        assert_eq!(err.status().unwrap().as_u16(), status);
    }
}

#[tokio::test]
async fn post_not_retried_on_ambiguous_transport_failures() {
    for kind in [
        TransportErrorKind::Timeout,
        TransportErrorKind::Send,
        TransportErrorKind::Receive,
    ] {
        let fake = FakeTransport::new([Scripted::fail(kind), Scripted::ok()]);
        let (exec, clock) = executor(&fake);
        let err = exec.send(post_json(), &opts()).await.unwrap_err();
        assert_eq!(fake.count(), 1, "{kind:?}");
        assert!(clock.sleeps().is_empty());
        match (&err, kind) {
            (
                Error::Timeout {
                    outcome_unknown: true,
                    ..
                },
                TransportErrorKind::Timeout,
            ) => {}
            (
                Error::Connection {
                    outcome_unknown: true,
                    ..
                },
                TransportErrorKind::Send | TransportErrorKind::Receive,
            ) => {}
            other => panic!("{kind:?}: unexpected {other:?}"),
        }
        let text = err.to_string();
        assert!(text.contains("outcome unknown"), "{text}");
        assert!(err.is_transient());
    }
}

#[tokio::test]
async fn post_retried_on_429_and_connect() {
    let fake = FakeTransport::new([
        Scripted::status(429),
        Scripted::fail(TransportErrorKind::Connect),
        Scripted::json(200, r#"{"_id":"t1"}"#),
    ]);
    let (exec, clock) = executor(&fake);
    exec.send(post_json(), &opts()).await.unwrap();
    assert_eq!(fake.count(), 3);
    assert_backoff(&clock, &RetryPolicy::default(), 2);

    let fake = FakeTransport::new((0..3).map(|_| Scripted::fail(TransportErrorKind::Connect)));
    let (exec, _clock) = executor(&fake);
    let err = exec.send(post_json(), &opts()).await.unwrap_err();
    assert_eq!(fake.count(), 3);
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
    assert!(!err.to_string().contains("outcome unknown"));
}

#[tokio::test]
async fn post_retried_on_5xx_when_opted_in() {
    let fake = FakeTransport::new([
        Scripted::status(500),
        Scripted::fail(TransportErrorKind::Timeout),
        Scripted::json(200, "{}"),
    ]);
    let (exec, clock) = executor(&fake);
    let options = opts().with_retry(RetryPolicy::default().with_retry_non_idempotent(true));
    exec.send(post_json(), &options).await.unwrap();
    assert_eq!(fake.count(), 3);
    assert_eq!(clock.sleeps().len(), 2);
}

#[tokio::test]
async fn idempotent_override_makes_a_post_retryable() {
    let fake = FakeTransport::new([Scripted::status(503), Scripted::ok()]);
    let (exec, _clock) = executor(&fake);
    exec.send(post_json().idempotent(true), &opts())
        .await
        .unwrap();
    assert_eq!(fake.count(), 2);
}

fn one_shot_form() -> Multipart {
    let data = b"video bytes from a pipe".to_vec();
    let len = data.len() as u64;
    Multipart::new()
        .part(Part::text("index_id", "IDX"))
        .part(Part::file(
            "video_file",
            "clip.mp4",
            "video/mp4",
            PartContent::Stream(StreamSource::reader(Cursor::new(data), Some(len))),
        ))
}

#[tokio::test]
async fn one_shot_body_is_not_resent_once_opened() {
    let policy = RetryPolicy::default().with_retry_non_idempotent(true);
    // A status: the body went out in full.
    for first in [
        Scripted::status(500),
        Scripted::status(429),
        Scripted::fail(TransportErrorKind::Timeout),
        Scripted::fail(TransportErrorKind::Send),
    ] {
        let fake = FakeTransport::new([first, Scripted::ok()]);
        let (exec, clock) = executor(&fake);
        let request = ApiRequest::post(["tasks"], Body::Multipart(one_shot_form()));
        let err = exec
            .send(request, &opts().with_retry(policy.clone()))
            .await
            .unwrap_err();
        assert_eq!(fake.count(), 1, "{err:?}");
        assert_eq!(fake.remaining(), 1);
        assert!(clock.sleeps().is_empty());
        // The fake did read the body: it was really consumed.
        let body = fake.seen()[0].body.clone().expect("the body was opened");
        assert!(String::from_utf8_lossy(&body).contains("video bytes from a pipe"));
    }
}

#[tokio::test]
async fn one_shot_body_is_retried_on_connect_if_never_opened() {
    let fake = FakeTransport::new([
        Scripted::fail(TransportErrorKind::Connect),
        Scripted::fail(TransportErrorKind::Connect),
        Scripted::json(200, r#"{"_id":"t1"}"#),
    ]);
    let (exec, clock) = executor(&fake);
    let request = ApiRequest::post(["tasks"], Body::Multipart(one_shot_form()));
    exec.send(request, &opts()).await.unwrap();
    assert_eq!(fake.count(), 3);
    assert_eq!(clock.sleeps().len(), 2);
    let seen = fake.seen();
    assert!(seen[0].body.is_none() && seen[1].body.is_none());
    let body = seen[2]
        .body
        .clone()
        .expect("the last attempt sent the body");
    let text = String::from_utf8_lossy(&body);
    assert!(text.contains("video bytes from a pipe"), "{text}");
    assert!(text.contains("IDX"));
}

#[tokio::test]
async fn one_shot_body_is_not_retried_once_a_later_attempt_opened_it() {
    // Attempt 1 fails before sending (retried); attempt 2 opens the body and gets a
    // 503: even with the opt-in, attempt 3 is impossible.
    let fake = FakeTransport::new([
        Scripted::fail(TransportErrorKind::Connect),
        Scripted::status(503),
        Scripted::ok(),
    ]);
    let (exec, _clock) = executor(&fake);
    let request = ApiRequest::post(["tasks"], Body::Multipart(one_shot_form()));
    let options = opts().with_retry(RetryPolicy::default().with_retry_non_idempotent(true));
    let err = exec.send(request, &options).await.unwrap_err();
    assert_eq!(err.status().unwrap().as_u16(), 503);
    assert_eq!(fake.count(), 2);
}

#[tokio::test]
async fn backoff_is_bounded_by_the_ceiling() {
    let policy = RetryPolicy::default()
        .with_max_attempts(6)
        .with_backoff(Duration::from_millis(100), Duration::from_millis(400));
    let fake = FakeTransport::new((0..6).map(|_| Scripted::status(503)));
    let (exec, clock) = executor_with(&fake, |c| c.retry = policy.clone());
    exec.send(get(), &opts()).await.unwrap_err();
    assert_eq!(fake.count(), 6);
    assert_backoff(&clock, &policy, 5);
    assert!(clock
        .sleeps()
        .iter()
        .all(|s| *s <= Duration::from_millis(400)));
}

#[tokio::test]
async fn retry_after_seconds_is_slept_exactly() {
    let fake = FakeTransport::new([
        Scripted::with_headers(429, &[("retry-after", "7")], ""),
        Scripted::ok(),
    ]);
    let (exec, clock) = executor(&fake);
    exec.send(post_json(), &opts()).await.unwrap();
    assert_eq!(clock.sleeps(), vec![Duration::from_secs(7)]);
    assert_eq!(fake.count(), 2);
}

#[tokio::test]
async fn retry_after_on_a_503_is_honoured_for_get() {
    let fake = FakeTransport::new([
        Scripted::with_headers(503, &[("retry-after", "3")], ""),
        Scripted::ok(),
    ]);
    let (exec, clock) = executor(&fake);
    exec.send(get(), &opts()).await.unwrap();
    assert_eq!(clock.sleeps(), vec![Duration::from_secs(3)]);
}

#[tokio::test]
async fn retry_after_http_date_is_relative_to_the_clock() {
    let fake = FakeTransport::new([]);
    let (_, clock) = executor(&fake);
    // Move the clock a long way: a date read against the real time would be past.
    clock.advance(Duration::from_secs(3 * 3600));
    let when = clock.now_utc() + chrono::Duration::seconds(30);
    let date = when.format("%a, %d %b %Y %H:%M:%S GMT").to_string();

    let fake = FakeTransport::new([
        Scripted::with_headers(429, &[("retry-after", &date)], ""),
        Scripted::ok(),
    ]);
    let (exec, _) = executor_with(&fake, |c| c.clock = Arc::new(clock.clone()));
    exec.send(get(), &opts()).await.unwrap();
    let sleeps = clock.sleeps();
    assert_eq!(sleeps.len(), 1);
    assert!(
        sleeps[0] > Duration::from_secs(29) && sleeps[0] <= Duration::from_secs(30),
        "{sleeps:?}"
    );
}

#[tokio::test]
async fn ratelimit_reset_is_honoured_on_a_429_with_nothing_remaining() {
    let fake = FakeTransport::new([]);
    let (_, clock) = executor(&fake);
    let reset = (clock.now_utc().timestamp() + 5).to_string();
    let fake = FakeTransport::new([
        Scripted::with_headers(
            429,
            &[
                ("x-ratelimit-limit", "50"),
                ("x-ratelimit-remaining", "0"),
                ("x-ratelimit-reset", &reset),
            ],
            r#"{"code":"too_many_requests","message":"slow down"}"#,
        ),
        Scripted::ok(),
    ]);
    let (exec, _) = executor_with(&fake, |c| c.clock = Arc::new(clock.clone()));
    exec.send(get(), &opts()).await.unwrap();
    let sleeps = clock.sleeps();
    assert_eq!(sleeps.len(), 1);
    assert!(
        sleeps[0] > Duration::from_secs(4) && sleeps[0] <= Duration::from_secs(5),
        "{sleeps:?}"
    );
}

#[tokio::test]
async fn ratelimit_reset_is_ignored_while_requests_remain() {
    let fake = FakeTransport::new([]);
    let (_, clock) = executor(&fake);
    let reset = (clock.now_utc().timestamp() + 50).to_string();
    let fake = FakeTransport::new([
        Scripted::with_headers(
            429,
            &[
                ("x-ratelimit-remaining", "3"),
                ("x-ratelimit-reset", &reset),
            ],
            "",
        ),
        Scripted::ok(),
    ]);
    let (exec, _) = executor_with(&fake, |c| c.clock = Arc::new(clock.clone()));
    exec.send(get(), &opts()).await.unwrap();
    assert_backoff(&clock, &RetryPolicy::default(), 1);
}

#[tokio::test]
async fn retry_after_above_the_cap_returns_the_rate_limit_error() {
    let fake = FakeTransport::new([
        Scripted::with_headers(
            429,
            &[("retry-after", "3600"), ("x-ratelimit-remaining", "0")],
            r#"{"code":"too_many_requests","message":"quota"}"#,
        ),
        Scripted::ok(),
    ]);
    let (exec, clock) = executor(&fake);
    let err = exec.send(get(), &opts()).await.unwrap_err();
    assert_eq!(fake.count(), 1);
    assert!(clock.sleeps().is_empty());
    assert_eq!(err.api().unwrap().kind, ApiErrorKind::RateLimit);
    assert_eq!(err.retry_after(), Some(Duration::from_secs(3600)));
    assert_eq!(err.rate_limit().unwrap().remaining, Some(0));
    assert!(err.to_string().contains("retry after 3600s"), "{err}");

    // The same through X-Ratelimit-Reset, with a smaller cap.
    let fake = FakeTransport::new([]);
    let (_, clock) = executor(&fake);
    let reset = clock.now_utc().timestamp() + 120;
    let fake = FakeTransport::new([
        Scripted::with_headers(
            429,
            &[
                ("x-ratelimit-remaining", "0"),
                ("x-ratelimit-reset", &reset.to_string()),
            ],
            "",
        ),
        Scripted::ok(),
    ]);
    let (exec, _) = executor_with(&fake, |c| {
        c.clock = Arc::new(clock.clone());
        c.retry = RetryPolicy::default().with_max_retry_after(Duration::from_secs(30));
    });
    let err = exec.send(get(), &opts()).await.unwrap_err();
    assert_eq!(fake.count(), 1);
    assert!(clock.sleeps().is_empty());
    let wait = err.retry_after().unwrap();
    assert!(
        wait > Duration::from_secs(119) && wait <= Duration::from_secs(120),
        "{wait:?}"
    );
}

#[tokio::test]
async fn no_retry_policy_means_one_request() {
    // Per call.
    let fake = FakeTransport::new([Scripted::status(503), Scripted::ok()]);
    let (exec, clock) = executor(&fake);
    exec.send(get(), &opts().with_retry(RetryPolicy::none()))
        .await
        .unwrap_err();
    assert_eq!(fake.count(), 1);
    assert!(clock.sleeps().is_empty());
    // In the config.
    let fake = FakeTransport::new([Scripted::fail(TransportErrorKind::Connect), Scripted::ok()]);
    let (exec, clock) = executor_with(&fake, |c| c.retry = RetryPolicy::none());
    exec.send(get(), &opts()).await.unwrap_err();
    assert_eq!(fake.count(), 1);
    assert!(clock.sleeps().is_empty());
    // with_max_attempts(0) still makes one attempt.
    assert_eq!(RetryPolicy::default().with_max_attempts(0).max_attempts, 1);
}

#[tokio::test]
async fn a_retried_request_is_identical() {
    let path = std::env::temp_dir().join(format!(
        "twelvelabs-retry-{}-{}.bin",
        std::process::id(),
        fastrand::u64(..)
    ));
    std::fs::write(&path, b"file content for every attempt").unwrap();
    let form = Multipart::new()
        .part(Part::text("index_id", "IDX-123"))
        .part(Part::text("enable_video_stream", "false"))
        .part(Part::file(
            "video_file",
            "clip.mp4",
            "video/mp4",
            PartContent::Stream(StreamSource::file(&path).await.unwrap()),
        ))
        .part(Part::file(
            "thumb",
            "t.jpg",
            "image/jpeg",
            PartContent::Bytes(Bytes::from_static(b"jpeg")),
        ));
    let fake = FakeTransport::new([
        Scripted::status(503),
        Scripted::fail(TransportErrorKind::Timeout),
        Scripted::json(200, r#"{"_id":"t1"}"#),
    ]);
    let (exec, clock) = executor(&fake);
    let options = opts()
        .with_header("x-trace", "abc")
        .with_query("q", "1")
        .with_retry(RetryPolicy::default().with_retry_non_idempotent(true));
    let request = ApiRequest::post(["tasks"], Body::Multipart(form)).query("p", "2");
    exec.send(request, &options).await.unwrap();
    std::fs::remove_file(&path).unwrap();
    assert_eq!(clock.sleeps().len(), 2);

    let seen = fake.seen();
    assert_eq!(seen.len(), 3);
    let first = &seen[0];
    for s in &seen {
        let r = &s.request;
        assert_eq!(r.method, Method::POST);
        assert_eq!(r.url, first.request.url);
        assert_eq!(r.url.as_str(), "http://api.test/v1.2/tasks?p=2&q=1");
        assert_eq!(r.headers, first.request.headers);
        assert_eq!(r.headers["x-trace"], "abc");
        assert_eq!(r.timeout, first.request.timeout);
        let Body::Multipart(form) = &r.body else {
            panic!("not multipart: {:?}", r.body)
        };
        // Pitfall 10: the form fields survive the retry.
        assert_eq!(form.text("index_id"), Some("IDX-123"));
        assert_eq!(form.text("enable_video_stream"), Some("false"));
        let names: Vec<_> = form.parts().iter().map(|p| p.name.as_str()).collect();
        assert_eq!(
            names,
            ["index_id", "enable_video_stream", "video_file", "thumb"]
        );
        // And the bytes on the wire are the same, file content included.
        assert_eq!(s.body, first.body);
        let text = String::from_utf8_lossy(s.body.as_ref().unwrap()).into_owned();
        assert!(text.contains("IDX-123"));
        assert!(text.contains("file content for every attempt"));
    }
}

/// The whole retry decision, as a table: one row per rule.
#[test]
fn the_retry_decision_table() {
    use twelvelabs_transport::{AttemptOutcome, Failure, RetryDecision, StopReason};
    use RetryDecision::{Retry, Stop};
    let p = RetryPolicy::default().with_backoff(Duration::ZERO, Duration::ZERO);
    let s = |code: u16| Failure::Status {
        status: http::StatusCode::from_u16(code).unwrap(),
        retry_after: None,
    };
    let ra = |secs: u64| Failure::Status {
        status: http::StatusCode::TOO_MANY_REQUESTS,
        retry_after: Some(Duration::from_secs(secs)),
    };
    let t = Failure::Transport;
    let secs = |n: u64| Some(Duration::from_secs(n));
    let ms = |n: u64| Some(Duration::from_millis(n));
    // (failure, idempotent, replayable, consumed, attempt, remaining) => decision
    #[rustfmt::skip]
    type Row = (Failure, bool, bool, bool, u32, Option<Duration>, RetryDecision);
    let rows: Vec<Row> = vec![
        (s(503), true, true, false, 1, None, Retry(Duration::ZERO)),
        (
            s(503),
            false,
            true,
            false,
            1,
            None,
            Stop(StopReason::NotRetryable),
        ),
        (s(408), true, true, false, 1, None, Retry(Duration::ZERO)),
        (s(429), false, true, false, 1, None, Retry(Duration::ZERO)),
        (
            s(404),
            true,
            true,
            false,
            1,
            None,
            Stop(StopReason::NotRetryable),
        ),
        (
            s(401),
            true,
            true,
            false,
            1,
            None,
            Stop(StopReason::NotRetryable),
        ),
        (
            s(503),
            true,
            true,
            false,
            3,
            None,
            Stop(StopReason::AttemptsExhausted),
        ),
        (
            s(503),
            true,
            false,
            true,
            1,
            None,
            Stop(StopReason::BodyNotReplayable),
        ),
        (
            ra(30),
            true,
            true,
            false,
            1,
            None,
            Retry(Duration::from_secs(30)),
        ),
        (
            ra(61),
            true,
            true,
            false,
            1,
            None,
            Stop(StopReason::RetryAfterAboveCap(Duration::from_secs(61))),
        ),
        (
            ra(30),
            true,
            true,
            false,
            1,
            secs(5),
            Stop(StopReason::Deadline),
        ),
        (
            ra(4),
            true,
            true,
            false,
            1,
            secs(5),
            Retry(Duration::from_secs(4)),
        ),
        (
            ra(5),
            true,
            true,
            false,
            1,
            secs(5),
            Stop(StopReason::Deadline),
        ),
        (
            s(503),
            true,
            true,
            false,
            1,
            ms(10),
            Stop(StopReason::Deadline),
        ),
        (
            s(503),
            true,
            true,
            false,
            1,
            Some(Duration::ZERO),
            Stop(StopReason::Deadline),
        ),
        (
            t(TransportErrorKind::Connect),
            false,
            false,
            false,
            1,
            None,
            Retry(Duration::ZERO),
        ),
        (
            t(TransportErrorKind::Connect),
            false,
            false,
            true,
            1,
            None,
            Stop(StopReason::BodyNotReplayable),
        ),
        (
            t(TransportErrorKind::Timeout),
            true,
            true,
            false,
            1,
            None,
            Retry(Duration::ZERO),
        ),
        (
            t(TransportErrorKind::Timeout),
            false,
            true,
            false,
            1,
            None,
            Stop(StopReason::NotRetryable),
        ),
        (
            t(TransportErrorKind::Receive),
            true,
            true,
            false,
            2,
            None,
            Retry(Duration::ZERO),
        ),
        (
            t(TransportErrorKind::Redirect),
            true,
            true,
            false,
            1,
            None,
            Stop(StopReason::NotRetryable),
        ),
        (
            Failure::BodySource,
            true,
            true,
            false,
            1,
            None,
            Stop(StopReason::BodySourceFailed),
        ),
        (
            Failure::TooLarge,
            true,
            true,
            false,
            1,
            None,
            Stop(StopReason::NotRetryable),
        ),
    ];
    for (i, (failure, idempotent, body_replayable, body_consumed, attempt, remaining, want)) in
        rows.into_iter().enumerate()
    {
        let mut outcome = AttemptOutcome::new(attempt, failure);
        outcome.idempotent = idempotent;
        outcome.body_replayable = body_replayable;
        outcome.body_consumed = body_consumed;
        outcome.remaining = remaining;
        assert_eq!(p.decide(&outcome), want, "row {i}: {outcome:?}");
    }
    // Opting POSTs in makes the ambiguous failures retryable.
    let mut post = AttemptOutcome::new(1, s(503));
    post.idempotent = false;
    assert!(matches!(
        p.clone().with_retry_non_idempotent(true).decide(&post),
        Retry(_)
    ));
}

#[tokio::test]
async fn a_retry_after_past_the_deadline_is_not_slept_and_the_429_is_kept() {
    let fake = FakeTransport::new([Scripted::with_headers(429, &[("retry-after", "30")], "")]);
    let (exec, clock) = executor(&fake);
    let options = RequestOptions::new().with_deadline(Duration::from_secs(5));
    let err = exec.send(get(), &options).await.unwrap_err();
    assert_eq!(fake.count(), 1);
    assert!(clock.sleeps().is_empty(), "{:?}", clock.sleeps());
    match &err {
        Error::DeadlineExceeded { deadline, last } => {
            assert_eq!(*deadline, Duration::from_secs(5));
            let last = last.as_deref().expect("the 429 is kept");
            assert_eq!(last.status().map(|s| s.as_u16()), Some(429));
        }
        other => panic!("expected DeadlineExceeded, got {other:?}"),
    }
    assert_eq!(err.retry_after(), Some(Duration::from_secs(30)));
    assert!(err.to_string().contains("429"), "{err}");
}

#[tokio::test]
async fn backoff_never_sleeps_past_the_deadline_nor_starts_an_attempt_that_cannot_finish() {
    for _ in 0..20 {
        let fake = FakeTransport::new((0..100).map(|_| Scripted::status(503)));
        let (exec, clock) = executor(&fake);
        let deadline = Duration::from_secs(3);
        let options = RequestOptions::new()
            .with_deadline(deadline)
            .with_retry(RetryPolicy::default().with_max_attempts(100));
        let err = exec.send(get(), &options).await.unwrap_err();
        // Every attempt started with at least the minimum attempt time left.
        assert!(
            clock.elapsed() + twelvelabs_transport::retry::MIN_ATTEMPT_TIME <= deadline,
            "{:?}",
            clock.elapsed()
        );
        assert_eq!(fake.count(), clock.sleeps().len() + 1);
        let last = err.last_error().expect("the last 503 is kept");
        assert_eq!(last.status().map(|s| s.as_u16()), Some(503));
        assert!(matches!(err, Error::DeadlineExceeded { .. }));
    }
}

#[tokio::test]
async fn a_zero_deadline_sends_nothing_and_max_means_none() {
    let fake = FakeTransport::new([Scripted::ok()]);
    let (exec, _) = executor(&fake);
    let err = exec
        .send(get(), &RequestOptions::new().with_deadline(Duration::ZERO))
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::DeadlineExceeded { last: None, .. }),
        "{err:?}"
    );
    assert_eq!(fake.count(), 0);
    let options = RequestOptions::new()
        .with_deadline(Duration::MAX)
        .with_attempt_timeout(Duration::MAX);
    exec.send(get(), &options).await.unwrap();
    assert_eq!(fake.count(), 1);
    let err = exec
        .send(
            get(),
            &RequestOptions::new().with_attempt_timeout(Duration::ZERO),
        )
        .await
        .unwrap_err();
    assert!(matches!(err, Error::InvalidInput { .. }), "{err:?}");
}

/// A transport whose response body never ends.
#[derive(Debug)]
struct Stalled;

#[async_trait::async_trait]
impl twelvelabs_transport::HttpTransport for Stalled {
    async fn send(
        &self,
        _request: twelvelabs_transport::HttpRequest,
    ) -> Result<twelvelabs_transport::HttpResponse, twelvelabs_transport::TransportError> {
        Ok(twelvelabs_transport::HttpResponse::streaming(
            http::StatusCode::OK,
            http::HeaderMap::new(),
            Box::pin(futures_util::stream::pending()),
        ))
    }

    fn enforces_timeout(&self) -> bool {
        // Even a transport that claims to bound its attempts is cut at the deadline.
        true
    }
}

#[tokio::test(start_paused = true)]
async fn the_running_attempt_is_cut_at_the_deadline() {
    let (mut config, _clock) = common::config();
    config.clock = Arc::new(twelvelabs_transport::TokioClock);
    let exec = twelvelabs_transport::Executor::new(Arc::new(Stalled), config);
    let started = tokio::time::Instant::now();
    let options = RequestOptions::new()
        .with_deadline(Duration::from_secs(4))
        .with_attempt_timeout(Duration::from_secs(60));
    let err = exec.send(get(), &options).await.unwrap_err();
    assert_eq!(started.elapsed(), Duration::from_secs(4));
    let last = err.last_error().expect("the cut attempt's timeout");
    assert!(matches!(last, Error::Timeout { .. }), "{last:?}");
}
