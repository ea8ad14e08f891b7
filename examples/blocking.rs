//! The blocking client from a plain `fn main`: no `#[tokio::main]`, no runtime of
//! your own.
//!
//! ```text
//! cargo run --example blocking --features blocking
//! ```
//!
//! It runs offline: an emulator of the API is started on a background thread
//! (the emulator is a server, so it needs a runtime; the client does not).
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::process::ExitCode;
use std::time::Duration;

use twelvelabs::blocking::TwelveLabs;
use twelvelabs_emulator::{Emulator, EmulatorConfig, Pace};

const SAMPLE_VIDEO: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/assets/sample.mp4");
const INDEX_ID: &str = "6298d673f1090f1100476d4c";

fn main() -> ExitCode {
    let (base_url, api_key, stop) = match start_emulator() {
        Ok(e) => e,
        Err(e) => {
            eprintln!("error: could not start the emulator: {e}");
            return ExitCode::FAILURE;
        }
    };
    let outcome = run(&base_url, &api_key);
    let _ = stop.send(());
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(base_url: &str, api_key: &str) -> Result<(), twelvelabs::Error> {
    let client = TwelveLabs::from_client(
        twelvelabs::TwelveLabs::builder()
            .api_key(api_key)
            .base_url(base_url)
            .build()?,
    )?;

    let handle = client
        .task()
        .create(INDEX_ID)
        .with(|c| c.file(SAMPLE_VIDEO).language("en"))
        .send()?;
    println!("Task id={}", handle.task().id);

    let task = client
        .task()
        .wait_for_done(&handle.task().id)
        .with(|w| {
            w.sleep_interval(Duration::from_millis(100))
                .callback(|t| println!("  Status={}", t.status))
        })
        .send()?;
    println!("Video ID: {:?}", task.video_id);

    // Every task of the index, page after page.
    for task in client
        .task()
        .list()
        .with(|l| l.index_id(INDEX_ID).page_limit(10))
        .iter()
    {
        let task = task?;
        println!("listed {} {}", task.id, task.status);
    }

    client
        .task()
        .delete(&task.id)
        .with(|d| d.with_video())
        .send()?;
    println!("Deleted {}", task.id);
    Ok(())
}

/// Starts the emulator on its own thread and runtime; returns its URL, its key
/// and a sender that stops it.
fn start_emulator() -> std::io::Result<(String, String, std::sync::mpsc::Sender<()>)> {
    let (ready_tx, ready_rx) = std::sync::mpsc::channel();
    let (stop_tx, stop_rx) = std::sync::mpsc::channel::<()>();
    std::thread::spawn(move || {
        let rt = match tokio::runtime::Runtime::new() {
            Ok(rt) => rt,
            Err(e) => {
                let _ = ready_tx.send(Err(e));
                return;
            }
        };
        rt.block_on(async move {
            let config = EmulatorConfig {
                pace: Pace::PerRetrieve,
                ..EmulatorConfig::default()
            };
            match Emulator::start(config).await {
                Ok(emulator) => {
                    let _ = ready_tx.send(Ok((emulator.base_url(), emulator.api_key().to_owned())));
                    // Park until `main` is done.
                    let _ = tokio::task::spawn_blocking(move || stop_rx.recv()).await;
                    emulator.shutdown().await;
                }
                Err(e) => {
                    let _ = ready_tx.send(Err(e));
                }
            }
        });
    });
    let (url, key) = ready_rx
        .recv()
        .map_err(|_| std::io::Error::other("the emulator thread ended"))??;
    Ok((url, key, stop_tx))
}
