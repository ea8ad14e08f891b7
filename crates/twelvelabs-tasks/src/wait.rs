//! [`WaitForDone`]: poll a task until it is `ready` or `failed`, with an interval,
//! a callback for every observed state, a deadline, and an error budget.
//!
//! Rules, and why:
//! - The task is fetched at once and the callback fires for that first state too,
//!   so an already-finished task is reported (the official SDKs skipped it).
//! - `ready` and `failed` both return `Ok(task)`: the caller checks `task.status`,
//!   as in the Python SDK. Unknown statuses are treated as not finished, bounded
//!   by the deadline.
//! - 401, 403, 404 and every other non-transient error end the wait at once.
//!   Transient errors (timeouts, connection errors, 408, 429, 5xx) are tolerated up
//!   to [`WaitForDone::max_consecutive_errors`] in a row.
//! - The whole wait is bounded by [`WaitForDone::max_wait`] (default
//!   [`DEFAULT_MAX_WAIT`]) and by a `with_deadline` if one is set, whichever is
//!   shorter. Each poll runs under what is left of it, so no poll, retry or
//!   `Retry-After` wait runs past it; reaching it returns [`Error::WaitTimeout`] with
//!   the last state seen and the last error. A server asking for a wait that does
//!   not fit (a 429 with `Retry-After` beyond the deadline) ends the wait at once.
//!   No poll is started at the deadline itself: it could not finish before it.
//! - A transient error's `Retry-After` lengthens the pause before the next poll.
//! - Dropping the future cancels the wait at once; nothing is left running.

use std::time::Duration;

use twelvelabs_models::Task;
use twelvelabs_transport::{Error, RequestOptions};

use crate::options::{impl_into_future, impl_request_options};
use crate::Tasks;

/// The default polling interval (the Python SDK's).
pub const DEFAULT_SLEEP_INTERVAL: Duration = Duration::from_secs(5);
/// The default bound of the whole wait: longer than indexing a two-hour video takes.
pub const DEFAULT_MAX_WAIT: Duration = Duration::from_secs(3 * 60 * 60);
/// The default number of transient errors in a row before giving up.
pub const DEFAULT_MAX_CONSECUTIVE_ERRORS: u32 = 5;

type Callback = Box<dyn FnMut(&Task) + Send + 'static>;

/// Builder for waiting on a task; `.await` it.
#[must_use = "a builder does nothing until it is awaited"]
pub struct WaitForDone {
    tasks: Tasks,
    task_id: String,
    sleep_interval: Duration,
    max_wait: Option<Duration>,
    max_consecutive_errors: u32,
    callback: Option<Callback>,
    options: RequestOptions,
}

impl std::fmt::Debug for WaitForDone {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WaitForDone")
            .field("task_id", &self.task_id)
            .field("sleep_interval", &self.sleep_interval)
            .field("max_wait", &self.max_wait)
            .field("max_consecutive_errors", &self.max_consecutive_errors)
            .field("callback", &self.callback.is_some())
            .field("options", &self.options)
            .finish()
    }
}

impl_request_options!(WaitForDone);
impl_into_future!(WaitForDone => Task);

impl WaitForDone {
    pub(crate) fn new(tasks: Tasks, task_id: String) -> Self {
        WaitForDone {
            tasks,
            task_id,
            sleep_interval: DEFAULT_SLEEP_INTERVAL,
            max_wait: Some(DEFAULT_MAX_WAIT),
            max_consecutive_errors: DEFAULT_MAX_CONSECUTIVE_ERRORS,
            callback: None,
            options: RequestOptions::new(),
        }
    }

    /// The time between polls (must be greater than zero). Default 5 s.
    pub fn sleep_interval(mut self, interval: Duration) -> Self {
        self.sleep_interval = interval;
        self
    }

    /// Called with every observed state, the first included.
    pub fn callback(mut self, callback: impl FnMut(&Task) + Send + 'static) -> Self {
        self.callback = Some(Box::new(callback));
        self
    }

    /// Bounds the whole wait, every poll and retry included. Default
    /// [`DEFAULT_MAX_WAIT`]; `Duration::MAX` means no bound, `Duration::ZERO` gives up
    /// at once. Each poll's attempts are bounded by
    /// [`with_attempt_timeout`](Self::with_attempt_timeout).
    pub fn max_wait(mut self, max_wait: Duration) -> Self {
        self.max_wait = Some(max_wait);
        self
    }

    /// Waits with no bound at all. Prefer [`max_wait`](Self::max_wait).
    pub fn no_max_wait(mut self) -> Self {
        self.max_wait = None;
        self
    }

    /// How many transient errors in a row are tolerated. Default 5.
    pub fn max_consecutive_errors(mut self, n: u32) -> Self {
        self.max_consecutive_errors = n;
        self
    }

    /// Polls until the task is `ready` or `failed`.
    pub async fn send(mut self) -> Result<Task, Error> {
        if self.sleep_interval.is_zero() {
            return Err(Error::invalid_input(
                "sleep_interval",
                "must be greater than zero",
            ));
        }
        crate::options::check_id("task_id", &self.task_id)?;
        let clock = std::sync::Arc::clone(self.tasks.executor().clock());
        let started = clock.now();
        // `with_deadline` bounds the whole wait too, not each poll.
        let budget = match (self.max_wait, self.options.deadline()) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        // A bound too far to be represented is no bound.
        let deadline = budget.and_then(|b| started.checked_add(b));
        let mut last: Option<Task> = None;
        let mut last_error: Option<Error> = None;
        let mut consecutive_errors = 0u32;
        loop {
            let mut options = self.options.clone();
            if let Some(deadline) = deadline {
                let remaining = deadline.saturating_duration_since(clock.now());
                if remaining.is_zero() {
                    return Err(self.timed_out(started, clock.now(), last, last_error));
                }
                options = options.with_deadline(remaining);
            }
            match self
                .tasks
                .retrieve(self.task_id.as_str())
                .with_options(options)
                .send()
                .await
            {
                Ok(task) => {
                    consecutive_errors = 0;
                    last_error = None;
                    if let Some(cb) = self.callback.as_mut() {
                        cb(&task);
                    }
                    if task.status.is_terminal() {
                        return Ok(task);
                    }
                    last = Some(task);
                }
                Err(Error::DeadlineExceeded { last: cause, .. }) => {
                    // The poll could not finish within the wait: nothing later can.
                    let error = cause.map(|e| *e).or(last_error);
                    return Err(self.timed_out(started, clock.now(), last, error));
                }
                Err(e) if e.is_transient() && consecutive_errors < self.max_consecutive_errors => {
                    consecutive_errors += 1;
                    tracing::debug!(task_id = %self.task_id, consecutive_errors, error = %e, "transient error while waiting");
                    last_error = Some(e);
                }
                Err(e) => return Err(e),
            }
            let mut pause = self.sleep_interval;
            if let Some(asked) = last_error.as_ref().and_then(Error::retry_after) {
                pause = pause.max(asked);
            }
            if let Some(deadline) = deadline {
                pause = pause.min(deadline.saturating_duration_since(clock.now()));
            }
            clock.sleep(pause).await;
        }
    }

    fn timed_out(
        &self,
        started: std::time::Instant,
        now: std::time::Instant,
        last: Option<Task>,
        last_error: Option<Error>,
    ) -> Error {
        Error::WaitTimeout {
            task_id: self.task_id.as_str().into(),
            waited: now.saturating_duration_since(started),
            last: last.map(Box::new),
            last_error: last_error.map(Box::new),
        }
    }
}
