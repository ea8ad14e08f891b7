//! Bulk create: many videos under a concurrency limit, one result per input, in
//! input order. The official SDKs print and drop failures; here nothing is lost.

use futures_util::{stream, StreamExt};
use twelvelabs_models::UserMetadata;
use twelvelabs_transport::{Error, RequestOptions};

use crate::create::VideoSource;
use crate::handle::TaskHandle;
use crate::options::impl_request_options;
use crate::source::Upload;
use crate::Tasks;

/// The default number of creates in flight.
pub const DEFAULT_BULK_CONCURRENCY: usize = 4;

/// Builder for [`Tasks::create_bulk`].
///
/// ```no_run
/// # async fn demo(client: twelvelabs_tasks::Tasks) -> Result<(), twelvelabs_transport::Error> {
/// let results = client
///     .create_bulk("6298d673f1090f1100476d4c")
///     .files(["a.mp4", "b.mp4"])
///     .urls(["https://example.com/c.mp4"])
///     .concurrency(8)
///     .send()
///     .await;
/// for result in results {
///     match result {
///         Ok(task) => println!("created {}", task.id),
///         Err(e) => eprintln!("failed: {e}"),
///     }
/// }
/// # Ok(()) }
/// ```
#[derive(Debug)]
#[must_use = "a builder does nothing until `.send().await`"]
pub struct CreateBulk {
    tasks: Tasks,
    index_id: String,
    videos: Vec<VideoSource>,
    language: Option<String>,
    enable_video_stream: Option<bool>,
    user_metadata: Option<UserMetadata>,
    concurrency: usize,
    options: RequestOptions,
}

impl_request_options!(CreateBulk);

impl CreateBulk {
    pub(crate) fn new(tasks: Tasks, index_id: String) -> Self {
        CreateBulk {
            tasks,
            index_id,
            videos: Vec::new(),
            language: None,
            enable_video_stream: None,
            user_metadata: None,
            concurrency: DEFAULT_BULK_CONCURRENCY,
            options: RequestOptions::new(),
        }
    }

    /// Adds files on disk.
    pub fn files<P: AsRef<std::path::Path>>(mut self, paths: impl IntoIterator<Item = P>) -> Self {
        self.videos.extend(
            paths
                .into_iter()
                .map(|p| VideoSource::Upload(Upload::path(p))),
        );
        self
    }

    /// Adds video URLs.
    pub fn urls<S: Into<String>>(mut self, urls: impl IntoIterator<Item = S>) -> Self {
        self.videos
            .extend(urls.into_iter().map(|u| VideoSource::Url(u.into())));
        self
    }

    /// Adds any video sources.
    pub fn videos(mut self, sources: impl IntoIterator<Item = VideoSource>) -> Self {
        self.videos.extend(sources);
        self
    }

    /// The language of every video (v1.2).
    pub fn language(mut self, language: impl Into<String>) -> Self {
        self.language = Some(language.into());
        self
    }

    /// Streaming off (or on) for every video (v1.2 name; see
    /// [`CreateTask::disable_video_stream`](crate::CreateTask::disable_video_stream)).
    pub fn disable_video_stream(mut self, disable: bool) -> Self {
        self.enable_video_stream = Some(!disable);
        self
    }

    /// Streaming on (or off) for every video (v1.3 name).
    pub fn enable_video_stream(mut self, enable: bool) -> Self {
        self.enable_video_stream = Some(enable);
        self
    }

    /// Metadata attached to every video (v1.3).
    pub fn user_metadata(mut self, metadata: UserMetadata) -> Self {
        self.user_metadata = Some(metadata);
        self
    }

    /// How many creates run at once (at least 1). Default 4.
    pub fn concurrency(mut self, n: usize) -> Self {
        self.concurrency = n.max(1);
        self
    }

    /// Creates every task; the results are in input order.
    pub async fn send(self) -> Vec<Result<TaskHandle, Error>> {
        let CreateBulk {
            tasks,
            index_id,
            videos,
            language,
            enable_video_stream,
            user_metadata,
            concurrency,
            options,
        } = self;
        stream::iter(videos)
            .map(|video| {
                let mut create = tasks
                    .create(index_id.as_str())
                    .video(video)
                    .with_options(options.clone());
                if let Some(l) = &language {
                    create = create.language(l.clone());
                }
                if let Some(e) = enable_video_stream {
                    create = create.enable_video_stream(e);
                }
                if let Some(m) = &user_metadata {
                    create = create.user_metadata(m.clone());
                }
                create.send()
            })
            .buffered(concurrency)
            .collect()
            .await
    }
}
