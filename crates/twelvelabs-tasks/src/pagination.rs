//! [`TaskPager`]: the transport crate's generic [`Pager`] over a task listing,
//! so tasks, indexes and videos page, end and refuse a hostile server by the
//! same rules (see [`twelvelabs_transport::pager`]).

use twelvelabs_models::{Task, TaskPage};
use twelvelabs_transport::pager::{BoxFuture, ItemStream, PageSource, Pager};
use twelvelabs_transport::{Error, RequestOptions};

use crate::filters::TaskFilters;
use crate::list::fetch_page;
use crate::Tasks;

/// A stream of tasks across pages.
pub type TaskStream = ItemStream<Task>;
/// A stream of pages.
pub type TaskPageStream = ItemStream<TaskPage>;

/// The pages of a task listing: `data` and `page_info` hold the current page;
/// `next_page()` fetches the next one until there is none (the Python SDK's
/// `next()` / `StopIteration`).
///
/// The listing ends on the last page (`page >= total_page`), on an empty page, or
/// once the tasks seen reach `total_results`. A server whose pages contradict each
/// other ends it with [`Error::InconsistentPagination`].
///
/// ```no_run
/// # async fn demo(client: twelvelabs_tasks::Tasks) -> Result<(), twelvelabs_transport::Error> {
/// let mut pager = client.list_pagination().page_limit(50).send().await?;
/// for task in &pager.data {
///     println!("{}", task.id);
/// }
/// while let Some(page) = pager.next_page().await? {
///     for task in page {
///         println!("{}", task.id);
///     }
/// }
/// # Ok(()) }
/// ```
pub type TaskPager = Pager<TaskListSource>;

/// The [`PageSource`] of a task listing: its filters and options; only the
/// page number changes from one request to the next.
#[derive(Debug, Clone)]
pub struct TaskListSource {
    tasks: Tasks,
    filters: TaskFilters,
    options: RequestOptions,
}

impl TaskListSource {
    pub(crate) fn new(tasks: Tasks, filters: TaskFilters, options: RequestOptions) -> Self {
        TaskListSource {
            tasks,
            filters,
            options,
        }
    }

    /// The filters every page is fetched with.
    pub fn filters(&self) -> &TaskFilters {
        &self.filters
    }
}

impl PageSource for TaskListSource {
    type Page = TaskPage;

    fn first_page(&self) -> Option<u32> {
        self.filters.page
    }

    fn page_limit(&self) -> Option<u32> {
        self.filters.page_limit
    }

    fn fetch(&self, page: Option<u32>) -> BoxFuture<Result<TaskPage, Error>> {
        let source = self.clone();
        Box::pin(async move {
            let mut filters = source.filters;
            if page.is_some() {
                filters.page = page;
            }
            fetch_page(&source.tasks, &filters, &source.options).await
        })
    }
}
