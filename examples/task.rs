//! The Task resource examples of the Python SDK documentation, step for step in
//! Rust: create (with a transcription), wait, retrieve, list, list with pagination,
//! delete, and the deprecated cloud-to-cloud transfer.
//!
//! ```text
//! cargo run --example task
//! ```
//!
//! Offline (no `TWELVELABS_API_KEY`) it runs against the embedded emulator; the
//! seed's filter values then simply match nothing. Against the real API, set
//! `TWELVELABS_API_KEY` and `TWELVELABS_INDEX_ID`; the legacy transfer runs only if
//! `TWELVELABS_TRANSFER_FILE` names your transfer JSON file.
#![allow(clippy::print_stdout, clippy::print_stderr)]

mod common;

use std::path::PathBuf;
use std::process::ExitCode;

use common::{delete_task, print_task, Backend, BoxError, SAMPLE_VIDEO};
use twelvelabs::models::TransferFileEntry;
use twelvelabs::{ApiVersion, DateFilter, SortBy, SortOption, Task};
use twelvelabs_emulator::Pace;

#[tokio::main]
async fn main() -> ExitCode {
    let backend = match Backend::connect(Pace::PerRetrieve).await {
        Ok(b) => b,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    let scratch =
        std::env::temp_dir().join(format!("twelvelabs-task-example-{}", std::process::id()));
    let outcome = run(&backend, &scratch).await;
    let _ = std::fs::remove_dir_all(&scratch);
    backend.shutdown().await;
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Utility function to print the status of a video indexing task.
fn on_task_update(task: &Task) {
    println!("  Status={}", task.status);
}

/// Prints a page of tasks.
fn print_page(page: &[Task]) {
    for task in page {
        print_task(task);
    }
}

async fn run(backend: &Backend, scratch: &PathBuf) -> Result<(), BoxError> {
    // The seed documents API v1.2 (transcriptions, the `id` and `estimated_time`
    // filters and the legacy transfer exist there only), whatever the base URL says.
    let client = &backend.client.with_api_version(ApiVersion::V1_2);
    let index_id = backend.index_id.as_str();

    // A tiny transcription, written to a temporary directory.
    std::fs::create_dir_all(scratch)?;
    let transcription = scratch.join("sample.srt");
    std::fs::write(
        &transcription,
        "1\n00:00:00,000 --> 00:00:02,000\nHello from the Rust SDK.\n\n\
         2\n00:00:02,000 --> 00:00:04,000\nThis is a sample transcription.\n",
    )?;

    // ── Create a video indexing task ────────────────────────────────────────
    println!("== create");
    let task = client
        .task()
        .create(index_id)
        .file(SAMPLE_VIDEO)
        .transcription_file(&transcription)
        .send()
        .await?;
    println!("Task id={}", task.id);

    // The seed's `sleep_interval=5`; 150 ms against the emulator.
    let task = task
        .wait_for_done()
        .sleep_interval(backend.poll_interval())
        .callback(on_task_update)
        .await?;
    if task.status != "ready" {
        return Err(format!("Indexing failed with status {}", task.status).into());
    }
    println!(
        "Video ID: {}",
        task.video_id.as_ref().map_or("None", |v| v.as_str())
    );

    // ── Retrieve a video indexing task ──────────────────────────────────────
    println!("\n== retrieve");
    let retrieved_task = client.task().retrieve(&task.id).await?;
    print_task(&retrieved_task);

    // ── List video indexing tasks with direct pagination ────────────────────
    // Every filter of the seed's example. (`id` and `estimated_time` are v1.2 filters.)
    println!("\n== list");
    let tasks = client
        .task()
        .list()
        .id(task.id.as_str())
        .index_id(index_id)
        .filename("sample.mp4")
        .duration(20.0)
        .width(1920)
        .height(1080)
        .sort_by(SortBy::UpdatedAt)
        .sort_option(SortOption::Asc)
        .created_at(DateFilter::parse("2024-09-17T07:53:46.365Z")?)
        .updated_at(DateFilter::parse("2024-09-17T07:53:46.365Z")?)
        .estimated_time(DateFilter::parse("2024-09-17T07:55:22.125Z")?)
        .page(2)
        .page_limit(5)
        .send()
        .await?;
    println!("({} tasks match)", tasks.len());
    for task in &tasks {
        print_task(task);
    }

    // ── List video indexing tasks with iterative pagination ─────────────────
    println!("\n== list_pagination");
    // Fetch the initial page of results.
    let mut task_paginator = client
        .task()
        .list_pagination()
        .id(task.id.as_str())
        .index_id(index_id)
        .filename("sample.mp4")
        .duration(20.0)
        .width(1920)
        .height(1080)
        .sort_by(SortBy::UpdatedAt)
        .sort_option(SortOption::Asc)
        .created_at(DateFilter::parse("2024-09-17T07:53:46.365Z")?)
        .updated_at(DateFilter::parse("2024-09-17T07:53:46.365Z")?)
        .estimated_time(DateFilter::parse("2024-09-17T07:55:22.125Z")?)
        .page(2)
        .page_limit(5)
        .send()
        .await?;
    // Print the first page of results.
    print_page(&task_paginator.data);
    // Iterate through subsequent pages.
    while let Some(next_task_page) = task_paginator.next_page().await? {
        print_page(&next_task_page);
    }
    let info = &task_paginator.page_info;
    println!(
        "(no more pages: page {} of {}, {} results)",
        info.page, info.total_page, info.total_results
    );

    // The same listing without the seed's placeholder filters: this index's tasks.
    println!("\n== list_pagination (this index, 5 per page)");
    let mut pages = client
        .task()
        .list_pagination()
        .index_id(index_id)
        .page_limit(5)
        .send()
        .await?;
    print_page(&pages.data);
    while let Some(page) = pages.next_page().await? {
        print_page(&page);
    }

    // ── Delete a video indexing task ────────────────────────────────────────
    println!("\n== delete");
    delete_task(client, &task.id).await?;

    // ── Make a cloud-to-cloud transfer (deprecated) ─────────────────────────
    println!("\n== transfer (deprecated; prefer transfers().import_videos(..))");
    let transfer_file: Option<PathBuf> = if backend.is_emulated() {
        let path = scratch.join("transfer.json");
        let entries = vec![
            TransferFileEntry::new(index_id, "s3://my-bucket/videos/01.mp4"),
            TransferFileEntry::new(index_id, "s3://my-bucket/videos/02.mp4"),
        ];
        std::fs::write(&path, serde_json::to_vec_pretty(&entries)?)?;
        Some(path)
    } else {
        std::env::var_os("TWELVELABS_TRANSFER_FILE").map(PathBuf::from)
    };
    match transfer_file {
        Some(path) => {
            #[allow(deprecated)]
            client.task().transfer(path.clone()).await?;
            println!("Transfer of {} accepted", path.display());
        }
        None => println!("(skipped: set TWELVELABS_TRANSFER_FILE to your transfer JSON file)"),
    }
    Ok(())
}
