//! Quickstart: the whole workflow. Create an index, upload a video with a progress
//! bar, watch it being indexed, list the index's tasks page by page, then delete
//! each video and task and the index: it leaves nothing behind.
//!
//! ```text
//! cargo run --example quickstart
//! ```
//!
//! Without `TWELVELABS_API_KEY` it runs offline against the embedded emulator and
//! finishes in a few seconds. With `TWELVELABS_API_KEY` set it does the same on the
//! real API, in an index of its own (and `TWELVELABS_VIDEO_URL`, if set, for the
//! extra URL tasks).
#![allow(clippy::print_stdout, clippy::print_stderr)]

mod common;

use std::process::ExitCode;
use std::time::Duration;

use common::{show, show_value, Backend, BoxError, SAMPLE_VIDEO};
use indicatif::{ProgressBar, ProgressStyle};
use twelvelabs::{ApiVersion, IndexId, Task, TaskStatus, TwelveLabs};
use twelvelabs_emulator::Pace;

#[tokio::main]
async fn main() -> ExitCode {
    // Each lifecycle step takes 400 ms on the emulator: about 2 s of visible progress.
    let backend =
        match Backend::connect_without_index(Pace::Every(Duration::from_millis(400))).await {
            Ok(b) => b,
            Err(e) => {
                eprintln!("error: {e}");
                return ExitCode::FAILURE;
            }
        };
    let mut created: Vec<String> = Vec::new();
    let index = create_index(&backend.client).await;
    let outcome = match &index {
        Ok(index_id) => run(&backend, index_id, &mut created).await,
        Err(e) => Err(e.to_string().into()),
    };
    // Clean up whatever was created, even after an error.
    let cleanup = match &index {
        Ok(index_id) => cleanup(&backend.client, index_id, &created).await,
        Err(_) => Ok(()),
    };
    backend.shutdown().await;
    match outcome.and(cleanup) {
        Ok(()) => {
            println!("\nDone.");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// 0. An index of our own, named after the clock so reruns never collide.
async fn create_index(client: &TwelveLabs) -> Result<IndexId, BoxError> {
    let name = format!(
        "quickstart-{}",
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_millis())
            .unwrap_or_default()
    );
    let create = client.index().create(name.clone());
    let create = match client.api_version() {
        ApiVersion::V1_2 => create.engine("marengo2.6", ["visual", "conversation"]),
        _ => create.model("marengo2.7", ["visual", "audio"]),
    };
    let index = create.send().await?;
    println!("\nCreated index {name} ({})", index.id);
    Ok(index.id)
}

async fn run(
    backend: &Backend,
    index_id: &IndexId,
    created: &mut Vec<String>,
) -> Result<(), BoxError> {
    let client = &backend.client;
    let index_id = index_id.as_str();

    // 1. Upload the sample video, with a progress bar fed by `on_progress`.
    println!("\nUploading {SAMPLE_VIDEO}");
    let bar = ProgressBar::new(0).with_style(ProgressStyle::with_template(
        "  {bar:40.cyan/blue} {bytes}/{total_bytes} {msg}",
    )?);
    let progress = bar.clone();
    let task = client
        .task()
        .create(index_id)
        .file(SAMPLE_VIDEO)
        .on_progress(move |p| {
            if let Some(total) = p.total {
                progress.set_length(total);
            }
            progress.set_position(p.sent);
        })
        .send()
        .await;
    bar.finish_and_clear();
    let task = task?;
    created.push(task.id.to_string());
    println!("  uploaded; Task id={} status={}", task.id, task.status);

    // 2. A few more tasks, from URLs, so the listing below has several pages.
    //    (The emulator never fetches them; a URL whose path contains "fail" fails.)
    let urls: Vec<String> = if backend.is_emulated() {
        [
            "https://example.com/videos/intro.mp4",
            "https://example.com/videos/keynote.mp4",
            "https://example.com/videos/demo.mov",
            "https://example.com/videos/fail-corrupted.mp4",
        ]
        .map(str::to_owned)
        .to_vec()
    } else {
        match std::env::var("TWELVELABS_VIDEO_URL") {
            Ok(url) if !url.trim().is_empty() => vec![url],
            _ => {
                println!("(TWELVELABS_VIDEO_URL not set: no extra URL tasks on the real API)");
                Vec::new()
            }
        }
    };
    if !urls.is_empty() {
        println!("\nCreating {} more tasks from URLs", urls.len());
        let results = client
            .task()
            .create_bulk(index_id)
            .urls(urls.iter().cloned())
            .send()
            .await;
        for (url, result) in urls.iter().zip(results) {
            let extra = result?;
            println!("  {} <- {url}", extra.id);
            created.push(extra.id.to_string());
        }
    }

    // 3. Wait for the upload to be indexed, showing every status seen.
    println!("\nWaiting for task {} to be indexed", task.id);
    let spinner = ProgressBar::new_spinner().with_style(ProgressStyle::with_template(
        "  {spinner:.green} {elapsed} {msg}",
    )?);
    spinner.enable_steady_tick(Duration::from_millis(80));
    let shown = spinner.clone();
    let mut last_status: Option<TaskStatus> = None;
    let done = task
        .wait_for_done()
        .sleep_interval(backend.poll_interval())
        .max_wait(if backend.is_emulated() {
            Duration::from_secs(60)
        } else {
            Duration::from_secs(3 * 60 * 60)
        })
        .callback(move |t: &Task| {
            let percent = t
                .process
                .as_ref()
                .and_then(|p| p.percentage)
                .map(|p| format!(" ({p:.0}%)"))
                .unwrap_or_default();
            shown.set_message(format!("{}{percent}", t.status));
            if last_status.as_ref() != Some(&t.status) {
                shown.suspend(|| println!("  status: {}", t.status));
                last_status = Some(t.status.clone());
            }
        })
        .await;
    spinner.finish_and_clear();
    let done = done?;
    // `wait_for_done` returns Ok for `failed` too: the caller checks the status.
    if done.status != TaskStatus::Ready {
        return Err(format!("indexing ended with status {}", done.status).into());
    }

    // 4. The finished task.
    println!("\nIndexed:");
    println!("  task id:  {}", done.id);
    println!("  video id: {}", show(&done.video_id));
    println!("  status:   {}", done.status);
    if let Some(metadata) = &done.metadata {
        for (key, value) in metadata.iter() {
            println!("  metadata.{key}: {}", show_value(&value));
        }
    }
    if let Some(hls) = &done.hls {
        println!("  hls.video_url: {}", show(&hls.video_url));
        println!("  hls.status:    {}", show(&hls.status));
    }

    // 5. The other tasks must be done too before they can be deleted.
    for id in created.iter().skip(1) {
        let t = client
            .task()
            .wait_for_done(id)
            .sleep_interval(backend.poll_interval())
            .await?;
        println!("  task {id}: {}", t.status);
    }

    // 6. List the index's tasks, two per page.
    println!("\nTasks of index {index_id}, 2 per page:");
    let mut pager = client
        .task()
        .list_pagination()
        .index_id(index_id)
        .page_limit(2)
        .send()
        .await?;
    print_page(&pager.page_info, &pager.data);
    while let Some(page) = pager.next_page().await? {
        print_page(&pager.page_info, &page);
    }
    Ok(())
}

fn print_page(info: &twelvelabs::PageInfo, tasks: &[Task]) {
    println!(
        "  page {}/{} ({} tasks in all)",
        info.page, info.total_page, info.total_results
    );
    for t in tasks {
        let filename = t
            .metadata
            .as_ref()
            .and_then(|m| m.filename.clone())
            .unwrap_or_default();
        println!("    {}  {:<8}  {filename}", t.id, t.status.as_str());
    }
}

/// Deletes what this run created: each task with its video (a `ready` task can
/// only be deleted once its video is), then the index.
async fn cleanup(
    client: &TwelveLabs,
    index_id: &IndexId,
    created: &[String],
) -> Result<(), BoxError> {
    println!("\nCleaning up");
    let mut first_error: Option<BoxError> = None;
    for id in created {
        match client.task().delete(id.as_str()).with_video().await {
            Ok(()) => println!("  deleted task {id} and its video"),
            Err(e) => {
                println!("  could not delete task {id}: {e}");
                first_error.get_or_insert(e.into());
            }
        }
    }
    match client.index().delete(index_id.clone()).await {
        Ok(()) => println!("  deleted index {index_id}"),
        Err(e) => {
            println!("  could not delete index {index_id}: {e}");
            first_error.get_or_insert(e.into());
        }
    }
    first_error.map_or(Ok(()), Err)
}
