//! Injected faults seen through the SDK: retries, no duplicate creates,
//! rate limits above the cap, dropped connections, stalls.

mod common;

use std::time::{Duration, Instant};

use common::*;
use twelvelabs::{ApiErrorKind, Error, RetryPolicy};
use twelvelabs_emulator::FAULT_HEADER;

#[tokio::test]
async fn get_503_is_retried_three_times_then_fails() {
    let emu = emulator().await;
    for (i, v) in VERSIONS.into_iter().enumerate() {
        let (client, clock) = client_with_clock(&emu, v);
        let idx = index_id(500 + i as u32, v);
        let id = emu.seed_tasks(&idx, 1, "ready").remove(0);
        let before = emu.stats();
        let err = client
            .task()
            .retrieve(&id)
            .with_header(FAULT_HEADER, "503")
            .await
            .unwrap_err();
        let api = err.api().unwrap_or_else(|| panic!("{err:?}"));
        assert_eq!(api.kind, ApiErrorKind::InternalServer, "{v:?}");
        assert_eq!(api.status.as_u16(), 503);
        assert_eq!(
            emu.stats().requests - before.requests,
            3,
            "{v:?}: 3 attempts"
        );
        assert_eq!(emu.stats().faults_injected - before.faults_injected, 3);
        assert_eq!(
            clock.sleeps().len(),
            2,
            "{v:?}: two backoffs, on the fake clock"
        );
        // The same call without the header works.
        assert_eq!(client.task().retrieve(&id).await.unwrap().id.as_str(), id);
    }
}

#[tokio::test]
async fn create_503_after_commit_is_not_duplicated() {
    let emu = emulator().await;
    for (i, v) in VERSIONS.into_iter().enumerate() {
        let client = client(&emu, v);
        let idx = index_id(510 + i as u32, v);
        let before = emu.stats();
        let err = client
            .task()
            .create(&idx)
            .file(sample_mp4())
            .with_header(FAULT_HEADER, "503-after-commit")
            .send()
            .await
            .unwrap_err();
        assert_eq!(
            err.status().map(|s| s.as_u16()),
            Some(503),
            "{v:?}: {err:?}"
        );
        assert!(err.created_task_id().is_none(), "the SDK never saw the id");
        let after = emu.stats();
        assert_eq!(
            after.requests - before.requests,
            1,
            "{v:?}: POST not retried"
        );
        assert_eq!(after.tasks_created - before.tasks_created, 1);
        assert_eq!(
            count_tasks(&client, &idx).await,
            1,
            "{v:?}: exactly one task, no duplicate"
        );

        // Same with a URL create.
        let idx2 = index_id(515 + i as u32, v);
        let err = client
            .task()
            .create(&idx2)
            .url("https://cdn.example.com/commit.mp4")
            .with_header(FAULT_HEADER, "503-after-commit")
            .send_raw()
            .await
            .unwrap_err();
        assert_eq!(
            err.api().map(|a| a.kind),
            Some(ApiErrorKind::InternalServer)
        );
        assert_eq!(count_tasks(&client, &idx2).await, 1, "{v:?}");
    }
}

#[tokio::test]
async fn rate_limit_above_cap_returns_error_without_sleeping() {
    // Retry-After is not documented by the API: the emulator sends it only
    // when asked, and this test is about honouring it.
    let emu = twelvelabs_emulator::Emulator::start(twelvelabs_emulator::EmulatorConfig {
        retry_after_header: true,
        auto_create_indexes: true,
        ..Default::default()
    })
    .await
    .expect("emulator starts");
    for (i, v) in VERSIONS.into_iter().enumerate() {
        let (client, clock) = client_with_clock(&emu, v);
        let id = emu
            .seed_tasks(&index_id(520 + i as u32, v), 1, "ready")
            .remove(0);
        let before = emu.stats().requests;
        let started = Instant::now();
        let err = client
            .task()
            .retrieve(&id)
            .with_header(FAULT_HEADER, "429")
            .with_retry(RetryPolicy::default().with_max_retry_after(Duration::ZERO))
            .await
            .unwrap_err();
        assert_eq!(
            err.api().map(|a| a.kind),
            Some(ApiErrorKind::RateLimit),
            "{err:?}"
        );
        assert_eq!(err.retry_after(), Some(Duration::from_secs(1)), "{v:?}");
        assert_eq!(err.code(), Some("too_many_requests"));
        assert!(
            clock.sleeps().is_empty(),
            "{v:?}: slept {:?}",
            clock.sleeps()
        );
        assert!(started.elapsed() < Duration::from_millis(900));
        assert_eq!(emu.stats().requests - before, 1, "{v:?}: not retried");

        // Under the cap: retried after Retry-After (on the fake clock) until attempts run out.
        let before = emu.stats().requests;
        let err = client
            .task()
            .retrieve(&id)
            .with_header(FAULT_HEADER, "429:2")
            .await
            .unwrap_err();
        assert_eq!(err.retry_after(), Some(Duration::from_secs(2)));
        assert_eq!(emu.stats().requests - before, 3, "{v:?}");
        assert_eq!(clock.sleeps(), vec![Duration::from_secs(2); 2], "{v:?}");
    }
}

#[tokio::test]
async fn post_429_is_retried_and_creates_once() {
    let emu = emulator().await;
    let (client, clock) = client_with_clock(&emu, twelvelabs::ApiVersion::V1_2);
    let idx = index_id(530, twelvelabs::ApiVersion::V1_2);
    let err = client
        .task()
        .create(&idx)
        .url("https://cdn.example.com/rl.mp4")
        .with_header(FAULT_HEADER, "429")
        .send_raw()
        .await
        .unwrap_err();
    assert_eq!(err.api().map(|a| a.kind), Some(ApiErrorKind::RateLimit));
    assert_eq!(clock.sleeps().len(), 2, "429 is retried even for POST");
    assert_eq!(
        count_tasks(&client, &idx).await,
        0,
        "rejected before the handler"
    );
}

#[tokio::test]
async fn dropped_connection_on_get_is_retried_then_transient_error() {
    let emu = emulator().await;
    let client = client(&emu, twelvelabs::ApiVersion::V1_2);
    let id = emu
        .seed_tasks(&index_id(540, twelvelabs::ApiVersion::V1_2), 1, "ready")
        .remove(0);
    let before = emu.stats().requests;
    let err = client
        .task()
        .retrieve(&id)
        .with_header(FAULT_HEADER, "drop")
        .await
        .unwrap_err();
    assert!(err.is_transient(), "{err:?}");
    assert!(
        matches!(err, Error::Connection { .. } | Error::Timeout { .. }),
        "{err:?}"
    );
    assert_eq!(emu.stats().requests - before, 3, "GET retried after a drop");
}

#[tokio::test]
async fn stall_beyond_timeout_is_a_timeout() {
    let emu = emulator().await;
    let client = client(&emu, twelvelabs::ApiVersion::V1_3);
    let id = emu
        .seed_tasks(&index_id(550, twelvelabs::ApiVersion::V1_3), 1, "ready")
        .remove(0);
    let started = Instant::now();
    let err = client
        .task()
        .retrieve(&id)
        .with_header(FAULT_HEADER, "stall:3000")
        .with_attempt_timeout(Duration::from_millis(150))
        .with_retry(RetryPolicy::none())
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Timeout { .. }), "{err:?}");
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    drop(emu);
}
