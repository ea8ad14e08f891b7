//! The [`HttpTransport`] trait: one HTTP exchange, no retries, no auth logic.

use std::fmt;
use std::time::Duration;

use async_trait::async_trait;
use bytes::{Bytes, BytesMut};
use futures_core::Stream;
use futures_util::StreamExt;
use http::{HeaderMap, Method, StatusCode};
use std::pin::Pin;
use url::Url;

use crate::body::Body;

/// A boxed error cause.
pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// One HTTP request, as the executor hands it to a transport. Its `Debug` hides the
/// URL's user info and sensitive header values.
#[derive(Clone)]
#[non_exhaustive]
pub struct HttpRequest {
    /// The method.
    pub method: Method,
    /// The full URL, query included.
    pub url: Url,
    /// Headers, `x-api-key` included (marked sensitive).
    pub headers: HeaderMap,
    /// The body. A transport sets `Content-Type` and, when
    /// [`Body::content_length`] is known, `Content-Length` from it.
    pub body: Body,
    /// The time this attempt may take, from sending to the end of the response body.
    pub timeout: Option<Duration>,
}

impl HttpRequest {
    /// A request with no headers, no body and no timeout: for testing a
    /// transport of your own (the executor builds the SDK's requests).
    pub fn new(method: Method, url: Url) -> Self {
        HttpRequest {
            method,
            url,
            headers: HeaderMap::new(),
            body: Body::Empty,
            timeout: None,
        }
    }
}

impl fmt::Debug for HttpRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpRequest")
            .field("method", &self.method)
            .field("url", &crate::redact::redact_url(&self.url))
            .field("headers", &self.headers)
            .field("body", &self.body)
            .field("timeout", &self.timeout)
            .finish()
    }
}

/// A stream of response body chunks.
pub type ResponseStream =
    Pin<Box<dyn Stream<Item = Result<Bytes, TransportError>> + Send + 'static>>;

/// The body of a response: in memory, or still arriving.
pub enum ResponseBody {
    /// The whole body.
    Full(Bytes),
    /// A body read as it arrives, so the executor can stop at its size cap.
    Stream(ResponseStream),
}

impl fmt::Debug for ResponseBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ResponseBody::Full(b) => write!(f, "Full({} bytes)", b.len()),
            ResponseBody::Stream(_) => f.write_str("Stream"),
        }
    }
}

impl ResponseBody {
    /// Reads the body, failing once more than `limit` bytes have arrived.
    pub async fn collect(self, limit: u64) -> Result<Bytes, CollectError> {
        match self {
            ResponseBody::Full(b) if b.len() as u64 > limit => Err(CollectError::TooLarge),
            ResponseBody::Full(b) => Ok(b),
            ResponseBody::Stream(mut s) => {
                // Most API responses arrive in one chunk: keep it without copying,
                // and only start a buffer when a second chunk comes.
                let mut first: Option<Bytes> = None;
                let mut buf = BytesMut::new();
                let mut total = 0u64;
                while let Some(chunk) = s.next().await {
                    let chunk = chunk.map_err(CollectError::Transport)?;
                    total += chunk.len() as u64;
                    if total > limit {
                        return Err(CollectError::TooLarge);
                    }
                    match first.take() {
                        None if buf.is_empty() => first = Some(chunk),
                        None => buf.extend_from_slice(&chunk),
                        Some(previous) => {
                            buf.extend_from_slice(&previous);
                            buf.extend_from_slice(&chunk);
                        }
                    }
                }
                Ok(first.unwrap_or_else(|| buf.freeze()))
            }
        }
    }
}

/// Why a body could not be read.
#[derive(Debug)]
pub enum CollectError {
    /// More than the limit arrived.
    TooLarge,
    /// The connection failed while reading.
    Transport(TransportError),
}

/// One HTTP response.
#[derive(Debug)]
#[non_exhaustive]
pub struct HttpResponse {
    /// The status.
    pub status: StatusCode,
    /// The headers.
    pub headers: HeaderMap,
    /// The body.
    pub body: ResponseBody,
}

impl HttpResponse {
    /// A response whose body is already in memory (handy for custom and fake transports).
    pub fn new(status: StatusCode, headers: HeaderMap, body: impl Into<Bytes>) -> Self {
        HttpResponse {
            status,
            headers,
            body: ResponseBody::Full(body.into()),
        }
    }

    /// A response whose body arrives as a stream of chunks (the executor
    /// stops reading at its size cap).
    pub fn streaming(status: StatusCode, headers: HeaderMap, body: ResponseStream) -> Self {
        HttpResponse {
            status,
            headers,
            body: ResponseBody::Stream(body),
        }
    }
}

/// What went wrong below HTTP.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TransportErrorKind {
    /// The connection could not be made: the request was never sent, so the server
    /// cannot have acted on it.
    Connect,
    /// The attempt ran out of time.
    Timeout,
    /// Sending the request failed part-way (the body's source failed, or the peer
    /// closed the connection): the server may or may not have acted.
    Send,
    /// Reading the response failed after it began.
    Receive,
    /// A redirect was refused (for instance one to another origin).
    Redirect,
    /// Anything else.
    Other,
}

/// An error from a transport.
#[derive(Debug)]
pub struct TransportError {
    kind: TransportErrorKind,
    message: String,
    source: Option<BoxError>,
}

impl TransportError {
    /// A new error.
    pub fn new(kind: TransportErrorKind, message: impl Into<String>) -> Self {
        TransportError {
            kind,
            message: message.into(),
            source: None,
        }
    }

    /// Attaches the cause.
    pub fn with_source(mut self, source: impl Into<BoxError>) -> Self {
        self.source = Some(source.into());
        self
    }

    /// The kind.
    pub fn kind(&self) -> TransportErrorKind {
        self.kind
    }

    /// The message.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The first `std::io::Error` in the cause chain (a file that vanished or shrank
    /// during an upload, for instance).
    pub fn io_error(&self) -> Option<&std::io::Error> {
        let mut cause: Option<&(dyn std::error::Error + 'static)> =
            self.source.as_deref().map(|e| e as _);
        while let Some(e) = cause {
            if let Some(io) = e.downcast_ref::<std::io::Error>() {
                return Some(io);
            }
            cause = e.source();
        }
        None
    }
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)?;
        // Show the innermost cause too: "error sending request" alone hides why.
        let mut cause: Option<&(dyn std::error::Error + 'static)> =
            self.source.as_deref().map(|e| e as _);
        let mut last = None;
        while let Some(e) = cause {
            last = Some(e);
            cause = e.source();
        }
        if let Some(root) = last {
            write!(f, ": {root}")?;
        }
        Ok(())
    }
}

impl std::error::Error for TransportError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source.as_deref().map(|e| e as _)
    }
}

/// Sends one HTTP request. Implement it to plug in another HTTP stack, a recorder or
/// a fake; the executor above it does auth, retries, timeouts and error mapping.
///
/// ```
/// use async_trait::async_trait;
/// use twelvelabs_transport::{HttpRequest, HttpResponse, HttpTransport, TransportError};
///
/// /// Answers every request with an empty task list.
/// #[derive(Debug)]
/// struct Canned;
///
/// #[async_trait]
/// impl HttpTransport for Canned {
///     async fn send(&self, _request: HttpRequest) -> Result<HttpResponse, TransportError> {
///         Ok(HttpResponse::new(
///             http::StatusCode::OK,
///             http::HeaderMap::new(),
///             r#"{"data":[],"page_info":{"limit_per_page":10,"page":1,"total_page":0,"total_results":0}}"#,
///         ))
///     }
/// }
/// ```
#[async_trait]
pub trait HttpTransport: Send + Sync + fmt::Debug + 'static {
    /// Sends the request once.
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError>;

    /// Whether the transport itself ends an attempt at [`HttpRequest::timeout`],
    /// body included. When false (the default), the executor enforces it.
    fn enforces_timeout(&self) -> bool {
        false
    }
}
