//! The index object (`GET /indexes/{index-id}`, the items of `GET /indexes`)
//! and the bodies of `POST /indexes` and `PUT /indexes/{index-id}`.
//!
//! v1.2 describes an index by its `engines` (`engine_name`, `engine_options`),
//! v1.3 by its `models` (`model_name`, `model_options`). Both lists are kept
//! apart, under their wire names, so a value read from one version writes back
//! exactly the same keys; [`Index::model_names`] reads either.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::lenient::lenient_object;
use crate::{Extra, IndexId, PageInfo};

/// An index, as returned by v1.2 and v1.3.
///
/// `_id` and `index_name` are required; every other field may be missing or
/// `null`. Keys this crate does not know are kept in [`Index::extra`].
///
/// ```
/// use twelvelabs_models::Index;
///
/// let index: Index = serde_json::from_str(r#"{
///     "_id": "6734f0aa9e2a3a33a92c00b1", "index_name": "my-index",
///     "engines": [{"engine_name": "marengo2.6", "engine_options": ["visual", "conversation"]}],
///     "video_count": 1, "total_duration": 531.998133,
///     "created_at": "2024-11-13T09:00:00.000Z"
/// }"#)?;
/// assert_eq!(index.name, "my-index");
/// assert_eq!(index.model_names().collect::<Vec<_>>(), ["marengo2.6"]);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct Index {
    /// The index id (`_id`).
    #[serde(rename = "_id")]
    pub id: IndexId,
    /// The index name (`index_name`), unique per account.
    #[serde(rename = "index_name")]
    pub name: String,
    /// The engines of a v1.2 index (empty in v1.3).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub engines: Vec<Engine>,
    /// The models of a v1.3 index (empty in v1.2).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub models: Vec<Model>,
    /// Index-level add-ons (`thumbnail`). Some responses put them inside an
    /// engine or model item instead; see [`Engine::addons`].
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub addons: Vec<String>,
    /// The number of videos in the index.
    pub video_count: Option<u64>,
    /// The summed duration of its videos, in seconds.
    pub total_duration: Option<f64>,
    /// When the index was created.
    #[serde(serialize_with = "crate::time::rfc3339_option::serialize")]
    pub created_at: Option<DateTime<Utc>>,
    /// When the index last changed.
    #[serde(serialize_with = "crate::time::rfc3339_option::serialize")]
    pub updated_at: Option<DateTime<Utc>>,
    /// When the platform deletes the index (Free plan); `None` when it never does.
    #[serde(serialize_with = "crate::time::rfc3339_option::serialize")]
    pub expires_at: Option<DateTime<Utc>>,
    /// Every other key of the JSON object, unchanged.
    #[serde(flatten)]
    pub extra: Extra,
}

impl Index {
    /// An index with this id and name and nothing else.
    pub fn new(id: impl Into<IndexId>, name: impl Into<String>) -> Self {
        Self {
            id: id.into(),
            name: name.into(),
            engines: Vec::new(),
            models: Vec::new(),
            addons: Vec::new(),
            video_count: None,
            total_duration: None,
            created_at: None,
            updated_at: None,
            expires_at: None,
            extra: Extra::new(),
        }
    }

    /// The names of the index's engines (v1.2) or models (v1.3).
    pub fn model_names(&self) -> impl Iterator<Item = &str> + '_ {
        self.engines
            .iter()
            .map(|e| e.name.as_str())
            .chain(self.models.iter().map(|m| m.name.as_str()))
    }

    /// Whether the `thumbnail` add-on is enabled, at the index level or on any
    /// engine or model (the API has used both places).
    pub fn has_addon(&self, addon: &str) -> bool {
        self.addons
            .iter()
            .chain(self.engines.iter().flat_map(|e| e.addons.iter()))
            .chain(self.models.iter().flat_map(|m| m.addons.iter()))
            .any(|a| a == addon)
    }
}

lenient_object! {
    Index expecting "an index object" {
        id: Required "_id",
        name: Required "index_name",
        engines: List "engines",
        models: List "models",
        addons: List "addons",
        video_count: OptionalUint "video_count",
        total_duration: Optional "total_duration",
        created_at: OptionalTime "created_at",
        updated_at: OptionalTime "updated_at",
        expires_at: OptionalTime "expires_at",
        ..extra
    }
}

/// A v1.2 engine: `{engine_name, engine_options}` in requests, plus `addons`
/// and `finetuned` in responses.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct Engine {
    /// `engine_name`: `marengo2.6`, `pegasus1.1`, …
    #[serde(rename = "engine_name")]
    pub name: String,
    /// `engine_options`: `visual`, `conversation`, `text_in_video`, `logo`.
    #[serde(rename = "engine_options")]
    pub options: Vec<String>,
    /// Add-ons enabled on this engine (responses only).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub addons: Vec<String>,
    /// Whether the engine is fine-tuned (responses only; meaning undocumented).
    pub finetuned: Option<bool>,
    /// Every other key, unchanged.
    #[serde(flatten)]
    pub extra: Extra,
}

impl Engine {
    /// An engine with these options, as `POST /indexes` takes it.
    pub fn new<I, S>(name: impl Into<String>, options: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Self {
            name: name.into(),
            options: options.into_iter().map(Into::into).collect(),
            addons: Vec::new(),
            finetuned: None,
            extra: Extra::new(),
        }
    }
}

lenient_object! {
    Engine expecting "an engine object" {
        name: Required "engine_name",
        options: List "engine_options",
        addons: List "addons",
        finetuned: Optional "finetuned",
        ..extra
    }
}

/// A v1.3 model: `{model_name, model_options}`, plus `addons` in some responses.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct Model {
    /// `model_name`: `marengo2.7`, `pegasus1.2`, …
    #[serde(rename = "model_name")]
    pub name: String,
    /// `model_options`: `visual`, `audio`.
    #[serde(rename = "model_options")]
    pub options: Vec<String>,
    /// Add-ons enabled on this model (responses only).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub addons: Vec<String>,
    /// Every other key, unchanged.
    #[serde(flatten)]
    pub extra: Extra,
}

impl Model {
    /// A model with these options, as `POST /indexes` takes it.
    pub fn new<I, S>(name: impl Into<String>, options: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Self {
            name: name.into(),
            options: options.into_iter().map(Into::into).collect(),
            addons: Vec::new(),
            extra: Extra::new(),
        }
    }
}

lenient_object! {
    Model expecting "a model object" {
        name: Required "model_name",
        options: List "model_options",
        addons: List "addons",
        ..extra
    }
}

/// One page of `GET /indexes`: `{"data": [...], "page_info": {...}}`.
///
/// Decoded like [`TaskPage`](crate::TaskPage): `data` missing or `null` is an
/// empty page, `page_info` is required, more than
/// [`MAX_PAGE_ITEMS`](crate::MAX_PAGE_ITEMS) indexes is an error at `data`,
/// and unknown keys of the envelope are ignored.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[non_exhaustive]
pub struct IndexPage {
    /// The indexes of this page.
    pub data: Vec<Index>,
    /// Where this page sits in the result set.
    pub page_info: PageInfo,
}

impl IndexPage {
    /// A page from its items and `page_info` (for tests and custom sources).
    pub fn new(data: Vec<Index>, page_info: PageInfo) -> Self {
        Self { data, page_info }
    }
}

lenient_object! {
    IndexPage expecting "an index list page" {
        data: Page "data",
        page_info: Required "page_info",
    }
}

/// The JSON body of `POST /indexes`. Set `engines` for v1.2 and `models` for
/// v1.3; empty lists and `None` are omitted, never sent as `null`.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct CreateIndexRequest {
    /// `index_name`.
    pub index_name: String,
    /// `engines` (v1.2).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub engines: Vec<Engine>,
    /// `models` (v1.3).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub models: Vec<Model>,
    /// `addons` (`thumbnail`).
    #[serde(default)]
    pub addons: Option<Vec<String>>,
}

impl CreateIndexRequest {
    /// A request for an index of this name; set `engines` or `models` next.
    pub fn new(index_name: impl Into<String>) -> Self {
        Self {
            index_name: index_name.into(),
            ..Self::default()
        }
    }
}

/// The `201` body of `POST /indexes`: `{"_id": "..."}`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct CreateIndexResponse {
    /// The new index's id.
    #[serde(rename = "_id")]
    pub id: IndexId,
    /// Every other key, unchanged.
    #[serde(flatten)]
    pub extra: Extra,
}

lenient_object! {
    CreateIndexResponse expecting "a create index response object" {
        id: Required "_id",
        ..extra
    }
}

/// The JSON body of `PUT /indexes/{index-id}`: only the name can change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct UpdateIndexRequest {
    /// The new `index_name`.
    pub index_name: String,
}

impl UpdateIndexRequest {
    /// A rename to `index_name`.
    pub fn new(index_name: impl Into<String>) -> Self {
        Self {
            index_name: index_name.into(),
        }
    }
}
