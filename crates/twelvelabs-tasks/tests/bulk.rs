//! `create_bulk`: bounded concurrency, one result per input, in input order.

mod common;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::*;
use twelvelabs_tasks::VideoSource;
use twelvelabs_transport::{ApiVersion, Error};
use wiremock::matchers::{method, path_regex};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

/// The index `i` of `https://example.com/video-{i}.mp4` in a create request.
fn video_index(request: &Request) -> usize {
    let parts = form_of(request);
    let url = parts
        .iter()
        .find(|p| p.name == "video_url" && p.is_text())
        .expect("video_url text part")
        .text()
        .to_owned();
    url.trim_start_matches("https://example.com/video-")
        .trim_end_matches(".mp4")
        .parse()
        .expect("index in url")
}

#[tokio::test]
async fn ten_urls_at_concurrency_3_keep_input_order_and_surface_one_failure() {
    const FAILING: usize = 4;
    let server = MockServer::start().await;
    let arrivals: Arc<Mutex<Vec<Instant>>> = Arc::default();
    let log = Arc::clone(&arrivals);
    Mock::given(method("POST"))
        .respond_with(move |request: &Request| {
            log.lock().unwrap().push(Instant::now());
            let i = video_index(request);
            // Early items are slower, so later ones finish first.
            let delay = Duration::from_millis(if i.is_multiple_of(3) { 200 } else { 60 });
            if i == FAILING {
                api_error(400, "video_file_broken", "Cannot read video file.").set_delay(delay)
            } else {
                json(200, serde_json::json!({ "_id": format!("task-{i:02}") })).set_delay(delay)
            }
        })
        .expect(10)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path_regex("^/v1.2/tasks/task-[0-9]{2}$"))
        .respond_with(|request: &Request| {
            let id = request.url.path().rsplit('/').next().unwrap().to_owned();
            json(200, task_json(&id, "validating"))
        })
        .expect(9)
        .mount(&server)
        .await;
    let (tasks, _) = client(&server, ApiVersion::V1_2);

    let urls: Vec<String> = (0..10)
        .map(|i| format!("https://example.com/video-{i}.mp4"))
        .collect();
    let results = tasks
        .create_bulk("IDX")
        .urls(urls)
        .disable_video_stream(true)
        .with_concurrency(3)
        .send()
        .await;

    assert_eq!(results.len(), 10);
    for (i, result) in results.iter().enumerate() {
        if i == FAILING {
            let err = result.as_ref().unwrap_err();
            assert_eq!(err.code(), Some("video_file_broken"), "{err}");
        } else {
            let task = result.as_ref().unwrap_or_else(|e| panic!("{i}: {e}"));
            assert_eq!(task.id, format!("task-{i:02}"));
        }
    }

    // Every POST carried the shared options.
    for r in received(&server)
        .await
        .iter()
        .filter(|r| r.method.as_str() == "POST")
    {
        let parts = form_of(r);
        assert!(parts
            .iter()
            .any(|p| p.name == "disable_video_stream" && p.text() == "true"));
        assert_eq!(parts[0].text(), "IDX");
    }

    // No more than 3 creates in flight: each create takes at least 60 ms after its
    // POST arrives, so 4 POST arrivals within 60 ms would mean 4 at once.
    let mut times = arrivals.lock().unwrap().clone();
    times.sort();
    assert_eq!(times.len(), 10);
    for w in times.windows(4) {
        assert!(
            w[3] - w[0] >= Duration::from_millis(60),
            "4 creates in flight at once: {:?}",
            w[3] - w[0]
        );
    }
    // And they did overlap (the first three start together).
    assert!(times[1] - times[0] < Duration::from_millis(60));
}

#[tokio::test]
async fn sources_of_every_kind_and_local_failures_stay_in_place() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(|request: &Request| {
            let parts = form_of(request);
            let name = parts
                .iter()
                .find(|p| p.name == "video_file")
                .and_then(|p| p.filename.clone())
                .unwrap_or_else(|| "url".into());
            json(
                200,
                serde_json::json!({ "_id": format!("id-{}", name.replace('.', "-")) }),
            )
        })
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(|request: &Request| {
            let id = request.url.path().rsplit('/').next().unwrap().to_owned();
            json(200, task_json(&id, "pending"))
        })
        .mount(&server)
        .await;
    let (tasks, _) = client(&server, ApiVersion::V1_2);
    let a = TempFile::new("a.mp4", b"aaaa");
    let missing = TempFile::missing("missing.mp4");

    let results = tasks
        .create_bulk("IDX")
        .files([&a.path, &missing])
        .urls(["https://example.com/v.mp4"])
        .videos([VideoSource::Url("not a url".into())])
        .language("en")
        .with_concurrency(0)
        .send()
        .await;

    assert_eq!(results.len(), 4);
    assert_eq!(results[0].as_ref().unwrap().id, "id-a-mp4");
    assert!(
        matches!(&results[1], Err(Error::Io { path: Some(p), .. }) if *p == missing),
        "{:?}",
        results[1]
    );
    assert_eq!(results[2].as_ref().unwrap().id, "id-url");
    assert!(matches!(&results[3], Err(Error::InvalidInput { .. })));
    let posts: Vec<_> = received(&server)
        .await
        .into_iter()
        .filter(|r| r.method.as_str() == "POST")
        .collect();
    assert_eq!(posts.len(), 2, "local failures send nothing");
    for post in &posts {
        assert!(form_of(post)
            .iter()
            .any(|p| p.name == "language" && p.text() == "en"));
    }
}

#[tokio::test]
async fn an_empty_bulk_is_empty() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(500))
        .expect(0)
        .mount(&server)
        .await;
    let (tasks, _) = client(&server, ApiVersion::V1_2);
    assert!(tasks.create_bulk("IDX").send().await.is_empty());
}

#[tokio::test]
async fn v13_bulk_sends_stream_flag_and_user_metadata_on_every_create() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(|request: &Request| {
            let i = video_index(request);
            json(200, serde_json::json!({ "_id": format!("task-{i:02}") }))
        })
        .expect(2)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path_regex("^/v1.3/tasks/task-[0-9]{2}$"))
        .respond_with(|request: &Request| {
            let id = request.url.path().rsplit('/').next().unwrap().to_owned();
            json(200, task_json(&id, "validating"))
        })
        .mount(&server)
        .await;
    let (tasks, _) = client(&server, ApiVersion::V1_3);
    let mut metadata = serde_json::Map::new();
    metadata.insert("batchNumber".into(), serde_json::json!(7));
    let results = tasks
        .create_bulk("IDX")
        .urls((0..2).map(|i| format!("https://example.com/video-{i}.mp4")))
        .enable_video_stream(false)
        .user_metadata(metadata)
        .send()
        .await;
    assert!(results.iter().all(Result::is_ok));
    for request in received(&server)
        .await
        .iter()
        .filter(|r| r.method.as_str() == "POST")
    {
        let parts = form_of(request);
        let text = |name: &str| {
            parts
                .iter()
                .find(|p| p.name == name)
                .map(|p| p.text().to_owned())
        };
        assert_eq!(text("enable_video_stream").as_deref(), Some("false"));
        assert_eq!(
            text("user_metadata").as_deref(),
            Some(r#"{"batchNumber":7}"#)
        );
        assert_eq!(text("disable_video_stream"), None);
    }
}
