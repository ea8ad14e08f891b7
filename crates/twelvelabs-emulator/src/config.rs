//! Configuration of an [`Emulator`](crate::Emulator): address, key, pace, faults,
//! limits and cloud integrations.

use std::net::{Ipv4Addr, SocketAddr};
use std::time::Duration;

/// The documented maximum size of an uploaded video file: 2 GB.
pub const DEFAULT_MAX_UPLOAD_BYTES: u64 = 2_000_000_000;

/// The API key the emulator accepts unless configured otherwise.
pub const DEFAULT_API_KEY: &str = "tlk_emulator_key";

/// The id of the demo index present by default (the one the examples use).
pub const DEMO_INDEX_ID: &str = "6298d673f1090f1100476d4c";

/// The name of the demo index.
pub const DEMO_INDEX_NAME: &str = "emulator-demo-index";

/// The `X-Ratelimit-Limit` reported for `POST /tasks` when no daily limit is
/// enforced: the documented Developer-plan limit (1,000 tasks per day).
pub const DEFAULT_REPORTED_DAILY_LIMIT: u64 = 1000;

/// The id of the demo integration configured by default.
pub const DEMO_INTEGRATION_ID: &str = "demo-integration";

/// Everything that shapes one emulator instance.
///
/// `EmulatorConfig::default()` gives an emulator on `127.0.0.1:<random port>`
/// that accepts the key [`DEFAULT_API_KEY`], holds the demo index
/// ([`IndexSeed::demo`]), steps tasks through their lifecycle once per
/// retrieve ([`Pace::PerRetrieve`]), injects no faults, enforces no daily
/// limit and has one demo integration ([`Integration::demo`]).
#[derive(Debug, Clone)]
pub struct EmulatorConfig {
    /// Address to bind. Port `0` picks a free port (see [`Emulator::addr`](crate::Emulator::addr)).
    pub bind: SocketAddr,
    /// The only accepted value of the `x-api-key` header.
    pub api_key: String,
    /// The indexes that exist at start (default: the demo index only). More
    /// can be created with `POST /indexes`. A task naming an index that does
    /// not exist answers `404 resource_not_exist`.
    pub indexes: Vec<IndexSeed>,
    /// Create an index (named after its id) the first time a task, import or
    /// transfer names an unknown one, instead of answering `404`. For test
    /// suites that give every test its own index id; off by default.
    pub auto_create_indexes: bool,
    /// How fast tasks move through `validating → pending → queued → indexing → ready`.
    pub pace: Pace,
    /// Injected faults (all off by default).
    pub faults: FaultConfig,
    /// Maximum number of `POST /tasks` accepted per UTC day; `None` = unlimited.
    pub daily_create_limit: Option<u64>,
    /// `X-Ratelimit-Limit` reported when `daily_create_limit` is `None`
    /// (nothing is enforced then). Default [`DEFAULT_REPORTED_DAILY_LIMIT`].
    pub reported_daily_limit: u64,
    /// Add `Retry-After` to every `429` (injected or from the daily limit).
    /// The API documents only the `X-Ratelimit-*` headers, so this is off by
    /// default and clients exercise their `X-Ratelimit-Reset` path.
    pub retry_after_header: bool,
    /// Check the video prerequisites (duration, resolution, aspect ratio) of
    /// uploads against the index's engines/models (default `true`).
    pub check_prerequisites: bool,
    /// Cloud-to-cloud integrations available to the import endpoints.
    pub integrations: Vec<Integration>,
    /// Largest accepted `video_file` part, in bytes (default 2 GB).
    pub max_upload_bytes: u64,
    /// Show `video_id` on v1.2 tasks from creation instead of only once `ready`.
    /// (v1.3 always shows it from creation.)
    pub video_id_at_creation: bool,
}

impl Default for EmulatorConfig {
    fn default() -> Self {
        EmulatorConfig {
            bind: SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
            api_key: DEFAULT_API_KEY.to_owned(),
            indexes: vec![IndexSeed::demo()],
            auto_create_indexes: false,
            pace: Pace::default(),
            faults: FaultConfig::default(),
            daily_create_limit: None,
            reported_daily_limit: DEFAULT_REPORTED_DAILY_LIMIT,
            retry_after_header: false,
            check_prerequisites: true,
            integrations: vec![Integration::demo()],
            max_upload_bytes: DEFAULT_MAX_UPLOAD_BYTES,
            video_id_at_creation: false,
        }
    }
}

/// An index that exists when the emulator starts. It is created with the
/// engine `marengo2.6` (`visual`, `conversation`) — `marengo2.7` (`visual`,
/// `audio`) when rendered for v1.3 — unless `models` says otherwise.
#[derive(Debug, Clone, PartialEq)]
pub struct IndexSeed {
    /// The index id (any non-empty string; the API uses 24 hex digits).
    pub id: String,
    /// The index name (unique among indexes).
    pub name: String,
}

impl IndexSeed {
    /// An index with this id and name.
    pub fn new(id: impl Into<String>, name: impl Into<String>) -> IndexSeed {
        IndexSeed {
            id: id.into(),
            name: name.into(),
        }
    }

    /// The demo index [`DEMO_INDEX_ID`], named [`DEMO_INDEX_NAME`].
    pub fn demo() -> IndexSeed {
        IndexSeed::new(DEMO_INDEX_ID, DEMO_INDEX_NAME)
    }
}

/// How task status advances. No background timers are used: the state of a
/// task is computed when it is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Pace {
    /// A task is terminal (`ready`, or `failed`) as soon as it is created.
    Instant,
    /// Each `GET /tasks/{id}` returns the current state, then advances the task
    /// one step. A new task is `validating`; the 5th retrieve shows `ready`
    /// (a failing task shows `failed` on the 2nd). Listing does not advance.
    #[default]
    PerRetrieve,
    /// Each step takes this long of wall time, counted from `created_at`.
    Every(Duration),
}

/// Fault injection. Every field defaults to "off". Selection by rate is
/// deterministic for a given `seed` and request order; the request header
/// `x-emulator-fault` forces a fault regardless of the rates.
#[derive(Debug, Clone)]
pub struct FaultConfig {
    /// Seed of the random generator that decides which requests get a fault.
    pub seed: u64,
    /// Fraction (0..=1) of requests answered with `error_status` before the handler runs.
    pub error_rate: f64,
    /// Status used for `error_rate` faults (default 503).
    pub error_status: u16,
    /// Fraction of `POST /tasks` answered 503 *after* the task was stored.
    pub error_after_commit_rate: f64,
    /// Fraction of requests answered `429 too_many_requests`.
    pub rate_limit_rate: f64,
    /// Seconds until `X-Ratelimit-Reset` (and `Retry-After`, when enabled by
    /// [`EmulatorConfig::retry_after_header`]) on injected 429s.
    pub retry_after_secs: u64,
    /// Added to every request before the handler runs.
    pub latency: Duration,
    /// Fraction of responses whose connection is dropped mid-body.
    pub drop_rate: f64,
    /// If set, every response is held this long after the handler ran.
    pub stall: Option<Duration>,
    /// Caps the rate-driven faults (`error_rate`, `rate_limit_rate`,
    /// `drop_rate`, `error_after_commit_rate`) in a row for one request key,
    /// the method plus the path without the query (`GET /v1.2/tasks/<id>`).
    /// After `n` consecutive injected faults on a key, the next request with
    /// that key is served normally; a normally served request resets the
    /// count. This models transient faults as bounded bursts: a client that
    /// makes more than `n` attempts always gets through. Faults forced by the
    /// `x-emulator-fault` header are neither capped nor counted. `None` (the
    /// default): no cap, every request draws independently.
    pub max_consecutive_faults: Option<u32>,
}

impl Default for FaultConfig {
    fn default() -> Self {
        FaultConfig {
            seed: 0,
            error_rate: 0.0,
            error_status: 503,
            error_after_commit_rate: 0.0,
            rate_limit_rate: 0.0,
            retry_after_secs: 1,
            latency: Duration::ZERO,
            drop_rate: 0.0,
            stall: None,
            max_consecutive_faults: None,
        }
    }
}

/// A cloud-to-cloud integration (a bucket of files) that can be imported.
#[derive(Debug, Clone, PartialEq)]
pub struct Integration {
    /// The integration id used in `/tasks/transfers/import/{integration-id}`.
    pub id: String,
    /// The files in the bucket.
    pub files: Vec<IntegrationFile>,
}

impl Integration {
    /// The default demo integration `demo-integration`: four files, the last of
    /// which fails the prerequisites ("The video is too big. ...").
    pub fn demo() -> Self {
        let ok = |name: &str, size: u64| IntegrationFile {
            filename: name.to_owned(),
            size_bytes: size,
            fails_prerequisites: None,
        };
        Integration {
            id: DEMO_INTEGRATION_ID.to_owned(),
            files: vec![
                ok("01.mp4", 52_428_800),
                ok("02.mp4", 104_857_600),
                ok("03.mov", 31_457_280),
                IntegrationFile {
                    filename: "04_huge.mp4".to_owned(),
                    size_bytes: 2_576_980_378,
                    fails_prerequisites: Some(
                        "The video is too big. Please use a video with a size less than 2GB. \
                         The current size is 2.4GB."
                            .to_owned(),
                    ),
                },
            ],
        }
    }
}

/// One file of an [`Integration`].
#[derive(Debug, Clone, PartialEq)]
pub struct IntegrationFile {
    /// File name (also the task's `metadata.filename`).
    pub filename: String,
    /// Size in bytes (also the task's `metadata.size`).
    pub size_bytes: u64,
    /// `Some(message)`: the file is rejected up front and reported in
    /// `failed_files` with this message.
    pub fails_prerequisites: Option<String>,
}
