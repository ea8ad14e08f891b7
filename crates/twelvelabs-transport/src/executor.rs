//! The executor: turns an [`ApiRequest`] into attempts on a transport, with the
//! base URL, auth, options, timeouts, retries, size cap and error mapping.
//!
//! Every call of every resource goes through [`Executor::send`] (or
//! [`Executor::send_json`], which decodes the body with the JSON path of any
//! failure). One call, step by step:
//!
//! 1. **Once per call.** The clock is read first, so a deadline
//!    ([`RequestOptions::with_deadline`]) counts everything that follows. The
//!    URL is built: base URL, the configured [`ApiVersion`] as the first path
//!    segment, each segment percent-encoded so an id can never reach another
//!    endpoint (`.` and `..` are refused), then the request's query and the
//!    call's `with_query` pairs. Headers: `x-api-key` (marked sensitive),
//!    `Accept`, `User-Agent`, the client's default headers, then the call's.
//!    The retry policy, attempt timeout (the upload one for a streamed body)
//!    and response size cap are the call's options over the client's config.
//! 2. **One attempt.** An [`HttpRequest`] is built with the attempt timeout,
//!    cut to the time left before the deadline, and handed to
//!    [`HttpTransport::send`]. The response body is read up to the size cap
//!    (over it: [`Error::ResponseTooLarge`]). The executor bounds the whole
//!    exchange with that timeout itself unless the transport says it enforces
//!    timeouts ([`HttpTransport::enforces_timeout`]) and the call has no
//!    deadline: a deadline is the executor's promise, not the transport's.
//! 3. **Success.** A 2xx returns a [`Response`] with its [`RateLimit`] headers
//!    read. Nothing else is interpreted here; the resource decodes the body.
//! 4. **Failure.** A non-2xx becomes an [`ApiError`] (the body's code and
//!    message, `Retry-After`, rate limits; the API key redacted should the
//!    server echo it). A transport failure becomes [`Error::Connection`],
//!    [`Error::Timeout`] or [`Error::Io`] (the caller's file failed).
//! 5. **The decision.** The failure, the attempt number, whether the call is
//!    idempotent, whether its body can be sent again (or was a one-shot stream
//!    already opened) and the time left go into an [`AttemptOutcome`];
//!    [`RetryPolicy::decide`] alone says retry after a wait, or stop and why.
//!    All retry rules live there, in `retry.rs`, none here. A retry sleeps
//!    on the configured [`Clock`] (a `ManualClock` in tests), then goes back
//!    to step 2 with the same URL, headers and a rebuilt body. A stop for the
//!    deadline returns [`Error::DeadlineExceeded`] carrying the last failure.
//!
//! Every call runs in a `twelvelabs.request` tracing span with the method,
//! the path (never the query, which may hold user data), the attempts and the
//! status; never a header value or a body.
//!
//! What is public here, and why: [`Executor`], [`ApiRequest`] and
//! [`Response`] are how a resource crate (the SDK's own or yours) makes a
//! call, and [`decode_json`] decodes a body the way they do;
//! [`Executor::new`] over any [`HttpTransport`] is how a custom transport is
//! plugged in. Everything else (URL building, header assembly, the attempt
//! loop) is crate-private.

use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use http::header::{ACCEPT, USER_AGENT};
use http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode};
use percent_encoding::{utf8_percent_encode, AsciiSet, CONTROLS};
use serde::de::DeserializeOwned;
use tracing::Instrument;
use url::Url;

use crate::body::Body;
use crate::clock::Clock;
use crate::config::{ApiVersion, ClientConfig, RequestOptions};
use crate::error::{excerpt, ApiError, Error, RateLimit};
use crate::retry::{AttemptOutcome, Failure, RetryDecision, RetryPolicy, StopReason};
use crate::transport::{
    CollectError, HttpRequest, HttpTransport, TransportError, TransportErrorKind,
};

/// Characters escaped in a path segment: everything that could end the segment or
/// the path (`/`, `?`, `#`), `%` itself, and what is not allowed raw in a URL.
const SEGMENT: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'/')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'[')
    .add(b'\\')
    .add(b']')
    .add(b'^')
    .add(b'`')
    .add(b'{')
    .add(b'|')
    .add(b'}');

/// A call to the API, before the base URL, auth and options are applied.
#[derive(Debug, Clone)]
pub struct ApiRequest {
    method: Method,
    segments: Vec<String>,
    query: Vec<(String, String)>,
    body: Body,
    idempotent: bool,
}

impl ApiRequest {
    /// A request with this method and path segments (below the version prefix), each
    /// percent-encoded on its own so that no value can change the path.
    pub fn new<I, S>(method: Method, segments: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let idempotent = matches!(
            method,
            Method::GET | Method::HEAD | Method::DELETE | Method::PUT | Method::OPTIONS
        );
        ApiRequest {
            method,
            segments: segments.into_iter().map(Into::into).collect(),
            query: Vec::new(),
            body: Body::Empty,
            idempotent,
        }
    }

    /// A GET.
    pub fn get<I: IntoIterator<Item = S>, S: Into<String>>(segments: I) -> Self {
        Self::new(Method::GET, segments)
    }

    /// A DELETE.
    pub fn delete<I: IntoIterator<Item = S>, S: Into<String>>(segments: I) -> Self {
        Self::new(Method::DELETE, segments)
    }

    /// A POST with a body.
    pub fn post<I: IntoIterator<Item = S>, S: Into<String>>(segments: I, body: Body) -> Self {
        Self::new(Method::POST, segments).body(body)
    }

    /// Adds a query parameter (repeat the name for a list).
    pub fn query(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.query.push((name.into(), value.into()));
        self
    }

    /// Sets the body.
    pub fn body(mut self, body: Body) -> Self {
        self.body = body;
        self
    }

    /// Overrides whether the call may be repeated without effect (GET and DELETE are,
    /// POST is not).
    pub fn idempotent(mut self, idempotent: bool) -> Self {
        self.idempotent = idempotent;
        self
    }

    /// The method.
    pub fn method(&self) -> &Method {
        &self.method
    }

    /// The query parameters.
    pub fn query_pairs(&self) -> &[(String, String)] {
        &self.query
    }

    /// The body.
    pub fn body_ref(&self) -> &Body {
        &self.body
    }
}

/// A successful response, body read.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Response {
    /// The status.
    pub status: StatusCode,
    /// The headers.
    pub headers: HeaderMap,
    /// The body.
    pub body: Bytes,
    /// The rate-limit headers.
    pub rate_limit: RateLimit,
}

impl Response {
    /// Decodes the body as JSON; failures name the JSON path and keep a body excerpt.
    pub fn json<T: DeserializeOwned>(&self) -> Result<T, Error> {
        decode_json(self.status, &self.body)
    }
}

/// Decodes a JSON body exactly as [`Response::json`] does, with the path of
/// any failure. Public for a custom resource that holds a body it did not get
/// from [`Executor::send`] (and for the decode benchmarks); a resource that
/// calls the executor uses [`Response::json`] or [`Executor::send_json`].
pub fn decode_json<T: DeserializeOwned>(status: StatusCode, body: &[u8]) -> Result<T, Error> {
    if body.iter().all(u8::is_ascii_whitespace) {
        // An empty 200/204 is `()` (or `None`) for callers that expect nothing.
        if let Ok(value) = serde_json::from_slice::<T>(b"null") {
            return Ok(value);
        }
        return Err(Error::Decode {
            status,
            path: ".".into(),
            body_excerpt: String::new(),
            source: "the body is empty where JSON was expected".into(),
        });
    }
    // The fast path: plain serde. Only a failure pays for path tracking, by
    // decoding again (errors are rare; successful decodes are the hot path).
    if let Ok(value) = serde_json::from_slice(body) {
        return Ok(value);
    }
    let mut de = serde_json::Deserializer::from_slice(body);
    serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = e.path().to_string();
        Error::Decode {
            status,
            path,
            body_excerpt: excerpt(body),
            source: Box::new(e.into_inner()),
        }
    })
}

/// Sends [`ApiRequest`]s: cheap to clone, shareable across tasks.
#[derive(Clone)]
pub struct Executor {
    inner: Arc<Inner>,
}

struct Inner {
    transport: Arc<dyn HttpTransport>,
    config: ClientConfig,
    /// The headers every request carries, built once (`None` when the
    /// configuration cannot make them; the error is reported per call).
    base_headers: Option<HeaderMap>,
}

impl Inner {
    fn new(transport: Arc<dyn HttpTransport>, config: ClientConfig) -> Self {
        let base_headers = base_headers(&config).ok();
        Inner {
            transport,
            config,
            base_headers,
        }
    }
}

fn base_headers(config: &ClientConfig) -> Result<HeaderMap, Error> {
    let mut headers = HeaderMap::new();
    headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
    let ua = HeaderValue::from_str(&config.user_agent)
        .map_err(|_| Error::Config("the user agent is not a valid header value".into()))?;
    headers.insert(USER_AGENT, ua);
    for (name, value) in &config.default_headers {
        headers.insert(name.clone(), value.clone());
    }
    headers.insert("x-api-key", config.api_key.header_value());
    Ok(headers)
}

impl fmt::Debug for Executor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Executor")
            .field("config", &self.inner.config)
            .field("transport", &self.inner.transport)
            .finish()
    }
}

/// A call's deadline: when it falls, and the length it was given.
#[derive(Debug, Clone, Copy)]
struct Deadline {
    at: Instant,
    length: Duration,
}

fn deadline_exceeded(deadline: Option<Deadline>, last: Option<Error>) -> Error {
    Error::DeadlineExceeded {
        deadline: deadline.map_or(Duration::ZERO, |d| d.length),
        last: last.map(Box::new),
    }
}

enum AttemptError {
    Transport(TransportError),
    TooLarge(StatusCode),
}

impl Executor {
    /// An executor over a transport.
    pub fn new(transport: Arc<dyn HttpTransport>, config: ClientConfig) -> Self {
        Executor {
            inner: Arc::new(Inner::new(transport, config)),
        }
    }

    /// The configuration.
    pub fn config(&self) -> &ClientConfig {
        &self.inner.config
    }

    /// The API version.
    pub fn api_version(&self) -> ApiVersion {
        self.inner.config.api_version
    }

    /// The clock.
    pub fn clock(&self) -> &Arc<dyn Clock> {
        &self.inner.config.clock
    }

    /// The transport.
    pub fn transport(&self) -> &Arc<dyn HttpTransport> {
        &self.inner.transport
    }

    /// A copy of this executor, sharing the transport (and its connection pool),
    /// with another configuration.
    pub fn with_config(&self, config: ClientConfig) -> Self {
        Executor {
            inner: Arc::new(Inner::new(Arc::clone(&self.inner.transport), config)),
        }
    }

    /// The URL of a request: base, version, encoded segments, then the query.
    pub(crate) fn url_for(
        &self,
        segments: &[String],
        query: &[(String, String)],
    ) -> Result<Url, Error> {
        let config = &self.inner.config;
        let mut path = config.base_url.as_str().trim_end_matches('/').to_owned();
        path.push('/');
        path.push_str(config.api_version.as_str());
        for segment in segments {
            if segment.is_empty() || segment == "." || segment == ".." {
                return Err(Error::invalid_input(
                    "id",
                    format!("`{segment}` cannot be used as an id"),
                ));
            }
            path.push('/');
            path.extend(utf8_percent_encode(segment, SEGMENT));
        }
        let mut url = Url::parse(&path)
            .map_err(|e| Error::Config(format!("cannot build a URL from the base URL: {e}")))?;
        if !query.is_empty() {
            let mut pairs = url.query_pairs_mut();
            for (k, v) in query {
                pairs.append_pair(k, v);
            }
        }
        Ok(url)
    }

    fn headers(&self, options: &RequestOptions) -> Result<Cow<'_, HeaderMap>, Error> {
        let base = match &self.inner.base_headers {
            Some(h) => Cow::Borrowed(h),
            None => Cow::Owned(base_headers(&self.inner.config)?),
        };
        if options.headers.is_empty() {
            return Ok(base);
        }
        let mut headers = base.into_owned();
        for (name, value) in &options.headers {
            let name = HeaderName::from_bytes(name.as_bytes()).map_err(|_| {
                Error::invalid_input("header", format!("`{name}` is not a valid header name"))
            })?;
            // These are owned by the client and the transport: a per-call value
            // would leak nothing but could corrupt the request framing or auth.
            if matches!(
                name.as_str(),
                "x-api-key" | "content-type" | "content-length" | "transfer-encoding" | "host"
            ) {
                return Err(Error::invalid_input(
                    "header",
                    format!("`{name}` is set by the client and cannot be overridden per call"),
                ));
            }
            let value = value.to_header_value(name.as_str()).ok_or_else(|| {
                Error::invalid_input("header", format!("the value of `{name}` is not valid"))
            })?;
            headers.insert(name, value);
        }
        Ok(Cow::Owned(headers))
    }

    /// Sends a request with retries and returns the successful response.
    pub async fn send(
        &self,
        request: ApiRequest,
        options: &RequestOptions,
    ) -> Result<Response, Error> {
        let config = &self.inner.config;
        // The deadline runs from the call's start, before anything else can fail.
        let started = config.clock.now();
        let url = if options.query.is_empty() {
            self.url_for(&request.segments, &request.query)?
        } else {
            let mut query = request.query.clone();
            query.extend(options.query.iter().cloned());
            self.url_for(&request.segments, &query)?
        };
        let headers = self.headers(options)?;
        let policy = options
            .retry
            .clone()
            .unwrap_or_else(|| config.retry.clone());
        let timeout = options
            .attempt_timeout
            .unwrap_or(if request.body.is_upload() {
                config.upload_attempt_timeout
            } else {
                config.attempt_timeout
            });
        if timeout.is_zero() {
            return Err(Error::invalid_input(
                "attempt_timeout",
                "must be greater than zero",
            ));
        }
        let limit = options
            .max_response_bytes
            .unwrap_or(config.max_response_bytes);
        // A deadline too far to be represented is no deadline at all.
        let deadline = options
            .deadline
            .and_then(|d| started.checked_add(d).map(|at| Deadline { at, length: d }));
        let span = tracing::debug_span!(
            "twelvelabs.request",
            method = %request.method,
            path = %url.path(),
            attempts = tracing::field::Empty,
            status = tracing::field::Empty,
        );
        let run = self.run(request, url, &headers, policy, timeout, deadline, limit);
        // Entering a disabled span on every poll still costs; skip it then.
        if span.is_disabled() {
            run.await
        } else {
            run.instrument(span).await
        }
    }

    #[allow(clippy::too_many_arguments)]
    async fn run(
        &self,
        request: ApiRequest,
        url: Url,
        headers: &HeaderMap,
        policy: RetryPolicy,
        timeout: Duration,
        deadline: Option<Deadline>,
        limit: u64,
    ) -> Result<Response, Error> {
        let clock = &self.inner.config.clock;
        let key = self.inner.config.api_key.expose();
        let mut attempt = 0u32;
        let mut last: Option<Error> = None;
        loop {
            let remaining = deadline.map(|d| d.at.saturating_duration_since(clock.now()));
            if remaining.is_some_and(|r| r.is_zero()) {
                return Err(deadline_exceeded(deadline, last));
            }
            attempt = attempt.saturating_add(1);
            // The attempt is cut at the deadline.
            let attempt_timeout = remaining.map_or(timeout, |r| r.min(timeout));
            let http_request = HttpRequest {
                method: request.method.clone(),
                url: url.clone(),
                headers: headers.clone(),
                body: request.body.clone(),
                timeout: Some(attempt_timeout),
            };
            let result = self
                .attempt(http_request, attempt_timeout, deadline.is_some(), limit)
                .await;
            let span = tracing::Span::current();
            span.record("attempts", attempt);
            let (failure, error) = match result {
                Ok((status, headers, body)) if status.is_success() => {
                    span.record("status", status.as_u16());
                    let rate_limit = RateLimit::from_headers(&headers);
                    return Ok(Response {
                        status,
                        headers,
                        body,
                        rate_limit,
                    });
                }
                Ok((status, headers, body)) => {
                    span.record("status", status.as_u16());
                    // A server may echo the key it was sent: it never reaches an error.
                    let error =
                        ApiError::from_response(status, headers, body, clock.now_utc()).redact(key);
                    let failure = Failure::Status {
                        status,
                        retry_after: error.retry_after,
                    };
                    (failure, Error::Api(Box::new(error)))
                }
                Err(AttemptError::TooLarge(status)) => {
                    (Failure::TooLarge, Error::ResponseTooLarge { status, limit })
                }
                Err(AttemptError::Transport(error)) => {
                    let failure = if body_source_error(&error).is_some() {
                        Failure::BodySource
                    } else {
                        Failure::Transport(error.kind())
                    };
                    (
                        failure,
                        map_transport_error(error, request.idempotent, attempt_timeout),
                    )
                }
            };
            let outcome = AttemptOutcome {
                attempt,
                failure,
                idempotent: request.idempotent,
                body_replayable: request.body.is_replayable(),
                body_consumed: request.body.is_consumed(),
                remaining: deadline.map(|d| d.at.saturating_duration_since(clock.now())),
            };
            match policy.decide(&outcome) {
                RetryDecision::Retry(wait) => {
                    tracing::debug!(attempt, ?failure, ?wait, "retrying");
                    last = Some(error);
                    clock.sleep(wait).await;
                }
                RetryDecision::Stop(StopReason::Deadline) => {
                    tracing::debug!(attempt, ?failure, "no retry fits before the deadline");
                    return Err(deadline_exceeded(deadline, Some(error)));
                }
                RetryDecision::Stop(reason) => {
                    tracing::debug!(attempt, ?failure, ?reason, "not retrying");
                    return Err(error);
                }
            }
        }
    }

    async fn attempt(
        &self,
        request: HttpRequest,
        timeout: Duration,
        has_deadline: bool,
        limit: u64,
    ) -> Result<(StatusCode, HeaderMap, Bytes), AttemptError> {
        let exchange = async {
            let response = self
                .inner
                .transport
                .send(request)
                .await
                .map_err(AttemptError::Transport)?;
            let status = response.status;
            let body = response.body.collect(limit).await.map_err(|e| match e {
                CollectError::TooLarge => AttemptError::TooLarge(status),
                CollectError::Transport(t) => AttemptError::Transport(t),
            })?;
            Ok((status, response.headers, body))
        };
        // A transport that bounds its attempts is trusted to, except under a
        // deadline: that bound is the executor's own promise.
        if self.inner.transport.enforces_timeout() && !has_deadline {
            return exchange.await;
        }
        match tokio::time::timeout(timeout, exchange).await {
            Ok(result) => result,
            Err(_) => Err(AttemptError::Transport(TransportError::new(
                TransportErrorKind::Timeout,
                format!("no complete response within {timeout:?}"),
            ))),
        }
    }

    /// Sends a request and decodes the JSON response.
    pub async fn send_json<T: DeserializeOwned>(
        &self,
        request: ApiRequest,
        options: &RequestOptions,
    ) -> Result<T, Error> {
        self.send(request, options).await?.json()
    }
}

/// The I/O error of the request body's own source (a file that shrank or vanished),
/// if that is what failed. Network I/O errors in the chain (connection refused or
/// reset) do not count: those are connection errors, retried by the usual rules.
fn body_source_error(error: &TransportError) -> Option<&std::io::Error> {
    fn find<'a>(e: &'a (dyn std::error::Error + 'static)) -> Option<&'a std::io::Error> {
        if let Some(io) = e.downcast_ref::<std::io::Error>() {
            if crate::body::is_source_error(io) {
                return Some(io);
            }
            // `io::Error::source` skips the error it wraps: look inside it too.
            if let Some(found) = io.get_ref().and_then(|inner| find(inner)) {
                return Some(found);
            }
        }
        e.source().and_then(find)
    }
    std::error::Error::source(error).and_then(find)
}

fn map_transport_error(error: TransportError, idempotent: bool, timeout: Duration) -> Error {
    if let Some(io) = body_source_error(&error) {
        // The local source failed (a file shrank or vanished): the request was cut
        // short, so the server rejected an incomplete body.
        return Error::Io {
            path: None,
            source: std::io::Error::new(io.kind(), io.to_string()),
        };
    }
    match error.kind() {
        TransportErrorKind::Timeout => Error::Timeout {
            timeout,
            outcome_unknown: !idempotent,
        },
        TransportErrorKind::Connect => Error::Connection {
            outcome_unknown: false,
            source: error,
        },
        _ => Error::Connection {
            outcome_unknown: !idempotent,
            source: error,
        },
    }
}
