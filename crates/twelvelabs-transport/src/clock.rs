//! The time seam: everything that sleeps or reads the time goes through a [`Clock`],
//! so retry backoff and polling can be tested instantly with [`ManualClock`].

use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use async_trait::async_trait;
use chrono::{DateTime, Utc};

/// A source of time and sleep.
#[async_trait]
pub trait Clock: Send + Sync + fmt::Debug + 'static {
    /// A monotonic instant.
    fn now(&self) -> Instant;
    /// Wall-clock time (for `Retry-After` dates and `X-Ratelimit-Reset`).
    fn now_utc(&self) -> DateTime<Utc>;
    /// Sleeps for `duration`. Dropping the future cancels the sleep.
    async fn sleep(&self, duration: Duration);
}

/// The real clock, sleeping with tokio.
#[derive(Debug, Clone, Copy, Default)]
pub struct TokioClock;

#[async_trait]
impl Clock for TokioClock {
    fn now(&self) -> Instant {
        // tokio's clock, so that a paused test runtime pauses this clock too.
        tokio::time::Instant::now().into_std()
    }
    fn now_utc(&self) -> DateTime<Utc> {
        Utc::now()
    }
    async fn sleep(&self, duration: Duration) {
        tokio::time::sleep(duration).await;
    }
}

/// A fake clock for tests: `sleep` returns at once and moves the time forward by the
/// requested amount, and every sleep is recorded.
#[derive(Debug, Clone)]
pub struct ManualClock {
    state: Arc<Mutex<ManualState>>,
}

#[derive(Debug)]
struct ManualState {
    start: Instant,
    start_utc: DateTime<Utc>,
    elapsed: Duration,
    sleeps: Vec<Duration>,
}

impl Default for ManualClock {
    fn default() -> Self {
        Self::new()
    }
}

impl ManualClock {
    /// A clock starting now.
    pub fn new() -> Self {
        ManualClock {
            state: Arc::new(Mutex::new(ManualState {
                start: Instant::now(),
                start_utc: Utc::now(),
                elapsed: Duration::ZERO,
                sleeps: Vec::new(),
            })),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, ManualState> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Moves time forward without sleeping.
    pub fn advance(&self, by: Duration) {
        let mut s = self.lock();
        s.elapsed = s.elapsed.saturating_add(by);
    }

    /// Every sleep requested so far.
    pub fn sleeps(&self) -> Vec<Duration> {
        self.lock().sleeps.clone()
    }

    /// The virtual time elapsed since the clock was made.
    pub fn elapsed(&self) -> Duration {
        self.lock().elapsed
    }
}

/// The latest instant representable after `start` (about a century on).
fn far_future(start: Instant) -> Instant {
    const CENTURY: Duration = Duration::from_secs(100 * 365 * 24 * 60 * 60);
    start.checked_add(CENTURY).unwrap_or(start)
}

#[async_trait]
impl Clock for ManualClock {
    fn now(&self) -> Instant {
        let s = self.lock();
        // Time saturates rather than overflow after a `Duration::MAX` sleep.
        s.start
            .checked_add(s.elapsed)
            .unwrap_or_else(|| far_future(s.start))
    }
    fn now_utc(&self) -> DateTime<Utc> {
        let s = self.lock();
        chrono::Duration::from_std(s.elapsed)
            .ok()
            .and_then(|d| s.start_utc.checked_add_signed(d))
            .unwrap_or(DateTime::<Utc>::MAX_UTC)
    }
    async fn sleep(&self, duration: Duration) {
        {
            let mut s = self.lock();
            s.elapsed = s.elapsed.saturating_add(duration);
            s.sleeps.push(duration);
        }
        // Let other tasks run, as a real sleep would.
        tokio::task::yield_now().await;
    }
}
