//! The daily `POST /tasks` counter and the `X-Ratelimit-*` headers.
//!
//! The window is the UTC day; `X-Ratelimit-Reset` is the epoch second of the
//! next UTC midnight. Without a configured limit nothing is enforced and the
//! headers report `EmulatorConfig::reported_daily_limit`.

use axum::http::{HeaderMap, HeaderName, HeaderValue};
use chrono::{DateTime, NaiveDate, TimeDelta, Utc};

/// Creates counted in the current UTC day.
#[derive(Debug, Default)]
pub(crate) struct DailyCounter {
    day: Option<NaiveDate>,
    used: u64,
}

/// Values of the four `X-Ratelimit-*` headers.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RateInfo {
    pub limit: u64,
    pub remaining: u64,
    pub used: u64,
    pub reset: i64,
    pub retry_after: u64,
}

impl RateInfo {
    /// The headers of an injected 429: the window is spent and resets in
    /// `secs` seconds.
    pub fn exhausted(limit: u64, now: DateTime<Utc>, secs: u64) -> RateInfo {
        RateInfo {
            limit,
            remaining: 0,
            used: limit,
            reset: now
                .timestamp()
                .saturating_add(i64::try_from(secs).unwrap_or(i64::MAX / 2)),
            retry_after: secs,
        }
    }

    pub fn apply(&self, headers: &mut HeaderMap) {
        let set = |h: &mut HeaderMap, name: &'static str, v: String| {
            if let Ok(v) = HeaderValue::from_str(&v) {
                h.insert(HeaderName::from_static(name), v);
            }
        };
        set(headers, "x-ratelimit-limit", self.limit.to_string());
        set(headers, "x-ratelimit-remaining", self.remaining.to_string());
        set(headers, "x-ratelimit-used", self.used.to_string());
        set(headers, "x-ratelimit-reset", self.reset.to_string());
    }
}

/// Epoch seconds of the next UTC midnight after `now`.
pub(crate) fn next_midnight(now: DateTime<Utc>) -> i64 {
    let tomorrow = now.date_naive() + TimeDelta::days(1);
    tomorrow
        .and_hms_opt(0, 0, 0)
        .map(|t| t.and_utc().timestamp())
        .unwrap_or(now.timestamp() + 86_400)
}

impl DailyCounter {
    fn roll(&mut self, now: DateTime<Utc>) {
        let today = now.date_naive();
        if self.day != Some(today) {
            self.day = Some(today);
            self.used = 0;
        }
    }

    /// Counts one create if the limit allows it.
    pub fn try_reserve(&mut self, limit: Option<u64>, now: DateTime<Utc>) -> bool {
        self.roll(now);
        if limit.is_some_and(|l| self.used >= l) {
            return false;
        }
        self.used += 1;
        true
    }

    /// Gives back a reservation whose create failed.
    pub fn release(&mut self, now: DateTime<Utc>) {
        self.roll(now);
        self.used = self.used.saturating_sub(1);
    }

    /// The header values as of now.
    pub fn info(&mut self, limit: Option<u64>, reported: u64, now: DateTime<Utc>) -> RateInfo {
        self.roll(now);
        let l = limit.unwrap_or(reported);
        let reset = next_midnight(now);
        RateInfo {
            limit: l,
            remaining: l.saturating_sub(self.used),
            used: self.used,
            reset,
            retry_after: (reset - now.timestamp()).max(1) as u64,
        }
    }
}
