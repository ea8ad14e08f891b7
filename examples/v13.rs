//! API v1.2 and v1.3 side by side on one client: `with_api_version` gives a
//! v1.3 view of the same client (same connections, same key).
//!
//! ```text
//! cargo run --example v13
//! ```
//!
//! On v1.3 a create can carry `user_metadata`, the task has its `video_id` from the
//! start and the list can filter on several statuses; v1.2-only inputs (language,
//! transcriptions, the `_id` and `estimated_time` filters) are refused before any
//! request is sent.
#![allow(clippy::print_stdout, clippy::print_stderr)]

mod common;

use std::process::ExitCode;

use common::{delete_task, show, Backend, BoxError, SAMPLE_VIDEO};
use twelvelabs::{ApiVersion, Error, TaskStatus, UserMetadata};
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
    let v12 = backend.client.with_api_version(ApiVersion::V1_2);
    let v13 = backend.client.with_api_version(ApiVersion::V1_3);
    let index_id = backend.index_id.as_str();
    println!("clients: {} and {}", v12.api_version(), v13.api_version());

    // v1.2: language and a transcription are accepted.
    let old = v12
        .task()
        .create(index_id)
        .file(SAMPLE_VIDEO)
        .language("en")
        .transcription_bytes("1\n00:00:00,000 --> 00:00:02,000\nHello.\n", "sample.srt")
        .send()
        .await?;
    println!(
        "v1.2 task {} ({}), video id {}",
        old.id,
        old.status,
        show(&old.video_id)
    );

    // v1.3: user metadata, sent verbatim as a JSON string.
    let mut metadata = UserMetadata::new();
    metadata.insert("category".into(), "demo".into());
    metadata.insert("episode".into(), 3.into());
    metadata.insert("needs_review".into(), false.into());
    let new = v13
        .task()
        .create(index_id)
        .file(SAMPLE_VIDEO)
        .enable_video_stream(true)
        .user_metadata(metadata)
        .send()
        .await?;
    println!(
        "v1.3 task {} ({}), video id {}",
        new.id,
        new.status,
        show(&new.video_id)
    );

    // v1.2-only inputs are refused on v1.3 before any I/O.
    let refused = v13
        .task()
        .create(index_id)
        .file(SAMPLE_VIDEO)
        .transcription_file("sample.srt")
        .send()
        .await;
    match refused {
        Err(e @ Error::InvalidInput { .. }) => println!("refused locally, as expected: {e}"),
        Err(e) => return Err(e.into()),
        Ok(t) => return Err(format!("v1.3 accepted a transcription (task {})", t.id).into()),
    }

    // Wait for both, each through its own version.
    let interval = backend.poll_interval();
    let old = old.wait_for_done().sleep_interval(interval).await?;
    let new = new.wait_for_done().sleep_interval(interval).await?;
    println!("v1.2 task is {}, v1.3 task is {}", old.status, new.status);
    if let Some(m) = new.metadata.as_ref() {
        println!(
            "v1.3 system_metadata: {}",
            serde_json::Value::Object(m.to_map())
        );
    }
    if let Some(user_metadata) = new.extra.get("user_metadata") {
        println!("v1.3 user_metadata: {user_metadata}");
    }

    // A status-filtered list on v1.3: `status` repeated.
    let finished = v13
        .task()
        .list()
        .index_id(index_id)
        .status(TaskStatus::Ready)
        .status(TaskStatus::Failed)
        .page_limit(10)
        .send()
        .await?;
    println!(
        "v1.3 list, status ready or failed: {} task(s)",
        finished.len()
    );
    for t in &finished {
        println!("  {} {}", t.id, t.status);
    }

    // Both versions see the same tasks; delete through either.
    delete_task(&v12, &old.id).await?;
    delete_task(&v13, &new.id).await?;
    Ok(())
}
