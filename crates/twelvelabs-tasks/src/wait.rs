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
//! - The deadline defaults to [`DEFAULT_WAIT_TIMEOUT`]; reaching it returns
//!   [`Error::WaitTimeout`] with the last state seen.
//! - Dropping the future cancels the wait at once; nothing is left running.

use std::time::Duration;

use twelvelabs_models::Task;
use twelvelabs_transport::{Error, RequestOptions};

use crate::options::{impl_into_future, impl_request_options};
use crate::Tasks;

/// The default polling interval (the Python SDK's).
pub const DEFAULT_SLEEP_INTERVAL: Duration = Duration::from_secs(5);
/// The default deadline: longer than indexing a two-hour video takes.
pub const DEFAULT_WAIT_TIMEOUT: Duration = Duration::from_secs(3 * 60 * 60);
/// The default number of transient errors in a row before giving up.
pub const DEFAULT_MAX_CONSECUTIVE_ERRORS: u32 = 5;

/// The shortest per-poll timeout, so the last poll before the deadline can still
/// complete.
const MIN_POLL_TIMEOUT: Duration = Duration::from_secs(1);

type Callback = Box<dyn FnMut(&Task) + Send + 'static>;

/// Builder for waiting on a task; `.await` it.
#[must_use = "a wait does nothing until it is awaited"]
pub struct WaitForDone {
    tasks: Tasks,
    task_id: String,
    sleep_interval: Duration,
    timeout: Option<Duration>,
    max_consecutive_errors: u32,
    callback: Option<Callback>,
    options: RequestOptions,
}

impl std::fmt::Debug for WaitForDone {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WaitForDone")
            .field("task_id", &self.task_id)
            .field("sleep_interval", &self.sleep_interval)
            .field("timeout", &self.timeout)
            .field("max_consecutive_errors", &self.max_consecutive_errors)
            .field("callback", &self.callback.is_some())
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
            timeout: Some(DEFAULT_WAIT_TIMEOUT),
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

    /// The overall deadline. Default [`DEFAULT_WAIT_TIMEOUT`].
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Waits with no deadline at all. Prefer [`timeout`](Self::timeout).
    pub fn no_timeout(mut self) -> Self {
        self.timeout = None;
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
        let deadline = self.timeout.map(|t| started + t);
        let mut last: Option<Task> = None;
        let mut consecutive_errors = 0u32;
        loop {
            // One poll may not outlive the deadline either.
            let mut options = self.options.clone();
            if let Some(deadline) = deadline {
                let remaining = deadline.saturating_duration_since(clock.now());
                let per_attempt = options
                    .timeout()
                    .unwrap_or(self.tasks.executor().config().timeout);
                options = options.with_timeout(per_attempt.min(remaining).max(MIN_POLL_TIMEOUT));
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
                    if let Some(cb) = self.callback.as_mut() {
                        cb(&task);
                    }
                    if task.status.is_terminal() {
                        return Ok(task);
                    }
                    last = Some(task);
                }
                Err(e) if e.is_transient() && consecutive_errors < self.max_consecutive_errors => {
                    consecutive_errors += 1;
                    tracing::debug!(task_id = %self.task_id, consecutive_errors, error = %e, "transient error while waiting");
                }
                Err(e) => return Err(e),
            }
            let mut pause = self.sleep_interval;
            if let Some(deadline) = deadline {
                let now = clock.now();
                if now >= deadline {
                    return Err(match last {
                        Some(task) => Error::WaitTimeout {
                            waited: now - started,
                            last: Box::new(task),
                        },
                        None => Error::Timeout {
                            timeout: now - started,
                            outcome_unknown: false,
                        },
                    });
                }
                pause = pause.min(deadline - now);
            }
            clock.sleep(pause).await;
        }
    }
}
