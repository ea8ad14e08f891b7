//! `POST /tasks`: create a video indexing task.

use std::sync::Arc;

use bytes::Bytes;
use tokio::io::AsyncRead;
use twelvelabs_models::{CreateTaskResponse, UserMetadata};
use twelvelabs_transport::{
    ApiRequest, ApiVersion, Body, Error, Multipart, Part, PartContent, Progress, RequestOptions,
};

use crate::handle::TaskHandle;
use crate::options::{check_id, impl_into_future, impl_request_options};
use crate::source::{content_type_for, Upload};
use crate::Tasks;

/// The video of a task: a file to upload or a URL the service fetches.
#[derive(Debug)]
pub enum VideoSource {
    /// A file to upload.
    Upload(Upload),
    /// A direct link to the raw media file.
    Url(String),
}

/// Builder for [`Tasks::create`]. Exactly one video source ([`file`](Self::file),
/// [`bytes`](Self::bytes), [`reader`](Self::reader) or [`url`](Self::url)) is
/// required; it is checked before any I/O.
///
/// ```no_run
/// # async fn demo(client: twelvelabs_tasks::Tasks) -> Result<(), twelvelabs_transport::Error> {
/// let task = client
///     .create("6298d673f1090f1100476d4c")
///     .file("clip.mp4")
///     .transcription_file("clip.srt")
///     .language("en")
///     .disable_video_stream(false)
///     .on_progress(|p| tracing::info!(sent = p.sent, total = ?p.total, "uploading"))
///     .send()
///     .await?;
/// println!("Task id={}", task.id);
/// # Ok(()) }
/// ```
#[must_use = "a builder does nothing until it is awaited"]
pub struct CreateTask {
    tasks: Tasks,
    index_id: String,
    videos: Vec<VideoSource>,
    transcription: Vec<VideoSource>,
    language: Option<String>,
    enable_video_stream: Option<bool>,
    user_metadata: Option<UserMetadata>,
    url_as_file_part: Option<bool>,
    progress: Option<twelvelabs_transport::ProgressFn>,
    options: RequestOptions,
}

impl std::fmt::Debug for CreateTask {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CreateTask")
            .field("index_id", &self.index_id)
            .field("videos", &self.videos)
            .field("transcription", &self.transcription)
            .field("language", &self.language)
            .field("enable_video_stream", &self.enable_video_stream)
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}

impl_request_options!(CreateTask);
impl_into_future!(CreateTask => TaskHandle);

impl CreateTask {
    pub(crate) fn new(tasks: Tasks, index_id: String) -> Self {
        CreateTask {
            tasks,
            index_id,
            videos: Vec::new(),
            transcription: Vec::new(),
            language: None,
            enable_video_stream: None,
            user_metadata: None,
            url_as_file_part: None,
            progress: None,
            options: RequestOptions::new(),
        }
    }

    /// The video from a file on disk: streamed in constant memory, its length sent
    /// as `Content-Length`, re-opened if the request is retried.
    pub fn file(mut self, path: impl AsRef<std::path::Path>) -> Self {
        self.videos.push(VideoSource::Upload(Upload::path(path)));
        self
    }

    /// The video from bytes in memory.
    pub fn bytes(mut self, data: impl Into<Bytes>, filename: impl Into<String>) -> Self {
        self.videos
            .push(VideoSource::Upload(Upload::bytes(data, filename)));
        self
    }

    /// The video from a reader (single use: never re-sent once reading began).
    /// With `len`, the upload carries `Content-Length`.
    pub fn reader(
        mut self,
        reader: impl AsyncRead + Send + Unpin + 'static,
        filename: impl Into<String>,
        len: Option<u64>,
    ) -> Self {
        self.videos
            .push(VideoSource::Upload(Upload::reader(reader, filename, len)));
        self
    }

    /// The video from a URL: a direct link to the raw media file.
    pub fn url(mut self, url: impl Into<String>) -> Self {
        self.videos
            .push(VideoSource::Url(url.into().trim().to_owned()));
        self
    }

    /// The video from a [`VideoSource`].
    pub fn video(mut self, source: VideoSource) -> Self {
        self.videos.push(source);
        self
    }

    /// A transcription (SRT or VTT) from a file on disk (v1.2).
    pub fn transcription_file(mut self, path: impl AsRef<std::path::Path>) -> Self {
        self.transcription
            .push(VideoSource::Upload(Upload::path(path)));
        self
    }

    /// A transcription from bytes in memory (v1.2).
    pub fn transcription_bytes(
        mut self,
        data: impl Into<Bytes>,
        filename: impl Into<String>,
    ) -> Self {
        self.transcription
            .push(VideoSource::Upload(Upload::bytes(data, filename)));
        self
    }

    /// A transcription from a URL (v1.2).
    pub fn transcription_url(mut self, url: impl Into<String>) -> Self {
        self.transcription
            .push(VideoSource::Url(url.into().trim().to_owned()));
        self
    }

    /// The language of the video, e.g. `en` (v1.2).
    pub fn language(mut self, language: impl Into<String>) -> Self {
        self.language = Some(language.into());
        self
    }

    /// Whether the platform should *not* keep the video for streaming (v1.2
    /// `disable_video_stream`; on v1.3 sent as `enable_video_stream = !disable`).
    pub fn disable_video_stream(mut self, disable: bool) -> Self {
        self.enable_video_stream = Some(!disable);
        self
    }

    /// Whether the platform keeps the video for streaming (v1.3
    /// `enable_video_stream`; on v1.2 sent as `disable_video_stream = !enable`).
    pub fn enable_video_stream(mut self, enable: bool) -> Self {
        self.enable_video_stream = Some(enable);
        self
    }

    /// Metadata attached to the video (v1.3), sent as a JSON string; keys are
    /// never rewritten.
    pub fn user_metadata(mut self, metadata: UserMetadata) -> Self {
        self.user_metadata = Some(metadata);
        self
    }

    /// Also send URLs as file parts, as the Python SDK v0.3.2 does (some v1.2
    /// deployments expected them there). Default: on for v1.2, off for v1.3.
    pub fn url_as_file_part(mut self, yes: bool) -> Self {
        self.url_as_file_part = Some(yes);
        self
    }

    /// Reports upload progress: bytes of the request body sent, and the total.
    pub fn on_progress(mut self, progress: impl Fn(Progress) + Send + Sync + 'static) -> Self {
        self.progress = Some(Arc::new(progress));
        self
    }

    /// Checks the arguments and builds the multipart form (reading file metadata,
    /// not content).
    pub(crate) async fn build(self) -> Result<Built, Error> {
        let version = self.tasks.executor().api_version();
        check_id("index_id", &self.index_id)?;
        if self.videos.len() != 1 {
            return Err(Error::invalid_input(
                "video",
                format!(
                    "exactly one video source is required (file, bytes, reader or url); {} given",
                    self.videos.len()
                ),
            ));
        }
        if self.transcription.len() > 1 {
            return Err(Error::invalid_input(
                "transcription",
                "give at most one of transcription_file, transcription_bytes and transcription_url",
            ));
        }
        if version == ApiVersion::V1_3 {
            if !self.transcription.is_empty() {
                return Err(Error::invalid_input(
                    "transcription",
                    "transcriptions are a v1.2 feature; v1.3 does not accept them",
                ));
            }
            if self.language.is_some() {
                return Err(Error::invalid_input(
                    "language",
                    "`language` is a v1.2 parameter; v1.3 does not accept it",
                ));
            }
        } else if self.user_metadata.is_some() {
            return Err(Error::invalid_input(
                "user_metadata",
                "`user_metadata` on create is a v1.3 parameter; use a v1.3 client",
            ));
        }
        let url_as_file = self.url_as_file_part.unwrap_or(version == ApiVersion::V1_2);

        let mut video = self.videos;
        let video = video.pop().expect("checked: exactly one");
        if let VideoSource::Url(url) = &video {
            check_url("url", url)?;
        }
        if let Some(VideoSource::Url(url)) = self.transcription.first() {
            check_url("transcription_url", url)?;
        }

        // Text fields first, then files: the order the Python SDK (httpx) sends.
        let mut form = Multipart::new().part(Part::text("index_id", self.index_id.trim()));
        let mut file_parts = Vec::new();
        let mut video_path = None;
        match video {
            VideoSource::Url(url) => {
                form.push(Part::text("video_url", url.clone()));
                if url_as_file {
                    file_parts.push(url_file_part("video_url", url));
                }
            }
            VideoSource::Upload(upload) => {
                video_path = upload.path_ref().map(|p| p.to_path_buf());
                let path = video_path.clone();
                let (content, filename) = upload.into_part("file").await?;
                if path.is_some()
                    && matches!(&content, PartContent::Stream(s) if s.len() == Some(0))
                {
                    return Err(Error::invalid_input("file", "the video file is empty"));
                }
                let ct = content_type_for(&filename);
                file_parts.push(Part::file("video_file", filename, ct, content));
            }
        }
        let has_transcription = !self.transcription.is_empty();
        if let Some(t) = self.transcription.into_iter().next() {
            match t {
                VideoSource::Url(url) => {
                    form.push(Part::text("transcription_url", url.clone()));
                    if url_as_file {
                        file_parts.push(url_file_part("transcription_url", url));
                    }
                }
                VideoSource::Upload(upload) => {
                    let (content, filename) = upload.into_part("transcription_file").await?;
                    let ct = content_type_for(&filename);
                    file_parts.push(Part::file("transcription_file", filename, ct, content));
                }
            }
        }
        if let Some(language) = self.language {
            form.push(Part::text("language", language));
        }
        match (version, self.enable_video_stream) {
            (ApiVersion::V1_3, Some(enable)) => {
                form.push(Part::text("enable_video_stream", bool_str(enable)))
            }
            (_, Some(enable)) => form.push(Part::text("disable_video_stream", bool_str(!enable))),
            (_, None) => {}
        }
        if has_transcription {
            form.push(Part::text("provide_transcription", "true"));
        }
        if let Some(metadata) = self.user_metadata {
            let json = serde_json::to_string(&metadata)
                .map_err(|e| Error::invalid_input("user_metadata", e.to_string()))?;
            form.push(Part::text("user_metadata", json));
        }
        for part in file_parts {
            form.push(part);
        }
        if let Some(progress) = self.progress {
            form = form.on_progress(progress);
        }
        let request = ApiRequest::post(["tasks"], Body::Multipart(form));
        Ok(Built {
            tasks: self.tasks,
            request,
            options: self.options,
            video_path,
        })
    }

    /// Creates the task and returns only the server's answer (`_id`, and
    /// `video_id` on v1.3), without the follow-up retrieve.
    pub async fn send_raw(self) -> Result<CreateTaskResponse, Error> {
        self.build().await?.post().await
    }

    /// Creates the task, then retrieves it (as the Python SDK does) and returns it.
    /// If the retrieve fails, the error is [`Error::TaskCreated`] with the new id.
    pub async fn send(self) -> Result<TaskHandle, Error> {
        let built = self.build().await?;
        let tasks = built.tasks.clone();
        // Per-call headers (a tenant, a trace id) belong to the follow-up too.
        let options = built.options.clone();
        let created = built.post().await?;
        tracing::debug!(task_id = %created.id, "task created");
        match tasks
            .retrieve(created.id.as_str())
            .with_options(options)
            .send()
            .await
        {
            Ok(task) => Ok(TaskHandle::new(task, tasks)),
            Err(e) => Err(Error::TaskCreated {
                task_id: created.id,
                source: Box::new(e),
            }),
        }
    }
}

/// A checked create request, ready to post.
pub(crate) struct Built {
    tasks: Tasks,
    request: ApiRequest,
    options: RequestOptions,
    video_path: Option<std::path::PathBuf>,
}

impl Built {
    async fn post(self) -> Result<CreateTaskResponse, Error> {
        let result = self
            .tasks
            .executor()
            .send_json(self.request, &self.options)
            .await;
        match result {
            // The transport cannot know which file failed; we do.
            Err(Error::Io { path: None, source }) => Err(Error::Io {
                path: self.video_path,
                source,
            }),
            other => other,
        }
    }
}

fn bool_str(b: bool) -> &'static str {
    if b {
        "true"
    } else {
        "false"
    }
}

fn url_file_part(name: &str, url: String) -> Part {
    Part::file(
        name,
        "upload",
        "application/octet-stream",
        PartContent::Bytes(Bytes::from(url)),
    )
}

fn check_url(field: &str, url: &str) -> Result<(), Error> {
    let parsed = twelvelabs_transport::url::Url::parse(url.trim())
        .map_err(|e| Error::invalid_input(field, format!("`{url}` is not a URL: {e}")))?;
    if !matches!(parsed.scheme(), "http" | "https" | "s3" | "gs") {
        return Err(Error::invalid_input(
            field,
            format!("`{url}`: expected an http(s) link to the raw media file"),
        ));
    }
    Ok(())
}
