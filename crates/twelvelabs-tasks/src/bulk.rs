//! Bulk create: many videos under a concurrency limit. Results come as a stream
//! in completion order ([`CreateBulk::into_stream`]) or all at once in input order
//! ([`CreateBulk::send`]); nothing is dropped. [`BulkProgress`] aggregates the
//! files and bytes of the whole run for one progress bar.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use futures_core::Stream;
use futures_util::{stream, StreamExt};
use twelvelabs_transport::{Error, Progress, RequestOptions};

use crate::create::VideoSource;
use crate::handle::TaskHandle;
use crate::options::impl_request_options;
use crate::request::{impl_create_fields, CreateTaskRequest};
use crate::source::Upload;
use crate::Tasks;

/// The default number of creates in flight.
pub const DEFAULT_BULK_CONCURRENCY: usize = 4;

/// Progress of a whole bulk (or ingest) run, for one bar: files and file bytes.
///
/// Bytes are the files' own bytes (their sizes on disk, or the lengths given for
/// bytes and readers), never the multipart envelope; URL inputs have none. A
/// file that is finished (created or failed) counts in full, so the bar ends
/// full; a retried upload's bytes are not counted twice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct BulkProgress {
    /// Inputs finished (with a task or an error).
    pub files_done: u64,
    /// All inputs.
    pub files_total: u64,
    /// File bytes sent, finished files counted in full.
    pub bytes_sent: u64,
    /// The sum of every input's known size.
    pub bytes_total: u64,
    /// The input whose upload moved (its index in input order) and its own
    /// progress; `None` when a file finished.
    pub item: Option<(usize, Progress)>,
}

/// A callback for [`BulkProgress`], called from the tasks that send. Keep it cheap.
pub type BulkProgressFn = Arc<dyn Fn(BulkProgress) + Send + Sync + 'static>;

/// Shared counters behind [`BulkProgress`].
pub(crate) struct Tracker {
    files_done: AtomicU64,
    files_total: AtomicU64,
    bytes_sent: AtomicU64,
    bytes_total: AtomicU64,
    callback: Option<BulkProgressFn>,
}

impl Tracker {
    pub(crate) fn new(callback: Option<BulkProgressFn>) -> Arc<Self> {
        Arc::new(Tracker {
            files_done: AtomicU64::new(0),
            files_total: AtomicU64::new(0),
            bytes_sent: AtomicU64::new(0),
            bytes_total: AtomicU64::new(0),
            callback,
        })
    }

    pub(crate) fn add_input(&self, size: u64) {
        self.files_total.fetch_add(1, Ordering::Relaxed);
        self.bytes_total.fetch_add(size, Ordering::Relaxed);
    }

    fn snapshot(&self, item: Option<(usize, Progress)>) -> BulkProgress {
        BulkProgress {
            files_done: self.files_done.load(Ordering::Relaxed),
            files_total: self.files_total.load(Ordering::Relaxed),
            bytes_sent: self.bytes_sent.load(Ordering::Relaxed),
            bytes_total: self.bytes_total.load(Ordering::Relaxed),
            item,
        }
    }

    pub(crate) fn report(&self) {
        if let Some(cb) = &self.callback {
            cb(self.snapshot(None));
        }
    }

    /// A per-item progress callback feeding the totals, or `None` when nobody
    /// listens.
    pub(crate) fn item(self: &Arc<Self>, index: usize, size: u64) -> Option<ItemProgress> {
        self.callback.as_ref()?;
        Some(ItemProgress {
            tracker: Arc::clone(self),
            index,
            size,
            counted: Arc::new(AtomicU64::new(0)),
        })
    }

    /// Whether anyone listens (sizes are only read then).
    pub(crate) fn listens(&self) -> bool {
        self.callback.is_some()
    }

    /// An input's upload ended: count its remaining bytes.
    pub(crate) fn finish_bytes(&self, item: Option<&ItemProgress>) {
        if let Some(item) = item {
            let counted = item.counted.swap(item.size, Ordering::Relaxed);
            self.bytes_sent
                .fetch_add(item.size.saturating_sub(counted), Ordering::Relaxed);
        }
    }

    /// An input finished.
    pub(crate) fn finish_file(&self) {
        self.files_done.fetch_add(1, Ordering::Relaxed);
        self.report();
    }
}

/// One input's share of the totals.
pub(crate) struct ItemProgress {
    tracker: Arc<Tracker>,
    index: usize,
    size: u64,
    /// Bytes of this input already added to the totals (the highest seen, so a
    /// retry that starts again from 0 is not counted twice).
    counted: Arc<AtomicU64>,
}

impl ItemProgress {
    /// The callback for this input's upload.
    pub(crate) fn callback(&self) -> impl Fn(Progress) + Send + Sync + 'static {
        let tracker = Arc::clone(&self.tracker);
        let counted = Arc::clone(&self.counted);
        let index = self.index;
        move |p: Progress| {
            let before = counted.fetch_max(p.sent, Ordering::Relaxed);
            if p.sent > before {
                tracker
                    .bytes_sent
                    .fetch_add(p.sent - before, Ordering::Relaxed);
            }
            if let Some(cb) = &tracker.callback {
                cb(tracker.snapshot(Some((index, p))));
            }
        }
    }
}

/// The size of an input's file, without reading it (0 for URLs and unknown
/// lengths). A path that cannot be read counts 0; its create reports the error.
pub(crate) fn source_size(source: &VideoSource) -> u64 {
    match source {
        VideoSource::Url(_) => 0,
        VideoSource::Upload(Upload::Path(p)) => std::fs::metadata(p).map(|m| m.len()).unwrap_or(0),
        VideoSource::Upload(Upload::Bytes { data, .. }) => data.len() as u64,
        VideoSource::Upload(Upload::Reader { len, .. }) => len.unwrap_or(0),
    }
}

/// Builder for [`Tasks::create_bulk`]; `.await` it for the results in input
/// order, or take [`into_stream`](Self::into_stream) for each result as it comes.
///
/// ```no_run
/// # async fn demo(client: twelvelabs_tasks::Tasks) -> Result<(), twelvelabs_transport::Error> {
/// let results = client
///     .create_bulk("6298d673f1090f1100476d4c")
///     .files(["a.mp4", "b.mp4"])
///     .urls(["https://example.com/c.mp4"])
///     .with_concurrency(8)
///     .with_progress(|p| tracing::info!(done = p.files_done, of = p.files_total, "bulk"))
///     .await;
/// for result in results {
///     match result {
///         Ok(task) => println!("created {}", task.id),
///         Err(e) => eprintln!("failed: {e}"),
///     }
/// }
/// # Ok(()) }
/// ```
#[must_use = "a builder does nothing until it is awaited"]
pub struct CreateBulk {
    tasks: Tasks,
    template: CreateTaskRequest,
    videos: Vec<VideoSource>,
    concurrency: usize,
    progress: Option<BulkProgressFn>,
    options: RequestOptions,
}

impl std::fmt::Debug for CreateBulk {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CreateBulk")
            .field("template", &self.template)
            .field("videos", &self.videos.len())
            .field("concurrency", &self.concurrency)
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}

impl_request_options!(CreateBulk);
impl_create_fields!(CreateBulk);

impl std::future::IntoFuture for CreateBulk {
    type Output = Vec<Result<TaskHandle, Error>>;
    type IntoFuture = std::pin::Pin<Box<dyn std::future::Future<Output = Self::Output> + Send>>;
    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.send())
    }
}

impl CreateBulk {
    pub(crate) fn new(tasks: Tasks, index_id: String) -> Self {
        CreateBulk {
            tasks,
            template: CreateTaskRequest::new(index_id),
            videos: Vec::new(),
            concurrency: DEFAULT_BULK_CONCURRENCY,
            progress: None,
            options: RequestOptions::new(),
        }
    }

    fn create_request_mut(&mut self) -> &mut CreateTaskRequest {
        &mut self.template
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

    /// How many creates run at once (at least 1). Default 4. A client option.
    pub fn with_concurrency(mut self, n: usize) -> Self {
        self.concurrency = n.max(1);
        self
    }

    /// Reports the progress of the whole run (files and file bytes, overall
    /// and per input). Input sizes are read from file metadata when the run
    /// starts.
    pub fn with_progress(
        mut self,
        progress: impl Fn(BulkProgress) + Send + Sync + 'static,
    ) -> Self {
        self.progress = Some(Arc::new(progress));
        self
    }

    /// Each result as it completes: the input's index (input order) and its
    /// task or error. At most the configured number of creates are in flight.
    pub fn into_stream(self) -> impl Stream<Item = (usize, Result<TaskHandle, Error>)> + Send {
        let CreateBulk {
            tasks,
            template,
            videos,
            concurrency,
            progress,
            options,
        } = self;
        let tracker = Tracker::new(progress);
        let sized: Vec<(VideoSource, u64)> = videos
            .into_iter()
            .map(|v| {
                let size = if tracker.callback.is_some() {
                    source_size(&v)
                } else {
                    0
                };
                tracker.add_input(size);
                (v, size)
            })
            .collect();
        stream::iter(sized.into_iter().enumerate())
            .map(move |(index, (video, size))| {
                let item = tracker.item(index, size);
                let mut create =
                    CreateTask::from_request(tasks.clone(), template.shared().video(video))
                        .with_options(options.clone());
                if let Some(item) = &item {
                    create = create.with_progress(item.callback());
                }
                let tracker = Arc::clone(&tracker);
                async move {
                    let result = create.send().await;
                    tracker.finish_bytes(item.as_ref());
                    tracker.finish_file();
                    (index, result)
                }
            })
            .buffer_unordered(concurrency)
    }

    /// Creates every task; the results are in input order.
    pub async fn send(self) -> Vec<Result<TaskHandle, Error>> {
        let mut results: Vec<(usize, Result<TaskHandle, Error>)> =
            self.into_stream().collect().await;
        results.sort_unstable_by_key(|(i, _)| *i);
        results.into_iter().map(|(_, r)| r).collect()
    }
}

use crate::create::CreateTask;
