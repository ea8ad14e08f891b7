//! The Twelve Labs **Index** and **Video** resources: every index and video
//! call of the Python SDK's `client.index` and `client.index.video`, in Rust,
//! for API v1.2 and v1.3.
//!
//! | Python SDK | Rust |
//! |---|---|
//! | `client.index.create(name, engines=[{"name": …, "options": […]}], addons=…)` | `indexes.create(name).engine(engine_name, options).addons(["thumbnail"]).send().await?` (v1.3: `.model(..)`) |
//! | `client.index.retrieve(id)` | `indexes.retrieve(id).await?` |
//! | `client.index.list(name=…, page_limit=5, …)` | `indexes.list().name(..).page_limit(5).send().await?` |
//! | `client.index.list_pagination(…)`, `next(p)` | `indexes.list_pagination().send().await?`, `p.next_page().await?` |
//! | `client.index.update(id, name)` | `indexes.update(id, name).await?` |
//! | `client.index.delete(id)` | `indexes.delete(id).await?` |
//! | `client.index.video.list(index_id, …)` | `indexes.video().list(index_id)….send().await?` |
//! | `client.index.video.list_pagination(index_id, …)` | `indexes.video().list_pagination(index_id).send().await?` |
//! | `client.index.video.retrieve(index_id, id, embed=True)` | `indexes.video().retrieve(index_id, id).embed(true).await?` |
//! | `client.index.video.update(index_id, id, title=…, metadata=…)` | `indexes.video().update(index_id, id).title(..).metadata(map).await?` (v1.3: `.user_metadata(map)`, `.unset(key)`) |
//! | `client.index.video.delete(index_id, id)` | `indexes.video().delete(index_id, id).await?` |
//! | `**kwargs` | `.with_header(..)`, `.with_attempt_timeout(..)`, `.with_deadline(..)`, `.with_retry(..)` on every builder |
//!
//! Ids are typed ([`IndexId`], [`VideoId`]): passing a video id where an index
//! id is expected does not compile once the ids are typed values. Fields that
//! exist in one API version only (`engines` vs `models`, `embed` vs
//! `embedding_option`, `video_title` vs `user_metadata`, …) are refused with
//! [`Error::InvalidInput`] before any request on the other version.
//!
//! Most users reach this crate through the `twelvelabs` facade
//! (`client.index()`); it also works over any [`Executor`].

mod index;
mod index_list;
mod video;
mod video_list;

use twelvelabs_transport::{Executor, RequestOptions};

pub use index::{CreateIndex, DeleteIndex, RetrieveIndex, UpdateIndex};
pub use index_list::{
    IndexFilters, IndexListSource, IndexPageStream, IndexPager, IndexStream, ListIndexPagination,
    ListIndexes,
};
pub use twelvelabs_models::{
    Engine, Index, IndexId, IndexPage, Model, SortBy, SortOption, UserMetadata, Video, VideoId,
    VideoPage,
};
pub use twelvelabs_transport::query::{DateFilter, DateValue, NumberFilter};
pub use twelvelabs_transport::Error;
pub use video::{DeleteVideo, RetrieveVideo, UpdateVideo, Videos};
pub use video_list::{
    ListVideoPagination, ListVideos, VideoFilters, VideoListSource, VideoPageStream, VideoPager,
    VideoStream,
};

/// The largest `page_limit` the API accepts.
pub const MAX_PAGE_LIMIT: u32 = 50;

/// The Index resource (`/indexes`), with the Video resource of each index under
/// [`Indexes::video`]. Cheap to clone; every clone shares the client's
/// connections.
#[derive(Debug, Clone)]
pub struct Indexes {
    executor: Executor,
}

impl Indexes {
    /// The resource over an executor.
    pub fn new(executor: Executor) -> Self {
        Indexes { executor }
    }

    /// The executor.
    pub fn executor(&self) -> &Executor {
        &self.executor
    }

    /// Creates an index (`POST /indexes`) and returns it, retrieved, as the
    /// Python SDK does. Add engines (v1.2) or models (v1.3) with the builder.
    pub fn create(&self, name: impl Into<String>) -> CreateIndex {
        CreateIndex::new(self.clone(), name.into())
    }

    /// Retrieves an index (`GET /indexes/{index-id}`).
    pub fn retrieve(&self, id: impl Into<IndexId>) -> RetrieveIndex {
        RetrieveIndex::new(self.clone(), id.into())
    }

    /// Lists one page of indexes (`GET /indexes`).
    pub fn list(&self) -> ListIndexes {
        ListIndexes::new(self.clone())
    }

    /// Lists indexes page by page.
    pub fn list_pagination(&self) -> ListIndexPagination {
        ListIndexPagination::new(self.clone())
    }

    /// Renames an index (`PUT /indexes/{index-id}`); only the name can change.
    pub fn update(&self, id: impl Into<IndexId>, name: impl Into<String>) -> UpdateIndex {
        UpdateIndex::new(self.clone(), id.into(), name.into())
    }

    /// Deletes an index and every video in it (`DELETE /indexes/{index-id}`).
    /// This cannot be undone.
    pub fn delete(&self, id: impl Into<IndexId>) -> DeleteIndex {
        DeleteIndex::new(self.clone(), id.into())
    }

    /// The videos of indexes (`/indexes/{index-id}/videos`): the Python SDK's
    /// `client.index.video`.
    pub fn video(&self) -> Videos {
        Videos::new(self.executor.clone())
    }
}

pub(crate) fn new_options() -> RequestOptions {
    RequestOptions::new()
}
