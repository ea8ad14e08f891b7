//! [`Pager`]: the pages of any `{data, page_info}` list endpoint, one after
//! the other with the same filters and options, as `next_page()` calls or as
//! streams of pages or items.
//!
//! A resource crate describes how to fetch page *n* ([`PageSource`]) and what
//! a page holds ([`ListPage`]); the pager does the walking: it starts at the
//! requested page (or 1), stops after the page whose number reaches
//! `total_page` (no wasted request) or an empty page, and stops rather than
//! loops when a server does not advance its page number.

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
}

macro_rules! list_page {
    ($page:ty => $item:ty) => {
        impl ListPage for $page {
            type Item = $item;
            fn into_parts(self) -> (Vec<$item>, PageInfo) {
                (self.data, self.page_info)
            }
            fn from_parts(data: Vec<$item>, page_info: PageInfo) -> Self {
                Self { data, page_info }
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
            .finish()
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
        let first = self.source.first_page();
        let requested = match self.state {
            State::Done => return Ok(false),
            State::Unstarted => first,
            State::Open => Some(self.page_info.page.saturating_add(1)),
        };
        let page = self.source.fetch(requested).await?;
        let (data, page_info) = page.into_parts();
        let previous = (self.state == State::Open).then_some(self.page_info.page);
        self.data = data;
        self.page_info = page_info;
        let last = self.page_info.page >= self.page_info.total_page || self.data.is_empty();
        // A server that does not advance its page number would make us loop.
        let stuck = previous.is_some_and(|p| self.page_info.page <= p);
        if stuck {
            tracing::warn!(
                requested = requested.unwrap_or(1),
                answered = self.page_info.page,
                "the server did not advance the page number; stopping pagination"
            );
        }
        self.state = if last || stuck {
            State::Done
        } else {
            State::Open
        };
        if stuck {
            self.data.clear();
            return Ok(false);
        }
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
    pub fn into_stream(self) -> ItemStream<Item<S>> {
        Box::pin(
            self.into_page_stream()
                .map_ok(|page| stream::iter(page.into_parts().0.into_iter().map(Ok)))
                .try_flatten(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
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
                Ok(IndexPage {
                    data: vec![Index::new(format!("i{n}"), "n")],
                    page_info: PageInfo {
                        limit_per_page: 1,
                        page: n,
                        total_page: total,
                        total_results: total.into(),
                        extra: Default::default(),
                    },
                })
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
        let pages: Vec<IndexPage> = Pager::unstarted(source.clone())
            .into_page_stream()
            .try_collect()
            .await
            .unwrap();
        assert_eq!(pages.len(), 1);
        assert_eq!(source.calls.load(Ordering::SeqCst), 2);
    }
}
