//! The cloud-to-cloud import examples of the Python SDK documentation in Rust:
//! `import_videos`, `import_status` and `import_logs`.
//!
//! ```text
//! cargo run --example task_cloud_import
//! ```
//!
//! Offline it imports the embedded emulator's demo integration (four files, one of
//! which is too big and is rejected up front). Against the real API set
//! `TWELVELABS_API_KEY`, `TWELVELABS_INDEX_ID` and `TWELVELABS_INTEGRATION_ID`.
#![allow(clippy::print_stdout, clippy::print_stderr)]

mod common;

use std::process::ExitCode;
use std::time::{Duration, Instant};

use common::{Backend, BoxError};
use twelvelabs::models::{UserMetadata, VideoStatusCounts};
use twelvelabs_emulator::{Pace, DEMO_INTEGRATION_ID};

#[tokio::main]
async fn main() -> ExitCode {
    let backend = match Backend::connect(Pace::Every(Duration::from_millis(200))).await {
        Ok(b) => b,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    let outcome = run(&backend).await;
    backend.shutdown().await;
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn run(backend: &Backend) -> Result<(), BoxError> {
    let client = &backend.client;
    let index_id = backend.index_id.as_str();
    let integration_id = if backend.is_emulated() {
        DEMO_INTEGRATION_ID.to_owned()
    } else {
        std::env::var("TWELVELABS_INTEGRATION_ID")
            .ok()
            .filter(|v| !v.trim().is_empty())
            .ok_or(
                "TWELVELABS_INTEGRATION_ID is not set: give the id of one of your integrations",
            )?
    };

    // ── Import videos ───────────────────────────────────────────────────────
    println!("== import_videos({integration_id}, {index_id})");
    // Optional: metadata for every imported video, sent verbatim (keys never rewritten).
    let mut metadata = UserMetadata::new();
    metadata.insert("source".into(), "rust-sdk-example".into());
    let res = client
        .task()
        .transfers()
        .import_videos(&integration_id, index_id)
        .user_metadata(metadata)
        .send()
        .await?;
    for video in &res.videos {
        println!("video: {} {}", video.video_id, video.filename);
    }
    for failed_file in &res.failed_files {
        println!(
            "failed_file: {} {}",
            failed_file.filename, failed_file.error_message
        );
    }

    // ── Retrieve import status ──────────────────────────────────────────────
    // Poll until no file is in flight (a few seconds on the emulator).
    println!("\n== import_status({integration_id}, {index_id})");
    let interval = backend.poll_interval();
    let deadline = Instant::now()
        + if backend.is_emulated() {
            Duration::from_secs(30)
        } else {
            Duration::from_secs(3 * 60 * 60)
        };
    let status = loop {
        let status = client
            .task()
            .transfers()
            .import_status(&integration_id, index_id)
            .await?;
        let in_flight = status.validating.len()
            + status.pending.len()
            + status.queued.len()
            + status.indexing.len();
        println!(
            "  not_imported={} validating={} pending={} queued={} indexing={} ready={} failed={}",
            status.not_imported.len(),
            status.validating.len(),
            status.pending.len(),
            status.queued.len(),
            status.indexing.len(),
            status.ready.len(),
            status.failed.len()
        );
        if in_flight == 0 || Instant::now() >= deadline {
            break status;
        }
        tokio::time::sleep(interval).await;
    };
    for ready in &status.ready {
        println!(
            "ready: {} {} {}",
            ready.video_id,
            ready.filename,
            common::show(&ready.created_at)
        );
    }
    for failed in &status.failed {
        println!("failed: {} {}", failed.filename, failed.error_message);
    }

    // ── Retrieve import logs ────────────────────────────────────────────────
    println!("\n== import_logs({integration_id})");
    let logs = client
        .task()
        .transfers()
        .import_logs(&integration_id)
        .await?;
    for log in &logs {
        println!(
            "index_id={} index_name={} created_at={} ended_at={} video_status={}",
            log.index_id,
            log.index_name,
            log.created_at,
            common::show(&log.ended_at),
            counts(&log.video_status)
        );
        for failed_file in &log.failed_files {
            println!(
                "failed_file: {} {}",
                failed_file.filename, failed_file.error_message
            );
        }
    }
    Ok(())
}

/// The counters of an import run, the way the Python model prints them.
fn counts(c: &VideoStatusCounts) -> String {
    format!(
        "ready={} validating={} pending={} indexing={} failed={} queued={}",
        c.ready, c.validating, c.pending, c.indexing, c.failed, c.queued
    )
}
