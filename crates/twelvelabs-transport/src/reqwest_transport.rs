//! [`ReqwestTransport`]: the default [`HttpTransport`], on reqwest with rustls.

use std::time::Duration;

use async_trait::async_trait;
use futures_util::StreamExt;
use http::header::{CONTENT_LENGTH, CONTENT_TYPE};
use http::HeaderValue;

use crate::body::Body;
use crate::error::Error;
use crate::transport::{
    HttpRequest, HttpResponse, HttpTransport, ResponseBody, TransportError, TransportErrorKind,
};

/// The default transport. Cheap to clone; one connection pool per client.
#[derive(Debug, Clone)]
pub struct ReqwestTransport {
    client: reqwest::Client,
}

/// How many same-origin redirects are followed.
const MAX_REDIRECTS: usize = 5;

impl ReqwestTransport {
    /// A transport with a 5 s connect timeout and same-origin redirects only.
    pub fn new() -> Result<Self, Error> {
        Self::with_connect_timeout(Duration::from_secs(5))
    }

    /// A transport with this connect timeout and same-origin redirects only.
    pub fn with_connect_timeout(connect_timeout: Duration) -> Result<Self, Error> {
        let client = reqwest::Client::builder()
            .connect_timeout(connect_timeout)
            .redirect(Self::same_origin_redirects())
            .build()
            .map_err(|e| Error::Config(format!("cannot build the HTTP client: {e}")))?;
        Ok(ReqwestTransport { client })
    }

    /// A transport over your own client (proxies, pools, TLS settings...).
    ///
    /// reqwest's default redirect policy follows redirects to other hosts and keeps
    /// custom headers such as `x-api-key`. Build the client with
    /// [`ReqwestTransport::same_origin_redirects`] (or `Policy::none()`) so the key
    /// never leaves the API's origin.
    pub fn from_client(client: reqwest::Client) -> Self {
        ReqwestTransport { client }
    }

    /// The redirect policy that follows redirects only within the same origin
    /// (scheme, host and port): the API key is never sent elsewhere.
    pub fn same_origin_redirects() -> reqwest::redirect::Policy {
        reqwest::redirect::Policy::custom(|attempt| {
            let same_origin = attempt
                .previous()
                .last()
                .map(|prev| prev.origin() == attempt.url().origin())
                .unwrap_or(false);
            if !same_origin || attempt.previous().len() > MAX_REDIRECTS {
                attempt.stop()
            } else {
                attempt.follow()
            }
        })
    }

    /// The underlying client.
    pub fn client(&self) -> &reqwest::Client {
        &self.client
    }
}

fn map_error(error: reqwest::Error, receiving: bool) -> TransportError {
    let kind = if error.is_timeout() {
        TransportErrorKind::Timeout
    } else if error.is_connect() {
        TransportErrorKind::Connect
    } else if error.is_redirect() {
        TransportErrorKind::Redirect
    } else if receiving || error.is_decode() {
        TransportErrorKind::Receive
    } else if error.is_body() || error.is_request() {
        TransportErrorKind::Send
    } else {
        TransportErrorKind::Other
    };
    let message = match kind {
        TransportErrorKind::Timeout => "the request timed out",
        TransportErrorKind::Connect => "could not connect",
        TransportErrorKind::Redirect => "redirect refused",
        TransportErrorKind::Receive => "the response was cut off",
        TransportErrorKind::Send => "sending the request failed",
        _ => "HTTP error",
    };
    // reqwest's messages carry the URL, user info included: show it redacted.
    let message = match error.url() {
        Some(url) => format!("{message} ({})", crate::redact::redact_url(url)),
        None => message.to_owned(),
    };
    TransportError::new(kind, message).with_source(error.without_url())
}

#[async_trait]
impl HttpTransport for ReqwestTransport {
    fn enforces_timeout(&self) -> bool {
        // reqwest's per-request timeout covers connecting, sending and the
        // whole response body.
        true
    }

    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        // Build the reqwest request directly: our header map moves in as is,
        // instead of being re-inserted header by header by a builder.
        let mut req = reqwest::Request::new(request.method, request.url);
        *req.headers_mut() = request.headers;
        *req.timeout_mut() = request.timeout;
        match request.body {
            Body::Empty => {}
            Body::Bytes { content_type, data } => {
                let ct = HeaderValue::from_str(&content_type).map_err(|e| {
                    TransportError::new(TransportErrorKind::Other, "invalid content type")
                        .with_source(e)
                })?;
                req.headers_mut().insert(CONTENT_TYPE, ct);
                *req.body_mut() = Some(data.into());
            }
            Body::Multipart(form) => {
                let ct = HeaderValue::from_str(&form.content_type()).map_err(|e| {
                    TransportError::new(TransportErrorKind::Other, "invalid content type")
                        .with_source(e)
                })?;
                req.headers_mut().insert(CONTENT_TYPE, ct);
                if let Some(len) = form.content_length() {
                    // A known length: hyper sends it as is, never chunked.
                    req.headers_mut()
                        .insert(CONTENT_LENGTH, HeaderValue::from(len));
                }
                *req.body_mut() = Some(reqwest::Body::wrap_stream(form.encode()));
            }
        }
        let mut response = self
            .client
            .execute(req)
            .await
            .map_err(|e| map_error(e, false))?;
        let status = response.status();
        let headers = std::mem::take(response.headers_mut());
        let stream = response
            .bytes_stream()
            .map(|r| r.map_err(|e| map_error(e, true)));
        Ok(HttpResponse {
            status,
            headers,
            body: ResponseBody::Stream(Box::pin(stream)),
        })
    }
}
