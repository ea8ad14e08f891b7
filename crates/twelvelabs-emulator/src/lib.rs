//! A local, stateful emulator of the Twelve Labs video-indexing **Task** API
//! (v1.2 and v1.3), for tests, examples and benchmarks without a network.
//!
//! It is a real HTTP server (axum on tokio): any client that follows the
//! public API — this workspace's SDK, the official Python SDK, `curl` — works
//! against it unchanged. It serves `/v1.2/tasks...` and `/v1.3/tasks...` with
//! `x-api-key` authentication, streamed multipart uploads (constant memory),
//! the task lifecycle `validating → pending → queued → indexing → ready`
//! (or `failed`) at a configurable [`Pace`], list filters and pagination, the
//! documented error bodies, rate-limit headers and an optional daily limit,
//! legacy transfers, cloud-to-cloud imports, indexes (`/indexes`, with the
//! demo index [`DEMO_INDEX_ID`]) and the videos that `ready` tasks become
//! (`/indexes/{id}/videos`), and fault injection ([`FaultConfig`], or the
//! `x-emulator-fault` request header, applied before the API key is checked).
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! use twelvelabs_emulator::{Emulator, EmulatorConfig, Pace};
//!
//! let emulator = Emulator::start(EmulatorConfig {
//!     pace: Pace::Instant,
//!     ..EmulatorConfig::default()
//! })
//! .await?;
//! let url = format!("{}/v1.2/tasks", emulator.base_url());
//! // ... point a client at `url` with header `x-api-key: {emulator.api_key()}` ...
//! # let _ = url;
//! emulator.shutdown().await;
//! # Ok(())
//! # }
//! ```
//!
//! Choices where the public documentation is silent are listed in the
//! crate's README.

mod config;
mod error;
mod faults;
mod indexes;
mod intake;
mod lifecycle;
mod mp4;
mod query;
mod ratelimit;
mod routes;
mod server;
mod source;
mod store;
mod version;
mod wire;

pub use config::{
    EmulatorConfig, FaultConfig, IndexSeed, Integration, IntegrationFile, Pace, DEFAULT_API_KEY,
    DEFAULT_MAX_UPLOAD_BYTES, DEFAULT_REPORTED_DAILY_LIMIT, DEMO_INDEX_ID, DEMO_INDEX_NAME,
    DEMO_INTEGRATION_ID,
};
pub use faults::FAULT_HEADER;
pub use server::{Emulator, Stats};
