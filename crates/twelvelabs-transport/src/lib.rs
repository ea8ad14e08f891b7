//! The transport layer of the Twelve Labs SDK.
//!
//! - [`HttpTransport`]: one HTTP exchange. [`ReqwestTransport`] (feature `reqwest`,
//!   on by default) is the default; implement the trait to use another HTTP stack or
//!   to record and fake requests in tests.
//! - [`Body`] and [`Multipart`]: request bodies, multipart kept as a description of
//!   parts so it can be rebuilt for a retry and inspected by a fake transport.
//! - [`Executor`]: base URL and version, `x-api-key` (never printed), per-call
//!   [`RequestOptions`], timeouts, [`RetryPolicy`], a response size cap, tracing
//!   spans without secrets or bodies, and status → [`Error`] mapping.
//! - [`query`] (date and number filters) and [`pager`] (the page walk of every
//!   list endpoint), shared by the resource crates.
//! - [`Clock`]: the time seam; [`ManualClock`] runs backoff and polling instantly.
//! - `testing` (feature `test-util`): `FakeTransport`, a scripted transport
//!   that records requests, for tests of custom transports and resources.
//!
//! ```no_run
//! # async fn demo() -> Result<(), twelvelabs_transport::Error> {
//! use std::sync::Arc;
//! use twelvelabs_transport::{ApiKey, ApiRequest, ClientConfig, Executor, RequestOptions, ReqwestTransport};
//!
//! let config = ClientConfig::new(ApiKey::new("tlk_...")?);
//! let executor = Executor::new(Arc::new(ReqwestTransport::new()?), config);
//! let page: serde_json::Value = executor
//!     .send_json(ApiRequest::get(["tasks"]).query("page_limit", "5"), &RequestOptions::new())
//!     .await?;
//! # let _ = page; Ok(()) }
//! ```
#![cfg_attr(docsrs, feature(doc_cfg))]

pub mod body;
pub mod builder;
pub mod clock;
pub mod config;
pub mod error;
pub mod executor;
pub mod pager;
pub mod query;
pub mod ratelimit;
pub mod redact;
pub mod retry;
#[cfg(feature = "test-util")]
#[cfg_attr(docsrs, doc(cfg(feature = "test-util")))]
pub mod testing;
pub mod transport;

#[cfg(feature = "_reqwest")]
pub mod reqwest_transport;

pub use body::{
    Body, ByteStream, Multipart, OpenStream, Part, PartContent, Progress, ProgressFn, StreamSource,
};
pub use clock::{Clock, ManualClock, TokioClock};
pub use config::{ApiKey, ApiVersion, ClientConfig, RequestOptions, DEFAULT_BASE_URL};
pub use error::{ApiError, ApiErrorKind, Error};
pub use executor::{decode_json, ApiRequest, Executor, Response};
pub use ratelimit::RateLimit;
pub use retry::{AttemptOutcome, Failure, RetryDecision, RetryPolicy, StopReason};
pub use transport::{
    BoxError, HttpRequest, HttpResponse, HttpTransport, ResponseBody, ResponseStream,
    TransportError, TransportErrorKind,
};

#[cfg(feature = "_reqwest")]
pub use reqwest_transport::ReqwestTransport;

/// The reqwest crate this transport is built on, for [`ReqwestTransport::from_client`].
#[cfg(feature = "_reqwest")]
pub use reqwest;

/// Re-exported so custom transports need not depend on these crates directly.
pub use {bytes, http, url};
