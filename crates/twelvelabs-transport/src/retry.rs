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
//! caller gets the rate-limit error with the wait it asked for. With a deadline
//! ([`RequestOptions::with_deadline`](crate::RequestOptions::with_deadline)), no
//! wait runs past it and no attempt starts without [`MIN_ATTEMPT_TIME`] left.
//!
//! All of it is decided in one place, [`RetryPolicy::decide`].

use std::time::Duration;

use http::StatusCode;

use crate::transport::TransportErrorKind;

/// How a call is retried.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
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

/// The least time an attempt is given: a retry that would leave less than this
/// before the deadline is not started, since it could not finish.
pub const MIN_ATTEMPT_TIME: Duration = Duration::from_millis(50);

/// How an attempt failed, as far as retrying is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Failure {
    /// The server answered with a non-success status, perhaps asking for a wait.
    Status {
        /// The status.
        status: StatusCode,
        /// The wait the server asked for (`Retry-After`, `X-Ratelimit-Reset`).
        retry_after: Option<Duration>,
    },
    /// The transport failed below HTTP.
    Transport(TransportErrorKind),
    /// The request body's own source failed (a file shrank or vanished).
    BodySource,
    /// The response was larger than the size cap.
    TooLarge,
}

/// One failed attempt and what surrounds it: everything the retry decision needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct AttemptOutcome {
    /// Attempts made so far, this one included (1 after the first).
    pub attempt: u32,
    /// How it failed.
    pub failure: Failure,
    /// Whether repeating the call has no further effect (GET, DELETE).
    pub idempotent: bool,
    /// Whether the body can be sent again (every stream in it can be re-opened).
    pub body_replayable: bool,
    /// Whether a one-shot stream in the body was already opened.
    pub body_consumed: bool,
    /// The time left before the call's deadline; `None` without a deadline.
    pub remaining: Option<Duration>,
}

impl AttemptOutcome {
    /// Attempt `attempt` failed with `failure`, on an idempotent call with a
    /// replayable body and no deadline; set the other fields to describe
    /// anything else (to test a policy's decisions, for example).
    pub fn new(attempt: u32, failure: Failure) -> Self {
        AttemptOutcome {
            attempt,
            failure,
            idempotent: true,
            body_replayable: true,
            body_consumed: false,
            remaining: None,
        }
    }
}

/// What to do after a failed attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RetryDecision {
    /// Sleep this long, then try again.
    Retry(Duration),
    /// Give up, for this reason.
    Stop(StopReason),
}

/// Why a failed attempt is not retried.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum StopReason {
    /// The failure is final (most 4xx, a refused redirect, a body too large), or
    /// ambiguous on a call that is not idempotent.
    NotRetryable,
    /// The body cannot be sent again.
    BodyNotReplayable,
    /// The body's own source failed: sending it again would fail the same way.
    BodySourceFailed,
    /// [`RetryPolicy::max_attempts`] were made.
    AttemptsExhausted,
    /// The server asked for a wait above [`RetryPolicy::max_retry_after`].
    RetryAfterAboveCap(Duration),
    /// The wait and a new attempt do not fit before the deadline.
    Deadline,
}

impl RetryPolicy {
    /// The one place that decides whether a failed attempt is retried, and after
    /// how long. The executor only obeys.
    pub fn decide(&self, outcome: &AttemptOutcome) -> RetryDecision {
        use RetryDecision::Stop;
        let ambiguous_ok = outcome.idempotent || self.retry_non_idempotent;
        let (retryable, replay_ok, asked) = match outcome.failure {
            Failure::BodySource => return Stop(StopReason::BodySourceFailed),
            Failure::TooLarge => return Stop(StopReason::NotRetryable),
            Failure::Status {
                status,
                retry_after,
            } => {
                let retryable = status == StatusCode::TOO_MANY_REQUESTS
                    || ((status == StatusCode::REQUEST_TIMEOUT || status.is_server_error())
                        && ambiguous_ok);
                // A response came back, so the body was sent in full.
                (retryable, outcome.body_replayable, retry_after)
            }
            Failure::Transport(kind) => {
                let retryable = match kind {
                    TransportErrorKind::Connect => true,
                    TransportErrorKind::Timeout
                    | TransportErrorKind::Send
                    | TransportErrorKind::Receive => ambiguous_ok,
                    _ => false,
                };
                // Nothing was sent when the connection failed: a one-shot body
                // that was never opened can still go.
                let replay_ok = outcome.body_replayable
                    || (kind == TransportErrorKind::Connect && !outcome.body_consumed);
                (retryable, replay_ok, None)
            }
        };
        if !retryable {
            return Stop(StopReason::NotRetryable);
        }
        if !replay_ok {
            return Stop(StopReason::BodyNotReplayable);
        }
        if outcome.attempt >= self.max_attempts {
            return Stop(StopReason::AttemptsExhausted);
        }
        let wait = match asked {
            Some(wait) if wait > self.max_retry_after => {
                return Stop(StopReason::RetryAfterAboveCap(wait))
            }
            Some(wait) => wait,
            None => self.backoff(outcome.attempt),
        };
        if let Some(remaining) = outcome.remaining {
            if wait.saturating_add(MIN_ATTEMPT_TIME) > remaining {
                return Stop(StopReason::Deadline);
            }
        }
        RetryDecision::Retry(wait)
    }
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
    fn extreme_policies_do_not_panic() {
        let p = RetryPolicy::default()
            .with_max_attempts(u32::MAX)
            .with_backoff(Duration::MAX, Duration::MAX)
            .with_max_retry_after(Duration::MAX);
        assert_eq!(p.backoff_ceiling(u32::MAX), Duration::MAX);
        let _ = p.backoff(u32::MAX);
        let zero = RetryPolicy::default()
            .with_max_attempts(0)
            .with_backoff(Duration::ZERO, Duration::ZERO);
        assert_eq!(zero.max_attempts, 1);
        assert_eq!(zero.backoff(3), Duration::ZERO);
    }
}
