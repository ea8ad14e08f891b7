//! Shared test helpers: a scripted fake transport and executor builders.
#![allow(dead_code)]

use std::collections::VecDeque;
use std::fmt;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use bytes::Bytes;
use futures_util::TryStreamExt;
use http::{HeaderMap, HeaderName, HeaderValue, StatusCode};
use twelvelabs_transport::{
    ApiKey, Body, ClientConfig, Executor, HttpRequest, HttpResponse, HttpTransport, ManualClock,
    TransportError, TransportErrorKind,
};

/// The secret used by every test; it must never show up in any output.
pub const SECRET: &str = "tlk_TOPSECRET_9f8e7d6c5b4a";

/// One scripted answer of the fake transport.
pub enum Scripted {
    /// A response with the body in memory.
    Full {
        status: u16,
        headers: Vec<(String, String)>,
        body: Bytes,
    },
    /// A response whose body is streamed in chunks; `pulled` counts the chunks read.
    Stream {
        status: u16,
        chunks: Vec<Bytes>,
        pulled: Arc<AtomicUsize>,
    },
    /// A transport failure.
    Fail {
        kind: TransportErrorKind,
        source: Option<std::io::Error>,
    },
}

impl Scripted {
    pub fn status(status: u16) -> Self {
        Scripted::Full {
            status,
            headers: Vec::new(),
            body: Bytes::new(),
        }
    }

    pub fn json(status: u16, body: &str) -> Self {
        Scripted::Full {
            status,
            headers: vec![("content-type".into(), "application/json".into())],
            body: Bytes::from(body.to_owned()),
        }
    }

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

    pub fn ok() -> Self {
        Self::json(200, r#"{"ok":true}"#)
    }

    pub fn fail(kind: TransportErrorKind) -> Self {
        Scripted::Fail { kind, source: None }
    }
}

/// What the fake saw of one request.
#[derive(Debug, Clone)]
pub struct Seen {
    pub request: HttpRequest,
    /// The encoded multipart body, when the fake opened it successfully.
    pub body: Option<Bytes>,
}

/// A transport that records every request and replays a script.
pub struct FakeTransport {
    script: Mutex<VecDeque<Scripted>>,
    seen: Mutex<Vec<Seen>>,
}

impl fmt::Debug for FakeTransport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FakeTransport")
            .field("requests", &self.seen.lock().unwrap().len())
            .finish()
    }
}

impl FakeTransport {
    pub fn new(script: impl IntoIterator<Item = Scripted>) -> Arc<Self> {
        Arc::new(FakeTransport {
            script: Mutex::new(script.into_iter().collect()),
            seen: Mutex::new(Vec::new()),
        })
    }

    pub fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }

    pub fn requests(&self) -> Vec<HttpRequest> {
        self.seen().into_iter().map(|s| s.request).collect()
    }

    pub fn count(&self) -> usize {
        self.seen.lock().unwrap().len()
    }

    pub fn remaining(&self) -> usize {
        self.script.lock().unwrap().len()
    }
}

fn header_map(headers: &[(String, String)]) -> HeaderMap {
    let mut map = HeaderMap::new();
    for (k, v) in headers {
        map.append(
            HeaderName::from_bytes(k.as_bytes()).unwrap(),
            HeaderValue::from_str(v).unwrap(),
        );
    }
    map
}

#[async_trait]
impl HttpTransport for FakeTransport {
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        let next = self
            .script
            .lock()
            .unwrap()
            .pop_front()
            .expect("the fake transport's script is exhausted: an unexpected extra request");
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
                        self.seen.lock().unwrap().push(Seen {
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
        self.seen.lock().unwrap().push(Seen { request, body });
        match next {
            Scripted::Full {
                status,
                headers,
                body,
            } => Ok(HttpResponse::new(
                StatusCode::from_u16(status).unwrap(),
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
                    StatusCode::from_u16(status).unwrap(),
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

use futures_util::StreamExt as _;

/// A config with the test key, a manual clock and a local base URL.
pub fn config() -> (ClientConfig, ManualClock) {
    let clock = ManualClock::new();
    let mut config = ClientConfig::new(ApiKey::new(SECRET).unwrap());
    config.base_url = url::Url::parse("http://api.test").unwrap();
    config.clock = Arc::new(clock.clone());
    (config, clock)
}

/// An executor over the fake, with the manual clock.
pub fn executor(fake: &Arc<FakeTransport>) -> (Executor, ManualClock) {
    executor_with(fake, |_| {})
}

/// An executor over the fake, after `tweak` edits the config.
pub fn executor_with(
    fake: &Arc<FakeTransport>,
    tweak: impl FnOnce(&mut ClientConfig),
) -> (Executor, ManualClock) {
    let (mut config, clock) = config();
    tweak(&mut config);
    let transport: Arc<dyn HttpTransport> = fake.clone();
    (Executor::new(transport, config), clock)
}
