//! The response of `POST /tasks`.

use serde::Serialize;

use crate::lenient::lenient_object;
use crate::{Extra, TaskId, VideoId};

/// The body of a successful `POST /tasks`: `{"_id": …}` in v1.2,
/// `{"_id": …, "video_id": …}` in v1.3.
///
/// ```
/// # use twelvelabs_models::CreateTaskResponse;
/// let res: CreateTaskResponse = serde_json::from_str(r#"{"_id":"62a1ec6d9ea24f052b971a0f"}"#).unwrap();
/// assert_eq!(res.id, "62a1ec6d9ea24f052b971a0f");
/// assert!(res.video_id.is_none());
/// ```
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct CreateTaskResponse {
    /// The new task's id (`_id`).
    #[serde(rename = "_id")]
    pub id: TaskId,
    /// The video id (v1.3 only).
    pub video_id: Option<VideoId>,
    /// Every other key, unchanged.
    #[serde(flatten)]
    pub extra: Extra,
}

impl CreateTaskResponse {
    /// A response carrying only the task id.
    pub fn new(id: impl Into<TaskId>) -> Self {
        Self {
            id: id.into(),
            video_id: None,
            extra: Extra::new(),
        }
    }
}

lenient_object! {
    CreateTaskResponse expecting "a create-task response object" {
        id: Required "_id",
        video_id: Optional "video_id",
        ..extra
    }
}
