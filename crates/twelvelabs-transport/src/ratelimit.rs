//! Rate-limit headers and the wait a response asks for (`Retry-After`,
//! `retry-after-ms`, `X-Ratelimit-Reset`).

use std::time::Duration;

use chrono::{DateTime, TimeZone, Utc};
use http::{HeaderMap, StatusCode};

/// The `X-Ratelimit-*` headers of a response.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct RateLimit {
    /// `X-Ratelimit-Limit`: requests allowed per window.
    pub limit: Option<u64>,
    /// `X-Ratelimit-Remaining`.
    pub remaining: Option<u64>,
    /// `X-Ratelimit-Used`.
    pub used: Option<u64>,
    /// `X-Ratelimit-Reset`: when the window resets.
    pub reset: Option<DateTime<Utc>>,
}

impl RateLimit {
    /// Reads the headers; absent or malformed ones are `None`.
    pub fn from_headers(headers: &HeaderMap) -> Self {
        let num = |name: &str| {
            headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.trim().parse::<u64>().ok())
        };
        RateLimit {
            limit: num("x-ratelimit-limit"),
            remaining: num("x-ratelimit-remaining"),
            used: num("x-ratelimit-used"),
            reset: num("x-ratelimit-reset")
                .and_then(|s| i64::try_from(s).ok())
                .and_then(|s| Utc.timestamp_opt(s, 0).single()),
        }
    }

    /// Whether any header was present.
    pub fn is_empty(&self) -> bool {
        *self == RateLimit::default()
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
}
