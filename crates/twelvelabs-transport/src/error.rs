//! The one error type of the SDK.
//!
//! [`Error`]'s `Display` always shows what the server said (status, `code`,
//! `message`); `source()` keeps the cause; accessors give the status, the code,
//! the rate-limit headers and the wait a rate limit asks for.

use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

use bytes::Bytes;
use chrono::{DateTime, Utc};
use http::{HeaderMap, StatusCode};
use twelvelabs_models::{ApiErrorBody, Task, TaskId};

pub use crate::ratelimit::RateLimit;
use crate::transport::{BoxError, TransportError};

/// The SDK's error.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The server answered with a non-success status.
    #[error("{0}")]
    Api(Box<ApiError>),

    /// An attempt ran out of time.
    #[error("request timed out after {timeout:?}{}", unknown_suffix(*.outcome_unknown))]
    Timeout {
        /// The limit that was hit.
        timeout: Duration,
        /// True when the request may have reached the server (a create may exist).
        outcome_unknown: bool,
    },

    /// The connection failed.
    #[error("connection error: {source}{}", unknown_suffix(*.outcome_unknown))]
    Connection {
        /// True when the request may have reached the server (a create may exist).
        outcome_unknown: bool,
        /// The transport's error.
        #[source]
        source: TransportError,
    },

    /// A success response whose body is not what the API documents.
    #[error(
        "could not decode the {status} response at `{path}`: {source} (body: {body_excerpt:?})"
    )]
    Decode {
        /// The response status.
        status: StatusCode,
        /// Where in the JSON decoding failed (`data[3].status`), `.` for the root.
        path: String,
        /// The first bytes of the body.
        body_excerpt: String,
        /// The decoder's error.
        #[source]
        source: BoxError,
    },

    /// The response body was larger than the configured cap.
    #[error("the {status} response body is larger than the {limit}-byte limit")]
    ResponseTooLarge {
        /// The response status.
        status: StatusCode,
        /// The cap.
        limit: u64,
    },

    /// Bad input, caught before any request was made.
    #[error("invalid input `{field}`: {message}")]
    InvalidInput {
        /// The argument at fault.
        field: String,
        /// What is wrong with it.
        message: String,
    },

    /// A local file could not be read.
    #[error("I/O error{}: {source}", .path.as_ref().map(|p| format!(" on {}", p.display())).unwrap_or_default())]
    Io {
        /// The file, when known.
        path: Option<PathBuf>,
        /// The cause.
        #[source]
        source: std::io::Error,
    },

    /// A call reached its deadline ([`RequestOptions::with_deadline`]): a wait or a
    /// new attempt would not have fit, or the running attempt was cut at it.
    ///
    /// [`RequestOptions::with_deadline`]: crate::RequestOptions::with_deadline
    #[error("the {deadline:?} deadline of the call was reached{}", last_suffix(.last.as_deref()))]
    DeadlineExceeded {
        /// The deadline the call was given.
        deadline: Duration,
        /// The last error seen before it (a 429 with its `retry_after`, a timeout
        /// of the attempt cut at the deadline...), if an attempt was made.
        last: Option<Box<Error>>,
    },

    /// `wait_for_done` reached its deadline; the last observed task and the last
    /// error are kept.
    #[error("task {task_id} {} after waiting {waited:?}{}", wait_state(.last.as_deref()), last_suffix(.last_error.as_deref()))]
    WaitTimeout {
        /// The task waited on.
        task_id: TaskId,
        /// How long it waited.
        waited: Duration,
        /// The last state seen, if any poll succeeded.
        last: Option<Box<Task>>,
        /// The error of the last poll, if it failed (a 429 keeps its `retry_after`).
        last_error: Option<Box<Error>>,
    },

    /// The task was created, but the follow-up retrieve failed: the id is not lost.
    #[error("task {task_id} was created, but retrieving it failed: {source}")]
    TaskCreated {
        /// The new task's id.
        task_id: TaskId,
        /// Why the retrieve failed.
        #[source]
        source: Box<Error>,
    },

    /// A listing's pages contradict each other (a page number that does not
    /// advance, a page of tasks already seen, more pages than `total_results`
    /// allows): the listing ends here rather than never.
    #[error("inconsistent pagination at page {page}: {reason}")]
    InconsistentPagination {
        /// The page whose answer was inconsistent.
        page: u32,
        /// What was inconsistent.
        reason: String,
    },

    /// The client is misconfigured (empty API key, bad base URL...).
    #[error("configuration error: {0}")]
    Config(String),
}

fn last_suffix(last: Option<&Error>) -> String {
    last.map(|e| format!("; last error: {e}"))
        .unwrap_or_default()
}

fn wait_state(last: Option<&Task>) -> String {
    match last {
        Some(task) => format!("still {}", task.status),
        None => "never seen".to_owned(),
    }
}

fn unknown_suffix(outcome_unknown: bool) -> &'static str {
    if outcome_unknown {
        " (outcome unknown: the server may have acted on the request)"
    } else {
        ""
    }
}

impl Error {
    /// An [`Error::InvalidInput`].
    pub fn invalid_input(field: impl Into<String>, message: impl Into<String>) -> Self {
        Error::InvalidInput {
            field: field.into(),
            message: message.into(),
        }
    }

    /// The API error, if the server answered with an error status (for a deadline
    /// or a wait timeout, the one of the last error seen).
    pub fn api(&self) -> Option<&ApiError> {
        match self {
            Error::Api(e) => Some(e),
            Error::TaskCreated { source, .. } => source.api(),
            _ => self.last_error().and_then(Error::api),
        }
    }

    /// The last error seen before a deadline ([`Error::DeadlineExceeded`],
    /// [`Error::WaitTimeout`]).
    pub fn last_error(&self) -> Option<&Error> {
        match self {
            Error::DeadlineExceeded { last, .. } => last.as_deref(),
            Error::WaitTimeout { last_error, .. } => last_error.as_deref(),
            _ => None,
        }
    }

    /// The HTTP status, when there was a response.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Decode { status, .. } | Error::ResponseTooLarge { status, .. } => Some(*status),
            _ => self.api().map(|e| e.status),
        }
    }

    /// The server's error code (`parameter_invalid`, ...).
    pub fn code(&self) -> Option<&str> {
        self.api().and_then(|e| e.code.as_deref())
    }

    /// The server's error message.
    pub fn message(&self) -> Option<&str> {
        self.api().and_then(|e| e.message.as_deref())
    }

    /// The wait the server asked for (`Retry-After`, or until `X-Ratelimit-Reset`).
    pub fn retry_after(&self) -> Option<Duration> {
        self.api().and_then(|e| e.retry_after)
    }

    /// The rate-limit headers of the failed response.
    pub fn rate_limit(&self) -> Option<&RateLimit> {
        self.api().map(|e| &e.rate_limit)
    }

    /// The id of a task that was created although the call failed afterwards.
    pub fn created_task_id(&self) -> Option<&TaskId> {
        match self {
            Error::TaskCreated { task_id, .. } => Some(task_id),
            _ => None,
        }
    }

    /// True for errors worth retrying later: timeouts, call deadlines, connection
    /// failures, 408, 429 and 5xx.
    pub fn is_transient(&self) -> bool {
        match self {
            Error::Timeout { .. } | Error::Connection { .. } | Error::DeadlineExceeded { .. } => {
                true
            }
            Error::Api(e) => e.kind.is_transient(),
            Error::TaskCreated { source, .. } => source.is_transient(),
            _ => false,
        }
    }
}

/// The class of an API error, by HTTP status (the official SDKs' exception classes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ApiErrorKind {
    /// 400.
    BadRequest,
    /// 401.
    Authentication,
    /// 403.
    PermissionDenied,
    /// 404.
    NotFound,
    /// 408.
    RequestTimeout,
    /// 409.
    Conflict,
    /// 422.
    UnprocessableEntity,
    /// 429.
    RateLimit,
    /// 5xx.
    InternalServer,
    /// 3xx (a redirect that was not followed).
    Redirect,
    /// Any other status.
    Other,
}

impl ApiErrorKind {
    /// The class of a status.
    pub fn from_status(status: StatusCode) -> Self {
        match status.as_u16() {
            400 => Self::BadRequest,
            401 => Self::Authentication,
            403 => Self::PermissionDenied,
            404 => Self::NotFound,
            408 => Self::RequestTimeout,
            409 => Self::Conflict,
            422 => Self::UnprocessableEntity,
            429 => Self::RateLimit,
            300..=399 => Self::Redirect,
            500..=599 => Self::InternalServer,
            _ => Self::Other,
        }
    }

    /// 408, 429 and 5xx.
    pub fn is_transient(self) -> bool {
        matches!(
            self,
            Self::RequestTimeout | Self::RateLimit | Self::InternalServer
        )
    }
}

/// An error response from the API. Nothing the server said is dropped: the raw body
/// and the headers are kept beside the parsed fields.
#[derive(Clone)]
#[non_exhaustive]
pub struct ApiError {
    /// The HTTP status.
    pub status: StatusCode,
    /// The class of the status.
    pub kind: ApiErrorKind,
    /// The server's `code`.
    pub code: Option<String>,
    /// The server's `message`.
    pub message: Option<String>,
    /// The server's `docs_url`.
    pub docs_url: Option<String>,
    /// The rate-limit headers.
    pub rate_limit: RateLimit,
    /// The wait the server asked for, from `Retry-After` or `X-Ratelimit-Reset`.
    pub retry_after: Option<Duration>,
    /// The response headers.
    pub headers: HeaderMap,
    /// The raw body.
    pub body: Bytes,
}

impl ApiError {
    /// Builds the error from a response.
    pub fn from_response(
        status: StatusCode,
        headers: HeaderMap,
        body: Bytes,
        now: DateTime<Utc>,
    ) -> Self {
        let parsed = ApiErrorBody::parse(&body).unwrap_or_default();
        let rate_limit = RateLimit::from_headers(&headers);
        let retry_after = crate::ratelimit::retry_after(&headers, &rate_limit, status, now);
        ApiError {
            status,
            kind: ApiErrorKind::from_status(status),
            code: parsed.code,
            message: parsed.message,
            docs_url: parsed.docs_url,
            rate_limit,
            retry_after,
            headers,
            body,
        }
    }

    /// The same error with every occurrence of `secret` (the API key, echoed by a
    /// server) replaced by `[REDACTED]`: in the raw body, the parsed fields and the
    /// headers.
    pub(crate) fn redact(mut self, secret: &str) -> Self {
        use crate::redact::{redact_bytes, redact_text, REDACTED};
        if let Some(body) = redact_bytes(&self.body, secret.as_bytes()) {
            self.body = Bytes::from(body);
        }
        for field in [&mut self.code, &mut self.message, &mut self.docs_url]
            .into_iter()
            .flatten()
        {
            *field = redact_text(field, secret);
        }
        for value in self.headers.values_mut() {
            if let Some(clean) = redact_bytes(value.as_bytes(), secret.as_bytes()) {
                *value = http::HeaderValue::from_bytes(&clean)
                    .unwrap_or_else(|_| http::HeaderValue::from_static(REDACTED));
            }
        }
        self
    }

    /// The `x-request-id` header, if the server sent one.
    pub fn request_id(&self) -> Option<&str> {
        self.headers
            .get("x-request-id")
            .and_then(|v| v.to_str().ok())
    }

    /// The body as text (lossy).
    pub fn body_text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// How much of an unparsed body is shown in messages.
const EXCERPT: usize = 200;

pub(crate) fn excerpt(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(&body[..body.len().min(EXCERPT)]);
    let mut s = text.trim().to_owned();
    if body.len() > EXCERPT {
        s.push('…');
    }
    s
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.status)?;
        match (&self.code, &self.message) {
            (Some(code), Some(message)) => write!(f, " {code}: {message}")?,
            (Some(code), None) => write!(f, " {code}")?,
            (None, Some(message)) => write!(f, ": {message}")?,
            (None, None) if self.body.iter().all(u8::is_ascii_whitespace) => {
                write!(f, " (empty body)")?
            }
            (None, None) => write!(f, ": {}", excerpt(&self.body))?,
        }
        if let Some(wait) = self.retry_after {
            write!(f, " (retry after {}s)", wait.as_secs_f64().ceil())?;
        }
        Ok(())
    }
}

impl fmt::Debug for ApiError {
    // Headers are response headers (no API key), but keep Debug short and useful.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApiError")
            .field("status", &self.status)
            .field("kind", &self.kind)
            .field("code", &self.code)
            .field("message", &self.message)
            .field("docs_url", &self.docs_url)
            .field("rate_limit", &self.rate_limit)
            .field("retry_after", &self.retry_after)
            .field("body", &excerpt(&self.body))
            .finish()
    }
}

impl std::error::Error for ApiError {}
