//! Ingest at scale against the emulator: bulk results as they come with progress,
//! many waits through one scheduler, and ingests that resume from a journal and
//! reconcile unknown creates without ever creating a task twice.

mod common;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::client;
use futures_util::StreamExt;
use twelvelabs::{ApiVersion, BulkProgress, TwelveLabs};
use twelvelabs_emulator::{Emulator, EmulatorConfig, FaultConfig, Pace};

const INDEX: &str = "6298d673f1090f1100476d4c";

struct TempDir(std::path::PathBuf);
impl TempDir {
    fn new(tag: &str) -> Self {
        let p = std::env::temp_dir().join(format!("tl-ingest-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&p);
        std::fs::create_dir_all(&p).unwrap();
        TempDir(p)
    }
    fn files(&self, n: usize, size: usize) -> Vec<std::path::PathBuf> {
        (0..n)
            .map(|i| {
                let p = self.0.join(format!("clip-{i:03}.mp4"));
                // An MP4 header, so the emulator indexes it.
                let mut bytes = vec![0, 0, 0, 0x18];
                bytes.extend_from_slice(b"ftypisom\0\0\x02\0isomiso2");
                bytes.resize(size, i as u8);
                std::fs::write(&p, bytes).unwrap();
                p
            })
            .collect()
    }
}
impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

async fn emulator(faults: FaultConfig) -> Emulator {
    Emulator::start(EmulatorConfig {
        pace: Pace::PerRetrieve,
        faults,
        ..Default::default()
    })
    .await
    .expect("emulator starts")
}

/// Every task of the index, by file name.
async fn tasks_by_filename(client: &TwelveLabs) -> HashMap<String, usize> {
    let mut counts = HashMap::new();
    let mut all = client
        .task()
        .list()
        .index_id(INDEX)
        .page_limit(50)
        .into_stream();
    while let Some(t) = all.next().await {
        let t = t.expect("list");
        let name = t
            .metadata
            .as_ref()
            .and_then(|m| m.filename.clone())
            .unwrap_or_default();
        *counts.entry(name).or_default() += 1;
    }
    counts
}

#[tokio::test]
async fn bulk_streams_results_and_counts_file_bytes() {
    let emu = emulator(FaultConfig::default()).await;
    let client = client(&emu, ApiVersion::V1_2);
    let dir = TempDir::new("bulk");
    let files = dir.files(6, 10_000);
    let last: Arc<Mutex<Option<BulkProgress>>> = Arc::default();
    let sink = Arc::clone(&last);
    let mut seen = Vec::new();
    let mut results = client
        .task()
        .create_bulk(INDEX)
        .files(&files)
        .with_concurrency(3)
        .with_progress(move |p| {
            assert!(p.bytes_sent <= p.bytes_total, "never past the total: {p:?}");
            *sink.lock().unwrap() = Some(p);
        })
        .into_stream()
        .boxed();
    while let Some((index, result)) = results.next().await {
        result.expect("created");
        seen.push(index);
    }
    seen.sort_unstable();
    assert_eq!(seen, (0..6).collect::<Vec<_>>());
    let last = last.lock().unwrap().expect("progress reported");
    assert_eq!((last.files_done, last.files_total), (6, 6));
    assert_eq!((last.bytes_sent, last.bytes_total), (60_000, 60_000));
}

#[tokio::test]
async fn wait_many_reports_every_task_once() {
    let emu = emulator(FaultConfig::default()).await;
    let client = client(&emu, ApiVersion::V1_2);
    let urls: Vec<String> = (0..12)
        .map(|i| {
            if i % 4 == 0 {
                format!("https://example.com/fail-{i}.mp4")
            } else {
                format!("https://example.com/v-{i}.mp4")
            }
        })
        .collect();
    let ids: Vec<String> = client
        .task()
        .create_bulk(INDEX)
        .urls(urls)
        .await
        .into_iter()
        .map(|r| r.expect("created").id.to_string())
        .collect();
    let outcomes: Vec<_> = client
        .task()
        .wait_many(ids.iter().cloned().chain(["".to_owned()]))
        .sleep_interval(Duration::from_millis(10))
        .with_max_requests_per_second(1000.0)
        .into_stream()
        .collect()
        .await;
    assert_eq!(outcomes.len(), 13);
    let ready = outcomes.iter().filter(|o| o.is_ready()).count();
    let failed = outcomes
        .iter()
        .filter(|o| matches!(&o.result, Ok(t) if t.status == "failed"))
        .count();
    let errors = outcomes.iter().filter(|o| o.result.is_err()).count();
    assert_eq!(
        (ready, failed, errors),
        (9, 3, 1),
        "the empty id is refused"
    );
}

#[tokio::test]
async fn an_ingest_resumes_from_its_journal_without_creating_again() {
    let emu = emulator(FaultConfig::default()).await;
    let client = client(&emu, ApiVersion::V1_2);
    let dir = TempDir::new("resume");
    let files = dir.files(10, 2_000);
    let journal = dir.0.join("ingest.jsonl");
    let run = || {
        client
            .task()
            .ingest(INDEX)
            .files(&files)
            .with_journal(&journal)
            .with_concurrency(4)
            .sleep_interval(Duration::from_millis(10))
            .with_max_requests_per_second(1000.0)
    };
    let first = run().send().await.expect("ingest runs");
    assert_eq!(first.len(), 10);
    assert!(first.iter().all(|o| o.is_ready()), "{first:?}");
    let created = emu.stats().tasks_created;
    assert_eq!(created, 10);

    // A rerun reports every input from the journal: no create, no poll.
    let requests = emu.stats().requests;
    let second = run().send().await.expect("rerun");
    assert!(second.iter().all(|o| o.is_ready()));
    let ids =
        |v: &[twelvelabs::IngestOutcome]| v.iter().map(|o| o.task_id.clone()).collect::<Vec<_>>();
    assert_eq!(ids(&first), ids(&second));
    assert_eq!(emu.stats().tasks_created, 10);
    assert_eq!(emu.stats().requests, requests);

    // A journal cut after an `attempt` (a crash before the create's answer was
    // recorded) is reconciled: the task is found and adopted, not created again.
    let text = std::fs::read_to_string(&journal).unwrap();
    let cut: String = text
        .lines()
        // Keep every line but clip-003's `created` and `done`.
        .filter(|l| !l.contains("clip-003") || l.contains("\"attempt\""))
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(&journal, cut).unwrap();
    let third = run().send().await.expect("rerun after a crash");
    assert!(third.iter().all(|o| o.is_ready()));
    assert_eq!(ids(&first), ids(&third));
    assert_eq!(emu.stats().tasks_created, 10);
    assert!(std::fs::read_to_string(&journal)
        .unwrap()
        .contains("\"adopted\":true"));
}

#[tokio::test]
async fn unknown_create_outcomes_are_reconciled_not_duplicated() {
    let emu = emulator(FaultConfig {
        seed: 7,
        error_after_commit_rate: 0.3,
        drop_rate: 0.2,
        max_consecutive_faults: Some(2),
        ..Default::default()
    })
    .await;
    let client = client(&emu, ApiVersion::V1_2);
    let urls: Vec<String> = (0..30)
        .map(|i| format!("https://example.com/in/{i:02}.mp4"))
        .collect();
    let outcomes = client
        .task()
        .ingest(INDEX)
        .urls(&urls)
        .with_concurrency(6)
        .sleep_interval(Duration::from_millis(10))
        .max_consecutive_errors(10)
        .with_max_requests_per_second(1000.0)
        .await
        .expect("ingest runs");
    assert!(emu.stats().faults_injected > 0, "faults were injected");
    assert!(
        outcomes.iter().all(|o| o.is_ready()),
        "{:?}",
        outcomes
            .iter()
            .filter(|o| !o.is_ready())
            .collect::<Vec<_>>()
    );
    let counts = tasks_by_filename(&client).await;
    assert_eq!(counts.len(), 30);
    assert!(counts.values().all(|n| *n == 1), "{counts:?}");
}

#[tokio::test]
async fn failed_inputs_are_created_again_only_when_asked() {
    let emu = emulator(FaultConfig::default()).await;
    let client = client(&emu, ApiVersion::V1_2);
    let dir = TempDir::new("retry");
    let journal = dir.0.join("ingest.jsonl");
    let run = |retry: bool| {
        client
            .task()
            .ingest(INDEX)
            .urls([
                "https://example.com/fail-broken.mp4",
                "https://example.com/ok.mp4",
            ])
            .with_journal(&journal)
            .with_retry_failed(retry)
            .sleep_interval(Duration::from_millis(10))
            .with_max_requests_per_second(1000.0)
    };
    let first = run(false).await.expect("ingest runs");
    assert_eq!(
        first[0].result.as_ref().ok(),
        Some(&twelvelabs::TaskStatus::Failed)
    );
    assert!(first[1].is_ready());
    assert_eq!(emu.stats().tasks_created, 2);

    let again = run(false).await.expect("rerun");
    assert_eq!(
        again[0].task_id, first[0].task_id,
        "reported from the journal"
    );
    assert_eq!(emu.stats().tasks_created, 2);

    let retried = run(true).await.expect("rerun, retrying failures");
    assert_ne!(retried[0].task_id, first[0].task_id, "a new task");
    assert_eq!(
        retried[1].task_id, first[1].task_id,
        "ready inputs are kept"
    );
    assert_eq!(emu.stats().tasks_created, 3);
}

#[tokio::test]
async fn readers_and_bytes_are_ingested_under_their_keys() {
    let emu = emulator(FaultConfig::default()).await;
    let client = client(&emu, ApiVersion::V1_3);
    let mut mp4 = vec![0, 0, 0, 0x18];
    mp4.extend_from_slice(b"ftypisom\0\0\x02\0isomiso2");
    mp4.resize(4096, 7);
    let len = mp4.len() as u64;
    let outcomes = client
        .task()
        .ingest(INDEX)
        .reader(
            "camera-1",
            std::io::Cursor::new(mp4.clone()),
            "cam.mp4",
            Some(len),
        )
        .bytes("clip-in-memory", mp4, "mem.mp4")
        .bytes("camera-1", Vec::<u8>::new(), "dup.mp4")
        .sleep_interval(Duration::from_millis(10))
        .with_max_requests_per_second(1000.0)
        .await
        .expect("ingest runs");
    assert_eq!(outcomes.len(), 3);
    assert!(
        outcomes[0].is_ready() && outcomes[1].is_ready(),
        "{outcomes:?}"
    );
    assert_eq!(outcomes[1].key, "clip-in-memory");
    assert!(
        matches!(
            &outcomes[2].result,
            Err(twelvelabs::Error::InvalidInput { .. })
        ),
        "a key given twice is refused"
    );
    assert_eq!(emu.stats().tasks_created, 2);
}
