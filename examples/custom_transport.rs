//! Bring your own transport: an `HttpTransport` that wraps the default
//! `ReqwestTransport` and records the method, path and status of every request
//! (never headers: they carry the API key), plugged in with
//! `TwelveLabs::builder().transport(..)`.
//!
//! ```text
//! cargo run --example custom_transport
//! ```
//!
//! It always runs against the embedded emulator.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::process::ExitCode;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use async_trait::async_trait;
use twelvelabs::transport::{
    HttpRequest, HttpResponse, HttpTransport, ReqwestTransport, TransportError,
};
use twelvelabs::TwelveLabs;
use twelvelabs_emulator::{Emulator, EmulatorConfig, Pace};

/// One recorded exchange.
#[derive(Debug, Clone)]
struct Entry {
    method: String,
    path: String,
    /// The status, or the transport error's kind.
    outcome: String,
    elapsed: Duration,
}

/// A transport that records every exchange, then delegates to reqwest.
#[derive(Debug, Clone)]
struct Recorder {
    inner: ReqwestTransport,
    log: Arc<Mutex<Vec<Entry>>>,
}

#[async_trait]
impl HttpTransport for Recorder {
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        // Only the method and the path: no query, no headers, no body.
        let method = request.method.to_string();
        let path = request.url.path().to_owned();
        let started = Instant::now();
        let result = self.inner.send(request).await;
        let outcome = match &result {
            Ok(response) => response.status.to_string(),
            Err(e) => format!("transport error ({:?})", e.kind()),
        };
        self.log.lock().expect("log lock").push(Entry {
            method,
            path,
            outcome,
            elapsed: started.elapsed(),
        });
        result
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<(), Box<dyn std::error::Error>> {
    let emulator = Emulator::start(EmulatorConfig {
        pace: Pace::PerRetrieve,
        ..EmulatorConfig::default()
    })
    .await?;
    println!("Embedded emulator at {}", emulator.base_url());

    let log = Arc::new(Mutex::new(Vec::new()));
    let recorder = Recorder {
        inner: ReqwestTransport::new()?,
        log: Arc::clone(&log),
    };
    let client = TwelveLabs::builder()
        .api_key(emulator.api_key())
        .base_url(emulator.base_url())
        .transport(recorder)
        .build()?;

    let index_id = "6298d673f1090f1100476d4c";
    let task = client
        .task()
        .create(index_id)
        .url("https://example.com/videos/intro.mp4")
        .send()
        .await?;
    let task = task
        .wait_for_done()
        .sleep_interval(Duration::from_millis(50))
        .await?;
    println!("Task {} is {}", task.id, task.status);
    let listed = client.task().list().index_id(index_id).send().await?;
    println!("{} task(s) in the index", listed.len());
    // A ready task deletes only once its video is gone (as on the real API).
    match client.task().delete(&task.id).await {
        Ok(()) => println!("Deleted task {}", task.id),
        Err(e) if e.code() == Some("task_cannot_be_deleted") => {
            println!("Task {} keeps its video, so it stays: {e}", task.id)
        }
        Err(e) => return Err(e.into()),
    }
    // A failing call: the error shows status, code and message.
    if let Err(e) = client.task().retrieve(&task.id).await {
        println!("Retrieving the deleted task fails as expected: {e}");
    }

    println!("\nRecorded requests:");
    for entry in log.lock().expect("log lock").iter() {
        println!(
            "  {:<6} {:<40} {:<24} {:>6.1} ms",
            entry.method,
            entry.path,
            entry.outcome,
            entry.elapsed.as_secs_f64() * 1000.0
        );
    }
    emulator.shutdown().await;
    Ok(())
}
