//! Edge cases: daily limit, unknown index, invalid URLs, index status (v1.2),
//! pagination from a later page, waits over transient errors, idempotent retries,
//! upload progress, version from the base URL.

mod common;

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use common::*;
use futures_util::TryStreamExt;
use twelvelabs::{ApiErrorKind, ApiVersion, Error, Task, TaskStatus, TwelveLabs};
use twelvelabs_emulator::{Emulator, EmulatorConfig, IndexSeed, Pace, FAULT_HEADER};

#[tokio::test]
async fn daily_create_limit_gives_rate_limit_with_headers_and_no_sleep() {
    let emu = Emulator::start(EmulatorConfig {
        pace: Pace::PerRetrieve,
        daily_create_limit: Some(2),
        auto_create_indexes: true,
        ..Default::default()
    })
    .await
    .unwrap();
    let (client, clock) = client_with_clock(&emu, ApiVersion::V1_2);
    let idx = index_id(700, ApiVersion::V1_2);
    for n in 0..2 {
        client
            .task()
            .create(&idx)
            .url(format!("https://c.example.com/{n}.mp4"))
            .send_raw()
            .await
            .unwrap();
    }
    let before = emu.stats().requests;
    let err = client
        .task()
        .create(&idx)
        .url("https://c.example.com/3.mp4")
        .send_raw()
        .await
        .unwrap_err();
    assert_eq!(
        err.api().map(|a| a.kind),
        Some(ApiErrorKind::RateLimit),
        "{err:?}"
    );
    let rl = err.rate_limit().unwrap();
    assert_eq!(rl.limit, Some(2));
    assert_eq!(rl.remaining, Some(0));
    let wait = err.retry_after().expect("retry_after");
    if wait > Duration::from_secs(60) {
        // Above the default 60 s cap: returned at once.
        assert_eq!(emu.stats().requests - before, 1);
        assert!(clock.sleeps().is_empty());
    }
    assert_eq!(count_tasks(&client, &idx).await, 2);
}

#[tokio::test]
async fn unknown_index_and_bad_urls() {
    let idx = "aaaaaaaaaaaaaaaaaaaaaaaa".to_owned();
    let emu = Emulator::start(EmulatorConfig {
        indexes: vec![IndexSeed::new(idx.clone(), "only-index")],
        ..Default::default()
    })
    .await
    .unwrap();
    for v in VERSIONS {
        let client = client(&emu, v);
        let err = client
            .task()
            .create("bbbbbbbbbbbbbbbbbbbbbbbb")
            .url("https://c.example.com/x.mp4")
            .send()
            .await
            .unwrap_err();
        assert_eq!(api_code(&err), "resource_not_exist", "{v:?}");
        let err = client
            .task()
            .create(&idx)
            .url("https://www.youtube.com/watch?v=abc")
            .send()
            .await
            .unwrap_err();
        assert_eq!(
            err.api().map(|a| a.kind),
            Some(ApiErrorKind::BadRequest),
            "{v:?}: {err:?}"
        );
        assert_eq!(err.code(), Some("parameter_invalid"), "{v:?}");
        let err = client
            .task()
            .create(&idx)
            .url("ftp://c.example.com/x.mp4")
            .send()
            .await
            .unwrap_err();
        assert!(matches!(err, Error::InvalidInput { .. }), "{err:?}");
        let err = client.task().create(&idx).send().await.unwrap_err();
        assert!(
            matches!(err, Error::InvalidInput { .. }),
            "no video: {err:?}"
        );
        let missing = std::env::temp_dir().join("twelvelabs-e2e-missing-file.mp4");
        let err = client
            .task()
            .create(&idx)
            .file(&missing)
            .send()
            .await
            .unwrap_err();
        assert!(matches!(err, Error::Io { .. }), "{err:?}");
        assert_eq!(count_tasks(&client, &idx).await, 0);
    }
}

#[tokio::test]
async fn index_status_counts_v12_only() {
    let emu = emulator().await;
    let client = client(&emu, ApiVersion::V1_2);
    let idx = index_id(710, ApiVersion::V1_2);
    emu.seed_tasks(&idx, 4, "ready");
    emu.seed_tasks(&idx, 2, "validating");
    emu.seed_tasks(&idx, 1, "failed");
    emu.seed_tasks(&idx, 3, "pending");
    let s = client.task().status(&idx).await.unwrap();
    assert_eq!((s.ready, s.validating, s.pending, s.failed), (4, 2, 3, 1));
    assert_eq!(s.total_result, 10);
    let err = client
        .with_api_version(ApiVersion::V1_3)
        .task()
        .status(&idx)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::InvalidInput { .. }), "{err:?}");
}

#[tokio::test]
async fn stream_from_a_later_page_and_page_stream() {
    let emu = emulator().await;
    for (i, v) in VERSIONS.into_iter().enumerate() {
        let client = client(&emu, v);
        let idx = index_id(720 + i as u32, v);
        emu.seed_tasks(&idx, 123, "ready");
        let before = emu.stats().requests;
        let rest: Vec<Task> = client
            .task()
            .list()
            .index_id(&idx)
            .page_limit(10)
            .page(3)
            .into_stream()
            .try_collect()
            .await
            .unwrap();
        assert_eq!(rest.len(), 103, "{v:?}: pages 3..=13");
        assert_eq!(emu.stats().requests - before, 11);
        let pages: Vec<_> = client
            .task()
            .list()
            .index_id(&idx)
            .page_limit(50)
            .into_page_stream()
            .try_collect()
            .await
            .unwrap();
        let sizes: Vec<usize> = pages.iter().map(|p| p.data.len()).collect();
        assert_eq!(sizes, vec![50, 50, 23], "{v:?}");
        let empty: Vec<Task> = client
            .task()
            .list()
            .index_id(index_id(729, v))
            .into_stream()
            .try_collect()
            .await
            .unwrap();
        assert!(empty.is_empty());
    }
}

#[tokio::test]
async fn wait_gives_up_after_consecutive_transient_errors() {
    let emu = emulator().await;
    let (client, _clock) = client_with_clock(&emu, ApiVersion::V1_3);
    let id = emu
        .seed_tasks(&index_id(730, ApiVersion::V1_3), 1, "indexing")
        .remove(0);
    let before = emu.stats().requests;
    let err = client
        .task()
        .wait_for_done(&id)
        .max_consecutive_errors(1)
        .with_header(FAULT_HEADER, "503")
        .await
        .unwrap_err();
    assert_eq!(
        err.api().map(|a| a.kind),
        Some(ApiErrorKind::InternalServer),
        "{err:?}"
    );
    // Two polls (one tolerated error, then the fatal one), 3 attempts each.
    assert_eq!(emu.stats().requests - before, 6);

    let err = client
        .task()
        .wait_for_done(&id)
        .sleep_interval(Duration::ZERO)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::InvalidInput { .. }));
    let err = client
        .task()
        .wait_for_done("000000000000000000000000")
        .await
        .unwrap_err();
    assert_eq!(
        err.api().map(|a| a.kind),
        Some(ApiErrorKind::NotFound),
        "404 ends the wait"
    );
}

#[tokio::test]
async fn delete_503_is_retried_as_idempotent() {
    let emu = emulator().await;
    let client = client(&emu, ApiVersion::V1_2);
    let idx = index_id(740, ApiVersion::V1_2);
    // A failed task: a ready one could not be deleted while its video exists.
    let id = emu.seed_tasks(&idx, 1, "failed").remove(0);
    let before = emu.stats().requests;
    let err = client
        .task()
        .delete(&id)
        .with_header(FAULT_HEADER, "503")
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(emu.stats().requests - before, 3);
    assert_eq!(
        count_tasks(&client, &idx).await,
        1,
        "fault came before the handler"
    );
    client.task().delete(&id).await.unwrap();
    assert_eq!(count_tasks(&client, &idx).await, 0);
}

#[tokio::test]
async fn upload_progress_reaches_the_body_size() {
    let emu = emulator().await;
    let client = client(&emu, ApiVersion::V1_3);
    let sample = sample_mp4();
    let size = std::fs::metadata(&sample).unwrap().len();
    let sent = Arc::new(AtomicU64::new(0));
    let total = Arc::new(AtomicU64::new(0));
    let (s2, t2) = (sent.clone(), total.clone());
    client
        .task()
        .create(index_id(750, ApiVersion::V1_3))
        .file(&sample)
        .on_progress(move |p| {
            s2.fetch_max(p.sent, Ordering::SeqCst);
            if let Some(t) = p.total {
                t2.store(t, Ordering::SeqCst);
            }
        })
        .send()
        .await
        .unwrap();
    let sent = sent.load(Ordering::SeqCst);
    assert!(sent >= size, "sent {sent} < file {size}");
    let total = total.load(Ordering::SeqCst);
    assert!(total == 0 || total == sent, "total {total} vs sent {sent}");
}

#[tokio::test]
async fn version_in_base_url_selects_v13() {
    let emu = emulator().await;
    let client = TwelveLabs::builder()
        .api_key(emu.api_key())
        .base_url(format!("{}/v1.3", emu.base_url()))
        .build()
        .unwrap();
    assert_eq!(client.api_version(), ApiVersion::V1_3);
    let task = client
        .task()
        .create(index_id(760, ApiVersion::V1_3))
        .url("https://c.example.com/v13.mp4")
        .send()
        .await
        .unwrap();
    assert!(task.video_id.is_some(), "v1.3 answer shape");
    assert_eq!(task.status, TaskStatus::Validating);
    assert!(task.metadata.is_some(), "system_metadata read as metadata");
}
