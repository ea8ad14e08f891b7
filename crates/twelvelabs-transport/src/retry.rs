//! Retry policy: which failures are retried, how many times, and how long to wait.
//!
//! The rules (the API has no idempotency key, and a duplicated upload is a
//! duplicated bill):
//!
//! | failure | GET / DELETE | POST (create, import, transfer) |
//! |---|---|---|
//! | connection refused (nothing sent) | retried | retried |
//! | 429 | retried after `Retry-After` | retried after `Retry-After` |
//! | 408, 5xx | retried | only with [`RetryPolicy::retry_non_idempotent`] |
//! | timeout, connection lost mid-request | retried | only with [`RetryPolicy::retry_non_idempotent`] |
//! | other 4xx | never | never |
//!
//! A body that cannot be replayed (a single-use reader) is never sent twice. Waits
//! use exponential backoff with full jitter, except where the server said how long
//! to wait; a wait longer than [`RetryPolicy::max_retry_after`] is not slept: the
//! caller gets the rate-limit error with the wait it asked for.

use std::time::Duration;

use chrono::{DateTime, Utc};
use http::{HeaderMap, StatusCode};

use crate::error::RateLimit;
use crate::transport::TransportErrorKind;

/// How a call is retried.
#[derive(Debug, Clone, PartialEq)]
pub struct RetryPolicy {
    /// Attempts in all, the first included (1 = no retry). Default 3.
    pub max_attempts: u32,
    /// The backoff ceiling of the first retry; doubled each time. Default 500 ms.
    pub initial_backoff: Duration,
    /// The largest backoff ceiling. Default 10 s.
    pub max_backoff: Duration,
    /// The longest server-requested wait (`Retry-After`, `X-Ratelimit-Reset`) the
    /// client will sleep; past it the rate-limit error is returned. Default 60 s.
    pub max_retry_after: Duration,
    /// Also retry POSTs on timeouts, lost connections, 408 and 5xx, accepting that
    /// the server may have acted (a task may be created twice). Default false.
    pub retry_non_idempotent: bool,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 3,
            initial_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(10),
            max_retry_after: Duration::from_secs(60),
            retry_non_idempotent: false,
        }
    }
}

impl RetryPolicy {
    /// No retries at all.
    pub fn none() -> Self {
        RetryPolicy {
            max_attempts: 1,
            ..Self::default()
        }
    }

    /// Sets the number of attempts (at least 1).
    pub fn with_max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// Sets the first and the largest backoff ceilings.
    pub fn with_backoff(mut self, initial: Duration, max: Duration) -> Self {
        self.initial_backoff = initial;
        self.max_backoff = max.max(initial);
        self
    }

    /// Sets the longest server-requested wait the client will sleep.
    pub fn with_max_retry_after(mut self, max: Duration) -> Self {
        self.max_retry_after = max;
        self
    }

    /// Opts POST requests into retries on ambiguous failures.
    pub fn with_retry_non_idempotent(mut self, yes: bool) -> Self {
        self.retry_non_idempotent = yes;
        self
    }

    /// The backoff ceiling before retry number `retry` (1 for the first retry).
    pub fn backoff_ceiling(&self, retry: u32) -> Duration {
        let factor = 2u32.saturating_pow(retry.saturating_sub(1).min(30));
        self.initial_backoff
            .saturating_mul(factor)
            .min(self.max_backoff)
    }

    /// A backoff with full jitter: uniform in `[0, ceiling]`.
    pub fn backoff(&self, retry: u32) -> Duration {
        let ceiling = self.backoff_ceiling(retry);
        let nanos = ceiling.as_nanos().min(u64::MAX as u128) as u64;
        Duration::from_nanos(fastrand::u64(0..=nanos))
    }
}

/// What happened on one attempt, as far as retrying is concerned.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Outcome {
    Status(StatusCode),
    Transport(TransportErrorKind),
}

/// Whether an attempt's failure may be retried, before looking at attempts left.
pub(crate) fn is_retryable(outcome: Outcome, idempotent: bool, policy: &RetryPolicy) -> bool {
    let ambiguous_ok = idempotent || policy.retry_non_idempotent;
    match outcome {
        Outcome::Status(s) if s == StatusCode::TOO_MANY_REQUESTS => true,
        Outcome::Status(s) if s == StatusCode::REQUEST_TIMEOUT || s.is_server_error() => {
            ambiguous_ok
        }
        Outcome::Status(_) => false,
        Outcome::Transport(TransportErrorKind::Connect) => true,
        Outcome::Transport(
            TransportErrorKind::Timeout | TransportErrorKind::Send | TransportErrorKind::Receive,
        ) => ambiguous_ok,
        Outcome::Transport(_) => false,
    }
}

/// The wait a response asks for: `Retry-After` (seconds or an HTTP date), else, on a
/// 429 with no requests remaining, the time until `X-Ratelimit-Reset`.
pub fn retry_after(
    headers: &HeaderMap,
    rate_limit: &RateLimit,
    status: StatusCode,
    now: DateTime<Utc>,
) -> Option<Duration> {
    // `retry-after-ms` is more precise where a server sends it.
    if let Some(ms) = headers
        .get("retry-after-ms")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<f64>().ok())
        .filter(|ms| ms.is_finite() && *ms >= 0.0)
    {
        return Some(Duration::from_secs_f64(ms.min(1e12) / 1000.0));
    }
    if let Some(value) = headers.get(http::header::RETRY_AFTER) {
        if let Some(wait) = value.to_str().ok().and_then(|v| parse_retry_after(v, now)) {
            return Some(wait);
        }
    }
    if status == StatusCode::TOO_MANY_REQUESTS && rate_limit.remaining.unwrap_or(0) == 0 {
        // A reset already in the past says nothing useful: back off instead.
        if let Some(wait) = rate_limit
            .reset
            .and_then(|reset| (reset - now).to_std().ok())
        {
            if !wait.is_zero() {
                return Some(wait);
            }
        }
    }
    None
}

/// Parses a `Retry-After` value: delta-seconds or an HTTP date.
pub fn parse_retry_after(value: &str, now: DateTime<Utc>) -> Option<Duration> {
    let value = value.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    if let Ok(secs) = value.parse::<f64>() {
        if secs.is_finite() && secs >= 0.0 {
            return Some(Duration::from_secs_f64(secs.min(1e9)));
        }
    }
    // IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT") is an RFC 2822 date.
    let date = DateTime::parse_from_rfc2822(value).ok()?;
    Some(
        (date.with_timezone(&Utc) - now)
            .to_std()
            .unwrap_or(Duration::ZERO),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_and_is_capped() {
        let p = RetryPolicy::default();
        assert_eq!(p.backoff_ceiling(1), Duration::from_millis(500));
        assert_eq!(p.backoff_ceiling(2), Duration::from_secs(1));
        assert_eq!(p.backoff_ceiling(3), Duration::from_secs(2));
        assert_eq!(p.backoff_ceiling(20), Duration::from_secs(10));
        assert_eq!(p.backoff_ceiling(u32::MAX), Duration::from_secs(10));
        for retry in 1..10 {
            assert!(p.backoff(retry) <= p.backoff_ceiling(retry));
        }
    }

    #[test]
    fn retry_after_forms() {
        let now = DateTime::parse_from_rfc3339("2024-03-01T00:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(parse_retry_after("7", now), Some(Duration::from_secs(7)));
        assert_eq!(
            parse_retry_after("1.5", now),
            Some(Duration::from_millis(1500))
        );
        assert_eq!(
            parse_retry_after("Fri, 01 Mar 2024 00:00:30 GMT", now),
            Some(Duration::from_secs(30))
        );
        assert_eq!(
            parse_retry_after("Thu, 29 Feb 2024 00:00:30 GMT", now),
            Some(Duration::ZERO)
        );
        assert_eq!(parse_retry_after("soon", now), None);
        assert_eq!(parse_retry_after("-3", now), None);
    }

    #[test]
    fn retry_after_headers() {
        let now = Utc::now();
        let mut h = HeaderMap::new();
        h.insert("retry-after-ms", "1500".parse().unwrap());
        h.insert(http::header::RETRY_AFTER, "9".parse().unwrap());
        let rl = RateLimit::default();
        let s429 = StatusCode::TOO_MANY_REQUESTS;
        assert_eq!(
            retry_after(&h, &rl, s429, now),
            Some(Duration::from_millis(1500))
        );
        let past = RateLimit {
            remaining: Some(0),
            reset: Some(now - chrono::Duration::seconds(5)),
            ..RateLimit::default()
        };
        assert_eq!(retry_after(&HeaderMap::new(), &past, s429, now), None);
        let future = RateLimit {
            remaining: Some(0),
            reset: Some(now + chrono::Duration::seconds(5)),
            ..RateLimit::default()
        };
        assert_eq!(
            retry_after(&HeaderMap::new(), &future, s429, now),
            Some(Duration::from_secs(5))
        );
    }

    #[test]
    fn classification() {
        let p = RetryPolicy::default();
        let s = |c: u16| Outcome::Status(StatusCode::from_u16(c).unwrap());
        let t = Outcome::Transport;
        for idem in [true, false] {
            assert!(is_retryable(s(429), idem, &p));
            assert!(is_retryable(t(TransportErrorKind::Connect), idem, &p));
            for c in [400, 401, 403, 404, 409, 422] {
                assert!(!is_retryable(s(c), idem, &p));
            }
        }
        for c in [408, 500, 502, 503, 504] {
            assert!(is_retryable(s(c), true, &p));
            assert!(!is_retryable(s(c), false, &p));
            assert!(is_retryable(
                s(c),
                false,
                &p.clone().with_retry_non_idempotent(true)
            ));
        }
        for k in [
            TransportErrorKind::Timeout,
            TransportErrorKind::Send,
            TransportErrorKind::Receive,
        ] {
            assert!(is_retryable(t(k), true, &p));
            assert!(!is_retryable(t(k), false, &p));
        }
        assert!(!is_retryable(t(TransportErrorKind::Redirect), true, &p));
    }
}
