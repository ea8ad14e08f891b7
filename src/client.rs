//! [`TwelveLabs`], the client, and its builder.

use std::sync::Arc;
use std::time::Duration;

use twelvelabs_indexes::Indexes;
use twelvelabs_tasks::Tasks;
use twelvelabs_transport::http::{HeaderName, HeaderValue};
use twelvelabs_transport::{
    redact, ApiKey, ApiVersion, ClientConfig, Clock, Error, Executor, HttpTransport, RetryPolicy,
};

/// The environment variable holding the API key.
pub const API_KEY_ENV: &str = "TWELVELABS_API_KEY";
/// The other spelling some Twelve Labs tools use; read when [`API_KEY_ENV`] is unset.
pub const API_KEY_ENV_ALT: &str = "TWELVE_LABS_API_KEY";
/// The environment variable overriding the base URL (host, optionally with the version).
pub const BASE_URL_ENV: &str = "TWELVELABS_BASE_URL";

/// The Twelve Labs client. Cheap to clone; clones share one connection pool.
///
/// ```no_run
/// # fn demo() -> Result<(), twelvelabs::Error> {
/// use std::time::Duration;
/// use twelvelabs::{ApiVersion, RetryPolicy, TwelveLabs};
///
/// let client = TwelveLabs::new("tlk_...")?;
/// let v13 = TwelveLabs::builder()
///     .api_key("tlk_...")
///     .api_version(ApiVersion::V1_3)
///     .attempt_timeout(Duration::from_secs(30))
///     .retry(RetryPolicy::default().with_max_attempts(5))
///     .build()?;
/// # let _ = (client, v13); Ok(()) }
/// ```
#[derive(Clone, Debug)]
pub struct TwelveLabs {
    executor: Executor,
}

impl TwelveLabs {
    /// A client for the production API (v1.2) with this key. The key is trimmed; an
    /// empty key is an error. The environment is not read.
    pub fn new(api_key: impl AsRef<str>) -> Result<Self, Error> {
        Self::builder().api_key(api_key).build()
    }

    /// A client configured from the environment: the key from `TWELVELABS_API_KEY`
    /// (or `TWELVE_LABS_API_KEY`), the base URL from `TWELVELABS_BASE_URL`.
    pub fn from_env() -> Result<Self, Error> {
        Self::builder().from_env().build()
    }

    /// A builder.
    pub fn builder() -> TwelveLabsBuilder {
        TwelveLabsBuilder::default()
    }

    /// The Task resource.
    pub fn task(&self) -> Tasks {
        Tasks::new(self.executor.clone())
    }

    /// The Index resource; its videos are under `client.index().video()`, as
    /// in the Python SDK's `client.index.video`.
    pub fn index(&self) -> Indexes {
        Indexes::new(self.executor.clone())
    }

    /// The API version this client speaks.
    pub fn api_version(&self) -> ApiVersion {
        self.executor.api_version()
    }

    /// The same client speaking another API version (sharing connections).
    pub fn with_api_version(&self, version: ApiVersion) -> Self {
        let mut config = self.executor.config().clone();
        config.api_version = version;
        TwelveLabs {
            executor: self.executor.with_config(config),
        }
    }

    /// The executor under the client.
    pub fn executor(&self) -> &Executor {
        &self.executor
    }
}

/// Builder for [`TwelveLabs`]. An explicit value always beats the environment.
#[derive(Default)]
pub struct TwelveLabsBuilder {
    api_key: Option<String>,
    base_url: Option<String>,
    api_version: Option<ApiVersion>,
    env: bool,
    attempt_timeout: Option<Duration>,
    upload_attempt_timeout: Option<Duration>,
    connect_timeout: Option<Duration>,
    retry: Option<RetryPolicy>,
    user_agent: Option<String>,
    headers: Vec<(String, String)>,
    max_response_bytes: Option<u64>,
    /// The caller's transport and the setter that gave it.
    transport: Option<(Arc<dyn HttpTransport>, &'static str)>,
    /// Two transport setters called on one builder: refused by `build`.
    transport_conflict: Option<(&'static str, &'static str)>,
    clock: Option<Arc<dyn Clock>>,
}

impl std::fmt::Debug for TwelveLabsBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TwelveLabsBuilder")
            .field("api_key", &self.api_key.as_ref().map(|_| "<redacted>"))
            .field(
                "base_url",
                &self.base_url.as_deref().map(redact::redact_url_text),
            )
            .field("api_version", &self.api_version)
            .field("env", &self.env)
            .finish_non_exhaustive()
    }
}

impl TwelveLabsBuilder {
    /// The API key.
    pub fn api_key(mut self, key: impl AsRef<str>) -> Self {
        self.api_key = Some(key.as_ref().to_owned());
        self
    }

    /// The base URL: a host (`https://api.twelvelabs.io`), or a host with the
    /// version (`http://127.0.0.1:4010/v1.3`), which then also sets the version.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// The API version (`v1.2` by default).
    pub fn api_version(mut self, version: ApiVersion) -> Self {
        self.api_version = Some(version);
        self
    }

    /// Fills what was not set explicitly from the environment.
    pub fn from_env(mut self) -> Self {
        self.env = true;
        self
    }

    /// The time each attempt of an ordinary call may take (default 60 s; must be
    /// greater than zero). A whole call is bounded with `with_deadline` on it.
    pub fn attempt_timeout(mut self, timeout: Duration) -> Self {
        self.attempt_timeout = Some(timeout);
        self
    }

    /// The time each attempt of an upload may take (default 1 hour; must be
    /// greater than zero).
    pub fn upload_attempt_timeout(mut self, timeout: Duration) -> Self {
        self.upload_attempt_timeout = Some(timeout);
        self
    }

    /// The connect timeout of the default transport (default 5 s). A transport
    /// of your own ([`transport`](Self::transport),
    /// [`reqwest_client`](Self::reqwest_client)) has its own connect timeout:
    /// setting both makes [`build`](Self::build) fail rather than ignore this one.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = Some(timeout);
        self
    }

    /// The retry policy.
    pub fn retry(mut self, retry: RetryPolicy) -> Self {
        self.retry = Some(retry);
        self
    }

    /// The `User-Agent`.
    pub fn user_agent(mut self, ua: impl Into<String>) -> Self {
        self.user_agent = Some(ua.into());
        self
    }

    /// A header sent on every request. The values of `authorization`, `cookie` and
    /// the like are marked sensitive, so they are never printed.
    pub fn default_header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// The largest response body accepted (default 16 MiB).
    pub fn max_response_bytes(mut self, limit: u64) -> Self {
        self.max_response_bytes = Some(limit);
        self
    }

    /// Any transport (a custom HTTP stack, a recorder, a fake). A client has
    /// one transport: combined with [`reqwest_client`](Self::reqwest_client)
    /// (or called twice), [`build`](Self::build) fails.
    pub fn transport(self, transport: impl HttpTransport) -> Self {
        self.set_transport(Arc::new(transport), "transport")
    }

    /// Your own `reqwest::Client` (see `ReqwestTransport::from_client` about
    /// redirects). Its timeouts are its own: combined with
    /// [`connect_timeout`](Self::connect_timeout) or
    /// [`transport`](Self::transport), [`build`](Self::build) fails.
    #[cfg(any(feature = "reqwest", feature = "native-tls"))]
    pub fn reqwest_client(self, client: twelvelabs_transport::reqwest::Client) -> Self {
        self.set_transport(
            Arc::new(twelvelabs_transport::ReqwestTransport::from_client(client)),
            "reqwest_client",
        )
    }

    fn set_transport(mut self, transport: Arc<dyn HttpTransport>, setter: &'static str) -> Self {
        if let Some((_, earlier)) = &self.transport {
            self.transport_conflict.get_or_insert((earlier, setter));
        }
        self.transport = Some((transport, setter));
        self
    }

    /// The clock used for backoff and polling (a `ManualClock` in tests).
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = Some(clock);
        self
    }

    /// Builds the client.
    pub fn build(self) -> Result<TwelveLabs, Error> {
        let env = |name: &str| {
            if self.env {
                std::env::var(name).ok().filter(|v| !v.trim().is_empty())
            } else {
                None
            }
        };
        let key = self
            .api_key
            .clone()
            .or_else(|| env(API_KEY_ENV))
            .or_else(|| env(API_KEY_ENV_ALT))
            .ok_or_else(|| {
                Error::Config(if self.env {
                    format!("no API key: set {API_KEY_ENV} (or {API_KEY_ENV_ALT}), or pass one")
                } else {
                    "no API key given".to_owned()
                })
            })?;
        let mut config = ClientConfig::new(ApiKey::new(key)?);
        if let Some(raw) = self.base_url.clone().or_else(|| env(BASE_URL_ENV)) {
            let (url, version) = ClientConfig::parse_base_url(&raw)?;
            config.base_url = url;
            if let Some(v) = version {
                config.api_version = v;
            }
        }
        if let Some(v) = self.api_version {
            config.api_version = v;
        }
        for (field, value) in [
            ("attempt_timeout", self.attempt_timeout),
            ("upload_attempt_timeout", self.upload_attempt_timeout),
            ("connect_timeout", self.connect_timeout),
        ] {
            if value.is_some_and(|t| t.is_zero()) {
                return Err(Error::invalid_input(field, "must be greater than zero"));
            }
        }
        if let Some(t) = self.attempt_timeout {
            config.attempt_timeout = t;
        }
        if let Some(t) = self.upload_attempt_timeout {
            config.upload_attempt_timeout = t;
        }
        if let Some(r) = self.retry {
            config.retry = r;
        }
        if let Some(ua) = self.user_agent {
            config.user_agent = ua;
        }
        if let Some(limit) = self.max_response_bytes {
            config.max_response_bytes = limit;
        }
        if let Some(clock) = self.clock {
            config.clock = clock;
        }
        for (name, value) in self.headers {
            let n = HeaderName::from_bytes(name.as_bytes())
                .map_err(|_| Error::Config(format!("`{name}` is not a valid header name")))?;
            let mut v = HeaderValue::from_str(&value)
                .map_err(|_| Error::Config(format!("the value of header `{name}` is not valid")))?;
            if redact::is_sensitive_header(n.as_str()) {
                v.set_sensitive(true);
            }
            config.default_headers.push((n, v));
        }
        if let Some((first, second)) = self.transport_conflict {
            return Err(Error::Config(format!(
                "`.{first}(..)` and `.{second}(..)` both set the transport; a client has one"
            )));
        }
        let transport = match (self.transport, self.connect_timeout) {
            (Some((_, setter)), Some(_)) => {
                return Err(Error::Config(format!(
                    "`.connect_timeout(..)` configures the default transport only; \
                     set it on the transport given to `.{setter}(..)` instead"
                )));
            }
            (Some((t, _)), None) => t,
            (None, connect) => default_transport(connect)?,
        };
        Ok(TwelveLabs {
            executor: Executor::new(transport, config),
        })
    }
}

#[cfg(any(feature = "reqwest", feature = "native-tls"))]
fn default_transport(connect: Option<Duration>) -> Result<Arc<dyn HttpTransport>, Error> {
    Ok(Arc::new(
        twelvelabs_transport::ReqwestTransport::with_connect_timeout(
            connect.unwrap_or(Duration::from_secs(5)),
        )?,
    ))
}

#[cfg(not(any(feature = "reqwest", feature = "native-tls")))]
fn default_transport(_connect: Option<Duration>) -> Result<Arc<dyn HttpTransport>, Error> {
    Err(Error::Config(
        "no transport: enable the `reqwest` feature or call `.transport(..)`".into(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extreme_builder_arguments_and_secrets() {
        let builder = || {
            TwelveLabs::builder()
                .api_key("tlk_test")
                .base_url("http://user:pa55word@127.0.0.1:9")
        };
        assert!(!format!("{:?}", builder()).contains("pa55word"));
        for zero in [
            builder().attempt_timeout(Duration::ZERO),
            builder().upload_attempt_timeout(Duration::ZERO),
            builder().connect_timeout(Duration::ZERO),
        ] {
            assert!(matches!(zero.build(), Err(Error::InvalidInput { .. })));
        }
        let client = builder()
            .attempt_timeout(Duration::MAX)
            .upload_attempt_timeout(Duration::MAX)
            .connect_timeout(Duration::MAX)
            .max_response_bytes(u64::MAX)
            .default_header("authorization", "Bearer default-secret")
            .retry(RetryPolicy::default().with_max_attempts(u32::MAX))
            .build()
            .unwrap();
        let shown = format!("{client:?}");
        assert!(!shown.contains("pa55word") && !shown.contains("default-secret"));
        let builder = builder().max_response_bytes(0);
        assert!(builder.build().is_ok());
    }

    #[cfg(any(feature = "reqwest", feature = "native-tls"))]
    #[test]
    fn conflicting_transport_settings_fail_loudly() {
        use twelvelabs_transport::ReqwestTransport;
        let builder = || TwelveLabs::builder().api_key("tlk_test");
        let reqwest = || twelvelabs_transport::reqwest::Client::new();
        let transport = || ReqwestTransport::new().unwrap();
        let err = builder()
            .transport(transport())
            .reqwest_client(reqwest())
            .build()
            .unwrap_err();
        assert!(
            err.to_string()
                .contains("`.transport(..)` and `.reqwest_client(..)`"),
            "{err}"
        );
        let err = builder()
            .reqwest_client(reqwest())
            .connect_timeout(Duration::from_secs(1))
            .build()
            .unwrap_err();
        assert!(err.to_string().contains("connect_timeout"), "{err}");
        assert!(err.to_string().contains("reqwest_client"), "{err}");
        // Each alone is fine.
        assert!(builder().reqwest_client(reqwest()).build().is_ok());
        assert!(builder().transport(transport()).build().is_ok());
        assert!(builder()
            .connect_timeout(Duration::from_secs(1))
            .build()
            .is_ok());
    }
}
