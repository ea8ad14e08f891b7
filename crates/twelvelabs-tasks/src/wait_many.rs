//! [`WaitMany`]: wait on many tasks through one scheduler, as a [`Stream`] of
//! each task's outcome in the order they finish.
//!
//! Rules, and why:
//! - One scheduler, not N waits: every poll goes through a single queue ordered by
//!   due time, so the **request rate is bounded** at any N
//!   ([`WaitMany::with_max_requests_per_second`], default
//!   [`DEFAULT_MAX_REQUESTS_PER_SECOND`]). Polls are spaced evenly (never a burst),
//!   so no one-second window holds more than the configured maximum. When N is
//!   large, each task is simply polled less often than its interval.
//! - Each poll is exactly one request: the executor's retries are off for polls,
//!   the scheduler's own error budget (per task) replaces them, so retries cannot
//!   break the rate.
//! - Per task, the rules of [`WaitForDone`](crate::WaitForDone): the first poll
//!   at once, `ready` and `failed` both end the wait with `Ok(task)` (check
//!   `task.status`), non-transient errors end it at once, up to
//!   `max_consecutive_errors` transient errors in a row are tolerated, and
//!   `max_wait` (or `with_deadline`) bounds the wait from the moment the task
//!   joined ([`Error::WaitTimeout`]). The callback sees every observed state.
//! - Memory per task is its id and a few words of state (no future, no buffer):
//!   10,000 waits fit in a few MiB. At most [`WaitMany::with_max_in_flight`]
//!   polls are in flight.
//! - Time goes through the executor's [`Clock`], so tests run instantly with a
//!   [`ManualClock`](twelvelabs_transport::ManualClock).

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use futures_core::Stream;
use futures_util::stream::FuturesUnordered;
use futures_util::StreamExt;
use twelvelabs_models::Task;
use twelvelabs_transport::{Clock, Error, RequestOptions, RetryPolicy};

use crate::options::impl_request_options;
use crate::wait::{DEFAULT_MAX_CONSECUTIVE_ERRORS, DEFAULT_MAX_WAIT, DEFAULT_SLEEP_INTERVAL};
use crate::Tasks;

/// The default bound of the scheduler's request rate. Twelve Labs documents
/// daily limits on creates and none on retrieves; ten polls a second stays far
/// below anything a plan allows while checking each of 1,000 tasks every 100 s.
pub const DEFAULT_MAX_REQUESTS_PER_SECOND: f64 = 10.0;
/// The default number of polls in flight at once.
pub const DEFAULT_MAX_IN_FLIGHT: usize = 16;

type Callback = Box<dyn FnMut(&Task) + Send + 'static>;
type PollFuture = Pin<Box<dyn Future<Output = (u32, Result<Task, Error>)> + Send>>;
type SleepFuture = Pin<Box<dyn Future<Output = ()> + Send>>;

/// One task's end: `Ok(task)` when it is `ready` or `failed` (check
/// `task.status`), or the error that ended the wait.
#[derive(Debug)]
pub struct WaitOutcome {
    /// The task id.
    pub task_id: String,
    /// The final state, or why the wait ended without one.
    pub result: Result<Task, Error>,
}

impl WaitOutcome {
    /// Whether the task ended `ready`.
    pub fn is_ready(&self) -> bool {
        matches!(&self.result, Ok(t) if t.status == "ready")
    }
}

/// The settings of a scheduler.
#[derive(Clone, Debug)]
pub(crate) struct WaitSettings {
    pub(crate) sleep_interval: Duration,
    pub(crate) max_wait: Option<Duration>,
    pub(crate) max_consecutive_errors: u32,
    pub(crate) max_rps: f64,
    pub(crate) max_in_flight: usize,
    pub(crate) options: RequestOptions,
}

impl Default for WaitSettings {
    fn default() -> Self {
        WaitSettings {
            sleep_interval: DEFAULT_SLEEP_INTERVAL,
            max_wait: Some(DEFAULT_MAX_WAIT),
            max_consecutive_errors: DEFAULT_MAX_CONSECUTIVE_ERRORS,
            max_rps: DEFAULT_MAX_REQUESTS_PER_SECOND,
            max_in_flight: DEFAULT_MAX_IN_FLIGHT,
            options: RequestOptions::new(),
        }
    }
}

impl WaitSettings {
    pub(crate) fn check(&self) -> Result<(), Error> {
        if self.sleep_interval.is_zero() {
            return Err(Error::invalid_input(
                "sleep_interval",
                "must be greater than zero",
            ));
        }
        if !(self.max_rps.is_finite() && self.max_rps > 0.0) {
            return Err(Error::invalid_input(
                "max_requests_per_second",
                format!("must be a positive number, got {}", self.max_rps),
            ));
        }
        Ok(())
    }
}

/// A waited task: its id and a few words of state.
struct Slot {
    id: Box<str>,
    tag: usize,
    started: Instant,
    deadline: Option<Instant>,
    errors: u32,
}

/// The scheduler: a due-time queue of task slots, a rate gate, and at most
/// `max_in_flight` polls.
pub(crate) struct Scheduler {
    tasks: Tasks,
    clock: Arc<dyn Clock>,
    settings: WaitSettings,
    spacing: Duration,
    poll_options: RequestOptions,
    slots: Vec<Option<Slot>>,
    free: Vec<u32>,
    queue: BinaryHeap<Reverse<(Instant, u32)>>,
    in_flight: FuturesUnordered<PollFuture>,
    next_send: Instant,
    timer: Option<(Instant, SleepFuture)>,
    callback: Option<Callback>,
    len: usize,
}

/// What the scheduler yields: the caller's tag, the task id, and the outcome.
pub(crate) type Finished = (usize, String, Result<Task, Error>);

impl Scheduler {
    pub(crate) fn new(tasks: Tasks, settings: WaitSettings, callback: Option<Callback>) -> Self {
        let clock = Arc::clone(tasks.executor().clock());
        // A small margin over 1/rate: request arrival jitter must not put one
        // more request than the maximum into any one-second window.
        let spacing = Duration::from_secs_f64(1.02 / settings.max_rps.max(1e-6))
            .min(Duration::from_secs(3600));
        let poll_options = settings.options.clone().with_retry(RetryPolicy::none());
        let now = clock.now();
        Scheduler {
            tasks,
            clock,
            spacing,
            poll_options,
            settings,
            slots: Vec::new(),
            free: Vec::new(),
            queue: BinaryHeap::new(),
            in_flight: FuturesUnordered::new(),
            next_send: now,
            timer: None,
            callback,
            len: 0,
        }
    }

    /// Tasks waited on, polls in flight included.
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// Adds a task; its first poll is due now (subject to the rate).
    pub(crate) fn push(&mut self, id: &str, tag: usize) {
        let now = self.clock.now();
        let budget = match (self.settings.max_wait, self.settings.options.deadline()) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        let slot = Slot {
            id: id.into(),
            tag,
            started: now,
            deadline: budget.and_then(|b| now.checked_add(b)),
            errors: 0,
        };
        let index = match self.free.pop() {
            Some(i) => {
                self.slots[i as usize] = Some(slot);
                i
            }
            None => {
                self.slots.push(Some(slot));
                // More than u32::MAX waits cannot be held in memory anyway.
                u32::try_from(self.slots.len() - 1).unwrap_or(u32::MAX)
            }
        };
        self.queue.push(Reverse((now, index)));
        self.len += 1;
    }

    fn release(&mut self, index: u32) -> Option<Slot> {
        let slot = self.slots.get_mut(index as usize)?.take()?;
        self.free.push(index);
        self.len -= 1;
        Some(slot)
    }

    fn timed_out(
        &mut self,
        index: u32,
        now: Instant,
        last_error: Option<Error>,
    ) -> Option<Finished> {
        let slot = self.release(index)?;
        let error = Error::WaitTimeout {
            task_id: slot.id.as_ref().into(),
            waited: now.saturating_duration_since(slot.started),
            last: None,
            last_error: last_error.map(Box::new),
        };
        Some((slot.tag, slot.id.into(), Err(error)))
    }

    /// Handles a finished poll: an outcome, or the task goes back in the queue.
    fn on_polled(&mut self, index: u32, result: Result<Task, Error>) -> Option<Finished> {
        let now = self.clock.now();
        let interval = self.settings.sleep_interval;
        let max_errors = self.settings.max_consecutive_errors;
        let slot = self.slots.get_mut(index as usize)?.as_mut()?;
        let mut pause = interval;
        match result {
            Ok(task) => {
                slot.errors = 0;
                if let Some(cb) = self.callback.as_mut() {
                    cb(&task);
                }
                if task.status.is_terminal() {
                    let slot = self.release(index)?;
                    return Some((slot.tag, slot.id.into(), Ok(task)));
                }
            }
            Err(Error::DeadlineExceeded { last, .. }) => {
                return self.timed_out(index, now, last.map(|e| *e));
            }
            Err(e) if e.is_transient() && slot.errors < max_errors => {
                slot.errors += 1;
                tracing::debug!(task_id = %slot.id, errors = slot.errors, error = %e, "transient error while waiting");
                if let Some(asked) = e.retry_after() {
                    pause = pause.max(asked);
                }
            }
            Err(e) => {
                let slot = self.release(index)?;
                return Some((slot.tag, slot.id.into(), Err(e)));
            }
        }
        let mut due = now.checked_add(pause).unwrap_or(now);
        if let Some(deadline) = slot.deadline {
            due = due.min(deadline);
        }
        self.queue.push(Reverse((due, index)));
        None
    }

    /// The next finished task; `Ready(None)` when nothing is waited on.
    pub(crate) fn poll_finished(&mut self, cx: &mut Context<'_>) -> Poll<Option<Finished>> {
        loop {
            while let Poll::Ready(Some((index, result))) = self.in_flight.poll_next_unpin(cx) {
                if let Some(done) = self.on_polled(index, result) {
                    return Poll::Ready(Some(done));
                }
            }
            if self.len == 0 {
                return Poll::Ready(None);
            }
            let now = self.clock.now();
            let mut wake_at: Option<Instant> = None;
            while self.in_flight.len() < self.settings.max_in_flight.max(1) {
                let Some(&Reverse((due, index))) = self.queue.peek() else {
                    break;
                };
                if due > now {
                    wake_at = Some(due.max(self.next_send));
                    break;
                }
                let deadline = self
                    .slots
                    .get(index as usize)
                    .and_then(|s| s.as_ref())
                    .and_then(|s| s.deadline);
                if deadline.is_some_and(|d| d <= now) {
                    self.queue.pop();
                    if let Some(done) = self.timed_out(index, now, None) {
                        return Poll::Ready(Some(done));
                    }
                    continue;
                }
                if self.next_send > now {
                    wake_at = Some(self.next_send);
                    break;
                }
                self.queue.pop();
                self.next_send = self.next_send.max(now) + self.spacing;
                let Some(slot) = self.slots.get(index as usize).and_then(|s| s.as_ref()) else {
                    continue;
                };
                let mut options = self.poll_options.clone();
                if let Some(d) = slot.deadline {
                    options = options.with_deadline(d.saturating_duration_since(now));
                }
                let poll = self
                    .tasks
                    .retrieve(slot.id.as_ref())
                    .with_options(options)
                    .send();
                self.in_flight
                    .push(Box::pin(async move { (index, poll.await) }));
            }
            if !self.in_flight.is_empty() {
                // Register the new polls' wakers.
                if let Poll::Ready(Some((index, result))) = self.in_flight.poll_next_unpin(cx) {
                    if let Some(done) = self.on_polled(index, result) {
                        return Poll::Ready(Some(done));
                    }
                    continue;
                }
            }
            let Some(at) = wake_at else {
                return Poll::Pending;
            };
            if self.timer.as_ref().is_none_or(|(t, _)| *t != at) {
                let clock = Arc::clone(&self.clock);
                let d = at.saturating_duration_since(now);
                self.timer = Some((at, Box::pin(async move { clock.sleep(d).await })));
            }
            if let Some((_, sleep)) = self.timer.as_mut() {
                if sleep.as_mut().poll(cx).is_ready() {
                    self.timer = None;
                    continue;
                }
            }
            return Poll::Pending;
        }
    }
}

/// Builder for [`Tasks::wait_many`]; take [`into_stream`](Self::into_stream).
///
/// ```no_run
/// # async fn demo(tasks: twelvelabs_tasks::Tasks, ids: Vec<String>) {
/// use futures_util::StreamExt;
/// use std::time::Duration;
/// let mut done = tasks
///     .wait_many(ids)
///     .sleep_interval(Duration::from_secs(10))
///     .with_max_requests_per_second(5.0)
///     .into_stream();
/// while let Some(outcome) = done.next().await {
///     match outcome.result {
///         Ok(task) => println!("{} ended {}", task.id, task.status),
///         Err(e) => eprintln!("{}: {e}", outcome.task_id),
///     }
/// }
/// # }
/// ```
#[must_use = "a wait does nothing until its stream is polled"]
pub struct WaitMany {
    tasks: Tasks,
    ids: Vec<String>,
    settings: WaitSettings,
    callback: Option<Callback>,
    options: RequestOptions,
}

impl std::fmt::Debug for WaitMany {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WaitMany")
            .field("tasks", &self.ids.len())
            .field("settings", &self.settings)
            .field("callback", &self.callback.is_some())
            .finish_non_exhaustive()
    }
}

impl_request_options!(WaitMany);

/// The per-task wait settings shared by [`WaitMany`] and [`Ingest`](crate::Ingest).
macro_rules! impl_wait_settings {
    ($ty:ty) => {
        impl $ty {
            /// The time between two polls of one task (greater than zero). Default
            /// 5 s. With many tasks, the rate bound may space them further.
            pub fn sleep_interval(mut self, interval: std::time::Duration) -> Self {
                self.wait_settings_mut().sleep_interval = interval;
                self
            }

            /// Bounds each task's wait, from the moment it joins. Default 3 h.
            pub fn max_wait(mut self, max_wait: std::time::Duration) -> Self {
                self.wait_settings_mut().max_wait = Some(max_wait);
                self
            }

            /// How many transient errors in a row one task tolerates. Default 5.
            pub fn max_consecutive_errors(mut self, n: u32) -> Self {
                self.wait_settings_mut().max_consecutive_errors = n;
                self
            }

            /// The most poll requests per second, over all tasks (a positive
            /// number). Default [`DEFAULT_MAX_REQUESTS_PER_SECOND`](crate::DEFAULT_MAX_REQUESTS_PER_SECOND).
            pub fn with_max_requests_per_second(mut self, rps: f64) -> Self {
                self.wait_settings_mut().max_rps = rps;
                self
            }

            /// The most polls in flight at once (at least 1). Default 16.
            pub fn with_max_in_flight(mut self, n: usize) -> Self {
                self.wait_settings_mut().max_in_flight = n.max(1);
                self
            }
        }
    };
}
pub(crate) use impl_wait_settings;

impl_wait_settings!(WaitMany);

impl WaitMany {
    pub(crate) fn new(tasks: Tasks, ids: Vec<String>) -> Self {
        WaitMany {
            tasks,
            ids,
            settings: WaitSettings::default(),
            callback: None,
            options: RequestOptions::new(),
        }
    }

    fn wait_settings_mut(&mut self) -> &mut WaitSettings {
        &mut self.settings
    }

    /// Called with every observed state of every task.
    pub fn callback(mut self, callback: impl FnMut(&Task) + Send + 'static) -> Self {
        self.callback = Some(Box::new(callback));
        self
    }

    /// Each task's outcome, as it finishes. Invalid settings end the stream
    /// with one error outcome (task id empty).
    pub fn into_stream(self) -> WaitManyStream {
        let mut settings = self.settings;
        settings.options = self.options;
        let error = settings.check().err();
        let mut scheduler = Scheduler::new(self.tasks, settings, self.callback);
        let mut rejected = Vec::new();
        if error.is_none() {
            for id in self.ids {
                match crate::options::check_id("task_id", &id) {
                    Ok(()) => scheduler.push(&id, 0),
                    Err(e) => rejected.push(WaitOutcome {
                        task_id: id,
                        result: Err(e),
                    }),
                }
            }
        }
        if let Some(e) = error {
            rejected.push(WaitOutcome {
                task_id: String::new(),
                result: Err(e),
            });
        }
        WaitManyStream {
            scheduler,
            rejected,
        }
    }
}

/// The stream of [`WaitMany`]: each task's outcome as it finishes.
pub struct WaitManyStream {
    scheduler: Scheduler,
    rejected: Vec<WaitOutcome>,
}

impl std::fmt::Debug for WaitManyStream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WaitManyStream")
            .field("waiting", &self.scheduler.len())
            .finish_non_exhaustive()
    }
}

impl Stream for WaitManyStream {
    type Item = WaitOutcome;
    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<WaitOutcome>> {
        let this = self.get_mut();
        if let Some(r) = this.rejected.pop() {
            return Poll::Ready(Some(r));
        }
        this.scheduler
            .poll_finished(cx)
            .map(|o| o.map(|(_, task_id, result)| WaitOutcome { task_id, result }))
    }
}
