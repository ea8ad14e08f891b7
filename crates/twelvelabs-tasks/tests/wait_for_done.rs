//! `wait_for_done`: polling on a manual clock (no real sleeping), callbacks,
//! error budget, deadline, cancellation.

mod common;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::*;
use twelvelabs_models::{Task, TaskStatus};
use twelvelabs_transport::{ApiErrorKind, ApiVersion, Error, RetryPolicy};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const TASK: &str = "6734f1c2a1b2c3d4e5f60718";

fn state(status: &str) -> ResponseTemplate {
    json(200, task_json(TASK, status))
}

async fn scripted(responses: Vec<ResponseTemplate>) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(format!("/v1.2/tasks/{TASK}")))
        .respond_with(Sequence::new(responses))
        .mount(&server)
        .await;
    server
}

type Seen = Arc<Mutex<Vec<String>>>;

fn recorder() -> (Seen, impl FnMut(&Task) + Send + 'static) {
    let seen: Seen = Arc::default();
    let sink = Arc::clone(&seen);
    (seen, move |t: &Task| {
        sink.lock().unwrap().push(t.status.to_string())
    })
}

fn seen(s: &Seen) -> Vec<String> {
    s.lock().unwrap().clone()
}

#[tokio::test]
async fn an_already_finished_task_is_one_request_and_one_callback() {
    let server = scripted(vec![json_fixture(200, "task_v12_ready.json")]).await;
    let (tasks, clock) = client(&server, ApiVersion::V1_2);
    let (states, callback) = recorder();

    let task = tasks.wait_for_done(TASK).callback(callback).await.unwrap();
    assert_eq!(task.status, TaskStatus::Ready);
    assert_eq!(task.video_id.as_deref(), Some("6734f25ea1b2c3d4e5f60720"));
    assert_eq!(seen(&states), ["ready"]);
    assert_eq!(received(&server).await.len(), 1);
    assert!(clock.sleeps().is_empty());
}

#[tokio::test]
async fn every_state_is_reported_in_order_and_sleeps_equal_the_interval() {
    let server = scripted(
        ["validating", "pending", "queued", "indexing", "ready"]
            .into_iter()
            .map(state)
            .collect(),
    )
    .await;
    let (tasks, clock) = client(&server, ApiVersion::V1_2);
    let (states, callback) = recorder();

    let task = tasks
        .wait_for_done(TASK)
        .sleep_interval(Duration::from_secs(2))
        .callback(callback)
        .send()
        .await
        .unwrap();
    assert_eq!(task.status, TaskStatus::Ready);
    assert_eq!(task.id, TASK);
    assert_eq!(
        seen(&states),
        ["validating", "pending", "queued", "indexing", "ready"]
    );
    assert_eq!(clock.sleeps(), [Duration::from_secs(2); 4]);
    assert_eq!(clock.elapsed(), Duration::from_secs(8));
    assert_eq!(received(&server).await.len(), 5);
}

#[tokio::test]
async fn the_default_interval_is_five_seconds() {
    let server = scripted(vec![state("indexing"), state("ready")]).await;
    let (tasks, clock) = client(&server, ApiVersion::V1_2);
    tasks.wait_for_done(TASK).await.unwrap();
    assert_eq!(clock.sleeps(), [Duration::from_secs(5)]);
}

#[tokio::test]
async fn a_failed_task_is_returned_as_ok_with_status_failed() {
    let server = scripted(vec![state("pending"), state("failed")]).await;
    let (tasks, _) = client(&server, ApiVersion::V1_2);
    let (states, callback) = recorder();
    let task = tasks
        .wait_for_done(TASK)
        .sleep_interval(Duration::from_secs(1))
        .callback(callback)
        .await
        .unwrap();
    assert_eq!(task.status, TaskStatus::Failed);
    assert_eq!(seen(&states), ["pending", "failed"]);
}

#[tokio::test]
async fn a_created_task_handle_waits_on_its_own_id() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1.2/tasks"))
        .respond_with(json_fixture(200, "create_v12.json"))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("/v1.2/tasks/{TASK}")))
        .respond_with(Sequence::new(vec![
            state("validating"),
            state("indexing"),
            json_fixture(200, "task_v12_ready.json"),
        ]))
        .expect(3)
        .mount(&server)
        .await;
    let (tasks, _) = client(&server, ApiVersion::V1_2);
    let handle = tasks
        .create("IDX")
        .url("https://example.com/v.mp4")
        .await
        .unwrap();
    assert_eq!(handle.status, TaskStatus::Validating);
    let (states, callback) = recorder();
    let done = handle.wait_for_done().callback(callback).await.unwrap();
    assert_eq!(seen(&states), ["indexing", "ready"]);
    // The seed: `if task.status != "ready": raise ...`, then `task.video_id`.
    assert!(done.status == "ready");
    assert_eq!(done.video_id.as_deref(), Some("6734f25ea1b2c3d4e5f60720"));
}

#[tokio::test]
async fn authentication_error_mid_wait_ends_at_once() {
    let server = scripted(vec![
        state("pending"),
        api_error(401, "api_key_invalid", "The API key is invalid."),
        state("ready"),
    ])
    .await;
    let (tasks, _) = client(&server, ApiVersion::V1_2);
    let (states, callback) = recorder();
    let err = tasks
        .wait_for_done(TASK)
        .callback(callback)
        .await
        .unwrap_err();
    assert_eq!(err.api().unwrap().kind, ApiErrorKind::Authentication);
    assert_eq!(err.code(), Some("api_key_invalid"));
    assert_eq!(seen(&states), ["pending"]);
    assert_eq!(received(&server).await.len(), 2, "no request after the 401");
}

#[tokio::test]
async fn transient_errors_within_the_budget_are_tolerated() {
    let server = scripted(vec![
        state("indexing"),
        ResponseTemplate::new(503),
        ResponseTemplate::new(503),
        ResponseTemplate::new(503),
        state("indexing"),
        ResponseTemplate::new(502),
        ResponseTemplate::new(504),
        ResponseTemplate::new(503),
        state("ready"),
    ])
    .await;
    let (tasks, clock) = client(&server, ApiVersion::V1_2);
    let (states, callback) = recorder();
    let task = tasks
        .wait_for_done(TASK)
        .sleep_interval(Duration::from_secs(1))
        .max_consecutive_errors(3)
        .with_retry(RetryPolicy::none())
        .callback(callback)
        .await
        .unwrap();
    assert_eq!(task.status, TaskStatus::Ready);
    assert_eq!(seen(&states), ["indexing", "indexing", "ready"]);
    assert_eq!(received(&server).await.len(), 9);
    assert_eq!(clock.sleeps(), [Duration::from_secs(1); 8]);
}

#[tokio::test]
async fn more_consecutive_errors_than_the_budget_is_an_error() {
    let server = scripted(vec![state("indexing"), ResponseTemplate::new(503)]).await;
    let (tasks, _) = client(&server, ApiVersion::V1_2);
    let err = tasks
        .wait_for_done(TASK)
        .sleep_interval(Duration::from_secs(1))
        .max_consecutive_errors(2)
        .with_retry(RetryPolicy::none())
        .await
        .unwrap_err();
    assert_eq!(err.status().unwrap().as_u16(), 503);
    // 1 success, 2 tolerated errors, the 3rd ends the wait.
    assert_eq!(received(&server).await.len(), 4);
}

#[tokio::test]
async fn a_task_that_never_finishes_times_out_with_its_last_state() {
    let server = scripted(vec![state("indexing")]).await;
    let (tasks, clock) = client(&server, ApiVersion::V1_2);
    let err = tasks
        .wait_for_done(TASK)
        .sleep_interval(Duration::from_secs(1))
        .max_wait(Duration::from_secs(10))
        .await
        .unwrap_err();
    match &err {
        Error::WaitTimeout {
            waited,
            last: Some(last),
            last_error: None,
            task_id,
        } => {
            assert!(*waited >= Duration::from_secs(10), "{waited:?}");
            assert_eq!(last.status, TaskStatus::Indexing);
            assert_eq!(last.id, TASK);
            assert_eq!(task_id.as_str(), TASK);
        }
        other => panic!("expected WaitTimeout, got {other:?}"),
    }
    assert!(clock.elapsed() >= Duration::from_secs(10));
    assert!(clock.elapsed() < Duration::from_secs(11));
    // No poll starts at the deadline itself: it could not finish before it.
    assert_eq!(received(&server).await.len(), 10, "t = 0, 1, ..., 9");
    let shown = err.to_string();
    assert!(
        shown.contains(TASK) && shown.contains("indexing"),
        "{shown}"
    );
}

#[tokio::test]
async fn the_last_sleep_is_clamped_to_the_deadline_and_unknown_statuses_keep_polling() {
    let server = scripted(vec![state("archiving")]).await;
    let (tasks, clock) = client(&server, ApiVersion::V1_2);
    let err = tasks
        .wait_for_done(TASK)
        .sleep_interval(Duration::from_secs(3))
        .max_wait(Duration::from_secs(10))
        .await
        .unwrap_err();
    let secs = |s| Duration::from_secs(s);
    assert_eq!(clock.sleeps(), [secs(3), secs(3), secs(3), secs(1)]);
    match err {
        Error::WaitTimeout { last, waited, .. } => {
            assert_eq!(
                last.unwrap().status,
                TaskStatus::Unknown("archiving".into())
            );
            assert_eq!(waited, secs(10));
        }
        other => panic!("expected WaitTimeout, got {other:?}"),
    }
}

#[tokio::test]
async fn a_zero_interval_is_invalid_and_sends_nothing() {
    let server = scripted(vec![state("ready")]).await;
    let (tasks, _) = client(&server, ApiVersion::V1_2);
    let err = tasks
        .wait_for_done(TASK)
        .sleep_interval(Duration::ZERO)
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::InvalidInput { field, .. } if field == "sleep_interval"),
        "{err:?}"
    );
    let err = tasks.wait_for_done("").await.unwrap_err();
    assert!(matches!(err, Error::InvalidInput { .. }), "{err:?}");
    assert!(received(&server).await.is_empty());
}

#[tokio::test]
async fn dropping_the_wait_stops_the_requests() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(state("indexing").set_delay(Duration::from_millis(40)))
        .mount(&server)
        .await;
    let (tasks, _) = client(&server, ApiVersion::V1_2);

    let wait = tasks
        .wait_for_done(TASK)
        .sleep_interval(Duration::from_secs(1));
    let outcome = tokio::time::timeout(Duration::from_millis(250), wait.send()).await;
    assert!(outcome.is_err(), "the wait is still running when dropped");

    tokio::time::sleep(Duration::from_millis(100)).await;
    let after_drop = received(&server).await.len();
    assert!(after_drop >= 2, "it was polling: {after_drop}");
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert_eq!(received(&server).await.len(), after_drop, "nothing runs on");
}

#[tokio::test]
async fn the_wait_future_is_send() {
    let server = scripted(vec![state("ready")]).await;
    let (tasks, _) = client(&server, ApiVersion::V1_2);
    let fut = std::future::IntoFuture::into_future(tasks.wait_for_done(TASK));
    let task = tokio::spawn(fut).await.unwrap().unwrap();
    assert_eq!(task.status, TaskStatus::Ready);
}

#[tokio::test]
async fn a_retry_after_past_the_deadline_ends_the_wait_at_once_keeping_the_429() {
    let server = scripted(vec![
        state("indexing"),
        ResponseTemplate::new(429)
            .insert_header("retry-after", "30")
            .set_body_raw(
                r#"{"code":"too_many_requests","message":"slow down"}"#,
                "application/json",
            ),
    ])
    .await;
    let (tasks, clock) = client(&server, ApiVersion::V1_2);
    let err = tasks
        .wait_for_done(TASK)
        .sleep_interval(Duration::from_secs(1))
        .max_wait(Duration::from_secs(5))
        .await
        .unwrap_err();
    match &err {
        Error::WaitTimeout {
            last: Some(last),
            last_error: Some(last_error),
            ..
        } => {
            assert_eq!(last.status, TaskStatus::Indexing);
            assert_eq!(last_error.status().map(|s| s.as_u16()), Some(429));
            assert_eq!(last_error.retry_after(), Some(Duration::from_secs(30)));
        }
        other => panic!("expected WaitTimeout with the 429, got {other:?}"),
    }
    assert_eq!(err.retry_after(), Some(Duration::from_secs(30)));
    assert!(err.to_string().contains("429"), "{err}");
    // Nothing slept past the deadline: one interval, then the 429 ended it.
    assert_eq!(clock.elapsed(), Duration::from_secs(1));
    assert_eq!(received(&server).await.len(), 2);
}

#[tokio::test]
async fn transient_errors_until_the_deadline_keep_the_last_one() {
    let server = scripted(vec![state("indexing"), ResponseTemplate::new(503)]).await;
    let (tasks, clock) = client(&server, ApiVersion::V1_2);
    let err = tasks
        .wait_for_done(TASK)
        .sleep_interval(Duration::from_secs(1))
        .max_wait(Duration::from_secs(5))
        .max_consecutive_errors(u32::MAX)
        .with_retry(RetryPolicy::none())
        .await
        .unwrap_err();
    match &err {
        Error::WaitTimeout {
            last: Some(_),
            last_error: Some(e),
            ..
        } => assert_eq!(e.status().map(|s| s.as_u16()), Some(503)),
        other => panic!("expected WaitTimeout with the 503, got {other:?}"),
    }
    assert!(clock.elapsed() <= Duration::from_secs(5));
}

#[tokio::test]
async fn with_deadline_bounds_the_whole_wait() {
    let server = scripted(vec![state("indexing")]).await;
    let (tasks, clock) = client(&server, ApiVersion::V1_2);
    let err = tasks
        .wait_for_done(TASK)
        .sleep_interval(Duration::from_secs(1))
        .with_deadline(Duration::from_secs(3))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::WaitTimeout { .. }), "{err:?}");
    assert_eq!(clock.elapsed(), Duration::from_secs(3));
}

#[tokio::test]
async fn extreme_arguments_do_not_panic() {
    // Duration::MAX everywhere: no overflow, the wait simply has no bound.
    let server = scripted(vec![state("indexing"), state("ready")]).await;
    let (tasks, _clock) = client(&server, ApiVersion::V1_2);
    let task = tasks
        .wait_for_done(TASK)
        .sleep_interval(Duration::MAX)
        .max_wait(Duration::MAX)
        .max_consecutive_errors(u32::MAX)
        .with_attempt_timeout(Duration::MAX)
        .with_deadline(Duration::MAX)
        .await
        .unwrap();
    assert_eq!(task.status, TaskStatus::Ready);
    // A zero bound gives up at once, without a request.
    let server = scripted(vec![state("ready")]).await;
    let (tasks, _) = client(&server, ApiVersion::V1_2);
    let err = tasks
        .wait_for_done(TASK)
        .max_wait(Duration::ZERO)
        .max_consecutive_errors(0)
        .await
        .unwrap_err();
    assert!(
        matches!(
            &err,
            Error::WaitTimeout {
                last: None,
                last_error: None,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(received(&server).await.is_empty());
    let err = tasks
        .wait_for_done(TASK)
        .with_attempt_timeout(Duration::ZERO)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::InvalidInput { .. }), "{err:?}");
}
