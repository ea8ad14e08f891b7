//! Client configuration and per-call options.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use http::{HeaderName, HeaderValue};
use url::Url;

use crate::clock::{Clock, TokioClock};
use crate::error::Error;
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
    pub timeout: Duration,
    /// The time one attempt of an upload may take. Default 1 hour.
    pub upload_timeout: Duration,
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
            .field("base_url", &self.base_url.as_str())
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
            .field("timeout", &self.timeout)
            .field("upload_timeout", &self.upload_timeout)
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
            timeout: Duration::from_secs(60),
            upload_timeout: Duration::from_secs(3600),
            retry: RetryPolicy::default(),
            max_response_bytes: 16 * 1024 * 1024,
            clock: Arc::new(TokioClock),
        }
    }

    /// Parses and normalises a base URL: trailing slashes are trimmed, and a version
    /// segment at the end (`/v1.3`) is taken as the API version rather than doubled.
    pub fn parse_base_url(raw: &str) -> Result<(Url, Option<ApiVersion>), Error> {
        let trimmed = raw.trim().trim_end_matches('/');
        let mut url = Url::parse(trimmed)
            .map_err(|e| Error::Config(format!("invalid base URL `{trimmed}`: {e}")))?;
        if !matches!(url.scheme(), "http" | "https") || url.cannot_be_a_base() {
            return Err(Error::Config(format!(
                "invalid base URL `{trimmed}`: expected http:// or https://"
            )));
        }
        if url.query().is_some() || url.fragment().is_some() {
            return Err(Error::Config(format!(
                "invalid base URL `{trimmed}`: no query or fragment allowed"
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
///     .with_timeout(Duration::from_secs(10))
///     .with_retry(RetryPolicy::none());
/// # let _ = options;
/// ```
#[derive(Debug, Clone, Default)]
pub struct RequestOptions {
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) query: Vec<(String, String)>,
    pub(crate) timeout: Option<Duration>,
    pub(crate) retry: Option<RetryPolicy>,
    pub(crate) max_response_bytes: Option<u64>,
}

impl RequestOptions {
    /// No overrides.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a header (checked when the call is made; an invalid one is an
    /// [`Error::InvalidInput`] before any request). `x-api-key` cannot be overridden.
    pub fn with_header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// Adds a query parameter.
    pub fn with_query(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.query.push((name.into(), value.into()));
        self
    }

    /// Overrides the per-attempt timeout.
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
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

    /// The timeout override, if any.
    pub fn timeout(&self) -> Option<Duration> {
        self.timeout
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
        let cfg = ClientConfig::new(key);
        assert!(!format!("{cfg:?}").contains("secret"));
    }
}
