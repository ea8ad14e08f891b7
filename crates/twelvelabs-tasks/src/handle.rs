//! [`TaskHandle`]: a task bound to the client that made it, so it can be waited on.

use std::ops::Deref;

use twelvelabs_models::Task;

use crate::wait::WaitForDone;
use crate::Tasks;

/// A task returned by [`Tasks::create`], with the client it came from.
///
/// It dereferences to the [`Task`] (`task.id`, `task.status`...), and
/// [`wait_for_done`](TaskHandle::wait_for_done) polls it until it is `ready` or
/// `failed`.
#[derive(Debug, Clone)]
pub struct TaskHandle {
    task: Task,
    tasks: Tasks,
}

impl TaskHandle {
    pub(crate) fn new(task: Task, tasks: Tasks) -> Self {
        TaskHandle { task, tasks }
    }

    /// The task as last seen.
    pub fn task(&self) -> &Task {
        &self.task
    }

    /// The task, without the client.
    pub fn into_inner(self) -> Task {
        self.task
    }

    /// Polls the task until it is `ready` or `failed` (see [`WaitForDone`]).
    ///
    /// ```no_run
    /// # async fn demo(task: twelvelabs_tasks::TaskHandle) -> Result<(), twelvelabs_transport::Error> {
    /// use std::time::Duration;
    /// let task = task
    ///     .wait_for_done()
    ///     .sleep_interval(Duration::from_secs(5))
    ///     .callback(|t| tracing::info!(status = %t.status, "polled"))
    ///     .await?;
    /// if task.status != "ready" {
    ///     return Err(twelvelabs_transport::Error::invalid_input("task", format!("indexing ended {}", task.status)));
    /// }
    /// # Ok(()) }
    /// ```
    pub fn wait_for_done(&self) -> WaitForDone {
        self.tasks.wait_for_done(self.task.id.as_str())
    }

    /// Retrieves the task again and updates this handle.
    pub async fn refresh(&mut self) -> Result<&Task, twelvelabs_transport::Error> {
        self.task = self.tasks.retrieve(self.task.id.as_str()).send().await?;
        Ok(&self.task)
    }
}

impl Deref for TaskHandle {
    type Target = Task;
    fn deref(&self) -> &Task {
        &self.task
    }
}

impl From<TaskHandle> for Task {
    fn from(h: TaskHandle) -> Task {
        h.task
    }
}
