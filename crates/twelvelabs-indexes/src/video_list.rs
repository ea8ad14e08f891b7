//! `GET /indexes/{index-id}/videos`: one page ([`ListVideos`]) or every page
//! ([`ListVideoPagination`], [`VideoPager`], streams).

use serde_json::Value;
use twelvelabs_models::{IndexId, SortBy, SortOption, Video, VideoPage};
use twelvelabs_transport::builder::check_id;
use twelvelabs_transport::pager::{BoxFuture, ItemStream, PageSource, Pager};
use twelvelabs_transport::query::{DateFilter, NumberFilter};
use twelvelabs_transport::{
    impl_into_future, impl_request_options, ApiRequest, ApiVersion, Error, Executor, RequestOptions,
};

use crate::index_list::{check_not_blank, check_paging, push_paging};
use crate::new_options;

/// The query keys the endpoint gives a meaning; a custom-metadata filter may
/// not use them.
const RESERVED: &[&str] = &[
    "_id",
    "filename",
    "size",
    "width",
    "height",
    "duration",
    "fps",
    "created_at",
    "updated_at",
    "indexed_at",
    "page",
    "page_limit",
    "sort_by",
    "sort_option",
];

/// The filters, sort and page of `GET /indexes/{index-id}/videos`.
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct VideoFilters {
    /// `_id` (v1.2).
    pub id: Option<String>,
    /// `filename`.
    pub filename: Option<String>,
    /// `size`, in bytes.
    pub size: Option<NumberFilter>,
    /// `width`.
    pub width: Option<NumberFilter>,
    /// `height`.
    pub height: Option<NumberFilter>,
    /// `duration`, in seconds.
    pub duration: Option<NumberFilter>,
    /// `fps`.
    pub fps: Option<NumberFilter>,
    /// Custom-metadata filters, sent as free-form keys (`category=news`), in
    /// the order they were added.
    pub user_metadata: Vec<(String, Value)>,
    /// `created_at` (the creation time of the video's task).
    pub created_at: Option<DateFilter>,
    /// `updated_at`.
    pub updated_at: Option<DateFilter>,
    /// `indexed_at` (v1.2).
    pub indexed_at: Option<DateFilter>,
    /// `page`, from 1.
    pub page: Option<u32>,
    /// `page_limit`, 1 to 50.
    pub page_limit: Option<u32>,
    /// `sort_by`.
    pub sort_by: Option<SortBy>,
    /// `sort_option`.
    pub sort_option: Option<SortOption>,
}

impl VideoFilters {
    /// Checks the filters for this API version and renders them as query
    /// pairs: exact values, then paging, then ranges (the order the Python SDK
    /// sends).
    pub fn to_query(&self, version: ApiVersion) -> Result<Vec<(String, String)>, Error> {
        if version != ApiVersion::V1_2 {
            for (field, set) in [
                ("id", self.id.is_some()),
                ("indexed_at", self.indexed_at.is_some()),
            ] {
                if set {
                    return Err(Error::invalid_input(
                        field,
                        format!("the `{field}` filter is v1.2 only; {version} does not accept it"),
                    ));
                }
            }
        }
        check_paging(self.page, self.page_limit)?;
        check_not_blank("id", self.id.as_deref())?;
        check_not_blank("filename", self.filename.as_deref())?;
        let numbers = [
            ("size", &self.size),
            ("width", &self.width),
            ("height", &self.height),
            ("duration", &self.duration),
            ("fps", &self.fps),
        ];
        for (field, filter) in numbers {
            if let Some(f) = filter {
                f.check(field)?;
            }
        }
        let dates = [
            ("created_at", &self.created_at),
            ("updated_at", &self.updated_at),
            ("indexed_at", &self.indexed_at),
        ];
        for (field, filter) in dates {
            if let Some(f) = filter {
                f.check(field)?;
            }
        }
        let mut custom = Vec::with_capacity(self.user_metadata.len());
        for (key, value) in &self.user_metadata {
            custom.push((key.clone(), metadata_value(key, value)?));
        }

        let mut q: Vec<(String, String)> = Vec::new();
        if let Some(id) = &self.id {
            q.push(("_id".to_owned(), id.clone()));
        }
        if let Some(name) = &self.filename {
            q.push(("filename".to_owned(), name.clone()));
        }
        for (field, filter) in numbers {
            if let Some(f) = filter.as_ref().filter(|f| !f.is_range()) {
                f.push_query(field, &mut q);
            }
        }
        q.extend(custom);
        for (field, filter) in dates {
            if let Some(f) = filter.as_ref().filter(|f| !f.is_range()) {
                f.push_query(field, &mut q);
            }
        }
        push_paging(
            &mut q,
            self.page,
            self.page_limit,
            self.sort_by.as_ref(),
            self.sort_option.as_ref(),
        );
        for (field, filter) in numbers {
            if let Some(f) = filter.as_ref().filter(|f| f.is_range()) {
                f.push_query(field, &mut q);
            }
        }
        for (field, filter) in dates {
            if let Some(f) = filter.as_ref().filter(|f| f.is_range()) {
                f.push_query(field, &mut q);
            }
        }
        Ok(q)
    }
}

/// The query-string form of one custom-metadata filter value.
fn metadata_value(key: &str, value: &Value) -> Result<String, Error> {
    let field = format!("user_metadata.{key}");
    if key.trim().is_empty() || key.contains('[') || RESERVED.contains(&key) {
        return Err(Error::invalid_input(
            field,
            "a custom-metadata key must not be empty, contain `[`, or be a filter name of the endpoint",
        ));
    }
    match value {
        Value::String(s) => Ok(s.clone()),
        Value::Number(n) => Ok(n.to_string()),
        Value::Bool(b) => Ok(b.to_string()),
        _ => Err(Error::invalid_input(
            field,
            "a custom-metadata filter value must be a string, number or boolean",
        )),
    }
}

/// The filter setters shared by both list builders.
macro_rules! impl_filter_setters {
    ($ty:ident) => {
        impl $ty {
            /// Only the video with this id (`_id`; v1.2).
            pub fn id(mut self, id: impl Into<crate::VideoId>) -> Self {
                self.filters.id = Some(id.into().into_inner());
                self
            }
            /// Only videos with this file name.
            pub fn filename(mut self, filename: impl Into<String>) -> Self {
                self.filters.filename = Some(filename.into());
                self
            }
            /// Filters on the file size in bytes: a value or a range.
            pub fn size(mut self, filter: impl Into<NumberFilter>) -> Self {
                self.filters.size = Some(filter.into());
                self
            }
            /// Filters on the width: a value or a range.
            pub fn width(mut self, filter: impl Into<NumberFilter>) -> Self {
                self.filters.width = Some(filter.into());
                self
            }
            /// Filters on the height: a value or a range.
            pub fn height(mut self, filter: impl Into<NumberFilter>) -> Self {
                self.filters.height = Some(filter.into());
                self
            }
            /// Filters on the duration in seconds: a value or a range.
            pub fn duration(mut self, filter: impl Into<NumberFilter>) -> Self {
                self.filters.duration = Some(filter.into());
                self
            }
            /// Filters on frames per second: a value or a range.
            pub fn fps(mut self, filter: impl Into<NumberFilter>) -> Self {
                self.filters.fps = Some(filter.into());
                self
            }
            /// Only videos whose custom metadata has `key` = `value` (a string,
            /// number or boolean); call again for more keys.
            pub fn user_metadata(
                mut self,
                key: impl Into<String>,
                value: impl Into<Value>,
            ) -> Self {
                self.filters.user_metadata.push((key.into(), value.into()));
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
            /// Filters on the indexing time: a value or a range (v1.2).
            pub fn indexed_at(mut self, filter: impl Into<DateFilter>) -> Self {
                self.filters.indexed_at = Some(filter.into());
                self
            }
            /// The page to fetch, from 1.
            pub fn page(mut self, page: u32) -> Self {
                self.filters.page = Some(page);
                self
            }
            /// Videos per page, 1 to 50 (the server's default is 10).
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
            pub fn filters(mut self, filters: VideoFilters) -> Self {
                self.filters = filters;
                self
            }
        }
    };
}

/// What the pager needs to fetch any page of a video listing.
#[derive(Debug, Clone)]
pub struct VideoListSource {
    executor: Executor,
    index_id: IndexId,
    filters: VideoFilters,
    options: RequestOptions,
}

impl VideoListSource {
    async fn fetch_page(self, page: Option<u32>) -> Result<VideoPage, Error> {
        check_id("index_id", &self.index_id)?;
        let mut filters = self.filters;
        if page.is_some() {
            filters.page = page;
        }
        let query = filters.to_query(self.executor.api_version())?;
        let mut request = ApiRequest::get(["indexes", self.index_id.as_str(), "videos"]);
        for (k, v) in query {
            request = request.query(k, v);
        }
        self.executor.send_json(request, &self.options).await
    }
}

impl PageSource for VideoListSource {
    type Page = VideoPage;

    fn first_page(&self) -> Option<u32> {
        self.filters.page
    }

    fn page_limit(&self) -> Option<u32> {
        self.filters.page_limit
    }

    fn fetch(&self, page: Option<u32>) -> BoxFuture<Result<VideoPage, Error>> {
        Box::pin(self.clone().fetch_page(page))
    }
}

/// The pages of a video listing: `data` and `page_info` hold the current page;
/// `next_page()` fetches the next one until there is none.
pub type VideoPager = Pager<VideoListSource>;
/// A stream of videos across pages.
pub type VideoStream = ItemStream<Video>;
/// A stream of video pages.
pub type VideoPageStream = ItemStream<VideoPage>;

/// Builder for [`Videos::list`](crate::Videos::list): one page of the videos
/// of an index.
///
/// ```no_run
/// # async fn demo(indexes: twelvelabs_indexes::Indexes) -> Result<(), twelvelabs_transport::Error> {
/// use twelvelabs_indexes::NumberFilter;
/// let videos = indexes
///     .video()
///     .list("6734f0aa9e2a3a33a92c00b1")
///     .duration(NumberFilter::at_least(10))
///     .size(NumberFilter::between(1_000, 2_000_000))
///     .user_metadata("category", "news")
///     .page_limit(50)
///     .send()
///     .await?;
/// for video in &videos {
///     println!("{}", video.id);
/// }
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
#[must_use = "a builder does nothing until it is awaited"]
pub struct ListVideos {
    executor: Executor,
    index_id: IndexId,
    filters: VideoFilters,
    options: RequestOptions,
}

impl_filter_setters!(ListVideos);
impl_request_options!(ListVideos);
impl_into_future!(ListVideos => Vec<Video>);

impl ListVideos {
    pub(crate) fn new(executor: Executor, index_id: IndexId) -> Self {
        ListVideos {
            executor,
            index_id,
            filters: VideoFilters::default(),
            options: new_options(),
        }
    }

    fn source(self) -> VideoListSource {
        VideoListSource {
            executor: self.executor,
            index_id: self.index_id,
            filters: self.filters,
            options: self.options,
        }
    }

    /// The videos of the page.
    pub async fn send(self) -> Result<Vec<Video>, Error> {
        Ok(self.send_page().await?.data)
    }

    /// The page with its `page_info`.
    pub async fn send_page(self) -> Result<VideoPage, Error> {
        let page = self.filters.page;
        self.source().fetch_page(page).await
    }

    /// Every video matching the filters, across pages, from the page set (or 1).
    pub fn into_stream(self) -> VideoStream {
        Pager::unstarted(self.source()).into_stream()
    }

    /// Every page matching the filters, from the page set (or 1).
    pub fn into_page_stream(self) -> VideoPageStream {
        Pager::unstarted(self.source()).into_page_stream()
    }
}

/// Builder for [`Videos::list_pagination`](crate::Videos::list_pagination):
/// fetches the first page and returns a [`VideoPager`] for the rest.
#[derive(Debug, Clone)]
#[must_use = "a builder does nothing until it is awaited"]
pub struct ListVideoPagination {
    executor: Executor,
    index_id: IndexId,
    filters: VideoFilters,
    options: RequestOptions,
}

impl_filter_setters!(ListVideoPagination);
impl_request_options!(ListVideoPagination);
impl_into_future!(ListVideoPagination => VideoPager);

impl ListVideoPagination {
    pub(crate) fn new(executor: Executor, index_id: IndexId) -> Self {
        ListVideoPagination {
            executor,
            index_id,
            filters: VideoFilters::default(),
            options: new_options(),
        }
    }

    /// Fetches the first page.
    pub async fn send(self) -> Result<VideoPager, Error> {
        Pager::first(VideoListSource {
            executor: self.executor,
            index_id: self.index_id,
            filters: self.filters,
            options: self.options,
        })
        .await
    }
}
