//! [`TaskPager`]: page after page, with the same filters and options, ending on the
//! last page without one wasted request and never looping.
//!
//! The listing ends on the last page (`page >= total_page`), on an empty page, or
//! once the tasks seen reach `total_results`. A server whose pages contradict each
//! other ends it with [`Error::InconsistentPagination`]: a page number that does
//! not advance, a page bringing only tasks already seen, or more requests than
//! the first page's `total_results` at `limit_per_page` can need (plus one).

use std::collections::HashSet;
use std::pin::Pin;

use futures_core::Stream;
use futures_util::{stream, TryStreamExt};
use twelvelabs_models::{PageInfo, Task, TaskPage};
use twelvelabs_transport::{Error, RequestOptions};

use crate::filters::TaskFilters;
use crate::list::fetch_page;
use crate::Tasks;

/// A stream of tasks across pages.
pub type TaskStream = Pin<Box<dyn Stream<Item = Result<Task, Error>> + Send + 'static>>;
/// A stream of pages.
pub type TaskPageStream = Pin<Box<dyn Stream<Item = Result<TaskPage, Error>> + Send + 'static>>;

/// The pages of a task listing: `data` and `page_info` hold the current page;
/// [`next_page`](TaskPager::next_page) fetches the next one until there is none
/// (the Python SDK's `next()` / `StopIteration`).
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
#[derive(Debug, Clone)]
pub struct TaskPager {
    /// The tasks of the current page.
    pub data: Vec<Task>,
    /// The current page's `page_info` (default before the first fetch).
    pub page_info: PageInfo,
    tasks: Tasks,
    filters: TaskFilters,
    options: RequestOptions,
    state: State,
    /// The ids seen so far, to stop on a page that repeats them.
    seen: HashSet<String>,
    /// Pages fetched by this pager.
    requests: u64,
    /// The most requests this listing may need, from its first page's
    /// `total_results` and `limit_per_page` (a later page cannot raise it).
    ceiling: Option<u64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Nothing fetched yet.
    Unstarted,
    /// A page was fetched; there may be more.
    Open,
    /// The last page was seen.
    Done,
}

impl TaskPager {
    pub(crate) fn unstarted(tasks: Tasks, filters: TaskFilters, options: RequestOptions) -> Self {
        TaskPager {
            data: Vec::new(),
            page_info: PageInfo::default(),
            tasks,
            filters,
            options,
            state: State::Unstarted,
            seen: HashSet::new(),
            requests: 0,
            ceiling: None,
        }
    }

    pub(crate) async fn first(
        tasks: Tasks,
        filters: TaskFilters,
        options: RequestOptions,
    ) -> Result<Self, Error> {
        let mut pager = Self::unstarted(tasks, filters, options);
        pager.fetch_next().await?;
        Ok(pager)
    }

    /// Whether another page may follow the current one.
    pub fn has_next_page(&self) -> bool {
        self.state != State::Done
    }

    /// Fetches the next page and returns its tasks, or `None` after the last page.
    pub async fn next_page(&mut self) -> Result<Option<Vec<Task>>, Error> {
        if self.fetch_next().await? {
            Ok(Some(self.data.clone()))
        } else {
            Ok(None)
        }
    }

    /// Fetches the next page into `data`/`page_info`; false when there is none.
    async fn fetch_next(&mut self) -> Result<bool, Error> {
        let requested = match self.state {
            State::Done => return Ok(false),
            State::Unstarted => self.filters.page.unwrap_or(1),
            State::Open => self.page_info.page.saturating_add(1),
        };
        let mut filters = self.filters.clone();
        if self.state == State::Open || self.filters.page.is_some() {
            filters.page = Some(requested);
        }
        let page = fetch_page(&self.tasks, &filters, &self.options).await?;
        let previous = (self.state == State::Open).then_some(self.page_info.page);
        self.requests += 1;
        self.data = page.data;
        self.page_info = page.page_info;
        let answered = self.page_info.page;
        let new_ids = self
            .data
            .iter()
            .filter(|t| self.seen.insert(t.id.to_string()))
            .count();
        let total = self.page_info.total_results;
        let per_page = match self.page_info.limit_per_page {
            0 => self.filters.page_limit.unwrap_or(0).max(1),
            n => n,
        };
        // Every page but the last is full, so this many requests reach the end;
        // one more allows for a trailing empty page. Fixed by the first page, so
        // a server that raises `total_results` on every page cannot extend it.
        let ceiling = *self
            .ceiling
            .get_or_insert_with(|| total.div_ceil(u64::from(per_page)).saturating_add(1));
        let inconsistency = if previous.is_some_and(|p| answered <= p) {
            Some(format!(
                "page {requested} was asked for, the server answered page {answered}"
            ))
        } else if previous.is_some() && !self.data.is_empty() && new_ids == 0 {
            Some("the page brings only tasks already seen".to_owned())
        } else if self.requests > ceiling {
            Some(format!(
                "{} requests made, more than the first page's total_results at {per_page} per page need ({ceiling})",
                self.requests
            ))
        } else {
            None
        };
        if let Some(reason) = inconsistency {
            tracing::warn!(requested, answered, %reason, "inconsistent pagination; stopping");
            self.state = State::Done;
            self.data.clear();
            return Err(Error::InconsistentPagination {
                page: requested,
                reason,
            });
        }
        let last = answered >= self.page_info.total_page
            || self.data.is_empty()
            || self.seen.len() as u64 >= total;
        self.state = if last { State::Done } else { State::Open };
        Ok(true)
    }

    /// The pages from the current one on (the current page first, if one was
    /// fetched), as a stream.
    pub fn into_page_stream(self) -> TaskPageStream {
        let started = self.state != State::Unstarted;
        Box::pin(stream::try_unfold(
            (self, started),
            |(mut pager, mut pending_current)| async move {
                if pending_current {
                    pending_current = false;
                    let page = TaskPage {
                        data: std::mem::take(&mut pager.data),
                        page_info: pager.page_info.clone(),
                    };
                    return Ok(Some((page, (pager, pending_current))));
                }
                if pager.fetch_next().await? {
                    let page = TaskPage {
                        data: std::mem::take(&mut pager.data),
                        page_info: pager.page_info.clone(),
                    };
                    Ok(Some((page, (pager, pending_current))))
                } else {
                    Ok(None)
                }
            },
        ))
    }

    /// Every task from the current page on, as a stream.
    pub fn into_stream(self) -> TaskStream {
        Box::pin(
            self.into_page_stream()
                .map_ok(|page| stream::iter(page.data.into_iter().map(Ok)))
                .try_flatten(),
        )
    }
}
