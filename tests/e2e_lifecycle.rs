//! wait_for_done through every status on a manual clock; retrieve; delete rules.

mod common;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::*;
use twelvelabs::{ApiErrorKind, ApiVersion, TaskStatus};

#[tokio::test]
async fn wait_for_done_sees_every_status_in_order() {
    let emu = emulator().await;
    for (i, v) in VERSIONS.into_iter().enumerate() {
        let (client, clock) = client_with_clock(&emu, v);
        let idx = index_id(200 + i as u32, v);
        let created = client
            .task()
            .create(&idx)
            .url("https://cdn.example.com/lifecycle.mp4")
            .send_raw()
            .await
            .unwrap();
        if v == ApiVersion::V1_3 {
            assert!(created.video_id.is_some(), "v1.3 create returns video_id");
        }
        let seen = Arc::new(Mutex::new(Vec::new()));
        let s2 = seen.clone();
        let started = std::time::Instant::now();
        let before = emu.stats().requests;
        let done = client
            .task()
            .wait_for_done(created.id.as_str())
            .sleep_interval(Duration::from_secs(5))
            .callback(move |t| s2.lock().unwrap().push(t.status.clone()))
            .await
            .unwrap();
        assert_eq!(done.status, TaskStatus::Ready);
        assert_eq!(
            *seen.lock().unwrap(),
            vec![
                TaskStatus::Validating,
                TaskStatus::Pending,
                TaskStatus::Queued,
                TaskStatus::Indexing,
                TaskStatus::Ready
            ],
            "{v:?}"
        );
        assert_eq!(emu.stats().requests - before, 5, "one retrieve per state");
        assert_eq!(clock.sleeps(), vec![Duration::from_secs(5); 4], "{v:?}");
        assert!(
            started.elapsed() < Duration::from_secs(2),
            "fake clock: no real sleeping"
        );
        assert!(done.updated_at >= done.created_at);
    }
}

#[tokio::test]
async fn wait_for_done_timeout_reports_last_state() {
    let emu = emulator().await;
    let (client, _clock) = client_with_clock(&emu, ApiVersion::V1_2);
    let created = client
        .task()
        .create(index_id(205, ApiVersion::V1_2))
        .url("https://cdn.example.com/slow.mp4")
        .send_raw()
        .await
        .unwrap();
    let err = client
        .task()
        .wait_for_done(created.id.as_str())
        .sleep_interval(Duration::from_secs(5))
        .max_wait(Duration::from_secs(9))
        .await
        .unwrap_err();
    match err {
        twelvelabs::Error::WaitTimeout {
            last: Some(last), ..
        } => {
            assert!(!last.status.is_terminal(), "{:?}", last.status)
        }
        other => panic!("expected WaitTimeout, got {other:?}"),
    }
}

#[tokio::test]
async fn failing_video_wait_is_ok_with_failed_status() {
    let emu = emulator().await;
    for (i, v) in VERSIONS.into_iter().enumerate() {
        let client = client(&emu, v);
        let created = client
            .task()
            .create(index_id(210 + i as u32, v))
            .url("https://cdn.example.com/will-fail.mp4")
            .send_raw()
            .await
            .unwrap();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let s2 = seen.clone();
        let done = client
            .task()
            .wait_for_done(created.id.as_str())
            .callback(move |t| s2.lock().unwrap().push(t.status.clone()))
            .await
            .expect("failed is Ok(task)");
        assert_eq!(done.status, TaskStatus::Failed, "{v:?}");
        assert_eq!(
            *seen.lock().unwrap(),
            vec![TaskStatus::Validating, TaskStatus::Failed],
            "{v:?}"
        );
    }
}

#[tokio::test]
async fn retrieve_and_delete_rules() {
    let emu = emulator().await;
    for (i, v) in VERSIONS.into_iter().enumerate() {
        let client = client(&emu, v);
        let idx = index_id(220 + i as u32, v);
        let task = client
            .task()
            .create(&idx)
            .url("https://cdn.example.com/del.mp4")
            .send()
            .await
            .unwrap();
        let again = client.task().retrieve(task.id.as_str()).await.unwrap();
        assert_eq!(again.id, task.id);
        assert_eq!(
            again.status,
            TaskStatus::Pending,
            "{v:?}: advanced by one retrieve"
        );

        let err = client.task().delete(task.id.as_str()).await.unwrap_err();
        assert_eq!(api_code(&err), "task_cannot_be_deleted", "{v:?}");
        assert_eq!(err.api().unwrap().kind, ApiErrorKind::BadRequest);
        assert_eq!(count_tasks(&client, &idx).await, 1, "still there");

        let done = task
            .wait_for_done()
            .sleep_interval(Duration::from_millis(1))
            .await
            .unwrap();
        assert_eq!(done.status, TaskStatus::Ready);
        // A ready task deletes only once its video is gone.
        let err = client.task().delete(task.id.as_str()).await.unwrap_err();
        assert_eq!(api_code(&err), "task_cannot_be_deleted", "{v:?}");
        let video_id = done.video_id.as_ref().expect("ready task has a video");
        let r = reqwest::Client::new()
            .delete(format!(
                "{}/{}/indexes/{idx}/videos/{}",
                emu.base_url(),
                v.as_str(),
                video_id.as_str()
            ))
            .header("x-api-key", emu.api_key())
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 204, "{v:?}");
        client
            .task()
            .delete(task.id.as_str())
            .await
            .expect("terminal task deletes");

        let err = client.task().retrieve(task.id.as_str()).await.unwrap_err();
        assert_eq!(
            err.api().map(|a| a.kind),
            Some(ApiErrorKind::NotFound),
            "{v:?}: {err:?}"
        );
        assert_eq!(err.code(), Some("resource_not_exist"));
        let err = client.task().delete(task.id.as_str()).await.unwrap_err();
        assert_eq!(
            err.api().map(|a| a.kind),
            Some(ApiErrorKind::NotFound),
            "{v:?}"
        );
        assert_eq!(count_tasks(&client, &idx).await, 0);

        // A failed task is terminal too.
        let failed = client
            .task()
            .create(&idx)
            .url("https://cdn.example.com/fail-me.mp4")
            .send()
            .await
            .unwrap();
        let done = failed.wait_for_done().await.unwrap();
        assert_eq!(done.status, TaskStatus::Failed);
        client
            .task()
            .delete(failed.id.as_str())
            .await
            .expect("failed task deletes");
    }
}

#[tokio::test]
async fn retrieve_unknown_and_blank_ids() {
    let emu = emulator().await;
    for v in VERSIONS {
        let client = client(&emu, v);
        let before = emu.stats().requests;
        let err = client
            .task()
            .retrieve("000000000000000000000000")
            .await
            .unwrap_err();
        assert_eq!(
            err.api().map(|a| a.kind),
            Some(ApiErrorKind::NotFound),
            "{v:?}"
        );
        assert_eq!(emu.stats().requests - before, 1, "404 not retried");
        let err = client.task().retrieve("  ").await.unwrap_err();
        assert!(
            matches!(err, twelvelabs::Error::InvalidInput { .. }),
            "{err:?}"
        );
        assert_eq!(emu.stats().requests - before, 1, "blank id never sent");
    }
}
