//! Test doubles for code built on this crate (feature `test-util`): a
//! [`FakeTransport`] that replays a script of answers and records every
//! request, for users who write their own transport or resource, or test
//! their code against the SDK without a server.
//!
//! ```
//! # async fn demo() -> Result<(), twelvelabs_transport::Error> {
//! use std::sync::Arc;
//! use twelvelabs_transport::testing::{FakeTransport, Scripted};
//! use twelvelabs_transport::{ApiKey, ApiRequest, ClientConfig, Executor, RequestOptions};
//!
//! let fake = FakeTransport::new([Scripted::json(200, r#"{"ok":true}"#)]);
//! let executor = Executor::new(fake.clone(), ClientConfig::new(ApiKey::new("tlk_test")?));
//! let reply: serde_json::Value = executor
//!     .send_json(ApiRequest::get(["tasks"]), &RequestOptions::new())
//!     .await?;
//! assert_eq!(reply["ok"], true);
//! assert_eq!(fake.requests()[0].url.path(), "/v1.2/tasks");
//! # Ok(()) }
//! # tokio_test_block_on(demo()).unwrap();
//! # fn tokio_test_block_on<F: std::future::Future>(f: F) -> F::Output {
//! #     tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(f)
//! # }
//! ```

use std::collections::VecDeque;
use std::fmt;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use async_trait::async_trait;
use bytes::Bytes;
use futures_util::{StreamExt, TryStreamExt};
use http::{HeaderMap, HeaderName, HeaderValue, StatusCode};

use crate::{Body, HttpRequest, HttpResponse, HttpTransport, TransportError, TransportErrorKind};

/// One scripted answer of the [`FakeTransport`]. Build the common ones with
/// the constructors ([`Scripted::json`], [`Scripted::status`], …).
#[derive(Debug)]
#[non_exhaustive]
pub enum Scripted {
    /// A response with the body in memory.
    Full {
        /// The status code (an invalid one answers 500).
        status: u16,
        /// The headers, in order (invalid ones are left out).
        headers: Vec<(String, String)>,
        /// The body.
        body: Bytes,
    },
    /// A response whose body is streamed in chunks; `pulled` counts the chunks read.
    Stream {
        /// The status code (an invalid one answers 500).
        status: u16,
        /// The body's chunks.
        chunks: Vec<Bytes>,
        /// Incremented as each chunk is read.
        pulled: Arc<AtomicUsize>,
    },
    /// A transport failure.
    Fail {
        /// The kind of failure.
        kind: TransportErrorKind,
        /// The underlying error, if any.
        source: Option<std::io::Error>,
    },
}

impl Scripted {
    /// A response with this status and no body.
    pub fn status(status: u16) -> Self {
        Scripted::Full {
            status,
            headers: Vec::new(),
            body: Bytes::new(),
        }
    }

    /// A JSON response.
    pub fn json(status: u16, body: &str) -> Self {
        Scripted::Full {
            status,
            headers: vec![("content-type".into(), "application/json".into())],
            body: Bytes::from(body.to_owned()),
        }
    }

    /// A response with these headers and body.
    pub fn with_headers(status: u16, headers: &[(&str, &str)], body: &str) -> Self {
        Scripted::Full {
            status,
            headers: headers
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
            body: Bytes::from(body.to_owned()),
        }
    }

    /// `200 {"ok":true}`.
    pub fn ok() -> Self {
        Self::json(200, r#"{"ok":true}"#)
    }

    /// A transport failure of this kind.
    pub fn fail(kind: TransportErrorKind) -> Self {
        Scripted::Fail { kind, source: None }
    }
}

/// What the fake saw of one request.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Seen {
    /// The request as the executor built it.
    pub request: HttpRequest,
    /// The encoded multipart body, when the fake read it successfully.
    pub body: Option<Bytes>,
}

/// A transport that records every request and replays a script, one answer
/// per request. A request beyond the script fails with a
/// [`TransportErrorKind::Other`] error saying so.
///
/// A multipart body is read in full (as a real transport would send it)
/// unless the scripted answer is a connect failure, which happens before
/// anything is sent.
pub struct FakeTransport {
    script: Mutex<VecDeque<Scripted>>,
    seen: Mutex<Vec<Seen>>,
}

impl fmt::Debug for FakeTransport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FakeTransport")
            .field("requests", &lock(&self.seen).len())
            .field("remaining", &lock(&self.script).len())
            .finish()
    }
}

/// A poisoned lock only means another test thread panicked; the data is fine.
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl FakeTransport {
    /// A fake answering with `script`, in order.
    pub fn new(script: impl IntoIterator<Item = Scripted>) -> Arc<Self> {
        Arc::new(FakeTransport {
            script: Mutex::new(script.into_iter().collect()),
            seen: Mutex::new(Vec::new()),
        })
    }

    /// Appends an answer to the script.
    pub fn push(&self, answer: Scripted) {
        lock(&self.script).push_back(answer);
    }

    /// Every request seen, with its encoded body.
    pub fn seen(&self) -> Vec<Seen> {
        lock(&self.seen).clone()
    }

    /// Every request seen.
    pub fn requests(&self) -> Vec<HttpRequest> {
        self.seen().into_iter().map(|s| s.request).collect()
    }

    /// How many requests were seen.
    pub fn count(&self) -> usize {
        lock(&self.seen).len()
    }

    /// How many scripted answers are left.
    pub fn remaining(&self) -> usize {
        lock(&self.script).len()
    }
}

fn header_map(headers: &[(String, String)]) -> HeaderMap {
    let mut map = HeaderMap::new();
    for (k, v) in headers {
        if let (Ok(k), Ok(v)) = (
            HeaderName::from_bytes(k.as_bytes()),
            HeaderValue::from_str(v),
        ) {
            map.append(k, v);
        }
    }
    map
}

fn status_code(status: u16) -> StatusCode {
    StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
}

#[async_trait]
impl HttpTransport for FakeTransport {
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        let next = lock(&self.script).pop_front();
        let Some(next) = next else {
            lock(&self.seen).push(Seen {
                request,
                body: None,
            });
            return Err(TransportError::new(
                TransportErrorKind::Other,
                "the fake transport's script is exhausted: an unexpected extra request",
            ));
        };
        // A connect failure happens before anything is sent: the body is not opened.
        // Anything else means the request went out, so the body is read in full.
        let opens_body = !matches!(
            next,
            Scripted::Fail {
                kind: TransportErrorKind::Connect,
                ..
            }
        );
        let mut body = None;
        if opens_body {
            if let Body::Multipart(form) = &request.body {
                match form.encode().try_collect::<Vec<Bytes>>().await {
                    Ok(chunks) => body = Some(Bytes::from(chunks.concat())),
                    Err(e) => {
                        lock(&self.seen).push(Seen {
                            request,
                            body: None,
                        });
                        return Err(TransportError::new(
                            TransportErrorKind::Send,
                            "the body failed while it was sent",
                        )
                        .with_source(e));
                    }
                }
            }
        }
        lock(&self.seen).push(Seen { request, body });
        match next {
            Scripted::Full {
                status,
                headers,
                body,
            } => Ok(HttpResponse::new(
                status_code(status),
                header_map(&headers),
                body,
            )),
            Scripted::Stream {
                status,
                chunks,
                pulled,
            } => {
                let stream = futures_util::stream::iter(chunks).map(move |c| {
                    pulled.fetch_add(1, Ordering::SeqCst);
                    Ok::<_, TransportError>(c)
                });
                Ok(HttpResponse::streaming(
                    status_code(status),
                    HeaderMap::new(),
                    Box::pin(stream),
                ))
            }
            Scripted::Fail { kind, source } => {
                let e = TransportError::new(kind, format!("fake {kind:?} failure"));
                Err(match source {
                    Some(s) => e.with_source(s),
                    None => e,
                })
            }
        }
    }
}
