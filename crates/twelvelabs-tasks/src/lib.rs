//! The Twelve Labs **Task** resource: every method of the Python SDK's
//! `client.task`, in Rust, for API v1.2 and v1.3.
//!
//! | Python SDK | Rust |
//! |---|---|
//! | `client.task.create(index_id, file=…)` | `tasks.create(index_id).file(path).send().await?` |
//! | `task.wait_for_done(sleep_interval=5, callback=f)` | `task.wait_for_done().sleep_interval(d).callback(f).await?` |
//! | `client.task.retrieve(id)` | `tasks.retrieve(id).await?` |
//! | `client.task.list(…)` | `tasks.list().index_id(..).page_limit(5).send().await?` |
//! | `client.task.list_pagination(…)`, `next(p)` | `tasks.list_pagination().send().await?`, `p.next_page().await?` |
//! | `client.task.delete(id)` | `tasks.delete(id).await?` |
//! | — (delete the video, then the task) | `tasks.delete(id).with_video().await?` |
//! | `client.task.transfer(file)` | `tasks.transfer(file).await?` (deprecated, v1.2) |
//! | `client.task.transfers.import_videos(…)` | `tasks.transfers().import_videos(integration, index).send().await?` |
//! | `…import_status(…)`, `…import_logs(…)` | `tasks.transfers().import_status(..).await?`, `.import_logs(..).await?` |
//! | `**kwargs` | `.with_header(..)`, `.with_attempt_timeout(..)`, `.with_deadline(..)`, `.with_retry(..)` on every builder |
//!
//! Beyond the official SDKs: streams over pages ([`ListTasks::into_stream`]),
//! typed date ranges ([`DateFilter`]), upload progress, bulk create with bounded
//! concurrency ([`Tasks::create_bulk`]), waits that end ([`WaitForDone`]), and
//! errors that keep the new task's id when a create's follow-up retrieve fails.
//!
//! Ids are typed at the boundary: methods take `impl Into<TaskId>` or
//! `impl Into<IndexId>`, which a `&str`, a `String` or the id itself satisfy,
//! but another kind of id does not:
//!
//! ```compile_fail
//! # fn demo(tasks: twelvelabs_tasks::Tasks, video: twelvelabs_models::VideoId) {
//! let _ = tasks.retrieve(video); // a VideoId is not a TaskId
//! # }
//! ```
//!
//! Most users reach this crate through the `twelvelabs` facade
//! (`client.task()`); it also works over any [`Executor`].

mod bulk;
mod create;
mod filters;
mod handle;
mod list;
mod options;
mod pagination;
mod source;
mod transfers;
mod wait;

use twelvelabs_models::{IndexId, IndexTaskStatus, Task, TaskId};
use twelvelabs_transport::{ApiErrorKind, ApiRequest, ApiVersion, Error, Executor, RequestOptions};

pub use bulk::{CreateBulk, DEFAULT_BULK_CONCURRENCY};
pub use create::{CreateTask, VideoSource};
pub use filters::{DateFilter, DateValue, TaskFilters, MAX_PAGE_LIMIT};
pub use handle::TaskHandle;
pub use list::{ListTaskPagination, ListTasks};
pub use pagination::{TaskListSource, TaskPageStream, TaskPager, TaskStream};
pub use source::{content_type_for, Upload};
pub use transfers::{
    GetImportLogs, GetImportStatus, ImportVideos, TransferFile, TransferSource, Transfers,
};
pub use twelvelabs_models::{SortBy, SortOption, TaskStatus};
pub use wait::{
    WaitForDone, DEFAULT_MAX_CONSECUTIVE_ERRORS, DEFAULT_MAX_WAIT, DEFAULT_SLEEP_INTERVAL,
};

use options::{check_id, impl_into_future, impl_request_options};

/// The Task resource. Cheap to clone; every clone shares the client's connections.
#[derive(Debug, Clone)]
pub struct Tasks {
    executor: Executor,
}

impl Tasks {
    /// The resource over an executor.
    pub fn new(executor: Executor) -> Self {
        Tasks { executor }
    }

    /// The executor.
    pub fn executor(&self) -> &Executor {
        &self.executor
    }

    /// Creates a video indexing task (`POST /tasks`).
    pub fn create(&self, index_id: impl Into<IndexId>) -> CreateTask {
        CreateTask::new(self.clone(), index_id.into().into_inner())
    }

    /// Creates many tasks, a bounded number at a time.
    pub fn create_bulk(&self, index_id: impl Into<IndexId>) -> CreateBulk {
        CreateBulk::new(self.clone(), index_id.into().into_inner())
    }

    /// Retrieves a task (`GET /tasks/{id}`).
    pub fn retrieve(&self, id: impl Into<TaskId>) -> RetrieveTask {
        RetrieveTask {
            tasks: self.clone(),
            id: id.into().into_inner(),
            options: RequestOptions::new(),
        }
    }

    /// Lists one page of tasks (`GET /tasks`).
    pub fn list(&self) -> ListTasks {
        ListTasks::new(self.clone())
    }

    /// Lists tasks page by page.
    pub fn list_pagination(&self) -> ListTaskPagination {
        ListTaskPagination::new(self.clone())
    }

    /// Deletes a task (`DELETE /tasks/{id}`). Only `ready` and `failed` tasks can be
    /// deleted, and for a `ready` task the video must be deleted first; otherwise the
    /// server answers `task_cannot_be_deleted`. [`DeleteTask::with_video`] does both,
    /// when asked.
    pub fn delete(&self, id: impl Into<TaskId>) -> DeleteTask {
        DeleteTask {
            tasks: self.clone(),
            id: id.into().into_inner(),
            with_video: false,
            options: RequestOptions::new(),
        }
    }

    /// Waits for a task, by id, to be `ready` or `failed`.
    pub fn wait_for_done(&self, id: impl Into<TaskId>) -> WaitForDone {
        WaitForDone::new(self.clone(), id.into().into_inner())
    }

    /// The import endpoints.
    pub fn transfers(&self) -> Transfers {
        Transfers::new(self.clone())
    }

    /// Makes a cloud-to-cloud transfer from a JSON list of objects (v1.2).
    #[deprecated(note = "the API deprecates this endpoint: use `transfers().import_videos(..)`")]
    pub fn transfer(&self, file: impl Into<TransferSource>) -> TransferFile {
        TransferFile::new(self.clone(), file.into())
    }

    /// The task counts of an index (`GET /tasks/status`, v1.2, undocumented by the
    /// API reference but served).
    pub fn status(&self, index_id: impl Into<IndexId>) -> GetIndexStatus {
        GetIndexStatus {
            tasks: self.clone(),
            index_id: index_id.into().into_inner(),
            options: RequestOptions::new(),
        }
    }
}

/// Builder for [`Tasks::retrieve`]; `.await` it.
#[derive(Debug, Clone)]
#[must_use = "a builder does nothing until it is awaited"]
pub struct RetrieveTask {
    tasks: Tasks,
    id: String,
    options: RequestOptions,
}

impl_request_options!(RetrieveTask);
impl_into_future!(RetrieveTask => Task);

impl RetrieveTask {
    /// Fetches the task.
    pub async fn send(self) -> Result<Task, Error> {
        check_id("id", &self.id)?;
        self.tasks
            .executor
            .send_json(ApiRequest::get(["tasks", self.id.as_str()]), &self.options)
            .await
    }
}

/// Builder for [`Tasks::delete`]; `.await` it.
#[derive(Debug, Clone)]
#[must_use = "a builder does nothing until it is awaited"]
pub struct DeleteTask {
    tasks: Tasks,
    id: String,
    with_video: bool,
    options: RequestOptions,
}

impl_request_options!(DeleteTask);
impl_into_future!(DeleteTask => ());

impl DeleteTask {
    /// Also deletes the task's video, first, when the task is `ready`: the API
    /// refuses to delete a `ready` task while its video exists. This retrieves
    /// the task (to learn its `index_id` and `video_id`), deletes
    /// `/indexes/{index_id}/videos/{video_id}` (a video already gone, 404, is
    /// fine), then deletes the task. A task in any other status is deleted as
    /// usual. If the video delete fails, the task is left alone and the error
    /// returned.
    ///
    /// ```no_run
    /// # async fn demo(tasks: twelvelabs_tasks::Tasks) -> Result<(), twelvelabs_transport::Error> {
    /// tasks.delete("6734f1c2a1b2c3d4e5f60718").with_video().await?;
    /// # Ok(()) }
    /// ```
    pub fn with_video(mut self) -> Self {
        self.with_video = true;
        self
    }

    /// Deletes the task (its video first, with [`DeleteTask::with_video`]). An
    /// empty 200 or 204 is success.
    pub async fn send(self) -> Result<(), Error> {
        check_id("id", &self.id)?;
        if self.with_video {
            self.delete_video().await?;
        }
        self.tasks
            .executor
            .send(
                ApiRequest::delete(["tasks", self.id.as_str()]),
                &self.options,
            )
            .await?;
        Ok(())
    }
}

impl DeleteTask {
    /// Deletes the video of a `ready` task; nothing for other statuses.
    async fn delete_video(&self) -> Result<(), Error> {
        let executor = &self.tasks.executor;
        let task: Task = executor
            .send_json(ApiRequest::get(["tasks", self.id.as_str()]), &self.options)
            .await?;
        if task.status != TaskStatus::Ready {
            return Ok(());
        }
        let (Some(index_id), Some(video_id)) = (&task.index_id, &task.video_id) else {
            // Nothing to delete by; the task delete will report what the server says.
            tracing::warn!(task_id = %task.id, "ready task without index_id or video_id");
            return Ok(());
        };
        let request =
            ApiRequest::delete(["indexes", index_id.as_str(), "videos", video_id.as_str()]);
        match executor.send(request, &self.options).await {
            Ok(_) => Ok(()),
            // Already deleted (perhaps by an earlier attempt of this call).
            Err(e) if e.api().is_some_and(|a| a.kind == ApiErrorKind::NotFound) => {
                tracing::debug!(%video_id, "the task's video was already deleted");
                Ok(())
            }
            Err(e) => Err(e),
        }
    }
}

/// Builder for [`Tasks::status`]; `.await` it.
#[derive(Debug, Clone)]
#[must_use = "a builder does nothing until it is awaited"]
pub struct GetIndexStatus {
    tasks: Tasks,
    index_id: String,
    options: RequestOptions,
}

impl_request_options!(GetIndexStatus);
impl_into_future!(GetIndexStatus => IndexTaskStatus);

impl GetIndexStatus {
    /// Fetches the counts.
    pub async fn send(self) -> Result<IndexTaskStatus, Error> {
        check_id("index_id", &self.index_id)?;
        if self.tasks.executor.api_version() != ApiVersion::V1_2 {
            return Err(Error::invalid_input(
                "status",
                "GET /tasks/status exists in v1.2 only",
            ));
        }
        let request = ApiRequest::get(["tasks", "status"]).query("index_id", self.index_id);
        self.tasks.executor.send_json(request, &self.options).await
    }
}
