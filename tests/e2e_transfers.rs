//! Legacy transfer (v1.2) and cloud imports (v1.2 and v1.3).

mod common;

use std::collections::{BTreeSet, HashSet};
use std::time::Duration;

use common::*;
use twelvelabs::models::TransferFileEntry;
use twelvelabs::{ApiErrorKind, ApiVersion, Error, TaskStatus};
use twelvelabs_emulator::DEMO_INTEGRATION_ID;

#[tokio::test]
#[allow(deprecated)]
async fn transfer_entries_become_tasks_v12() {
    let emu = emulator().await;
    let client = client(&emu, ApiVersion::V1_2);
    let idx = index_id(400, ApiVersion::V1_2);
    let mut with_lang = TransferFileEntry::new(idx.as_str(), "s3://twelve-labs-docs/01.mp4");
    with_lang.language = Some("en".into());
    with_lang.transcription = Some("s3://twelve-labs-docs/01.srt".into());
    let entries = vec![
        with_lang,
        TransferFileEntry::new(idx.as_str(), "s3://twelve-labs-docs/02.mp4"),
    ];
    client
        .task()
        .transfer(entries)
        .await
        .expect("transfer accepted");
    let tasks = tasks_of(&client, &idx).await;
    let names: BTreeSet<_> = tasks
        .iter()
        .filter_map(|t| t.metadata.as_ref()?.filename.clone())
        .collect();
    assert_eq!(
        names,
        BTreeSet::from(["01.mp4".to_owned(), "02.mp4".to_owned()])
    );

    let empty: Vec<TransferFileEntry> = Vec::new();
    let err = client.task().transfer(empty).await.unwrap_err();
    assert!(matches!(err, Error::InvalidInput { .. }), "{err:?}");

    let v13 = client.with_api_version(ApiVersion::V1_3);
    let before = emu.stats().requests;
    let err = v13
        .task()
        .transfer(vec![TransferFileEntry::new(idx.as_str(), "s3://b/03.mp4")])
        .await
        .unwrap_err();
    assert!(matches!(err, Error::InvalidInput { .. }), "{err:?}");
    assert_eq!(emu.stats().requests, before, "v1.3 transfer never sent");
}

#[tokio::test]
async fn import_videos_status_logs_and_second_import() {
    for (i, v) in VERSIONS.into_iter().enumerate() {
        // One emulator per version: one running import per integration.
        let emu = emulator().await;
        let client = client(&emu, v);
        let idx = index_id(410 + i as u32, v);
        let transfers = client.task().transfers();

        let imported = transfers
            .import_videos(DEMO_INTEGRATION_ID, &idx)
            .await
            .unwrap();
        let names: BTreeSet<_> = imported.videos.iter().map(|v| v.filename.clone()).collect();
        assert_eq!(
            names,
            BTreeSet::from([
                "01.mp4".to_owned(),
                "02.mp4".to_owned(),
                "03.mov".to_owned()
            ]),
            "{v:?}"
        );
        assert_eq!(imported.failed_files.len(), 1, "{v:?}");
        assert_eq!(imported.failed_files[0].filename, "04_huge.mp4");
        assert!(imported.failed_files[0].error_message.contains("too big"));
        assert_eq!(
            count_tasks(&client, &idx).await,
            3,
            "{v:?}: one task per video"
        );

        let status = transfers
            .import_status(DEMO_INTEGRATION_ID, &idx)
            .await
            .unwrap();
        let in_progress: Vec<_> = [
            &status.validating,
            &status.pending,
            &status.queued,
            &status.indexing,
            &status.ready,
        ]
        .into_iter()
        .flatten()
        .collect();
        let video_ids: HashSet<_> = in_progress.iter().map(|i| i.video_id.to_string()).collect();
        let expected: HashSet<_> = imported
            .videos
            .iter()
            .map(|v| v.video_id.to_string())
            .collect();
        assert_eq!(
            video_ids, expected,
            "{v:?}: groups hold exactly the imported videos"
        );
        assert_eq!(in_progress.len(), 3, "no video in two groups");
        assert_eq!(status.validating.len(), 3, "{v:?}: nothing retrieved yet");
        assert_eq!(status.failed.len(), 1);
        assert_eq!(status.failed[0].filename, "04_huge.mp4");
        assert!(status.not_imported.is_empty(), "{:?}", status.not_imported);

        let logs = transfers.import_logs(DEMO_INTEGRATION_ID).await.unwrap();
        assert_eq!(logs.len(), 1);
        assert!(logs[0].ended_at.is_none(), "{v:?}: running");
        assert_eq!(logs[0].index_id.as_str(), idx);
        assert_eq!(logs[0].video_status.validating, 3);
        assert_eq!(
            logs[0].video_status.failed, 1,
            "rejected file counts as failed"
        );
        assert_eq!(logs[0].failed_files.len(), 1);

        let err = transfers
            .import_videos(DEMO_INTEGRATION_ID, &idx)
            .await
            .unwrap_err();
        assert_eq!(
            err.api().map(|a| a.kind),
            Some(ApiErrorKind::BadRequest),
            "{err:?}"
        );
        assert_eq!(api_code(&err), "import_in_progress", "{v:?}");
        assert_eq!(
            count_tasks(&client, &idx).await,
            3,
            "rejected import created nothing"
        );

        for video in &imported.videos {
            let t = client
                .task()
                .wait_for_done(video.video_id.as_str())
                .sleep_interval(Duration::from_secs(1))
                .await
                .unwrap();
            assert_eq!(t.status, TaskStatus::Ready, "{v:?}");
        }
        let logs = transfers.import_logs(DEMO_INTEGRATION_ID).await.unwrap();
        assert!(logs[0].ended_at.is_some(), "{v:?}: ended");
        assert_eq!(logs[0].video_status.ready, 3);
        assert_eq!(logs[0].video_status.failed, 1);
        assert_eq!(logs[0].video_status.total(), 4);
        assert!(logs[0].ended_at.unwrap() >= logs[0].created_at);
        let status = transfers
            .import_status(DEMO_INTEGRATION_ID, &idx)
            .await
            .unwrap();
        assert_eq!(status.ready.len(), 3, "{v:?}");
        assert!(status.validating.is_empty() && status.indexing.is_empty());

        // Finished: a new (incremental) import is accepted and skips done files.
        let again = transfers
            .import_videos(DEMO_INTEGRATION_ID, &idx)
            .await
            .unwrap();
        assert!(again.videos.is_empty(), "{v:?}: {:?}", again.videos);
        assert_eq!(
            transfers
                .import_logs(DEMO_INTEGRATION_ID)
                .await
                .unwrap()
                .len(),
            2
        );
        emu.shutdown().await;
    }
}

#[tokio::test]
async fn import_errors() {
    let emu = emulator().await;
    let client = client(&emu, ApiVersion::V1_3);
    let err = client
        .task()
        .transfers()
        .import_videos("no-such-integration", index_id(420, ApiVersion::V1_3))
        .await
        .unwrap_err();
    assert_eq!(
        err.api().map(|a| a.kind),
        Some(ApiErrorKind::NotFound),
        "{err:?}"
    );
    let err = client
        .task()
        .transfers()
        .import_status(DEMO_INTEGRATION_ID, " ")
        .await
        .unwrap_err();
    assert!(matches!(err, Error::InvalidInput { .. }), "{err:?}");
}
