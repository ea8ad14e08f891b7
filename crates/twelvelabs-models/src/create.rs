//! The response of `POST /tasks`.

use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Map, Value};

use crate::lenient::Fields;
use crate::{TaskId, VideoId};

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
    pub extra: Map<String, Value>,
}

impl CreateTaskResponse {
    /// A response carrying only the task id.
    pub fn new(id: impl Into<TaskId>) -> Self {
        Self {
            id: id.into(),
            video_id: None,
            extra: Map::new(),
        }
    }
}

impl<'de> Deserialize<'de> for CreateTaskResponse {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let mut f = Fields::new(deserializer)?;
        Ok(Self {
            id: f.required("_id")?,
            video_id: f.optional("video_id")?,
            extra: f.finish(),
        })
    }
}
