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
//! | `test-util` | no | `twelvelabs::transport::testing::FakeTransport`: a scripted transport that records requests, for your tests |
//! | `emulator` | no | `twelvelabs::emulator`: the local emulator (an axum web server) for demos and tests |
//! | `blocking` | no | `twelvelabs::blocking`: a client for a plain `fn main`, owning its Tokio runtime |
//!
//! With `default-features = false` and neither TLS feature, bring your own
//! [`HttpTransport`] through [`TwelveLabsBuilder::transport`]. The defaults are the
//! production shape: no web server, no emulator; the examples and tests take the
//! emulator as a dev-dependency.
//!
//! # Naming rules
//!
//! Every resource follows them, and the next one must too (the maintainers'
//! version, with the path of a call, is `ARCHITECTURE.md`):
//!
//! - Resource handles are plural nouns: [`Tasks`], [`Indexes`], [`Videos`],
//!   [`tasks::Transfers`].
//! - Builders are `VerbNoun`, after the method: [`tasks::CreateTask`],
//!   [`tasks::RetrieveTask`], [`tasks::ListTasks`], [`tasks::DeleteTask`],
//!   [`indexes::UpdateVideo`], [`tasks::ImportVideos`], [`tasks::TransferFile`],
//!   [`tasks::WaitForDone`]; a method named by a noun gets `Get`
//!   ([`tasks::GetIndexStatus`], [`tasks::GetImportStatus`],
//!   [`tasks::GetImportLogs`]); `list_pagination` builders are
//!   `List<Noun>Pagination` and give a `<Noun>Pager`.
//! - Inputs naming where data comes from are `…Source` ([`VideoSource`],
//!   [`tasks::TransferSource`]).
//! - API fields are bare setters, named as on the wire (`.language(..)`);
//!   per-call options are `with_*` (`.with_deadline(..)`, `.with_retry(..)`).
//! - Every builder can be `.await`ed and is `#[must_use]`.
//! - Ids are typed: methods take `impl Into<TaskId>` (or `IndexId`,
//!   `VideoId`); a string converts, another kind of id does not compile.
//! - Structs whose fields may grow are `#[non_exhaustive]`; build them with
//!   their constructors (`Task::new`, `PageInfo::new`, `HttpResponse::new`).
//!
//! # Deleting what a listing finds
//!
//! Pages are offsets, so deleting while streaming a listing skips items (each
//! deletion pulls a later item onto a page already read). Collect the ids
//! first, then delete:
//!
//! ```no_run
//! # async fn demo(client: twelvelabs::TwelveLabs) -> Result<(), twelvelabs::Error> {
//! use twelvelabs::TaskStatus;
//! let failed = client.task().list().status(TaskStatus::Failed).collect_ids().await?;
//! for id in failed {
//!     client.task().delete(id).await?;
//! }
//! # Ok(()) }
//! ```
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
    BulkProgress, CreateTaskRequest, DateFilter, Ingest, IngestInput, IngestOutcome, TaskFilters,
    TaskHandle, TaskPager, Tasks, Upload, VideoSource, WaitMany, WaitOutcome,
};
pub use twelvelabs_transport::{
    ApiError, ApiErrorKind, ApiVersion, Error, HttpTransport, Progress, RateLimit, RequestOptions,
    RetryPolicy,
};
