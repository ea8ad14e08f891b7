//! The Video resource: `GET`/`PUT`/`PATCH`/`DELETE
//! /indexes/{index-id}/videos/{video-id}` and the listing.

use serde_json::Value;
use twelvelabs_models::{IndexId, UpdateVideoRequest, UserMetadata, Video, VideoId};
use twelvelabs_transport::builder::check_id;
use twelvelabs_transport::{
    http::Method, impl_into_future, impl_request_options, ApiRequest, ApiVersion, Body, Error,
    Executor, RequestOptions,
};

use crate::new_options;
use crate::video_list::{ListVideoPagination, ListVideos};

/// Keys of v1.2 `metadata` the platform owns: an update cannot set them.
const RESERVED_V12: &[&str] = &[
    "duration",
    "filename",
    "fps",
    "height",
    "size",
    "video_title",
    "width",
];
/// Keys of v1.3 `user_metadata` the platform owns.
const RESERVED_V13: &[&str] = &[
    "duration",
    "filename",
    "fps",
    "height",
    "size",
    "video_title",
    "width",
    "model_names",
];

/// The videos of indexes (`client.index.video` in the Python SDK). Every call
/// takes the index id first, as the Python SDK does.
#[derive(Debug, Clone)]
pub struct Videos {
    executor: Executor,
}

impl Videos {
    /// The resource over an executor.
    pub fn new(executor: Executor) -> Self {
        Videos { executor }
    }

    /// Lists one page of an index's videos (`GET /indexes/{index-id}/videos`).
    pub fn list(&self, index_id: impl Into<IndexId>) -> ListVideos {
        ListVideos::new(self.executor.clone(), index_id.into())
    }

    /// Lists an index's videos page by page.
    pub fn list_pagination(&self, index_id: impl Into<IndexId>) -> ListVideoPagination {
        ListVideoPagination::new(self.executor.clone(), index_id.into())
    }

    /// Retrieves a video (`GET /indexes/{index-id}/videos/{video-id}`).
    pub fn retrieve(&self, index_id: impl Into<IndexId>, id: impl Into<VideoId>) -> RetrieveVideo {
        RetrieveVideo {
            executor: self.executor.clone(),
            index_id: index_id.into(),
            id: id.into(),
            embed: None,
            embedding_option: Vec::new(),
            transcription: None,
            options: new_options(),
        }
    }

    /// Updates a video's title and custom metadata: v1.2 `PUT` (`video_title`,
    /// `metadata`), v1.3 `PATCH` (`user_metadata`, where `null` deletes a key).
    pub fn update(&self, index_id: impl Into<IndexId>, id: impl Into<VideoId>) -> UpdateVideo {
        UpdateVideo {
            executor: self.executor.clone(),
            index_id: index_id.into(),
            id: id.into(),
            body: UpdateVideoRequest::default(),
            options: new_options(),
        }
    }

    /// Deletes a video and everything known about it
    /// (`DELETE /indexes/{index-id}/videos/{video-id}`). This is what allows
    /// deleting its `ready` task afterwards.
    pub fn delete(&self, index_id: impl Into<IndexId>, id: impl Into<VideoId>) -> DeleteVideo {
        DeleteVideo {
            executor: self.executor.clone(),
            index_id: index_id.into(),
            id: id.into(),
            options: new_options(),
        }
    }
}

fn check_ids(index_id: &IndexId, id: &VideoId) -> Result<(), Error> {
    check_id("index_id", index_id)?;
    check_id("id", id)
}

fn refuse(field: &str, only: &str, version: ApiVersion) -> Error {
    Error::invalid_input(
        field,
        format!("`{field}` is {only} only; {version} does not accept it"),
    )
}

/// Builder for [`Videos::retrieve`]; `.await` it.
#[derive(Debug, Clone)]
#[must_use = "a builder does nothing until it is awaited"]
pub struct RetrieveVideo {
    executor: Executor,
    index_id: IndexId,
    id: VideoId,
    embed: Option<bool>,
    embedding_option: Vec<String>,
    transcription: Option<bool>,
    options: RequestOptions,
}

impl_request_options!(RetrieveVideo);
impl_into_future!(RetrieveVideo => Video);

impl RetrieveVideo {
    /// Whether to include the embeddings (`embed`, v1.2).
    pub fn embed(mut self, embed: bool) -> Self {
        self.embed = Some(embed);
        self
    }

    /// Include these embeddings (`embedding_option`, repeated; v1.3):
    /// `visual-text`, `audio` (Marengo 3.0: `visual`, `audio`, `transcription`).
    pub fn embedding_option<I, S>(mut self, options: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.embedding_option = options.into_iter().map(Into::into).collect();
        self
    }

    /// Whether to include the transcription (`transcription`, v1.3).
    pub fn transcription(mut self, transcription: bool) -> Self {
        self.transcription = Some(transcription);
        self
    }

    /// Fetches the video.
    pub async fn send(self) -> Result<Video, Error> {
        check_ids(&self.index_id, &self.id)?;
        let version = self.executor.api_version();
        if version == ApiVersion::V1_2 {
            if !self.embedding_option.is_empty() {
                return Err(refuse("embedding_option", "v1.3", version));
            }
            if self.transcription.is_some() {
                return Err(refuse("transcription", "v1.3", version));
            }
        } else if self.embed.is_some() {
            return Err(refuse("embed", "v1.2", version));
        }
        if self.embedding_option.iter().any(|o| o.trim().is_empty()) {
            return Err(Error::invalid_input(
                "embedding_option",
                "must not be empty",
            ));
        }
        let mut request = ApiRequest::get([
            "indexes",
            self.index_id.as_str(),
            "videos",
            self.id.as_str(),
        ]);
        if let Some(embed) = self.embed {
            request = request.query("embed", embed.to_string());
        }
        for option in self.embedding_option {
            request = request.query("embedding_option", option);
        }
        if let Some(t) = self.transcription {
            request = request.query("transcription", t.to_string());
        }
        self.executor.send_json(request, &self.options).await
    }
}

/// Builder for [`Videos::update`]; `.await` it.
///
/// ```no_run
/// # async fn demo(indexes: twelvelabs_indexes::Indexes) -> Result<(), twelvelabs_transport::Error> {
/// let videos = indexes.video();
/// // v1.3: set one key, delete another.
/// videos
///     .update("6734f0aa9e2a3a33a92c00b1", "6734f25ea1b2c3d4e5f60720")
///     .set("category", "news")
///     .unset("obsolete")
///     .await?;
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
#[must_use = "a builder does nothing until it is awaited"]
pub struct UpdateVideo {
    executor: Executor,
    index_id: IndexId,
    id: VideoId,
    body: UpdateVideoRequest,
    options: RequestOptions,
}

impl_request_options!(UpdateVideo);
impl_into_future!(UpdateVideo => ());

impl UpdateVideo {
    /// The new title (`video_title`, v1.2).
    pub fn title(mut self, title: impl Into<String>) -> Self {
        self.body.video_title = Some(title.into());
        self
    }

    /// Custom metadata to store (`metadata`, v1.2): string, number or boolean
    /// values.
    pub fn metadata(mut self, metadata: UserMetadata) -> Self {
        self.body.metadata = Some(metadata);
        self
    }

    /// Custom metadata to merge (`user_metadata`, v1.3); a `null` value deletes
    /// that key.
    pub fn user_metadata(mut self, metadata: UserMetadata) -> Self {
        self.body.user_metadata = Some(metadata);
        self
    }

    /// Sets one `user_metadata` key (v1.3).
    pub fn set(mut self, key: impl Into<String>, value: impl Into<Value>) -> Self {
        self.body
            .user_metadata
            .get_or_insert_with(Default::default)
            .insert(key.into(), value.into());
        self
    }

    /// Deletes one `user_metadata` key (v1.3): sends it as `null`.
    pub fn unset(mut self, key: impl Into<String>) -> Self {
        self.body
            .user_metadata
            .get_or_insert_with(Default::default)
            .insert(key.into(), Value::Null);
        self
    }

    /// The request body as it will be sent.
    pub fn body(&self) -> &UpdateVideoRequest {
        &self.body
    }

    fn check(&self, version: ApiVersion) -> Result<(), Error> {
        let body = &self.body;
        let (metadata, field, reserved, allow_null) = if version == ApiVersion::V1_2 {
            if body.user_metadata.is_some() {
                return Err(refuse("user_metadata", "v1.3", version));
            }
            (&body.metadata, "metadata", RESERVED_V12, false)
        } else {
            if body.video_title.is_some() {
                return Err(refuse("title", "v1.2", version));
            }
            if body.metadata.is_some() {
                return Err(Error::invalid_input(
                    "metadata",
                    format!("`metadata` is v1.2 only; use `user_metadata` in {version}"),
                ));
            }
            (&body.user_metadata, "user_metadata", RESERVED_V13, true)
        };
        for (key, value) in metadata.iter().flatten() {
            let at = || format!("{field}.{key}");
            if key.trim().is_empty() {
                return Err(Error::invalid_input(at(), "keys must not be empty"));
            }
            if reserved.contains(&key.as_str()) {
                return Err(Error::invalid_input(
                    at(),
                    "the platform owns this key; it cannot be set",
                ));
            }
            let ok = match value {
                Value::String(_) | Value::Number(_) | Value::Bool(_) => true,
                Value::Null => allow_null,
                Value::Array(_) | Value::Object(_) => false,
            };
            if !ok {
                return Err(Error::invalid_input(
                    at(),
                    if allow_null {
                        "values must be a string, number, boolean, or null to delete"
                    } else {
                        "values must be a string, number or boolean"
                    },
                ));
            }
        }
        Ok(())
    }

    /// Sends the update. Any 2xx is success, with or without a body.
    pub async fn send(self) -> Result<(), Error> {
        check_ids(&self.index_id, &self.id)?;
        let version = self.executor.api_version();
        self.check(version)?;
        let body = Body::json(&self.body)
            .map_err(|e| Error::invalid_input("metadata", format!("cannot encode: {e}")))?;
        // v1.3 moved video updates from PUT to PATCH; a PATCH that sets keys
        // to given values is safe to repeat, so it retries like a PUT.
        let method = if version == ApiVersion::V1_2 {
            Method::PUT
        } else {
            Method::PATCH
        };
        let request = ApiRequest::new(
            method,
            [
                "indexes",
                self.index_id.as_str(),
                "videos",
                self.id.as_str(),
            ],
        )
        .body(body)
        .idempotent(true);
        self.executor.send(request, &self.options).await?;
        Ok(())
    }
}

/// Builder for [`Videos::delete`]; `.await` it.
#[derive(Debug, Clone)]
#[must_use = "a builder does nothing until it is awaited"]
pub struct DeleteVideo {
    executor: Executor,
    index_id: IndexId,
    id: VideoId,
    options: RequestOptions,
}

impl_request_options!(DeleteVideo);
impl_into_future!(DeleteVideo => ());

impl DeleteVideo {
    /// Deletes the video. Any 2xx is success.
    pub async fn send(self) -> Result<(), Error> {
        check_ids(&self.index_id, &self.id)?;
        let request = ApiRequest::delete([
            "indexes",
            self.index_id.as_str(),
            "videos",
            self.id.as_str(),
        ]);
        self.executor.send(request, &self.options).await?;
        Ok(())
    }
}
