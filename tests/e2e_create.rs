//! Create by file, bytes and URL on v1.2 and v1.3: metadata, failures,
//! `user_metadata`, authentication.

mod common;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::*;
use twelvelabs::{ApiErrorKind, ApiVersion, Error, TaskStatus, TwelveLabs, UserMetadata};

#[tokio::test]
async fn create_by_file_reports_sample_metadata() {
    let emu = emulator().await;
    for (i, v) in VERSIONS.into_iter().enumerate() {
        let client = client(&emu, v);
        let idx = index_id(100 + i as u32, v);
        let task = client
            .task()
            .create(&idx)
            .file(sample_mp4())
            .send()
            .await
            .unwrap_or_else(|e| panic!("{v:?}: {e}"));
        assert_eq!(task.status, TaskStatus::Validating, "{v:?}");
        assert_eq!(
            task.index_id.as_ref().map(|i| i.as_str()),
            Some(idx.as_str())
        );
        let meta = task.metadata.clone().expect("metadata present");
        if has_real_sample() {
            assert_eq!(meta.filename.as_deref(), Some("sample.mp4"), "{v:?}");
            let d = meta.duration.expect("duration");
            assert!((d - 10.0).abs() < 0.05, "{v:?}: duration {d}");
            assert_eq!(meta.width, Some(640), "{v:?}");
            assert_eq!(meta.height, Some(360), "{v:?}");
        } else {
            assert!(meta.filename.is_some());
        }
        match v {
            ApiVersion::V1_2 => {
                assert!(task.video_id.is_none(), "v1.2 video_id only once ready");
                assert!(task.estimated_time.is_some(), "v1.2 has estimated_time");
                assert!(task.process.is_some(), "v1.2 has process while running");
            }
            _ => {
                assert!(task.video_id.is_some(), "v1.3 video_id from creation");
                assert!(task.process.is_none(), "v1.3 has no process");
            }
        }
        let done = task
            .wait_for_done()
            .sleep_interval(Duration::from_secs(1))
            .await
            .unwrap();
        assert_eq!(done.status, TaskStatus::Ready, "{v:?}");
        assert!(done.video_id.is_some(), "{v:?}: video_id once ready");
        assert!(done.hls.is_some(), "{v:?}: stream kept by default");
    }
}

#[tokio::test]
async fn create_by_bytes_and_by_url() {
    let emu = emulator().await;
    let sample = std::fs::read(sample_mp4()).unwrap();
    for (i, v) in VERSIONS.into_iter().enumerate() {
        let client = client(&emu, v);
        let idx = index_id(110 + i as u32, v);
        let by_bytes = client
            .task()
            .create(&idx)
            .bytes(sample.clone(), "from-memory.mp4")
            .send()
            .await
            .unwrap();
        let meta = by_bytes.metadata.clone().unwrap();
        assert_eq!(meta.filename.as_deref(), Some("from-memory.mp4"), "{v:?}");
        if has_real_sample() {
            assert_eq!((meta.width, meta.height), (Some(640), Some(360)), "{v:?}");
        }

        let by_url = client
            .task()
            .create(&idx)
            .url("https://cdn.example.com/videos/My%20Clip.mp4")
            .send()
            .await
            .unwrap();
        let meta = by_url.metadata.clone().unwrap();
        assert_eq!(meta.filename.as_deref(), Some("My Clip.mp4"), "{v:?}");
        assert!(meta.duration.unwrap_or(0.0) > 0.0, "{v:?}");
        assert_ne!(by_url.id, by_bytes.id);
        assert_eq!(count_tasks(&client, &idx).await, 2, "{v:?}");
        let done = by_url
            .wait_for_done()
            .sleep_interval(Duration::from_secs(1))
            .await
            .unwrap();
        assert_eq!(done.status, TaskStatus::Ready, "{v:?}");
    }
}

#[tokio::test]
async fn non_video_upload_ends_failed() {
    let emu = emulator().await;
    for (i, v) in VERSIONS.into_iter().enumerate() {
        let client = client(&emu, v);
        let idx = index_id(120 + i as u32, v);
        let task = client
            .task()
            .create(&idx)
            .bytes(
                &b"this is a plain text file, not a video at all"[..],
                "notes.mp4",
            )
            .send()
            .await
            .unwrap();
        assert_eq!(task.status, TaskStatus::Validating, "{v:?}");
        let seen = Arc::new(Mutex::new(Vec::new()));
        let s2 = seen.clone();
        let done = task
            .wait_for_done()
            .sleep_interval(Duration::from_secs(1))
            .callback(move |t| s2.lock().unwrap().push(t.status.clone()))
            .await
            .expect("a failed task is Ok(task)");
        assert_eq!(done.status, TaskStatus::Failed, "{v:?}");
        assert_eq!(*seen.lock().unwrap(), vec![TaskStatus::Failed], "{v:?}");
        if v == ApiVersion::V1_2 {
            assert!(done.video_id.is_none(), "no video for a failed v1.2 task");
        }
    }
}

#[tokio::test]
async fn v13_user_metadata_round_trips_and_is_rejected_on_v12() {
    let emu = emulator().await;
    let mut md = UserMetadata::new();
    md.insert("campaign".into(), serde_json::json!("spring"));
    md.insert("batchNumber".into(), serde_json::json!(7));
    md.insert("reviewed".into(), serde_json::json!(true));

    let v13 = client(&emu, ApiVersion::V1_3);
    let idx = index_id(130, ApiVersion::V1_3);
    let task = v13
        .task()
        .create(&idx)
        .url("https://cdn.example.com/a.mp4")
        .user_metadata(md.clone())
        .send()
        .await
        .unwrap();
    let got = task
        .extra
        .get("user_metadata")
        .expect("user_metadata on the v1.3 task");
    assert_eq!(
        got,
        &serde_json::Value::Object(md.clone()),
        "keys not rewritten"
    );

    let v12 = client(&emu, ApiVersion::V1_2);
    let err = v12
        .task()
        .create(index_id(130, ApiVersion::V1_2))
        .url("https://cdn.example.com/a.mp4")
        .user_metadata(md)
        .send()
        .await
        .unwrap_err();
    assert!(matches!(err, Error::InvalidInput { .. }), "{err:?}");
    assert_eq!(count_tasks(&v12, &index_id(130, ApiVersion::V1_2)).await, 0);
}

#[tokio::test]
async fn wrong_api_key_is_authentication_error() {
    let emu = emulator().await;
    for v in VERSIONS {
        let bad = TwelveLabs::builder()
            .api_key("tlk_definitely_wrong")
            .base_url(emu.base_url())
            .api_version(v)
            .build()
            .unwrap();
        let before = emu.stats();
        let err = bad
            .task()
            .create(index_id(140, v))
            .file(sample_mp4())
            .send()
            .await
            .unwrap_err();
        let api = err.api().unwrap_or_else(|| panic!("{v:?}: {err:?}"));
        assert_eq!(api.kind, ApiErrorKind::Authentication, "{v:?}");
        assert_eq!(api.status.as_u16(), 401);
        assert_eq!(api.code.as_deref(), Some("api_key_invalid"), "{v:?}");
        let err = bad.task().list().send().await.unwrap_err();
        assert_eq!(
            err.api().map(|a| a.kind),
            Some(ApiErrorKind::Authentication)
        );
        assert_eq!(err.code(), Some("api_key_invalid"));
        // 401 is never retried, and nothing was created.
        assert_eq!(emu.stats().requests - before.requests, 2, "{v:?}");
        assert_eq!(emu.stats().tasks_created, before.tasks_created);
    }
}
