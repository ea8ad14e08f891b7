//! # twelvelabs
//!
//! The Rust SDK for the [Twelve Labs](https://twelvelabs.io) video-indexing **Task**
//! API, v1.2 and v1.3, with a local emulator of that API.
//!
//! ```no_run
//! use std::time::Duration;
//! use twelvelabs::TwelveLabs;
//!
//! # async fn demo() -> Result<(), twelvelabs::Error> {
//! let client = TwelveLabs::from_env()?; // TWELVELABS_API_KEY, TWELVELABS_BASE_URL
//! let task = client
//!     .task()
//!     .create("<YOUR_INDEX_ID>")
//!     .file("clip.mp4")
//!     .language("en")
//!     .send()
//!     .await?;
//! println!("Task id={}", task.id);
//! let task = task
//!     .wait_for_done()
//!     .sleep_interval(Duration::from_secs(5))
//!     .callback(|t| println!("  Status={}", t.status))
//!     .await?;
//! println!("Video ID: {:?}", task.video_id);
//! # Ok(()) }
//! ```
//!
//! The crate is a facade over layers you can also use alone:
//! [`models`] (serde types only), [`transport`] (the [`HttpTransport`] trait, the
//! reqwest transport, retries and errors), [`tasks`] (the Task resource) and
//! [`indexes`] (the Index and Video resources: `client.index()`,
//! `client.index().video()`).
//!
//! # Features
//!
//! | feature | default | what it gives |
//! |---|---|---|
//! | `reqwest` | yes | the reqwest transport with rustls ([`transport::ReqwestTransport`]) |
//! | `native-tls` | no | the reqwest transport with the platform's TLS; with `default-features = false`, rustls is not compiled |
//! | `emulator` | no | `twelvelabs::emulator`: the local emulator (an axum web server) for demos and tests |
//! | `blocking` | no | `twelvelabs::blocking`: a client for a plain `fn main`, owning its Tokio runtime |
//!
//! With `default-features = false` and neither TLS feature, bring your own
//! [`HttpTransport`] through [`TwelveLabsBuilder::transport`]. The defaults are the
//! production shape: no web server, no emulator; the examples and tests take the
//! emulator as a dev-dependency.
#![cfg_attr(docsrs, feature(doc_cfg))]

#[cfg(feature = "blocking")]
#[cfg_attr(docsrs, doc(cfg(feature = "blocking")))]
pub mod blocking;
mod client;

pub use client::{TwelveLabs, TwelveLabsBuilder, API_KEY_ENV, API_KEY_ENV_ALT, BASE_URL_ENV};

pub use twelvelabs_indexes as indexes;
pub use twelvelabs_models as models;
pub use twelvelabs_tasks as tasks;
pub use twelvelabs_transport as transport;

#[cfg(feature = "emulator")]
pub use twelvelabs_emulator as emulator;

// The README's Rust blocks compile (and run, unless `no_run`) as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;

pub use twelvelabs_indexes::{Indexes, NumberFilter, Videos};
pub use twelvelabs_models::{
    ImportLog, ImportStatus, ImportVideosResponse, Index, IndexId, PageInfo, SortBy, SortOption,
    Task, TaskId, TaskPage, TaskStatus, UserMetadata, Video, VideoId,
};
pub use twelvelabs_tasks::{
    DateFilter, TaskFilters, TaskHandle, TaskPager, Tasks, Upload, VideoSource,
};
pub use twelvelabs_transport::{
    ApiError, ApiErrorKind, ApiVersion, Error, HttpTransport, Progress, RateLimit, RequestOptions,
    RetryPolicy,
};
