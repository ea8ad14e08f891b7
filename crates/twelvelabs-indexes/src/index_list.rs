//! `GET /indexes`: one page ([`ListIndexes`]) or every page
//! ([`ListIndexPagination`], [`IndexPager`], streams).

use twelvelabs_models::{Index, IndexPage, SortBy, SortOption};
use twelvelabs_transport::pager::{BoxFuture, ItemStream, PageSource, Pager};
use twelvelabs_transport::query::DateFilter;
use twelvelabs_transport::{
    impl_into_future, impl_request_options, ApiRequest, ApiVersion, Error, RequestOptions,
};

use crate::{new_options, Indexes, MAX_PAGE_LIMIT};

/// The filters, sort and page of `GET /indexes`.
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct IndexFilters {
    /// `_id`. Not in the v1.3 reference, but the v1.3 Python SDK sends it, so
    /// it is sent in both versions.
    pub id: Option<String>,
    /// `index_name`.
    pub name: Option<String>,
    /// `engine_options` (v1.2), sent comma-separated.
    pub engine_options: Vec<String>,
    /// `engine_family` (v1.2): `marengo` or `pegasus`.
    pub engine_family: Option<String>,
    /// `model_options` (v1.3), sent comma-separated.
    pub model_options: Vec<String>,
    /// `model_family` (v1.3): `marengo` or `pegasus`.
    pub model_family: Option<String>,
    /// `created_at`.
    pub created_at: Option<DateFilter>,
    /// `updated_at`.
    pub updated_at: Option<DateFilter>,
    /// `page`, from 1.
    pub page: Option<u32>,
    /// `page_limit`, 1 to 50.
    pub page_limit: Option<u32>,
    /// `sort_by`.
    pub sort_by: Option<SortBy>,
    /// `sort_option`.
    pub sort_option: Option<SortOption>,
}

/// Checks `page` and `page_limit`.
pub(crate) fn check_paging(page: Option<u32>, page_limit: Option<u32>) -> Result<(), Error> {
    if page == Some(0) {
        return Err(Error::invalid_input("page", "pages are numbered from 1"));
    }
    if let Some(l) = page_limit {
        if !(1..=MAX_PAGE_LIMIT).contains(&l) {
            return Err(Error::invalid_input(
                "page_limit",
                format!("must be between 1 and {MAX_PAGE_LIMIT}, got {l}"),
            ));
        }
    }
    Ok(())
}

/// Appends `page`, `page_limit`, `sort_by`, `sort_option`, in that order.
pub(crate) fn push_paging(
    q: &mut Vec<(String, String)>,
    page: Option<u32>,
    page_limit: Option<u32>,
    sort_by: Option<&SortBy>,
    sort_option: Option<&SortOption>,
) {
    let pairs = [
        ("page", page.map(|p| p.to_string())),
        ("page_limit", page_limit.map(|p| p.to_string())),
        ("sort_by", sort_by.map(|s| s.as_str().to_owned())),
        ("sort_option", sort_option.map(|s| s.as_str().to_owned())),
    ];
    for (k, v) in pairs {
        if let Some(v) = v {
            q.push((k.to_owned(), v));
        }
    }
}

/// Refuses a blank value.
pub(crate) fn check_not_blank(field: &str, value: Option<&str>) -> Result<(), Error> {
    match value {
        Some(v) if v.trim().is_empty() => Err(Error::invalid_input(field, "must not be empty")),
        _ => Ok(()),
    }
}

impl IndexFilters {
    /// Checks the filters for this API version and renders them as query
    /// pairs: plain keys, then paging, then exact dates, then date ranges (the
    /// order the Python SDK sends).
    pub fn to_query(&self, version: ApiVersion) -> Result<Vec<(String, String)>, Error> {
        let v12_only = [
            ("engine_options", !self.engine_options.is_empty()),
            ("engine_family", self.engine_family.is_some()),
        ];
        let v13_only = [
            ("model_options", !self.model_options.is_empty()),
            ("model_family", self.model_family.is_some()),
        ];
        let (refused, other) = match version {
            ApiVersion::V1_2 => (v13_only, "v1.3"),
            _ => (v12_only, "v1.2"),
        };
        if let Some((field, _)) = refused.iter().find(|(_, set)| *set) {
            return Err(Error::invalid_input(
                *field,
                format!("the `{field}` filter is {other} only; {version} does not accept it"),
            ));
        }
        check_paging(self.page, self.page_limit)?;
        check_not_blank("id", self.id.as_deref())?;
        check_not_blank("name", self.name.as_deref())?;
        check_not_blank("engine_family", self.engine_family.as_deref())?;
        check_not_blank("model_family", self.model_family.as_deref())?;
        for (field, list) in [
            ("engine_options", &self.engine_options),
            ("model_options", &self.model_options),
        ] {
            if list.iter().any(|o| o.trim().is_empty() || o.contains(',')) {
                return Err(Error::invalid_input(
                    field,
                    "options must not be empty or contain commas",
                ));
            }
        }
        let dates = [
            ("created_at", &self.created_at),
            ("updated_at", &self.updated_at),
        ];
        for (field, filter) in dates {
            if let Some(f) = filter {
                f.check(field)?;
            }
        }

        let mut q: Vec<(String, String)> = Vec::new();
        let mut push = |k: &str, v: Option<String>| {
            if let Some(v) = v {
                q.push((k.to_owned(), v));
            }
        };
        push("_id", self.id.clone());
        push("index_name", self.name.clone());
        // Comma-separated, as the API reference documents; the Python SDK's
        // repeated keys are the other form servers accept.
        let joined = |l: &Vec<String>| (!l.is_empty()).then(|| l.join(","));
        push("engine_options", joined(&self.engine_options));
        push("engine_family", self.engine_family.clone());
        push("model_options", joined(&self.model_options));
        push("model_family", self.model_family.clone());
        push_paging(
            &mut q,
            self.page,
            self.page_limit,
            self.sort_by.as_ref(),
            self.sort_option.as_ref(),
        );
        for range in [false, true] {
            for (field, filter) in dates {
                if let Some(f) = filter.as_ref().filter(|f| f.is_range() == range) {
                    f.push_query(field, &mut q);
                }
            }
        }
        Ok(q)
    }
}

/// The filter setters shared by both list builders.
macro_rules! impl_filter_setters {
    ($ty:ident) => {
        impl $ty {
            /// Only the index with this id (`_id`).
            pub fn id(mut self, id: impl Into<crate::IndexId>) -> Self {
                self.filters.id = Some(id.into().into_inner());
                self
            }
            /// Only the index with this name (`index_name`).
            pub fn name(mut self, name: impl Into<String>) -> Self {
                self.filters.name = Some(name.into());
                self
            }
            /// Only indexes with these engine options (v1.2).
            pub fn engine_options<I, S>(mut self, options: I) -> Self
            where
                I: IntoIterator<Item = S>,
                S: Into<String>,
            {
                self.filters.engine_options = options.into_iter().map(Into::into).collect();
                self
            }
            /// Only indexes of this engine family, `marengo` or `pegasus` (v1.2).
            pub fn engine_family(mut self, family: impl Into<String>) -> Self {
                self.filters.engine_family = Some(family.into());
                self
            }
            /// Only indexes with these model options (v1.3).
            pub fn model_options<I, S>(mut self, options: I) -> Self
            where
                I: IntoIterator<Item = S>,
                S: Into<String>,
            {
                self.filters.model_options = options.into_iter().map(Into::into).collect();
                self
            }
            /// Only indexes of this model family, `marengo` or `pegasus` (v1.3).
            pub fn model_family(mut self, family: impl Into<String>) -> Self {
                self.filters.model_family = Some(family.into());
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
            /// The page to fetch, from 1.
            pub fn page(mut self, page: u32) -> Self {
                self.filters.page = Some(page);
                self
            }
            /// Indexes per page, 1 to 50 (the server's default is 10).
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
            pub fn filters(mut self, filters: IndexFilters) -> Self {
                self.filters = filters;
                self
            }
        }
    };
}

/// What the pager needs to fetch any page of an index listing.
#[derive(Debug, Clone)]
pub struct IndexListSource {
    indexes: Indexes,
    filters: IndexFilters,
    options: RequestOptions,
}

impl IndexListSource {
    async fn fetch_page(self, page: Option<u32>) -> Result<IndexPage, Error> {
        let mut filters = self.filters;
        if page.is_some() {
            filters.page = page;
        }
        let query = filters.to_query(self.indexes.executor().api_version())?;
        let mut request = ApiRequest::get(["indexes"]);
        for (k, v) in query {
            request = request.query(k, v);
        }
        self.indexes
            .executor()
            .send_json(request, &self.options)
            .await
    }
}

impl PageSource for IndexListSource {
    type Page = IndexPage;

    fn first_page(&self) -> Option<u32> {
        self.filters.page
    }

    fn page_limit(&self) -> Option<u32> {
        self.filters.page_limit
    }

    fn fetch(&self, page: Option<u32>) -> BoxFuture<Result<IndexPage, Error>> {
        Box::pin(self.clone().fetch_page(page))
    }
}

/// The pages of an index listing: `data` and `page_info` hold the current page;
/// `next_page()` fetches the next one until there is none.
pub type IndexPager = Pager<IndexListSource>;
/// A stream of indexes across pages.
pub type IndexStream = ItemStream<Index>;
/// A stream of index pages.
pub type IndexPageStream = ItemStream<IndexPage>;

/// Builder for [`Indexes::list`]: one page of indexes.
///
/// ```no_run
/// # async fn demo(indexes: twelvelabs_indexes::Indexes) -> Result<(), twelvelabs_transport::Error> {
/// use twelvelabs_indexes::{DateFilter, SortBy, SortOption};
/// let page = indexes
///     .list()
///     .engine_family("marengo")
///     .created_at(DateFilter::parse("2024-11-13")?)
///     .sort_by(SortBy::UpdatedAt)
///     .sort_option(SortOption::Asc)
///     .page_limit(5)
///     .send()
///     .await?;
/// for index in &page {
///     println!("{} {}", index.id, index.name);
/// }
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
#[must_use = "a builder does nothing until it is awaited"]
pub struct ListIndexes {
    indexes: Indexes,
    filters: IndexFilters,
    options: RequestOptions,
}

impl_filter_setters!(ListIndexes);
impl_request_options!(ListIndexes);
impl_into_future!(ListIndexes => Vec<Index>);

impl ListIndexes {
    pub(crate) fn new(indexes: Indexes) -> Self {
        ListIndexes {
            indexes,
            filters: IndexFilters::default(),
            options: new_options(),
        }
    }

    fn source(self) -> IndexListSource {
        IndexListSource {
            indexes: self.indexes,
            filters: self.filters,
            options: self.options,
        }
    }

    /// The indexes of the page.
    pub async fn send(self) -> Result<Vec<Index>, Error> {
        Ok(self.send_page().await?.data)
    }

    /// The page with its `page_info`.
    pub async fn send_page(self) -> Result<IndexPage, Error> {
        let page = self.filters.page;
        self.source().fetch_page(page).await
    }

    /// Every index matching the filters, across pages, from the page set (or 1).
    pub fn into_stream(self) -> IndexStream {
        Pager::unstarted(self.source()).into_stream()
    }

    /// Every page matching the filters, from the page set (or 1).
    pub fn into_page_stream(self) -> IndexPageStream {
        Pager::unstarted(self.source()).into_page_stream()
    }
}

/// Builder for [`Indexes::list_pagination`]: fetches the first page and
/// returns an [`IndexPager`] for the rest.
#[derive(Debug, Clone)]
#[must_use = "a builder does nothing until it is awaited"]
pub struct ListIndexPagination {
    indexes: Indexes,
    filters: IndexFilters,
    options: RequestOptions,
}

impl_filter_setters!(ListIndexPagination);
impl_request_options!(ListIndexPagination);
impl_into_future!(ListIndexPagination => IndexPager);

impl ListIndexPagination {
    pub(crate) fn new(indexes: Indexes) -> Self {
        ListIndexPagination {
            indexes,
            filters: IndexFilters::default(),
            options: new_options(),
        }
    }

    /// Fetches the first page.
    pub async fn send(self) -> Result<IndexPager, Error> {
        Pager::first(IndexListSource {
            indexes: self.indexes,
            filters: self.filters,
            options: self.options,
        })
        .await
    }
}
