//! Bulk create, and many concurrent waits and uploads through one client.

mod common;

use std::collections::HashSet;
use std::time::Duration;

use common::*;
use futures_util::future::join_all;
use twelvelabs::TaskStatus;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bulk_create_20_urls_at_concurrency_4() {
    let emu = emulator().await;
    for (i, v) in VERSIONS.into_iter().enumerate() {
        let client = client(&emu, v);
        let idx = index_id(600 + i as u32, v);
        let urls: Vec<String> = (0..20)
            .map(|n| format!("https://cdn.example.com/bulk/v{n:02}.mp4"))
            .collect();
        let before = emu.stats().tasks_created;
        let results = client
            .task()
            .create_bulk(&idx)
            .urls(urls)
            .with_concurrency(4)
            .send()
            .await;
        assert_eq!(results.len(), 20);
        let mut ids = HashSet::new();
        for (n, r) in results.iter().enumerate() {
            let t = r.as_ref().unwrap_or_else(|e| panic!("{v:?} #{n}: {e}"));
            let name = t.metadata.as_ref().and_then(|m| m.filename.clone());
            assert_eq!(
                name,
                Some(format!("v{n:02}.mp4")),
                "{v:?}: results in input order"
            );
            ids.insert(t.id.to_string());
        }
        assert_eq!(ids.len(), 20);
        assert_eq!(emu.stats().tasks_created - before, 20);
        assert_eq!(count_tasks(&client, &idx).await, 20, "{v:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sixteen_concurrent_waits_complete() {
    let emu = emulator().await;
    for (i, v) in VERSIONS.into_iter().enumerate() {
        let client = client(&emu, v);
        let idx = index_id(610 + i as u32, v);
        let mut ids = Vec::new();
        for n in 0..16 {
            let url = if n % 4 == 3 {
                format!("https://cdn.example.com/w/fail-{n}.mp4")
            } else {
                format!("https://cdn.example.com/w/{n}.mp4")
            };
            ids.push(
                client
                    .task()
                    .create(&idx)
                    .url(url)
                    .send_raw()
                    .await
                    .unwrap()
                    .id,
            );
        }
        let waits = ids.iter().map(|id| {
            let c = client.clone();
            let id = id.to_string();
            tokio::spawn(async move {
                c.task()
                    .wait_for_done(id)
                    .sleep_interval(Duration::from_secs(5))
                    .await
            })
        });
        let done = tokio::time::timeout(Duration::from_secs(10), join_all(waits))
            .await
            .expect("waits finish");
        let mut ready = 0;
        let mut failed = 0;
        for (n, r) in done.into_iter().enumerate() {
            let t = r
                .unwrap()
                .unwrap_or_else(|e| panic!("{v:?} wait #{n}: {e}"));
            assert_eq!(t.id, ids[n]);
            match t.status {
                TaskStatus::Ready => ready += 1,
                TaskStatus::Failed => failed += 1,
                ref s => panic!("not terminal: {s}"),
            }
        }
        assert_eq!((ready, failed), (12, 4), "{v:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sixteen_concurrent_uploads_complete() {
    let emu = emulator().await;
    for (i, v) in VERSIONS.into_iter().enumerate() {
        let client = client(&emu, v);
        let idx = index_id(620 + i as u32, v);
        let sample = sample_mp4();
        let size = std::fs::metadata(&sample).unwrap().len();
        let before = emu.stats();
        let uploads = (0..16).map(|n| {
            let c = client.clone();
            let idx = idx.clone();
            let sample = sample.clone();
            tokio::spawn(async move {
                if n % 2 == 0 {
                    c.task().create(&idx).file(sample).send().await
                } else {
                    let bytes = tokio::fs::read(&sample).await.unwrap();
                    c.task()
                        .create(&idx)
                        .bytes(bytes, format!("mem-{n}.mp4"))
                        .send()
                        .await
                }
            })
        });
        let results = tokio::time::timeout(Duration::from_secs(15), join_all(uploads))
            .await
            .expect("uploads finish");
        let mut ids = HashSet::new();
        for r in results {
            let t = r.unwrap().unwrap_or_else(|e| panic!("{v:?}: {e}"));
            assert_eq!(t.status, TaskStatus::Validating);
            ids.insert(t.id.to_string());
        }
        assert_eq!(ids.len(), 16);
        assert_eq!(count_tasks(&client, &idx).await, 16, "{v:?}");
        let after = emu.stats();
        assert!(
            after.bytes_received - before.bytes_received >= 16 * size,
            "every byte uploaded"
        );
    }
}
