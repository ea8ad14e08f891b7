//! Client configuration and per-call options.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use http::{HeaderName, HeaderValue};
use url::Url;

use crate::clock::{Clock, TokioClock};
use crate::error::Error;
use crate::redact::{is_sensitive_header, redact_url, redact_url_text, REDACTED};
use crate::retry::RetryPolicy;

/// The production host.
pub const DEFAULT_BASE_URL: &str = "https://api.twelvelabs.io";

/// The API version a client speaks. Both can be used from one program: build one
/// client per version, or switch with `with_api_version` on the client.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum ApiVersion {
    /// `v1.2`, the version the Python SDK v0.3 documents (the default).
    #[default]
    V1_2,
    /// `v1.3`.
    V1_3,
}

impl ApiVersion {
    /// The path segment, `v1.2` or `v1.3`.
    pub fn as_str(self) -> &'static str {
        match self {
            ApiVersion::V1_2 => "v1.2",
            ApiVersion::V1_3 => "v1.3",
        }
    }
}

impl fmt::Display for ApiVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for ApiVersion {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self, Error> {
        match s.trim().trim_start_matches('v') {
            "1.2" => Ok(ApiVersion::V1_2),
            "1.3" => Ok(ApiVersion::V1_3),
            other => Err(Error::Config(format!(
                "unknown API version `{other}` (expected v1.2 or v1.3)"
            ))),
        }
    }
}

/// An API key. Its `Debug` and `Display` never show it.
#[derive(Clone, PartialEq, Eq)]
pub struct ApiKey(Arc<str>);

impl ApiKey {
    /// Validates a key: surrounding whitespace is trimmed; an empty key, or one that
    /// cannot be an HTTP header value, is an error.
    pub fn new(key: impl AsRef<str>) -> Result<Self, Error> {
        let key = key.as_ref().trim();
        if key.is_empty() {
            return Err(Error::Config(
                "the API key is empty (get one at https://playground.twelvelabs.io/dashboard/api-key)"
                    .into(),
            ));
        }
        if HeaderValue::from_str(key).is_err() {
            return Err(Error::Config(
                "the API key contains characters that cannot be sent in a header".into(),
            ));
        }
        Ok(ApiKey(key.into()))
    }

    /// The key itself. Handle with care.
    pub fn expose(&self) -> &str {
        &self.0
    }

    pub(crate) fn header_value(&self) -> HeaderValue {
        let mut v = HeaderValue::from_str(&self.0).expect("validated in ApiKey::new");
        v.set_sensitive(true);
        v
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiKey(<redacted>)")
    }
}

impl fmt::Display for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

/// Everything the executor needs to know about the service and its policies.
#[derive(Clone)]
#[non_exhaustive]
pub struct ClientConfig {
    /// The host (and optional path prefix), without the version: `https://api.twelvelabs.io`.
    pub base_url: Url,
    /// The API version.
    pub api_version: ApiVersion,
    /// The API key.
    pub api_key: ApiKey,
    /// The `User-Agent`.
    pub user_agent: String,
    /// Headers sent on every request.
    pub default_headers: Vec<(HeaderName, HeaderValue)>,
    /// The time one attempt of an ordinary call may take. Default 60 s.
    pub attempt_timeout: Duration,
    /// The time one attempt of an upload may take. Default 1 hour.
    pub upload_attempt_timeout: Duration,
    /// The retry policy.
    pub retry: RetryPolicy,
    /// The largest response body accepted. Default 16 MiB.
    pub max_response_bytes: u64,
    /// The clock used for backoff and polling.
    pub clock: Arc<dyn Clock>,
}

impl fmt::Debug for ClientConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientConfig")
            .field("base_url", &redact_url(&self.base_url))
            .field("api_version", &self.api_version)
            .field("api_key", &self.api_key)
            .field("user_agent", &self.user_agent)
            .field(
                "default_headers",
                &self
                    .default_headers
                    .iter()
                    .map(|(n, _)| n.as_str())
                    .collect::<Vec<_>>(),
            )
            .field("attempt_timeout", &self.attempt_timeout)
            .field("upload_attempt_timeout", &self.upload_attempt_timeout)
            .field("retry", &self.retry)
            .field("max_response_bytes", &self.max_response_bytes)
            .finish()
    }
}

impl ClientConfig {
    /// A configuration with the defaults and this key.
    pub fn new(api_key: ApiKey) -> Self {
        ClientConfig {
            base_url: Url::parse(DEFAULT_BASE_URL).expect("constant URL"),
            api_version: ApiVersion::default(),
            api_key,
            user_agent: concat!("twelvelabs-rs/", env!("CARGO_PKG_VERSION")).to_owned(),
            default_headers: Vec::new(),
            attempt_timeout: Duration::from_secs(60),
            upload_attempt_timeout: Duration::from_secs(3600),
            retry: RetryPolicy::default(),
            max_response_bytes: 16 * 1024 * 1024,
            clock: Arc::new(TokioClock),
        }
    }

    /// Parses and normalises a base URL: trailing slashes are trimmed, and a version
    /// segment at the end (`/v1.3`) is taken as the API version rather than doubled.
    pub fn parse_base_url(raw: &str) -> Result<(Url, Option<ApiVersion>), Error> {
        let trimmed = raw.trim().trim_end_matches('/');
        // Error messages show the URL, never its user info.
        let shown = redact_url_text(trimmed);
        let mut url = Url::parse(trimmed)
            .map_err(|e| Error::Config(format!("invalid base URL `{shown}`: {e}")))?;
        if !matches!(url.scheme(), "http" | "https") || url.cannot_be_a_base() {
            return Err(Error::Config(format!(
                "invalid base URL `{shown}`: expected http:// or https://"
            )));
        }
        if url.query().is_some() || url.fragment().is_some() {
            return Err(Error::Config(format!(
                "invalid base URL `{shown}`: no query or fragment allowed"
            )));
        }
        let mut version = None;
        let path = url.path().trim_end_matches('/').to_owned();
        if let Some((prefix, last)) = path.rsplit_once('/') {
            if let Ok(v) = last.parse::<ApiVersion>() {
                if last.starts_with('v') {
                    version = Some(v);
                    url.set_path(prefix);
                }
            }
        }
        Ok((url, version))
    }
}

/// Per-call options, merged over the client's defaults: the Rust counterpart of the
/// Python SDK's `**kwargs`.
///
/// ```
/// use std::time::Duration;
/// use twelvelabs_transport::{RequestOptions, RetryPolicy};
///
/// let options = RequestOptions::new()
///     .with_header("x-trace-id", "abc123")
///     .with_sensitive_header("x-proxy-token", "s3cret")
///     .with_attempt_timeout(Duration::from_secs(10))
///     .with_deadline(Duration::from_secs(30))
///     .with_retry(RetryPolicy::none());
/// assert!(!format!("{options:?}").contains("s3cret"));
/// ```
#[derive(Clone, Default)]
#[non_exhaustive]
pub struct RequestOptions {
    pub(crate) headers: Vec<(String, HeaderInput)>,
    pub(crate) query: Vec<(String, String)>,
    pub(crate) attempt_timeout: Option<Duration>,
    pub(crate) deadline: Option<Duration>,
    pub(crate) retry: Option<RetryPolicy>,
    pub(crate) max_response_bytes: Option<u64>,
}

/// A per-call header value as given: text checked when the call is made, or a
/// ready [`HeaderValue`]; either may be marked sensitive.
#[derive(Clone)]
pub(crate) enum HeaderInput {
    Text { value: String, sensitive: bool },
    Value(HeaderValue),
}

impl HeaderInput {
    fn is_marked_sensitive(&self) -> bool {
        match self {
            HeaderInput::Text { sensitive, .. } => *sensitive,
            HeaderInput::Value(v) => v.is_sensitive(),
        }
    }

    /// The value to send, marked sensitive when its name or the caller says so
    /// (so the header map's own `Debug` hides it too).
    pub(crate) fn to_header_value(&self, name: &str) -> Option<HeaderValue> {
        let mut value = match self {
            HeaderInput::Text { value, .. } => HeaderValue::from_str(value).ok()?,
            HeaderInput::Value(v) => v.clone(),
        };
        if self.is_marked_sensitive() || is_sensitive_header(name) {
            value.set_sensitive(true);
        }
        Some(value)
    }
}

impl fmt::Debug for RequestOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        struct Headers<'a>(&'a [(String, HeaderInput)]);
        impl fmt::Debug for Headers<'_> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                let mut list = f.debug_list();
                for (name, value) in self.0 {
                    let shown: &dyn fmt::Debug =
                        if value.is_marked_sensitive() || is_sensitive_header(name) {
                            &REDACTED
                        } else {
                            match value {
                                HeaderInput::Text { value, .. } => value,
                                HeaderInput::Value(v) => v,
                            }
                        };
                    list.entry(&(name, shown));
                }
                list.finish()
            }
        }
        f.debug_struct("RequestOptions")
            .field("headers", &Headers(&self.headers))
            .field("query", &self.query)
            .field("attempt_timeout", &self.attempt_timeout)
            .field("deadline", &self.deadline)
            .field("retry", &self.retry)
            .field("max_response_bytes", &self.max_response_bytes)
            .finish()
    }
}

impl RequestOptions {
    /// No overrides.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a header (checked when the call is made; an invalid one is an
    /// [`Error::InvalidInput`] before any request). `x-api-key` cannot be overridden.
    /// The values of `authorization`, `cookie` and the like are never printed.
    pub fn with_header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((
            name.into(),
            HeaderInput::Text {
                value: value.into(),
                sensitive: false,
            },
        ));
        self
    }

    /// Adds a header whose value is a secret: sent as usual, never printed.
    pub fn with_sensitive_header(
        mut self,
        name: impl Into<String>,
        value: impl Into<String>,
    ) -> Self {
        self.headers.push((
            name.into(),
            HeaderInput::Text {
                value: value.into(),
                sensitive: true,
            },
        ));
        self
    }

    /// Adds a ready header value; one marked with [`HeaderValue::set_sensitive`] is
    /// never printed.
    pub fn with_header_value(mut self, name: impl Into<String>, value: HeaderValue) -> Self {
        self.headers.push((name.into(), HeaderInput::Value(value)));
        self
    }

    /// Adds a query parameter.
    pub fn with_query(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.query.push((name.into(), value.into()));
        self
    }

    /// Overrides the time one attempt may take (it must be greater than zero;
    /// `Duration::MAX` means no limit). Retries get it afresh.
    pub fn with_attempt_timeout(mut self, timeout: Duration) -> Self {
        self.attempt_timeout = Some(timeout);
        self
    }

    /// Bounds the whole call, from when it starts: attempts, backoff, `Retry-After`
    /// waits and body reads. No wait runs past it, no attempt starts that could
    /// not finish before it, and the running attempt is cut at it; the call then
    /// fails with [`Error::DeadlineExceeded`], which keeps the last error seen.
    /// `Duration::MAX` means no deadline.
    pub fn with_deadline(mut self, deadline: Duration) -> Self {
        self.deadline = Some(deadline);
        self
    }

    /// Overrides the retry policy.
    pub fn with_retry(mut self, retry: RetryPolicy) -> Self {
        self.retry = Some(retry);
        self
    }

    /// Overrides the response size cap.
    pub fn with_max_response_bytes(mut self, limit: u64) -> Self {
        self.max_response_bytes = Some(limit);
        self
    }

    /// The per-attempt timeout override, if any.
    pub fn attempt_timeout(&self) -> Option<Duration> {
        self.attempt_timeout
    }

    /// The whole-call deadline, if any.
    pub fn deadline(&self) -> Option<Duration> {
        self.deadline
    }

    /// The retry override, if any.
    pub fn retry(&self) -> Option<&RetryPolicy> {
        self.retry.as_ref()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_url_normalisation() {
        let (u, v) = ClientConfig::parse_base_url("http://127.0.0.1:4010/").unwrap();
        assert_eq!(u.as_str(), "http://127.0.0.1:4010/");
        assert_eq!(v, None);
        let (u, v) = ClientConfig::parse_base_url("https://api.twelvelabs.io/v1.3/").unwrap();
        assert_eq!(u.as_str(), "https://api.twelvelabs.io/");
        assert_eq!(v, Some(ApiVersion::V1_3));
        let (u, _) = ClientConfig::parse_base_url("http://proxy.local/tl").unwrap();
        assert_eq!(u.as_str(), "http://proxy.local/tl");
        assert!(ClientConfig::parse_base_url("ftp://x").is_err());
        assert!(ClientConfig::parse_base_url("not a url").is_err());
        assert!(ClientConfig::parse_base_url("http://x/?a=b").is_err());
    }

    #[test]
    fn key_is_validated_and_redacted() {
        assert!(ApiKey::new("").is_err());
        assert!(ApiKey::new("   ").is_err());
        assert!(ApiKey::new("a\nb").is_err());
        let key = ApiKey::new(" tlk_secret ").unwrap();
        assert_eq!(key.expose(), "tlk_secret");
        assert!(!format!("{key:?} {key}").contains("secret"));
        let mut cfg = ClientConfig::new(key);
        assert!(!format!("{cfg:?}").contains("secret"));
        cfg.base_url = Url::parse("https://user:pa55word@host.example/").unwrap();
        assert!(!format!("{cfg:?}").contains("pa55word"));
        let err = ClientConfig::parse_base_url("ftp://user:pa55word@x").unwrap_err();
        assert!(!err.to_string().contains("pa55word"), "{err}");
    }
}
