//! [`CreateTaskRequest`]: the one value behind `create`, `create_bulk` and
//! `ingest`. Its API fields are declared once, checked once
//! ([`CreateTaskRequest::validate`]) and turned into a form once; the builders
//! hold a request (bulk and ingest hold a template, copied for every input)
//! instead of re-declaring its setters.

use std::io;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use async_trait::async_trait;
use bytes::Bytes;
use futures_util::{stream, StreamExt};
use twelvelabs_models::UserMetadata;
use twelvelabs_transport::{
    ApiVersion, ByteStream, Error, Multipart, OpenStream, Part, PartContent, Progress, ProgressFn,
    StreamSource,
};

use crate::create::VideoSource;
use crate::options::check_id;
use crate::source::content_type_for;

/// The API fields of `POST /tasks`, without the client: an index, one video
/// source, an optional transcription (v1.2), and the flags.
///
/// [`CreateTask`](crate::CreateTask), [`CreateBulk`](crate::CreateBulk) and
/// [`Ingest`](crate::Ingest) all build on it, so a setter exists (and is checked)
/// in one place.
#[derive(Debug, Default)]
pub struct CreateTaskRequest {
    pub(crate) index_id: String,
    pub(crate) videos: Vec<VideoSource>,
    pub(crate) transcription: Vec<VideoSource>,
    pub(crate) language: Option<String>,
    pub(crate) enable_video_stream: Option<bool>,
    pub(crate) user_metadata: Option<UserMetadata>,
    pub(crate) url_as_file_part: Option<bool>,
}

/// The per-video setters shared by every create builder (one definition, no
/// forwarding by hand). The type provides `create_request_mut`.
macro_rules! impl_create_fields {
    ($ty:ty) => {
        impl $ty {
            /// The language of the video, e.g. `en` (v1.2).
            pub fn language(mut self, language: impl Into<String>) -> Self {
                self.create_request_mut().language = Some(language.into());
                self
            }

            /// Whether the platform should *not* keep the video for streaming (v1.2
            /// `disable_video_stream`; on v1.3 sent as `enable_video_stream = !disable`).
            pub fn disable_video_stream(mut self, disable: bool) -> Self {
                self.create_request_mut().enable_video_stream = Some(!disable);
                self
            }

            /// Whether the platform keeps the video for streaming (v1.3
            /// `enable_video_stream`; on v1.2 sent as `disable_video_stream = !enable`).
            pub fn enable_video_stream(mut self, enable: bool) -> Self {
                self.create_request_mut().enable_video_stream = Some(enable);
                self
            }

            /// Metadata attached to the video (v1.3), sent as a JSON string; keys are
            /// never rewritten.
            pub fn user_metadata(mut self, metadata: ::twelvelabs_models::UserMetadata) -> Self {
                self.create_request_mut().user_metadata = Some(metadata);
                self
            }

            /// Also send URLs as file parts, as the Python SDK v0.3.2 does (some v1.2
            /// deployments expected them there). Default: on for v1.2, off for v1.3.
            /// A client option, not an API field.
            pub fn with_url_as_file_part(mut self, yes: bool) -> Self {
                self.create_request_mut().url_as_file_part = Some(yes);
                self
            }
        }
    };
}
pub(crate) use impl_create_fields;

impl_create_fields!(CreateTaskRequest);

/// A checked form, ready to post.
pub(crate) struct Form {
    pub(crate) multipart: Multipart,
    /// The video's path, to name it in I/O errors.
    pub(crate) video_path: Option<PathBuf>,
}

impl CreateTaskRequest {
    /// A request for an index, with no video yet.
    pub fn new(index_id: impl Into<String>) -> Self {
        CreateTaskRequest {
            index_id: index_id.into(),
            ..Default::default()
        }
    }

    fn create_request_mut(&mut self) -> &mut CreateTaskRequest {
        self
    }

    /// Sets the video source (replacing none: two sources are an error at
    /// [`validate`](Self::validate)).
    pub fn video(mut self, source: VideoSource) -> Self {
        self.videos.push(source);
        self
    }

    /// Adds a transcription source (v1.2).
    pub fn transcription(mut self, source: VideoSource) -> Self {
        self.transcription.push(source);
        self
    }

    /// The index id.
    pub fn index_id(&self) -> &str {
        &self.index_id
    }

    /// A copy of the fields every video of a bulk shares (index, language,
    /// streaming, metadata, URL parts), without any source.
    pub(crate) fn shared(&self) -> CreateTaskRequest {
        CreateTaskRequest {
            index_id: self.index_id.clone(),
            videos: Vec::new(),
            transcription: Vec::new(),
            language: self.language.clone(),
            enable_video_stream: self.enable_video_stream,
            user_metadata: self.user_metadata.clone(),
            url_as_file_part: self.url_as_file_part,
        }
    }

    /// Checks everything that needs no I/O, for an API version: the index id,
    /// exactly one video, at most one transcription, the fields the version
    /// accepts, and the URLs.
    pub fn validate(&self, version: ApiVersion) -> Result<(), Error> {
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
        if let Some(VideoSource::Url(url)) = self.videos.first() {
            check_url("url", url)?;
        }
        if let Some(VideoSource::Url(url)) = self.transcription.first() {
            check_url("transcription_url", url)?;
        }
        Ok(())
    }

    /// Validates, then builds the multipart form (reading file metadata, not
    /// content). `progress` sees the video's own bytes against its size.
    pub(crate) async fn into_form(
        self,
        version: ApiVersion,
        progress: Option<ProgressFn>,
    ) -> Result<Form, Error> {
        self.validate(version)?;
        let url_as_file = self.url_as_file_part.unwrap_or(version == ApiVersion::V1_2);
        let mut videos = self.videos;
        let Some(video) = videos.pop() else {
            return Err(Error::invalid_input("video", "a video source is required"));
        };

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
                let (content, filename) = upload.into_part("file").await?;
                if video_path.is_some()
                    && matches!(&content, PartContent::Stream(s) if s.len() == Some(0))
                {
                    return Err(Error::invalid_input("file", "the video file is empty"));
                }
                let content = match progress {
                    Some(progress) => counted(content, progress),
                    None => content,
                };
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
        Ok(Form {
            multipart: form,
            video_path,
        })
    }
}

/// Wraps the video's content so progress counts the file's bytes against the
/// file's size, not the multipart envelope (a bar sized by the file never
/// overshoots).
fn counted(content: PartContent, progress: ProgressFn) -> PartContent {
    match content {
        PartContent::Stream(inner) => {
            let len = inner.len();
            PartContent::Stream(StreamSource::new(
                Counted {
                    inner: Inner::Stream(inner),
                    total: len,
                    progress,
                    sent: Arc::new(AtomicU64::new(0)),
                },
                len,
            ))
        }
        PartContent::Bytes(bytes) => {
            let len = Some(bytes.len() as u64);
            PartContent::Stream(StreamSource::new(
                Counted {
                    inner: Inner::Bytes(bytes),
                    total: len,
                    progress,
                    sent: Arc::new(AtomicU64::new(0)),
                },
                len,
            ))
        }
        text @ PartContent::Text(_) => text,
    }
}

enum Inner {
    Stream(StreamSource),
    Bytes(Bytes),
}

struct Counted {
    inner: Inner,
    total: Option<u64>,
    progress: ProgressFn,
    sent: Arc<AtomicU64>,
}

impl std::fmt::Debug for Counted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Counted")
            .field("total", &self.total)
            .finish_non_exhaustive()
    }
}

/// Chunk size for in-memory videos, so their progress moves too.
const BYTES_CHUNK: usize = 64 * 1024;

#[async_trait]
impl OpenStream for Counted {
    async fn open(&self) -> io::Result<ByteStream> {
        let inner: ByteStream = match &self.inner {
            Inner::Stream(s) => s.open().await?,
            Inner::Bytes(b) => {
                let b = b.clone();
                let chunks = (0..b.len().div_ceil(BYTES_CHUNK)).map(move |i| {
                    let end = ((i + 1) * BYTES_CHUNK).min(b.len());
                    Ok(b.slice(i * BYTES_CHUNK..end))
                });
                Box::pin(stream::iter(chunks))
            }
        };
        // Every attempt starts again from zero.
        self.sent.store(0, Ordering::Relaxed);
        let total = self.total;
        let progress = Arc::clone(&self.progress);
        progress(Progress::new(0, total));
        let sent = Arc::clone(&self.sent);
        Ok(Box::pin(inner.inspect(move |chunk| {
            if let Ok(chunk) = chunk {
                let now =
                    sent.fetch_add(chunk.len() as u64, Ordering::Relaxed) + chunk.len() as u64;
                progress(Progress::new(now, total));
            }
        })))
    }

    fn is_replayable(&self) -> bool {
        match &self.inner {
            Inner::Stream(s) => s.is_replayable(),
            Inner::Bytes(_) => true,
        }
    }

    fn is_consumed(&self) -> bool {
        match &self.inner {
            Inner::Stream(s) => s.is_consumed(),
            Inner::Bytes(_) => false,
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
