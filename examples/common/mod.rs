//! What every example shares: "the real API, or the embedded emulator".
//!
//! - With `TWELVELABS_API_KEY` (or `TWELVE_LABS_API_KEY`) set, the client comes from
//!   [`TwelveLabs::from_env`] (so `TWELVELABS_BASE_URL` is honoured too) and the
//!   index id from `TWELVELABS_INDEX_ID`, which is then required.
//! - Without a key, an emulator of the Task API is started in this process on a
//!   free port, and the client points at it. Nothing leaves the machine.
//!
//! Each example includes this file with `mod common;`; not every example uses
//! every helper.
#![allow(dead_code)]

use std::error::Error as StdError;
use std::fmt::Display;
use std::time::Duration;

use twelvelabs::models::Task;
use twelvelabs::TwelveLabs;
use twelvelabs_emulator::{Emulator, EmulatorConfig, Pace};

/// The error type of the examples: anything with a `Display`.
pub type BoxError = Box<dyn StdError + Send + Sync + 'static>;

/// The index id variable, required with a real API key.
pub const INDEX_ID_ENV: &str = "TWELVELABS_INDEX_ID";

/// The emulator's demo index, present at start (the only index it has by default).
pub const EMULATOR_INDEX_ID: &str = "6298d673f1090f1100476d4c";

/// The sample video committed with the examples.
pub const SAMPLE_VIDEO: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/assets/sample.mp4");

/// A client, the index to work in, and the emulator when one was started.
pub struct Backend {
    /// The client.
    pub client: TwelveLabs,
    /// The index the example works in.
    pub index_id: String,
    emulator: Option<Emulator>,
}

impl Backend {
    /// The real API when a key is set (then `TWELVELABS_INDEX_ID` names the index
    /// to work in), else an emulator at `pace` and its demo index.
    pub async fn connect(pace: Pace) -> Result<Self, BoxError> {
        let mut backend = Self::connect_without_index(pace).await?;
        if !backend.is_emulated() {
            backend.index_id = std::env::var(INDEX_ID_ENV)
                .ok()
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
                .ok_or_else(|| {
                    format!(
                        "{INDEX_ID_ENV} is not set: with an API key the example needs the id of \
                         one of your indexes (or unset TWELVELABS_API_KEY to run offline against \
                         the embedded emulator)"
                    )
                })?;
            println!("Working in index {}.", backend.index_id);
        }
        Ok(backend)
    }

    /// The real API when a key is set, else an emulator at `pace`; for examples
    /// that create their own index (`index_id` is the emulator's demo index, or
    /// empty on the real API).
    pub async fn connect_without_index(pace: Pace) -> Result<Self, BoxError> {
        if api_key_is_set() {
            let client = TwelveLabs::from_env()?;
            println!(
                "Using the API at {} ({}).",
                client.executor().config().base_url,
                client.api_version()
            );
            return Ok(Backend {
                client,
                index_id: String::new(),
                emulator: None,
            });
        }
        let emulator = Emulator::start(EmulatorConfig {
            pace,
            ..EmulatorConfig::default()
        })
        .await
        .map_err(|e| format!("could not start the embedded emulator: {e}"))?;
        println!(
            "No TWELVELABS_API_KEY set: running against the embedded emulator at {} \
             (set TWELVELABS_API_KEY to use the real API).",
            emulator.base_url()
        );
        let client = TwelveLabs::builder()
            .api_key(emulator.api_key())
            .base_url(emulator.base_url())
            .build()?;
        Ok(Backend {
            client,
            index_id: EMULATOR_INDEX_ID.to_owned(),
            emulator: Some(emulator),
        })
    }

    /// Whether this runs against the embedded emulator.
    pub fn is_emulated(&self) -> bool {
        self.emulator.is_some()
    }

    /// The emulator, if one was started.
    pub fn emulator(&self) -> Option<&Emulator> {
        self.emulator.as_ref()
    }

    /// A polling interval: the seed's 5 s against the real API, short against the
    /// emulator so the example finishes in seconds.
    pub fn poll_interval(&self) -> Duration {
        if self.is_emulated() {
            Duration::from_millis(150)
        } else {
            Duration::from_secs(5)
        }
    }

    /// Stops the emulator, if one was started.
    pub async fn shutdown(self) {
        if let Some(emulator) = self.emulator {
            emulator.shutdown().await;
        }
    }
}

/// Whether an API key is in the environment (either spelling).
pub fn api_key_is_set() -> bool {
    [twelvelabs::API_KEY_ENV, twelvelabs::API_KEY_ENV_ALT]
        .iter()
        .any(|name| std::env::var(name).is_ok_and(|v| !v.trim().is_empty()))
}

/// An optional value the way Python prints it: the value, or `None`.
pub fn show<T: Display>(value: &Option<T>) -> String {
    match value {
        Some(v) => v.to_string(),
        None => "None".to_owned(),
    }
}

/// A JSON value the way Python prints it: strings without quotes.
pub fn show_value(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Null => "None".to_owned(),
        other => other.to_string(),
    }
}

/// Prints a task field by field, as the seed's retrieve/list examples do.
pub fn print_task(task: &Task) {
    println!("Task ID: {}", task.id);
    println!("Index ID: {}", show(&task.index_id));
    println!("Video ID: {}", show(&task.video_id));
    println!("Estimated time: {}", show(&task.estimated_time));
    println!("Status: {}", task.status);
    println!("Metadata:");
    if let Some(metadata) = &task.metadata {
        for (key, value) in metadata.iter() {
            println!("  {key}: {}", show_value(&value));
        }
    }
    if let Some(hls) = &task.hls {
        println!("HLS:");
        println!("  Video URL: {}", show(&hls.video_url));
        println!("  Thumbnail URLs:");
        for url in &hls.thumbnail_urls {
            println!("    {url}");
        }
        println!("  Status: {}", show(&hls.status));
        println!("  Updated at: {}", show(&hls.updated_at));
    }
    if let Some(process) = &task.process {
        println!("Process:");
        println!("  Percentage: {}%", show(&process.percentage));
        println!("  Remaining Seconds: {}", show(&process.remain_seconds));
    }
    println!("Created at: {}", show(&task.created_at));
    println!("Updated at: {}", show(&task.updated_at));
}

/// Deletes a task, explaining (instead of failing) when the API refuses because the
/// task still has its video: on the real API a `ready` task can only be deleted
/// once its video was deleted from the index.
pub async fn delete_task(client: &TwelveLabs, task_id: &str) -> Result<(), BoxError> {
    match client.task().delete(task_id).await {
        Ok(()) => {
            println!("  deleted task {task_id}");
            Ok(())
        }
        Err(e) if e.code() == Some("task_cannot_be_deleted") => {
            println!("  task {task_id} was not deleted: {e}");
            Ok(())
        }
        Err(e) => Err(e.into()),
    }
}
