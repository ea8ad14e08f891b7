//! The list envelope of `GET /tasks` and the sort parameters.

use serde::Serialize;

use crate::lenient::lenient_object;
use crate::{Extra, Task};

/// The most items a list page (`GET /tasks`, `GET /indexes`,
/// `GET /indexes/{index-id}/videos`) holds: the largest `page_limit` the API
/// accepts. A page with more is refused as a decode error naming `data`,
/// after reading at most this many items: a hostile or broken body cannot
/// make the decoder build more.
pub const MAX_PAGE_ITEMS: usize = 50;

/// One page of `GET /tasks`: `{"data": [...], "page_info": {...}}`.
///
/// `data` missing or `null` reads as an empty page; `page_info` is required.
/// More than [`MAX_PAGE_ITEMS`] tasks is an error. Unknown keys of the
/// envelope are ignored.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[non_exhaustive]
pub struct TaskPage {
    /// The tasks of this page.
    pub data: Vec<Task>,
    /// Where this page sits in the result set.
    pub page_info: PageInfo,
}

impl TaskPage {
    /// Whether the server reports pages after this one (see
    /// [`PageInfo::has_next_page`]). An empty page never has a next page.
    pub fn has_next_page(&self) -> bool {
        !self.data.is_empty() && self.page_info.has_next_page()
    }

    /// A page from its items and `page_info` (for tests and custom sources).
    pub fn new(data: Vec<Task>, page_info: PageInfo) -> Self {
        Self { data, page_info }
    }
}

lenient_object! {
    TaskPage expecting "a task list page" {
        data: Page "data",
        page_info: Required "page_info",
    }
}

/// `page_info` of a list response. All four numbers are required; integral
/// floats (`2.0`) are accepted.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct PageInfo {
    /// The page size the server applied.
    pub limit_per_page: u32,
    /// The page returned (1-based; echoes the requested page).
    pub page: u32,
    /// The number of pages.
    pub total_page: u32,
    /// The number of matching items.
    pub total_results: u64,
    /// Every other key, unchanged.
    #[serde(flatten)]
    pub extra: Extra,
}

impl PageInfo {
    /// Page `page` of `total_page`, `limit_per_page` items a page and
    /// `total_results` in all (for tests and custom sources).
    pub fn new(page: u32, total_page: u32, limit_per_page: u32, total_results: u64) -> Self {
        Self {
            limit_per_page,
            page,
            total_page,
            total_results,
            extra: Extra::default(),
        }
    }

    /// `page < total_page`: the end is reached when the page retrieved equals
    /// the total number of pages (the documented rule).
    pub fn has_next_page(&self) -> bool {
        self.page < self.total_page
    }
}

lenient_object! {
    PageInfo expecting "a page_info object" {
        limit_per_page: RequiredUint "limit_per_page",
        page: RequiredUint "page",
        total_page: RequiredUint "total_page",
        total_results: RequiredUint "total_results",
        ..extra
    }
}

string_enum! {
    /// The `sort_by` list parameter. The server default is `created_at`.
    pub enum SortBy expecting "a sort_by string" {
        /// `created_at`
        CreatedAt = "created_at",
        /// `updated_at`
        UpdatedAt = "updated_at",
    }
}

impl Default for SortBy {
    /// The server default, `created_at`.
    fn default() -> Self {
        SortBy::CreatedAt
    }
}

string_enum! {
    /// The `sort_option` list parameter. The server default is `desc`.
    pub enum SortOption expecting "a sort_option string" {
        /// `asc`: oldest first.
        Asc = "asc",
        /// `desc`: newest first.
        Desc = "desc",
    }
}

impl Default for SortOption {
    /// The server default, `desc`.
    fn default() -> Self {
        SortOption::Desc
    }
}
