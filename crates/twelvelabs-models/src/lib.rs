//! Typed serde models of the Twelve Labs video-indexing **Task** API, v1.2
//! and v1.3.
//!
//! Pure data: no runtime, no HTTP. The SDK, the emulator and users who only
//! want typed payloads all share these types.
//!
//! * [`Task`] — the task object; reads v1.2 `metadata` and v1.3
//!   `system_metadata` into one field and keeps unknown keys in `extra`.
//! * [`Extra`] — those unknown keys: compact JSON text, at most
//!   [`extra::EXTRA_LIMIT_BYTES`] per object, anything past it recorded in
//!   [`Extra::omitted`].
//! * [`TaskPage`] / [`PageInfo`] — the `GET /tasks` envelope; a page of more
//!   than [`MAX_PAGE_ITEMS`] tasks is a decode error.
//! * [`CreateTaskResponse`], [`IndexTaskStatus`], [`TransferFileEntry`].
//! * Cloud import: [`ImportVideosRequest`], [`ImportVideosResponse`],
//!   [`ImportStatus`], [`ImportLogs`].
//! * Indexes and videos: [`Index`] ([`Engine`] in v1.2, [`Model`] in v1.3),
//!   [`IndexPage`], [`Video`], [`VideoPage`] (pages bounded like
//!   [`TaskPage`]), and the request bodies
//!   [`CreateIndexRequest`], [`UpdateIndexRequest`], [`UpdateVideoRequest`].
//! * [`ApiErrorBody`] — every error-body shape the API uses.
//! * Open string enums with an `Unknown(String)` fallback: [`TaskStatus`],
//!   [`HlsStatus`], [`SortBy`], [`SortOption`].
//! * Id newtypes [`TaskId`], [`VideoId`], [`IndexId`].
//!
//! Decoding streams: each object is read key by key straight into its
//! fields, list items one at a time, without a `serde_json::Value` of the
//! body, so memory stays close to the size of the decoded models. Errors
//! name the field path both in the message and structurally (through
//! `serde_path_to_error`, which the SDK uses for `Error::Decode`'s `path`).
//!
//! Reading is lenient where the API is inconsistent and strict where it
//! matters: ids and statuses that must be there are required, `null` reads as
//! absent, timestamps accept every RFC 3339 form (converted to UTC, see
//! [`time`]), integer fields accept integral floats (`854.0`), and an error
//! names the field that failed (``field `metadata.width`: invalid type:
//! string "854", expected a non-negative integer``).
//!
//! ```
//! use twelvelabs_models::{Task, TaskStatus};
//!
//! let json = r#"{
//!     "_id": "6734f1c2a1b2c3d4e5f60718",
//!     "index_id": "6734f0aa9e2a3a33a92c00b1",
//!     "status": "indexing",
//!     "created_at": "2024-11-13T09:12:34.567Z",
//!     "estimated_time": "2024-11-13T18:16:02+09:00",
//!     "metadata": { "filename": "01.mp4", "duration": 531.998133, "width": 854, "height": 480 },
//!     "process": { "percentage": 42.5, "remain_seconds": 118.3 },
//!     "hls": { "status": "PROCESSING" },
//!     "brand_new_field": true
//! }"#;
//!
//! let task: Task = serde_json::from_str(json)?;
//! assert_eq!(task.id, "6734f1c2a1b2c3d4e5f60718");
//! assert_eq!(task.status, TaskStatus::Indexing);
//! assert!(!task.is_done());
//! let metadata = task.metadata.as_ref().unwrap();
//! assert_eq!(metadata.width, Some(854));
//! assert_eq!(
//!     task.estimated_time.unwrap().to_rfc3339(),
//!     "2024-11-13T09:16:02+00:00"
//! );
//! assert_eq!(task.extra["brand_new_field"], true);
//!
//! // A v1.3 task reads the same way.
//! let v13: Task = serde_json::from_str(
//!     r#"{"_id":"663da73b31cdd0c1f638a8e6","status":"ready","system_metadata":{"duration":12.5}}"#,
//! )?;
//! assert!(v13.is_done());
//! assert_eq!(v13.metadata.unwrap().duration, Some(12.5));
//! # Ok::<(), serde_json::Error>(())
//! ```

#[macro_use]
mod macros;
mod lenient;

pub mod create;
pub mod error_body;
pub mod extra;
pub mod ids;
pub mod import;
pub mod index;
pub mod list;
pub mod status;
pub mod task;
pub mod time;
pub mod transfer;
pub mod video;

pub use create::CreateTaskResponse;
pub use error_body::ApiErrorBody;
pub use extra::{Extra, Omitted};
pub use ids::{IndexId, TaskId, VideoId};
pub use import::{
    FailedFile, ImportFailedItem, ImportLog, ImportLogs, ImportStatus, ImportVideoItem,
    ImportVideosRequest, ImportVideosResponse, ImportedVideo, UserMetadata, VideoStatusCounts,
};
pub use index::{
    CreateIndexRequest, CreateIndexResponse, Engine, Index, IndexPage, Model, UpdateIndexRequest,
};
pub use list::{PageInfo, SortBy, SortOption, TaskPage, MAX_PAGE_ITEMS};
pub use status::{HlsStatus, TaskStatus};
pub use task::{Hls, Process, SystemMetadata, Task};
pub use time::{format_timestamp, parse_timestamp};
pub use transfer::{IndexTaskStatus, TransferFileEntry};
pub use video::{
    TranscriptionSegment, UpdateVideoRequest, Video, VideoMetadata, VideoOrigin, VideoPage,
};
