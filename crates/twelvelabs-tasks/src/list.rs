//! `GET /tasks`: one page ([`ListTasks`]) or every page ([`ListTaskPagination`],
//! [`TaskPager`], streams).

use twelvelabs_models::{IndexId, SortBy, SortOption, Task, TaskId, TaskPage, TaskStatus};
use twelvelabs_transport::{ApiRequest, Error, RequestOptions};

use crate::filters::{DateFilter, TaskFilters};
use crate::options::{impl_into_future, impl_request_options};
use crate::pagination::{TaskListSource, TaskPageStream, TaskPager, TaskStream};
use crate::Tasks;
use twelvelabs_transport::pager::Pager;

/// The filter setters shared by both list builders.
macro_rules! impl_filter_setters {
    ($ty:ident) => {
        impl $ty {
            /// Only the task with this id (`_id`; v1.2).
            pub fn id(mut self, id: impl Into<TaskId>) -> Self {
                self.filters.id = Some(id.into().into_inner());
                self
            }
            /// Only tasks of this index.
            pub fn index_id(mut self, index_id: impl Into<IndexId>) -> Self {
                self.filters.index_id = Some(index_id.into().into_inner());
                self
            }
            /// Only tasks of videos with this file name.
            pub fn filename(mut self, filename: impl Into<String>) -> Self {
                self.filters.filename = Some(filename.into());
                self
            }
            /// Only videos of this duration, in seconds.
            pub fn duration(mut self, seconds: f64) -> Self {
                self.filters.duration = Some(seconds);
                self
            }
            /// Only videos of this width.
            pub fn width(mut self, width: u32) -> Self {
                self.filters.width = Some(width);
                self
            }
            /// Only videos of this height.
            pub fn height(mut self, height: u32) -> Self {
                self.filters.height = Some(height);
                self
            }
            /// Filters on the creation time: a value or a range.
            pub fn created_at(mut self, filter: impl Into<DateFilter>) -> Self {
                self.filters.created_at = Some(filter.into());
                self
            }
            /// Filters on the last update time: a value or a range.
            pub fn updated_at(mut self, filter: impl Into<DateFilter>) -> Self {
                self.filters.updated_at = Some(filter.into());
                self
            }
            /// Filters on the estimated completion time (v1.2).
            pub fn estimated_time(mut self, filter: impl Into<DateFilter>) -> Self {
                self.filters.estimated_time = Some(filter.into());
                self
            }
            /// Only tasks in this status; call again for more (`status` repeated).
            pub fn status(mut self, status: TaskStatus) -> Self {
                self.filters.status.push(status);
                self
            }
            /// The page to fetch, from 1.
            pub fn page(mut self, page: u32) -> Self {
                self.filters.page = Some(page);
                self
            }
            /// Tasks per page, 1 to 50 (the server's default is 10).
            pub fn page_limit(mut self, limit: u32) -> Self {
                self.filters.page_limit = Some(limit);
                self
            }
            /// The sort field.
            pub fn sort_by(mut self, sort_by: SortBy) -> Self {
                self.filters.sort_by = Some(sort_by);
                self
            }
            /// The sort order.
            pub fn sort_option(mut self, sort_option: SortOption) -> Self {
                self.filters.sort_option = Some(sort_option);
                self
            }
            /// Replaces every filter at once.
            pub fn filters(mut self, filters: TaskFilters) -> Self {
                self.filters = filters;
                self
            }
        }
    };
}

/// Fetches one page of tasks with these filters.
pub(crate) async fn fetch_page(
    tasks: &Tasks,
    filters: &TaskFilters,
    options: &RequestOptions,
) -> Result<TaskPage, Error> {
    let query = filters.to_query(tasks.executor().api_version())?;
    let mut request = ApiRequest::get(["tasks"]);
    for (k, v) in query {
        request = request.query(k, v);
    }
    tasks.executor().send_json(request, options).await
}

/// Builder for [`Tasks::list`]: one page of tasks.
///
/// ```no_run
/// # async fn demo(client: twelvelabs_tasks::Tasks) -> Result<(), twelvelabs_transport::Error> {
/// use twelvelabs_tasks::{DateFilter, SortBy, SortOption};
/// let tasks = client
///     .list()
///     .index_id("6298d673f1090f1100476d4c")
///     .created_at(DateFilter::parse("2024-09-17T07:53:46.365Z")?)
///     .sort_by(SortBy::UpdatedAt)
///     .sort_option(SortOption::Asc)
///     .page_limit(5)
///     .send()
///     .await?;
/// for task in &tasks {
///     println!("{} {}", task.id, task.status);
/// }
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
#[must_use = "a builder does nothing until it is awaited"]
pub struct ListTasks {
    tasks: Tasks,
    filters: TaskFilters,
    options: RequestOptions,
}

impl_filter_setters!(ListTasks);
impl_request_options!(ListTasks);
impl_into_future!(ListTasks => Vec<Task>);

impl ListTasks {
    pub(crate) fn new(tasks: Tasks) -> Self {
        ListTasks {
            tasks,
            filters: TaskFilters::default(),
            options: RequestOptions::new(),
        }
    }

    /// The tasks of the page.
    pub async fn send(self) -> Result<Vec<Task>, Error> {
        Ok(self.send_page().await?.data)
    }

    /// The page with its `page_info`.
    pub async fn send_page(self) -> Result<TaskPage, Error> {
        fetch_page(&self.tasks, &self.filters, &self.options).await
    }

    /// Every task matching the filters, across pages, from the page set (or 1).
    ///
    /// **Do not delete tasks while walking this stream.** Pages are offsets:
    /// each task deleted pulls a later one onto a page already read, and that
    /// one is silently skipped (deleting the failed tasks of a 23-task
    /// listing this way deletes 13 and misses 10). Collect the ids first with
    /// [`ListTasks::collect_ids`], then delete:
    ///
    /// ```no_run
    /// # async fn demo(tasks: twelvelabs_tasks::Tasks) -> Result<(), twelvelabs_transport::Error> {
    /// use twelvelabs_tasks::TaskStatus;
    /// let failed = tasks.list().status(TaskStatus::Failed).collect_ids().await?;
    /// for id in failed {
    ///     tasks.delete(id).await?;
    /// }
    /// # Ok(()) }
    /// ```
    pub fn into_stream(self) -> TaskStream {
        Pager::unstarted(TaskListSource::new(self.tasks, self.filters, self.options)).into_stream()
    }

    /// The ids of every task matching the filters, across pages, all read
    /// before this returns: the safe first step of deleting what a listing
    /// finds (see [`ListTasks::into_stream`] for why not to delete while
    /// streaming).
    pub async fn collect_ids(self) -> Result<Vec<TaskId>, Error> {
        let ids = Pager::unstarted(TaskListSource::new(self.tasks, self.filters, self.options))
            .collect_ids()
            .await?;
        Ok(ids.into_iter().map(TaskId::from).collect())
    }

    /// Every page matching the filters, from the page set (or 1).
    pub fn into_page_stream(self) -> TaskPageStream {
        Pager::unstarted(TaskListSource::new(self.tasks, self.filters, self.options))
            .into_page_stream()
    }
}

/// Builder for [`Tasks::list_pagination`]: fetches the first page and returns a
/// [`TaskPager`] for the rest.
#[derive(Debug, Clone)]
#[must_use = "a builder does nothing until it is awaited"]
pub struct ListTaskPagination {
    tasks: Tasks,
    filters: TaskFilters,
    options: RequestOptions,
}

impl_filter_setters!(ListTaskPagination);
impl_request_options!(ListTaskPagination);
impl_into_future!(ListTaskPagination => TaskPager);

impl ListTaskPagination {
    pub(crate) fn new(tasks: Tasks) -> Self {
        ListTaskPagination {
            tasks,
            filters: TaskFilters::default(),
            options: RequestOptions::new(),
        }
    }

    /// Fetches the first page.
    pub async fn send(self) -> Result<TaskPager, Error> {
        Pager::first(TaskListSource::new(self.tasks, self.filters, self.options)).await
    }
}
