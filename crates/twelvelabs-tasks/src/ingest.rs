//! [`Ingest`]: create tasks for many inputs with bounded concurrency, wait on
//! them through one rate-bounded scheduler, and yield each input's final
//! outcome, optionally recording everything in a [journal](crate::journal) so
//! that a rerun resumes without creating any task twice.

use std::collections::{HashMap, HashSet, VecDeque};
use std::future::Future;
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use chrono::{DateTime, Utc};
use futures_core::Stream;
use futures_util::stream::FuturesUnordered;
use futures_util::StreamExt;
use tokio::io::AsyncRead;
use twelvelabs_models::{SortBy, SortOption, Task, TaskStatus};
use twelvelabs_transport::{Error, RequestOptions, TransportErrorKind};

use crate::bulk::{source_size, BulkProgress, BulkProgressFn, ItemProgress, Tracker};
use crate::create::{CreateTask, VideoSource};
use crate::journal::{claimed_ids, Entry, Journal, Record};
use crate::options::impl_request_options;
use crate::request::{impl_create_fields, CreateTaskRequest};
use crate::source::Upload;
use crate::wait_many::{impl_wait_settings, Scheduler, WaitSettings};
use crate::{DateFilter, Tasks};

/// The most creates sent for one input in one run (the first and the resends
/// after an unknown outcome that reconciliation did not resolve).
pub const MAX_CREATE_ATTEMPTS: u32 = 3;
/// The default number of creates in flight in an ingest.
pub const DEFAULT_INGEST_CONCURRENCY: usize = 8;
/// How many times a reconciliation lists the index before giving up.
const RECONCILE_TRIES: u32 = 5;
/// The first pause between two reconciliation listings (doubling).
const RECONCILE_BACKOFF: Duration = Duration::from_millis(200);
/// The default clock-skew margin of a reconciliation.
pub const DEFAULT_RECONCILE_MARGIN: Duration = Duration::from_secs(10 * 60);

/// One input of an ingest, with its stable key (the journal's key).
pub enum IngestInput {
    /// A file on disk; key `file:<path as given>`.
    Path(PathBuf),
    /// A URL the service fetches; key `url:<url>`.
    Url(String),
    /// Bytes in memory, with the caller's key.
    Bytes {
        /// The stable key.
        key: String,
        /// The content.
        data: Bytes,
        /// The file name sent.
        filename: String,
    },
    /// A single-use reader, with the caller's key.
    Reader {
        /// The stable key.
        key: String,
        /// The reader.
        reader: Box<dyn AsyncRead + Send + Unpin + 'static>,
        /// The file name sent.
        filename: String,
        /// Its length, when known.
        len: Option<u64>,
    },
}

impl std::fmt::Debug for IngestInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("IngestInput").field(&self.key()).finish()
    }
}

impl IngestInput {
    /// The stable key the journal records this input under.
    pub fn key(&self) -> String {
        match self {
            IngestInput::Path(p) => format!("file:{}", p.display()),
            IngestInput::Url(u) => format!("url:{}", u.trim()),
            IngestInput::Bytes { key, .. } | IngestInput::Reader { key, .. } => key.clone(),
        }
    }

    /// The file name the server records, used to reconcile.
    fn filename(&self) -> String {
        match self {
            IngestInput::Path(p) => p
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            IngestInput::Url(u) => {
                let u = u.trim();
                let path = u.split(['?', '#']).next().unwrap_or(u);
                path.trim_end_matches('/')
                    .rsplit('/')
                    .next()
                    .unwrap_or_default()
                    .to_owned()
            }
            IngestInput::Bytes { filename, .. } | IngestInput::Reader { filename, .. } => {
                filename.clone()
            }
        }
    }
}

/// An input being created: a source per attempt, a reader only once.
enum Source {
    Path(PathBuf),
    Url(String),
    Bytes { data: Bytes, filename: String },
    Reader(Option<Upload>),
}

impl From<IngestInput> for Source {
    fn from(input: IngestInput) -> Self {
        match input {
            IngestInput::Path(p) => Source::Path(p),
            IngestInput::Url(u) => Source::Url(u.trim().to_owned()),
            IngestInput::Bytes { data, filename, .. } => Source::Bytes { data, filename },
            IngestInput::Reader {
                reader,
                filename,
                len,
                ..
            } => Source::Reader(Some(Upload::Reader {
                reader,
                filename,
                len,
            })),
        }
    }
}

impl Source {
    /// The source for one create; `None` once a reader was used.
    fn next(&mut self) -> Option<VideoSource> {
        match self {
            Source::Path(p) => Some(VideoSource::Upload(Upload::Path(p.clone()))),
            Source::Url(u) => Some(VideoSource::Url(u.clone())),
            Source::Bytes { data, filename } => Some(VideoSource::Upload(Upload::bytes(
                data.clone(),
                filename.clone(),
            ))),
            Source::Reader(reader) => reader.take().map(VideoSource::Upload),
        }
    }
}

/// One input's final outcome.
#[derive(Debug)]
pub struct IngestOutcome {
    /// The input's position, in input order.
    pub index: usize,
    /// The input's stable key.
    pub key: String,
    /// The task it became, when one exists.
    pub task_id: Option<String>,
    /// The task's final status (`ready` or `failed`), or the error that stopped
    /// the input (a create refused, a wait that ended without a final status).
    pub result: Result<TaskStatus, Error>,
    /// The task's last state seen in this run; `None` when the journal already
    /// recorded the end (no request was made) or there is no task.
    pub task: Option<Task>,
}

impl IngestOutcome {
    /// Whether the input's task is `ready`.
    pub fn is_ready(&self) -> bool {
        matches!(&self.result, Ok(s) if *s == TaskStatus::Ready)
    }
}

type Callback = Box<dyn FnMut(&Task) + Send + 'static>;

/// Builder for [`Tasks::ingest`]: inputs in, one final outcome per input out.
///
/// Creates run a bounded number at a time ([`with_concurrency`](Self::with_concurrency));
/// each created task joins one rate-bounded wait scheduler (the rules of
/// [`WaitMany`](crate::WaitMany)); each input yields one [`IngestOutcome`]. With
/// [`with_journal`](Self::with_journal), every task id is recorded the moment it
/// is known (see [`journal`](crate::journal) for the format) and a rerun resumes.
///
/// # Reconciliation: creates whose outcome is unknown
///
/// A create can fail after the server stored the task (the connection dropped
/// after the upload, a 5xx or a timeout after the body was sent). Sending it again
/// would create a second task, billed twice. So before anything is sent again,
/// the ingest **reconciles**: it lists the index's tasks with the input's file
/// name created since the attempt began (minus a margin for clock skew,
/// [`Ingest::with_reconcile_margin`], default 10 minutes), oldest first, and adopts
/// the first one that no other input of the journal (or of this run) already
/// owns. Only when none exists is the create sent again (at most
/// [`MAX_CREATE_ATTEMPTS`] attempts in all). A rerun does the same for every input
/// whose journal ends with an `attempt` and no `created`.
///
/// The rule's limits:
/// - **Same file name.** The API can only be searched by file name. Two inputs of
///   one index with the same file name whose creates both end unknown within the
///   margin may be matched to each other's task (each still gets exactly one). A
///   task of that name created by someone else within the margin may be adopted.
///   Give inputs distinct file names to rule this out.
/// - **Clock skew.** `created_at` is the server's clock, the attempt time is this
///   machine's. A skew larger than the margin can miss the task (and create a
///   duplicate); raise the margin if your clock is not synchronised.
/// - **Visibility.** A task that the server stores but does not list yet is not
///   found. The emulator lists at once; the service is expected to.
/// - **Readers** are single-use: after an unknown outcome with no task found,
///   a reader input ends with the error rather than being sent again.
/// - URL inputs are matched by the URL's last path segment, the name the API
///   records for them.
///
/// ```no_run
/// # async fn demo(tasks: twelvelabs_tasks::Tasks) -> Result<(), twelvelabs_transport::Error> {
/// use futures_util::StreamExt;
/// let mut outcomes = tasks
///     .ingest("6298d673f1090f1100476d4c")
///     .files(["a.mp4", "b.mp4"])
///     .with_journal("ingest.jsonl")
///     .with_concurrency(16)
///     .start()
///     .await?;
/// while let Some(o) = outcomes.next().await {
///     match &o.result {
///         Ok(status) => println!("{} -> {:?} {status}", o.key, o.task_id),
///         Err(e) => eprintln!("{}: {e}", o.key),
///     }
/// }
/// # Ok(()) }
/// ```
#[must_use = "an ingest does nothing until it is started"]
pub struct Ingest {
    tasks: Tasks,
    template: CreateTaskRequest,
    inputs: Vec<IngestInput>,
    concurrency: usize,
    journal: Option<PathBuf>,
    retry_failed: bool,
    margin: Duration,
    progress: Option<BulkProgressFn>,
    callback: Option<Callback>,
    wait: WaitSettings,
    options: RequestOptions,
}

impl std::fmt::Debug for Ingest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Ingest")
            .field("template", &self.template)
            .field("inputs", &self.inputs.len())
            .field("concurrency", &self.concurrency)
            .field("journal", &self.journal)
            .field("retry_failed", &self.retry_failed)
            .field("wait", &self.wait)
            .finish_non_exhaustive()
    }
}

impl_request_options!(Ingest);
impl_create_fields!(Ingest);
impl_wait_settings!(Ingest);

impl std::future::IntoFuture for Ingest {
    type Output = Result<Vec<IngestOutcome>, Error>;
    type IntoFuture = Pin<Box<dyn Future<Output = Self::Output> + Send>>;
    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.send())
    }
}

impl Ingest {
    pub(crate) fn new(tasks: Tasks, index_id: String) -> Self {
        Ingest {
            tasks,
            template: CreateTaskRequest::new(index_id),
            inputs: Vec::new(),
            concurrency: DEFAULT_INGEST_CONCURRENCY,
            journal: None,
            retry_failed: false,
            margin: DEFAULT_RECONCILE_MARGIN,
            progress: None,
            callback: None,
            wait: WaitSettings::default(),
            options: RequestOptions::new(),
        }
    }

    fn create_request_mut(&mut self) -> &mut CreateTaskRequest {
        &mut self.template
    }

    fn wait_settings_mut(&mut self) -> &mut WaitSettings {
        &mut self.wait
    }

    /// Adds files on disk (key: the path as given; give the same paths on a rerun).
    pub fn files<P: Into<PathBuf>>(mut self, paths: impl IntoIterator<Item = P>) -> Self {
        self.inputs
            .extend(paths.into_iter().map(|p| IngestInput::Path(p.into())));
        self
    }

    /// Adds URLs (key: the URL).
    pub fn urls<S: Into<String>>(mut self, urls: impl IntoIterator<Item = S>) -> Self {
        self.inputs
            .extend(urls.into_iter().map(|u| IngestInput::Url(u.into())));
        self
    }

    /// Adds bytes in memory under a stable key of yours.
    pub fn bytes(
        mut self,
        key: impl Into<String>,
        data: impl Into<Bytes>,
        filename: impl Into<String>,
    ) -> Self {
        self.inputs.push(IngestInput::Bytes {
            key: key.into(),
            data: data.into(),
            filename: filename.into(),
        });
        self
    }

    /// Adds a single-use reader under a stable key of yours.
    pub fn reader(
        mut self,
        key: impl Into<String>,
        reader: impl AsyncRead + Send + Unpin + 'static,
        filename: impl Into<String>,
        len: Option<u64>,
    ) -> Self {
        self.inputs.push(IngestInput::Reader {
            key: key.into(),
            reader: Box::new(reader),
            filename: filename.into(),
            len,
        });
        self
    }

    /// Adds any inputs.
    pub fn inputs(mut self, inputs: impl IntoIterator<Item = IngestInput>) -> Self {
        self.inputs.extend(inputs);
        self
    }

    /// How many creates run at once (at least 1). Default 8.
    pub fn with_concurrency(mut self, n: usize) -> Self {
        self.concurrency = n.max(1);
        self
    }

    /// Records every input's task in a JSON Lines journal (see the
    /// [format](crate::journal)), and resumes from it: inputs that already have a
    /// task are waited on, not created again.
    pub fn with_journal(mut self, path: impl Into<PathBuf>) -> Self {
        self.journal = Some(path.into());
        self
    }

    /// On a rerun, creates again the inputs whose task ended `failed`. Default
    /// off: a failed task is reported as it is.
    pub fn with_retry_failed(mut self, yes: bool) -> Self {
        self.retry_failed = yes;
        self
    }

    /// The clock-skew margin of a reconciliation. Default 10 minutes.
    pub fn with_reconcile_margin(mut self, margin: Duration) -> Self {
        self.margin = margin;
        self
    }

    /// Reports the whole run's progress: inputs finished (with their final
    /// outcome) against all inputs, and file bytes uploaded against the files'
    /// sizes.
    pub fn with_progress(
        mut self,
        progress: impl Fn(BulkProgress) + Send + Sync + 'static,
    ) -> Self {
        self.progress = Some(Arc::new(progress));
        self
    }

    /// Called with every observed state of every task waited on.
    pub fn callback(mut self, callback: impl FnMut(&Task) + Send + 'static) -> Self {
        self.callback = Some(Box::new(callback));
        self
    }

    /// Runs the whole ingest; the outcomes are in input order.
    pub async fn send(self) -> Result<Vec<IngestOutcome>, Error> {
        let mut outcomes: Vec<IngestOutcome> = self.start().await?.collect().await;
        outcomes.sort_unstable_by_key(|o| o.index);
        Ok(outcomes)
    }

    /// Opens the journal (if any), checks the settings, and returns the stream
    /// of outcomes in the order they finish.
    pub async fn start(self) -> Result<IngestStream, Error> {
        let mut wait = self.wait;
        wait.options = self.options.clone();
        wait.check()?;
        crate::options::check_id("index_id", &self.template.index_id)?;
        let journal_path = self.journal.clone();
        let (journal, entries) = match journal_path {
            Some(path) => {
                let (j, e) = Journal::open(&path).await?;
                (Some(Arc::new(j)), e)
            }
            None => (None, HashMap::new()),
        };
        let claimed = Arc::new(Mutex::new(claimed_ids(&entries)));
        let tracker = Tracker::new(self.progress);
        let mut seen = HashSet::new();
        let mut queue = VecDeque::with_capacity(self.inputs.len());
        let mut ready = VecDeque::new();
        let mut keys = Vec::with_capacity(self.inputs.len());
        for (index, input) in self.inputs.into_iter().enumerate() {
            let key = input.key();
            let size = match (&input, tracker.listens()) {
                (IngestInput::Path(p), true) => {
                    source_size(&VideoSource::Upload(Upload::Path(p.clone())))
                }
                (IngestInput::Bytes { data, .. }, _) => data.len() as u64,
                (IngestInput::Reader { len, .. }, _) => len.unwrap_or(0),
                _ => 0,
            };
            tracker.add_input(size);
            keys.push(key.clone());
            if !seen.insert(key.clone()) {
                ready.push_back(IngestOutcome {
                    index,
                    key: key.clone(),
                    task_id: None,
                    result: Err(Error::invalid_input(
                        "inputs",
                        format!("`{key}` is given twice; each input needs its own key"),
                    )),
                    task: None,
                });
                continue;
            }
            let entry = entries.get(&key).cloned().unwrap_or_default();
            queue.push_back(Pending {
                index,
                input,
                size,
                entry,
            });
        }
        let shared = Arc::new(Shared {
            tasks: self.tasks.clone(),
            index_id: self.template.index_id.clone(),
            template: Mutex::new(self.template),
            journal: journal.clone(),
            claimed,
            retry_failed: self.retry_failed,
            margin: self.margin,
            options: self.options,
            tracker: Arc::clone(&tracker),
        });
        Ok(IngestStream {
            shared,
            queue,
            creates: FuturesUnordered::new(),
            scheduler: Scheduler::new(self.tasks, wait, self.callback),
            finishing: FuturesUnordered::new(),
            ready,
            keys,
            concurrency: self.concurrency,
            journal,
            tracker,
        })
    }
}

/// An input not yet started, with what the journal knows of it.
struct Pending {
    index: usize,
    input: IngestInput,
    size: u64,
    entry: Entry,
}

/// What every create future shares.
struct Shared {
    tasks: Tasks,
    /// Never holds a source; the lock only makes it shareable.
    template: Mutex<CreateTaskRequest>,
    index_id: String,
    journal: Option<Arc<Journal>>,
    claimed: Arc<Mutex<HashSet<String>>>,
    retry_failed: bool,
    margin: Duration,
    options: RequestOptions,
    tracker: Arc<Tracker>,
}

/// Where an input's create phase ended.
enum CreatePhase {
    /// Wait on this task.
    Wait { index: usize, task_id: String },
    /// Finished without a wait (journal said so, or an error).
    Done(Box<IngestOutcome>),
}

type CreateFuture = Pin<Box<dyn Future<Output = CreatePhase> + Send>>;
type FinishFuture = Pin<Box<dyn Future<Output = IngestOutcome> + Send>>;

/// Whether a create that failed this way may have stored the task. Broader than
/// the error's own `outcome_unknown`: only a connection that was never made
/// proves that nothing reached the server (a response cut off mid-body may
/// follow a stored task), and paying twice is worse than one more listing.
fn outcome_unknown(e: &Error) -> bool {
    match e {
        Error::Timeout { .. } => true,
        Error::Connection {
            outcome_unknown,
            source,
        } => *outcome_unknown || source.kind() != TransportErrorKind::Connect,
        Error::DeadlineExceeded { last, .. } => last.as_deref().is_none_or(outcome_unknown),
        Error::Api(a) => a.status.as_u16() >= 500 || a.status.as_u16() == 408,
        Error::Decode { .. } | Error::ResponseTooLarge { .. } => true,
        _ => false,
    }
}

impl Shared {
    async fn record(&self, record: Record, sync: bool) -> Result<(), Error> {
        match &self.journal {
            Some(j) => j.append(&record, sync).await,
            None => Ok(()),
        }
    }

    /// Finds the task an unknown create may have stored, and claims it. The
    /// listing is retried on transient errors (with its own backoff, on top of
    /// the executor's retries): without an answer nothing may be sent again, so
    /// a failed listing ends the input.
    async fn reconcile(
        &self,
        filename: &str,
        since: DateTime<Utc>,
    ) -> Result<Option<String>, Error> {
        let mut pause = RECONCILE_BACKOFF;
        let mut tries = 1;
        loop {
            match self.reconcile_once(filename, since).await {
                Err(e) if e.is_transient() && tries < RECONCILE_TRIES => {
                    tracing::debug!(tries, error = %e, "reconciliation listing failed; retrying");
                    self.tasks.executor().clock().sleep(pause).await;
                    pause = pause.saturating_mul(2);
                    tries += 1;
                }
                other => return other,
            }
        }
    }

    async fn reconcile_once(
        &self,
        filename: &str,
        since: DateTime<Utc>,
    ) -> Result<Option<String>, Error> {
        if filename.is_empty() {
            return Ok(None);
        }
        let margin = chrono::Duration::from_std(self.margin).unwrap_or(chrono::Duration::zero());
        let from = since.checked_sub_signed(margin).unwrap_or(since);
        let mut found = self
            .tasks
            .list()
            .index_id(self.index_id.as_str())
            .filename(filename)
            .created_at(DateFilter::since(from))
            .sort_by(SortBy::CreatedAt)
            .sort_option(SortOption::Asc)
            .page_limit(crate::MAX_PAGE_LIMIT)
            .with_options(self.options.clone())
            .into_stream();
        let mut candidates = Vec::new();
        while let Some(task) = found.next().await {
            candidates.push(task?.id.to_string());
        }
        // Claimed only once the whole listing is in: a listing that fails
        // half-way claims nothing.
        let Ok(mut claimed) = self.claimed.lock() else {
            return Ok(None);
        };
        for id in candidates {
            if claimed.insert(id.clone()) {
                tracing::info!(task_id = %id, filename, "reconciled: adopting the task an unknown create stored");
                return Ok(Some(id));
            }
        }
        Ok(None)
    }

    fn claim(&self, id: &str) {
        if let Ok(mut c) = self.claimed.lock() {
            c.insert(id.to_owned());
        }
    }

    async fn adopt(&self, key: &str, task_id: String, index: usize) -> CreatePhase {
        let record = Record::Created {
            key: key.to_owned(),
            task_id: task_id.clone(),
            adopted: true,
        };
        match self.record(record, true).await {
            Ok(()) => CreatePhase::Wait { index, task_id },
            Err(e) => done(index, key, Some(task_id), Err(e)),
        }
    }

    /// The create phase of one input.
    async fn run(self: Arc<Self>, pending: Pending, item: Option<ItemProgress>) -> CreatePhase {
        let Pending {
            index,
            input,
            entry,
            ..
        } = pending;
        let key = input.key();
        let filename = input.filename();
        let mut input = Source::from(input);
        // 1. What the journal knows.
        if let Some((name, at)) = &entry.unresolved {
            match self.reconcile(name, *at).await {
                Ok(Some(id)) => return self.adopt(&key, id, index).await,
                Ok(None) => {}
                // Cannot tell whether a task exists: sending again could pay twice.
                Err(e) => return done(index, &key, None, Err(e)),
            }
        } else if let Some(task_id) = entry.task_id.clone() {
            let failed = entry.status.as_deref() == Some("failed");
            if !(failed && self.retry_failed) {
                return match entry
                    .status
                    .as_deref()
                    .and_then(|s| s.parse::<TaskStatus>().ok())
                {
                    Some(status) if status.is_terminal() => {
                        done(index, &key, Some(task_id), Ok(status))
                    }
                    _ => CreatePhase::Wait { index, task_id },
                };
            }
        }
        // 2. Create, reconciling after every unknown outcome.
        let mut last_error = None;
        for attempt in 0..MAX_CREATE_ATTEMPTS {
            let Some(source) = input.next() else {
                break;
            };
            let at = self.tasks.executor().clock().now_utc();
            let record = Record::Attempt {
                key: key.clone(),
                filename: filename.clone(),
                at,
            };
            if let Err(e) = self.record(record, true).await {
                return done(index, &key, None, Err(e));
            }
            let request = match self.template.lock() {
                Ok(t) => t.shared(),
                Err(p) => p.into_inner().shared(),
            };
            let mut create = CreateTask::from_request(self.tasks.clone(), request.video(source))
                .with_options(self.options.clone());
            if let Some(item) = &item {
                create = create.with_progress(item.callback());
            }
            let result = match create.build().await {
                Ok(built) => built.post().await.map(|r| r.id.to_string()),
                Err(e) => Err(e),
            };
            let error = match result {
                Ok(task_id) => {
                    self.claim(&task_id);
                    let record = Record::Created {
                        key: key.clone(),
                        task_id: task_id.clone(),
                        adopted: false,
                    };
                    self.tracker.finish_bytes(item.as_ref());
                    return match self.record(record, true).await {
                        Ok(()) => CreatePhase::Wait { index, task_id },
                        Err(e) => done(index, &key, Some(task_id), Err(e)),
                    };
                }
                Err(Error::TaskCreated { task_id, .. }) => {
                    self.claim(task_id.as_str());
                    self.tracker.finish_bytes(item.as_ref());
                    return self.adopt(&key, task_id.to_string(), index).await;
                }
                Err(e) if outcome_unknown(&e) => e,
                Err(e) => {
                    self.tracker.finish_bytes(item.as_ref());
                    return done(index, &key, None, Err(e));
                }
            };
            tracing::debug!(attempt, error = %error, key, "create outcome unknown; reconciling");
            match self.reconcile(&filename, at).await {
                Ok(Some(id)) => {
                    self.tracker.finish_bytes(item.as_ref());
                    return self.adopt(&key, id, index).await;
                }
                Ok(None) => last_error = Some(error),
                Err(e) => {
                    self.tracker.finish_bytes(item.as_ref());
                    return done(index, &key, None, Err(e));
                }
            }
        }
        self.tracker.finish_bytes(item.as_ref());
        let error = last_error.unwrap_or_else(|| {
            Error::invalid_input("reader", "a reader input cannot be sent twice")
        });
        done(index, &key, None, Err(error))
    }
}

fn done(
    index: usize,
    key: &str,
    task_id: Option<String>,
    result: Result<TaskStatus, Error>,
) -> CreatePhase {
    CreatePhase::Done(Box::new(IngestOutcome {
        index,
        key: key.to_owned(),
        task_id,
        result,
        task: None,
    }))
}

/// The stream of [`Ingest`]: each input's final outcome, as it finishes.
pub struct IngestStream {
    shared: Arc<Shared>,
    queue: VecDeque<Pending>,
    creates: FuturesUnordered<CreateFuture>,
    scheduler: Scheduler,
    finishing: FuturesUnordered<FinishFuture>,
    ready: VecDeque<IngestOutcome>,
    keys: Vec<String>,
    concurrency: usize,
    journal: Option<Arc<Journal>>,
    tracker: Arc<Tracker>,
}

impl std::fmt::Debug for IngestStream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IngestStream")
            .field("not_started", &self.queue.len())
            .field("creating", &self.creates.len())
            .field("waiting", &self.scheduler.len())
            .finish_non_exhaustive()
    }
}

impl IngestStream {
    fn finish(&mut self, outcome: IngestOutcome) -> IngestOutcome {
        self.tracker.finish_file();
        outcome
    }
}

impl Stream for IngestStream {
    type Item = IngestOutcome;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<IngestOutcome>> {
        let this = self.get_mut();
        loop {
            if let Some(o) = this.ready.pop_front() {
                return Poll::Ready(Some(this.finish(o)));
            }
            // Admit inputs up to the concurrency: one future each, only then.
            while this.creates.len() < this.concurrency {
                let Some(pending) = this.queue.pop_front() else {
                    break;
                };
                let item = this.tracker.item(pending.index, pending.size);
                let shared = Arc::clone(&this.shared);
                this.creates.push(Box::pin(shared.run(pending, item)));
            }
            let mut progressed = false;
            while let Poll::Ready(Some(phase)) = this.creates.poll_next_unpin(cx) {
                progressed = true;
                match phase {
                    CreatePhase::Wait { index, task_id } => this.scheduler.push(&task_id, index),
                    CreatePhase::Done(o) => this.ready.push_back(*o),
                }
            }
            if progressed {
                continue;
            }
            if let Poll::Ready(Some(o)) = this.finishing.poll_next_unpin(cx) {
                return Poll::Ready(Some(this.finish(o)));
            }
            match this.scheduler.poll_finished(cx) {
                Poll::Ready(Some((index, task_id, result))) => {
                    let key = this.keys.get(index).cloned().unwrap_or_default();
                    let (status, task, result) = match result {
                        Ok(task) => (
                            Some(task.status.clone()),
                            Some(task.clone()),
                            Ok(task.status),
                        ),
                        Err(e) => (None, None, Err(e)),
                    };
                    let journal = this.journal.clone();
                    this.finishing.push(Box::pin(async move {
                        if let (Some(j), Some(status)) = (journal, &status) {
                            let record = Record::Done {
                                key: key.clone(),
                                task_id: task_id.clone(),
                                status: status.as_str().to_owned(),
                            };
                            // Losing this record costs one poll on a rerun, never a task.
                            if let Err(e) = j.append(&record, false).await {
                                tracing::warn!(error = %e, "could not record a finished task");
                            }
                        }
                        IngestOutcome {
                            index,
                            key,
                            task_id: Some(task_id),
                            result,
                            task,
                        }
                    }));
                    continue;
                }
                Poll::Ready(None) => {
                    if this.queue.is_empty() && this.creates.is_empty() && this.finishing.is_empty()
                    {
                        return Poll::Ready(None);
                    }
                }
                Poll::Pending => {}
            }
            return Poll::Pending;
        }
    }
}
