//! [`Pager`]: the pages of any `{data, page_info}` list endpoint, one after
//! the other with the same filters and options, as `next_page()` calls or as
//! streams of pages or items. Every listing of the SDK (tasks, indexes,
//! videos) walks its pages with it, so they all end the same way.
//!
//! A resource crate describes how to fetch page *n* ([`PageSource`]) and what
//! a page holds ([`ListPage`]); the pager does the walking. It starts at the
//! requested page (or the server's first) and ends, without a wasted request,
//! after the page whose number reaches `total_page`, on an empty page, or once
//! the items seen reach `total_results`. A server whose pages contradict each
//! other ends it with [`Error::InconsistentPagination`] rather than a loop: a
//! page number that does not advance, a page bringing only items already
//! seen, or more requests than the first page's `total_results` at
//! `limit_per_page` can need (plus one, for a trailing empty page).
//!
//! Offset pages shift when items are deleted during the walk: a loop that
//! deletes what it streams skips items. Collect the ids first, then delete.

use std::collections::HashSet;
use std::future::Future;
use std::pin::Pin;

use futures_core::Stream;
use futures_util::{stream, TryStreamExt};
use twelvelabs_models::{IndexPage, PageInfo, TaskPage, VideoPage};

use crate::Error;

/// A boxed, sendable future, as [`PageSource::fetch`] returns it.
pub type BoxFuture<T> = Pin<Box<dyn Future<Output = T> + Send + 'static>>;
/// A stream of items across pages.
pub type ItemStream<T> = Pin<Box<dyn Stream<Item = Result<T, Error>> + Send + 'static>>;

/// One page of a list response: its items and its `page_info`.
pub trait ListPage: Sized + Send + 'static {
    /// The item type.
    type Item: Send + 'static;
    /// Splits the page into its items and `page_info`.
    fn into_parts(self) -> (Vec<Self::Item>, PageInfo);
    /// Builds a page from its parts.
    fn from_parts(data: Vec<Self::Item>, page_info: PageInfo) -> Self;
    /// The item's id, by which the pager notices a page of items already seen.
    fn item_id(item: &Self::Item) -> &str;
}

macro_rules! list_page {
    ($page:ty => $item:ty) => {
        impl ListPage for $page {
            type Item = $item;
            fn into_parts(self) -> (Vec<$item>, PageInfo) {
                (self.data, self.page_info)
            }
            fn from_parts(data: Vec<$item>, page_info: PageInfo) -> Self {
                Self::new(data, page_info)
            }
            fn item_id(item: &$item) -> &str {
                item.id.as_str()
            }
        }
    };
}

list_page!(TaskPage => twelvelabs_models::Task);
list_page!(IndexPage => twelvelabs_models::Index);
list_page!(VideoPage => twelvelabs_models::Video);

/// Fetches one page of a listing: the filters, options and executor are the
/// source's own; only the page number changes.
pub trait PageSource: Clone + Send + Sync + 'static {
    /// The page type.
    type Page: ListPage;
    /// The page number the caller asked for, if any (the walk starts there).
    fn first_page(&self) -> Option<u32>;
    /// The page size the caller asked for, if any: the request ceiling falls
    /// back on it when a server answers `limit_per_page: 0`.
    fn page_limit(&self) -> Option<u32> {
        None
    }
    /// Fetches `page`; `None` sends no `page` parameter (the server's first page).
    fn fetch(&self, page: Option<u32>) -> BoxFuture<Result<Self::Page, Error>>;
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

type Item<S> = <<S as PageSource>::Page as ListPage>::Item;

/// The pages of a listing: `data` and `page_info` hold the current page;
/// [`next_page`](Pager::next_page) fetches the next one until there is none
/// (the Python SDK's `next()` / `StopIteration`).
pub struct Pager<S: PageSource> {
    /// The items of the current page.
    pub data: Vec<Item<S>>,
    /// The current page's `page_info` (default before the first fetch).
    pub page_info: PageInfo,
    source: S,
    state: State,
    /// The ids seen so far, to stop on a page that repeats them.
    seen: HashSet<String>,
    /// Pages fetched by this pager.
    requests: u64,
    /// The most requests this listing may need, fixed by its first page.
    ceiling: Option<u64>,
}

impl<S> std::fmt::Debug for Pager<S>
where
    S: PageSource + std::fmt::Debug,
    Item<S>: std::fmt::Debug,
{
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pager")
            .field("data", &self.data)
            .field("page_info", &self.page_info)
            .field("source", &self.source)
            .field("state", &self.state)
            .field("requests", &self.requests)
            .finish_non_exhaustive()
    }
}

impl<S> Clone for Pager<S>
where
    S: PageSource,
    Item<S>: Clone,
{
    fn clone(&self) -> Self {
        Pager {
            data: self.data.clone(),
            page_info: self.page_info.clone(),
            source: self.source.clone(),
            state: self.state,
            seen: self.seen.clone(),
            requests: self.requests,
            ceiling: self.ceiling,
        }
    }
}

impl<S: PageSource> Pager<S> {
    /// A pager that has fetched nothing yet.
    pub fn unstarted(source: S) -> Self {
        Pager {
            data: Vec::new(),
            page_info: PageInfo::default(),
            source,
            state: State::Unstarted,
            seen: HashSet::new(),
            requests: 0,
            ceiling: None,
        }
    }

    /// A pager holding the first page.
    pub async fn first(source: S) -> Result<Self, Error> {
        let mut pager = Self::unstarted(source);
        pager.fetch_next().await?;
        Ok(pager)
    }

    /// The source: filters and options of every page.
    pub fn source(&self) -> &S {
        &self.source
    }

    /// Whether another page may follow the current one.
    pub fn has_next_page(&self) -> bool {
        self.state != State::Done
    }

    /// Fetches the next page and returns its items (also kept in `data`), or
    /// `None` after the last page.
    pub async fn next_page(&mut self) -> Result<Option<Vec<Item<S>>>, Error>
    where
        Item<S>: Clone,
    {
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
            State::Unstarted => self.source.first_page(),
            State::Open => Some(self.page_info.page.saturating_add(1)),
        };
        let page = self.source.fetch(requested).await?;
        let requested = requested.unwrap_or(1);
        let previous = (self.state == State::Open).then_some(self.page_info.page);
        self.requests += 1;
        let (data, page_info) = page.into_parts();
        self.data = data;
        self.page_info = page_info;
        let answered = self.page_info.page;
        let seen = &mut self.seen;
        let new_ids = self
            .data
            .iter()
            .filter(|item| seen.insert(S::Page::item_id(item).to_owned()))
            .count();
        let total = self.page_info.total_results;
        let per_page = match self.page_info.limit_per_page {
            0 => self.source.page_limit().unwrap_or(0).max(1),
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
            Some("the page brings only items already seen".to_owned())
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

    fn take_page(&mut self) -> S::Page {
        S::Page::from_parts(std::mem::take(&mut self.data), self.page_info.clone())
    }

    /// The pages from the current one on (the current page first, if one was
    /// fetched), as a stream.
    pub fn into_page_stream(self) -> ItemStream<S::Page> {
        let started = self.state != State::Unstarted;
        Box::pin(stream::try_unfold(
            (self, started),
            |(mut pager, pending_current)| async move {
                if pending_current {
                    let page = pager.take_page();
                    return Ok(Some((page, (pager, false))));
                }
                if pager.fetch_next().await? {
                    let page = pager.take_page();
                    Ok(Some((page, (pager, false))))
                } else {
                    Ok(None)
                }
            },
        ))
    }

    /// Every item from the current page on, as a stream.
    ///
    /// Do not delete items while walking this stream: offset pages shift
    /// under deletion, so every deleted item pulls a later one onto a page
    /// already read, and that one is skipped. Collect the ids first (for
    /// example with [`Pager::collect_ids`]), then delete.
    pub fn into_stream(self) -> ItemStream<Item<S>> {
        Box::pin(
            self.into_page_stream()
                .map_ok(|page| stream::iter(page.into_parts().0.into_iter().map(Ok)))
                .try_flatten(),
        )
    }

    /// The ids of every item from the current page on, read to the end
    /// before anything is returned: the safe first half of "delete
    /// everything that matches", since deleting while paging skips items.
    pub async fn collect_ids(self) -> Result<Vec<String>, Error> {
        self.into_stream()
            .map_ok(|item| S::Page::item_id(&item).to_owned())
            .try_collect()
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures_util::StreamExt;
    use std::sync::atomic::{AtomicU32, Ordering};
    use std::sync::Arc;
    use twelvelabs_models::Index;

    /// Serves `total` pages of one index each and counts the requests; a
    /// `stuck` server always answers page 1.
    #[derive(Debug, Clone)]
    struct Fake {
        total: u32,
        stuck: bool,
        calls: Arc<AtomicU32>,
        first: Option<u32>,
    }

    impl PageSource for Fake {
        type Page = IndexPage;
        fn first_page(&self) -> Option<u32> {
            self.first
        }
        fn fetch(&self, page: Option<u32>) -> BoxFuture<Result<IndexPage, Error>> {
            self.calls.fetch_add(1, Ordering::SeqCst);
            let n = if self.stuck { 1 } else { page.unwrap_or(1) };
            let total = self.total;
            Box::pin(async move {
                Ok(IndexPage::new(
                    vec![Index::new(format!("i{n}"), "n")],
                    PageInfo::new(n, total, 1, total.into()),
                ))
            })
        }
    }

    fn fake(total: u32, stuck: bool, first: Option<u32>) -> Fake {
        Fake {
            total,
            stuck,
            calls: Arc::new(AtomicU32::new(0)),
            first,
        }
    }

    #[tokio::test]
    async fn walks_every_page_without_a_wasted_request() {
        let source = fake(3, false, None);
        let ids: Vec<String> = Pager::unstarted(source.clone())
            .into_stream()
            .map_ok(|i| i.id.into_inner())
            .try_collect()
            .await
            .unwrap();
        assert_eq!(ids, ["i1", "i2", "i3"]);
        assert_eq!(source.calls.load(Ordering::SeqCst), 3);

        let source = fake(3, false, Some(2));
        let mut pager = Pager::first(source.clone()).await.unwrap();
        assert_eq!(pager.data[0].id, "i2");
        assert_eq!(pager.next_page().await.unwrap().unwrap()[0].id, "i3");
        assert!(!pager.has_next_page());
        assert!(pager.next_page().await.unwrap().is_none());
        assert_eq!(source.calls.load(Ordering::SeqCst), 2);
    }

    #[tokio::test]
    async fn a_server_that_does_not_advance_ends_the_walk() {
        let source = fake(5, true, None);
        let pages: Vec<Result<IndexPage, Error>> = Pager::unstarted(source.clone())
            .into_page_stream()
            .collect()
            .await;
        assert_eq!(pages.len(), 2);
        assert!(pages[0].is_ok());
        assert!(matches!(
            &pages[1],
            Err(Error::InconsistentPagination { page: 2, reason }) if reason.contains("answered page 1")
        ));
        assert_eq!(source.calls.load(Ordering::SeqCst), 2);
    }

    #[tokio::test]
    async fn collect_ids_reads_every_page_first() {
        let source = fake(3, false, None);
        let ids = Pager::unstarted(source.clone())
            .collect_ids()
            .await
            .unwrap();
        assert_eq!(ids, ["i1", "i2", "i3"]);
        assert_eq!(source.calls.load(Ordering::SeqCst), 3);
    }
}
