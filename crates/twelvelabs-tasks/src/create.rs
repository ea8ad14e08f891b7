//! `POST /tasks`: create a video indexing task.

use std::sync::Arc;

use bytes::Bytes;
use tokio::io::AsyncRead;
use twelvelabs_models::CreateTaskResponse;
use twelvelabs_transport::{ApiRequest, Body, Error, Progress, ProgressFn, RequestOptions};

use crate::handle::TaskHandle;
use crate::options::{impl_into_future, impl_request_options};
use crate::request::{impl_create_fields, CreateTaskRequest};
use crate::source::Upload;
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
///     .with_progress(|p| tracing::info!(sent = p.sent, total = ?p.total, "uploading"))
///     .send()
///     .await?;
/// println!("Task id={}", task.id);
/// # Ok(()) }
/// ```
#[must_use = "a builder does nothing until it is awaited"]
pub struct CreateTask {
    tasks: Tasks,
    request: CreateTaskRequest,
    progress: Option<ProgressFn>,
    options: RequestOptions,
}

impl std::fmt::Debug for CreateTask {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CreateTask")
            .field("request", &self.request)
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}

impl_request_options!(CreateTask);
impl_into_future!(CreateTask => TaskHandle);
impl_create_fields!(CreateTask);

impl CreateTask {
    pub(crate) fn new(tasks: Tasks, index_id: String) -> Self {
        Self::from_request(tasks, CreateTaskRequest::new(index_id))
    }

    /// A create from a prepared request.
    pub(crate) fn from_request(tasks: Tasks, request: CreateTaskRequest) -> Self {
        CreateTask {
            tasks,
            request,
            progress: None,
            options: RequestOptions::new(),
        }
    }

    fn create_request_mut(&mut self) -> &mut CreateTaskRequest {
        &mut self.request
    }

    /// The request as built so far.
    pub fn request(&self) -> &CreateTaskRequest {
        &self.request
    }

    /// The video from a file on disk: streamed in constant memory, its length sent
    /// as `Content-Length`, re-opened if the request is retried.
    pub fn file(mut self, path: impl AsRef<std::path::Path>) -> Self {
        self.request
            .videos
            .push(VideoSource::Upload(Upload::path(path)));
        self
    }

    /// The video from bytes in memory.
    pub fn bytes(mut self, data: impl Into<Bytes>, filename: impl Into<String>) -> Self {
        self.request
            .videos
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
        self.request
            .videos
            .push(VideoSource::Upload(Upload::reader(reader, filename, len)));
        self
    }

    /// The video from a URL: a direct link to the raw media file.
    pub fn url(mut self, url: impl Into<String>) -> Self {
        self.request
            .videos
            .push(VideoSource::Url(url.into().trim().to_owned()));
        self
    }

    /// The video from a [`VideoSource`].
    pub fn video(mut self, source: VideoSource) -> Self {
        self.request.videos.push(source);
        self
    }

    /// A transcription (SRT or VTT) from a file on disk (v1.2).
    pub fn transcription_file(mut self, path: impl AsRef<std::path::Path>) -> Self {
        self.request
            .transcription
            .push(VideoSource::Upload(Upload::path(path)));
        self
    }

    /// A transcription from bytes in memory (v1.2).
    pub fn transcription_bytes(
        mut self,
        data: impl Into<Bytes>,
        filename: impl Into<String>,
    ) -> Self {
        self.request
            .transcription
            .push(VideoSource::Upload(Upload::bytes(data, filename)));
        self
    }

    /// A transcription from a URL (v1.2).
    pub fn transcription_url(mut self, url: impl Into<String>) -> Self {
        self.request
            .transcription
            .push(VideoSource::Url(url.into().trim().to_owned()));
        self
    }

    /// Reports upload progress: bytes of the video file sent, against the
    /// file's size (not the multipart envelope, so a bar sized by the file ends
    /// exactly full). A retried upload starts again from 0.
    pub fn with_progress(mut self, progress: impl Fn(Progress) + Send + Sync + 'static) -> Self {
        self.progress = Some(Arc::new(progress));
        self
    }

    /// Checks the arguments and builds the multipart form (reading file metadata,
    /// not content).
    pub(crate) async fn build(self) -> Result<Built, Error> {
        let version = self.tasks.executor().api_version();
        let form = self.request.into_form(version, self.progress).await?;
        let request = ApiRequest::post(["tasks"], Body::Multipart(form.multipart));
        Ok(Built {
            tasks: self.tasks,
            request,
            options: self.options,
            video_path: form.video_path,
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
    pub(crate) async fn post(self) -> Result<CreateTaskResponse, Error> {
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
