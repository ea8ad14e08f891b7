//! The blocking client from plain `#[test]`s (no runtime of the caller's), and
//! its clear error inside a runtime.
#![cfg(feature = "blocking")]

use std::sync::mpsc;
use std::time::Duration;

use twelvelabs::blocking::TwelveLabs;
use twelvelabs::{Error, TaskStatus};
use twelvelabs_emulator::{Emulator, EmulatorConfig, Pace};

const INDEX: &str = "6298d673f1090f1100476d4c";

/// An emulator on its own thread and runtime; dropping it stops the server.
struct Server {
    url: String,
    key: String,
    stop: Option<mpsc::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Server {
    fn start(pace: Pace) -> Server {
        let (ready_tx, ready_rx) = mpsc::channel();
        let (stop_tx, stop_rx) = mpsc::channel::<()>();
        let thread = std::thread::spawn(move || {
            let rt = tokio::runtime::Runtime::new().unwrap();
            rt.block_on(async move {
                let config = EmulatorConfig {
                    pace,
                    ..EmulatorConfig::default()
                };
                let emulator = Emulator::start(config).await.unwrap();
                ready_tx
                    .send((emulator.base_url(), emulator.api_key().to_owned()))
                    .unwrap();
                let _ = tokio::task::spawn_blocking(move || stop_rx.recv()).await;
                emulator.shutdown().await;
            });
        });
        let (url, key) = ready_rx.recv().unwrap();
        Server {
            url,
            key,
            stop: Some(stop_tx),
            thread: Some(thread),
        }
    }

    fn client(&self) -> TwelveLabs {
        let inner = twelvelabs::TwelveLabs::builder()
            .api_key(&self.key)
            .base_url(&self.url)
            .build()
            .unwrap();
        TwelveLabs::from_client(inner).unwrap()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        drop(self.stop.take());
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

#[test]
fn create_wait_list_iterate_delete_from_plain_fn() {
    let server = Server::start(Pace::PerRetrieve);
    let client = server.client();
    let tasks = client.task();

    let mut ids = Vec::new();
    for name in ["a.mp4", "b.mp4", "c.mp4"] {
        let handle = tasks
            .create(INDEX)
            .with(|c| c.url(format!("https://example.com/{name}")))
            .send()
            .unwrap();
        ids.push(handle.task().id.to_string());
    }
    let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let sink = seen.clone();
    let done = tasks
        .wait_for_done(&ids[0])
        .with(|w| {
            w.sleep_interval(Duration::from_millis(1))
                .callback(move |t| sink.lock().unwrap().push(t.status.clone()))
        })
        .send()
        .unwrap();
    assert_eq!(done.status, TaskStatus::Ready);
    assert!(
        seen.lock().unwrap().len() >= 2,
        "the callback saw every poll"
    );
    assert_eq!(
        tasks.retrieve(&ids[0]).send().unwrap().status,
        TaskStatus::Ready
    );

    // One page of 2, and the iterator over every page.
    let page = tasks
        .list()
        .with(|l| l.index_id(INDEX).page_limit(2))
        .send()
        .unwrap();
    assert_eq!(page.len(), 2);
    let mut all: Vec<String> = tasks
        .list()
        .with(|l| l.index_id(INDEX).page_limit(2))
        .iter()
        .map(|t| t.unwrap().id.to_string())
        .collect();
    all.sort();
    let mut expected = ids.clone();
    expected.sort();
    assert_eq!(all, expected);

    tasks
        .delete(&ids[0])
        .with(|d| d.with_video())
        .send()
        .unwrap();
    let gone = tasks.retrieve(&ids[0]).send().unwrap_err();
    assert_eq!(gone.status().map(|s| s.as_u16()), Some(404), "{gone}");
}

#[test]
fn imports_and_block_on_escape_hatch() {
    let server = Server::start(Pace::Instant);
    let client = server.client();
    let transfers = client.task().transfers();
    let started = transfers
        .import_videos(twelvelabs_emulator::DEMO_INTEGRATION_ID, INDEX)
        .send()
        .unwrap();
    assert_eq!(started.failed_files.len(), 1);
    let logs = transfers
        .import_logs(twelvelabs_emulator::DEMO_INTEGRATION_ID)
        .send()
        .unwrap();
    assert_eq!(logs.len(), 1);

    let handle = client
        .task()
        .create(INDEX)
        .with(|c| c.url("https://example.com/fail.mp4"))
        .send()
        .unwrap();
    let task = client.block_on(handle.wait_for_done()).unwrap();
    assert_eq!(task.status, TaskStatus::Failed);
}

#[test]
fn errors_are_typed_and_clones_outlive_the_original() {
    let server = Server::start(Pace::Instant);
    let client = server.client();
    let tasks = client.task();
    drop(client);
    let err = tasks.retrieve("").send().unwrap_err();
    assert!(matches!(err, Error::InvalidInput { .. }), "{err:?}");
    let err = tasks
        .retrieve("0000000000000000000000ff")
        .send()
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(404));
}

#[test]
fn inside_a_runtime_is_a_clear_error_not_a_panic() {
    let server = Server::start(Pace::Instant);
    let client = server.client();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let err = client.task().retrieve("any").send().unwrap_err();
        assert!(
            matches!(&err, Error::Config(m) if m.contains("inside an async runtime")),
            "{err:?}"
        );
        let err = TwelveLabs::new("tlk_x").unwrap_err();
        assert!(matches!(err, Error::Config(_)), "{err:?}");
        // `spawn_blocking` threads are inside the runtime too.
        let c = client.clone();
        let err = tokio::task::spawn_blocking(move || c.task().retrieve("any").send())
            .await
            .unwrap()
            .unwrap_err();
        assert!(matches!(err, Error::Config(_)), "{err:?}");
        // Dropping the last clone in here must not panic either.
        drop(client);
    });
}

#[test]
fn indexes_and_videos_from_plain_fn() {
    let server = Server::start(Pace::Instant);
    let client = server.client();
    let index = client
        .index()
        .create("blocking")
        .with(|c| c.engine("marengo2.6", ["visual"]))
        .send()
        .unwrap();
    client.index().update(&index.id, "renamed").send().unwrap();
    assert_eq!(
        client.index().retrieve(&index.id).send().unwrap().name,
        "renamed"
    );
    let names: Vec<String> = client
        .index()
        .list()
        .iter()
        .map(|i| i.unwrap().name)
        .collect();
    assert!(names.contains(&"renamed".to_owned()), "{names:?}");

    let handle = client
        .task()
        .create(&index.id)
        .with(|c| c.url("https://example.com/v.mp4"))
        .send()
        .unwrap();
    let task = client.block_on(handle.wait_for_done()).unwrap();
    let video_id = task.video_id.unwrap();
    let videos = client.index().video();
    let listed: Vec<_> = videos
        .list(&index.id)
        .iter()
        .map(|v| v.unwrap().id)
        .collect();
    assert_eq!(listed, std::slice::from_ref(&video_id));
    videos
        .update(&index.id, &video_id)
        .with(|u| u.title("T"))
        .send()
        .unwrap();
    assert_eq!(
        videos
            .retrieve(&index.id, &video_id)
            .send()
            .unwrap()
            .metadata
            .and_then(|m| m.video_title)
            .as_deref(),
        Some("T")
    );
    videos.delete(&index.id, &video_id).send().unwrap();
    client.index().delete(&index.id).send().unwrap();
    let gone = client.index().retrieve(&index.id).send().unwrap_err();
    assert_eq!(gone.status().map(|s| s.as_u16()), Some(404));
}
