//! The in-memory state: tasks ordered by creation, import jobs, the daily
//! create counter, id generation and statistics.
//!
//! One `std::sync::Mutex` guards the [`Store`]; it is never held across an
//! `.await` or any I/O.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard};

use chrono::{DateTime, Utc};

use serde_json::{Map, Value};

use crate::config::{EmulatorConfig, Pace};
use crate::lifecycle::{self, Outcome, Progress, Snapshot, Status};
use crate::ratelimit::DailyCounter;

/// What the emulator knows about a task's video.
#[derive(Debug, Clone, Default)]
pub(crate) struct VideoMeta {
    pub filename: Option<String>,
    pub duration: Option<f64>,
    pub width: Option<u32>,
    pub height: Option<u32>,
    pub size: Option<u64>,
}

/// One stored task.
#[derive(Debug, Clone)]
pub(crate) struct TaskRecord {
    pub id: String,
    pub video_id: String,
    pub index_id: String,
    pub created_at: DateTime<Utc>,
    pub progress: Progress,
    pub outcome: Outcome,
    /// Whether an HLS stream is produced (`hls` rendered).
    pub stream: bool,
    pub meta: VideoMeta,
    pub user_metadata: Option<Map<String, Value>>,
}

impl TaskRecord {
    pub fn snapshot(&self, now: DateTime<Utc>) -> Snapshot {
        lifecycle::snapshot(&self.progress, &self.outcome, self.created_at, now)
    }

    pub fn error_message(&self) -> Option<&str> {
        match &self.outcome {
            Outcome::Failed(m) => Some(m),
            Outcome::Ready => None,
        }
    }
}

/// What is needed to create a task.
#[derive(Debug)]
pub(crate) struct NewTask {
    pub index_id: String,
    pub meta: VideoMeta,
    pub outcome: Outcome,
    pub stream: bool,
    pub user_metadata: Option<Map<String, Value>>,
    /// Use the task id as video id (imports).
    pub id_is_video_id: bool,
}

/// A task created by an import, as the import remembers it.
#[derive(Debug, Clone)]
pub(crate) struct ImportEntry {
    pub task_id: String,
    pub filename: String,
    pub created_at: DateTime<Utc>,
    /// Final state if the task was deleted: `(status, updated_at, error)`.
    pub tombstone: Option<(Status, DateTime<Utc>, Option<String>)>,
}

/// One run of `POST /tasks/transfers/import/{integration-id}`.
#[derive(Debug, Clone)]
pub(crate) struct ImportJob {
    pub integration_id: String,
    pub index_id: String,
    pub created_at: DateTime<Utc>,
    pub entries: Vec<ImportEntry>,
    /// Files rejected up front: `(filename, error_message)`.
    pub rejected: Vec<(String, String)>,
}

/// Generates 24-hex-digit ObjectId-style ids: seconds, a per-instance random
/// part and a counter.
#[derive(Debug)]
struct IdGen {
    random: [u8; 5],
    counter: u32,
}

impl IdGen {
    fn next(&mut self, now: DateTime<Utc>) -> String {
        self.counter = self.counter.wrapping_add(1) & 0x00FF_FFFF;
        let secs = now.timestamp() as u32;
        let mut bytes = [0u8; 12];
        bytes[0..4].copy_from_slice(&secs.to_be_bytes());
        bytes[4..9].copy_from_slice(&self.random);
        bytes[9..12].copy_from_slice(&self.counter.to_be_bytes()[1..4]);
        let mut s = String::with_capacity(24);
        for b in bytes {
            s.push(char::from_digit(u32::from(b >> 4), 16).unwrap_or('0'));
            s.push(char::from_digit(u32::from(b & 0xF), 16).unwrap_or('0'));
        }
        s
    }
}

/// All mutable state.
#[derive(Debug)]
pub(crate) struct Store {
    tasks: BTreeMap<(DateTime<Utc>, String), TaskRecord>,
    by_id: HashMap<String, DateTime<Utc>>,
    pub imports: Vec<ImportJob>,
    pub daily: DailyCounter,
    ids: IdGen,
    pub indexes: HashMap<String, crate::indexes::IndexRecord>,
    /// Videos by id (a task's `video_id`).
    pub videos: HashMap<String, crate::indexes::VideoRecord>,
    /// Tasks that may still become a video (see `Store::sync_videos`).
    pub unindexed: HashSet<String>,
}

impl Store {
    pub fn new(seed: u64, indexes: &[crate::config::IndexSeed]) -> Store {
        let mut rng = fastrand::Rng::with_seed(seed ^ 0x05EE_D1D5 ^ std::process::id() as u64);
        let mut random = [0u8; 5];
        rng.fill(&mut random);
        Store {
            tasks: BTreeMap::new(),
            by_id: HashMap::new(),
            imports: Vec::new(),
            daily: DailyCounter::default(),
            ids: IdGen {
                random,
                counter: rng.u32(..0x00FF_FFFF),
            },
            indexes: indexes
                .iter()
                .map(|i| {
                    let now = lifecycle::trunc_ms(Utc::now());
                    (
                        i.id.clone(),
                        crate::indexes::IndexRecord::seeded(i.id.clone(), i.name.clone(), now),
                    )
                })
                .collect(),
            videos: HashMap::new(),
            unindexed: HashSet::new(),
        }
    }

    /// A fresh id, unique among stored tasks, videos and indexes.
    pub fn new_id(&mut self, now: DateTime<Utc>) -> String {
        loop {
            let id = self.ids.next(now);
            if !self.by_id.contains_key(&id)
                && !self.videos.contains_key(&id)
                && !self.indexes.contains_key(&id)
            {
                return id;
            }
        }
    }

    pub fn insert(&mut self, task: TaskRecord) {
        if task.outcome == Outcome::Ready {
            self.unindexed.insert(task.id.clone());
        }
        self.by_id.insert(task.id.clone(), task.created_at);
        self.tasks.insert((task.created_at, task.id.clone()), task);
    }

    pub fn get(&self, id: &str) -> Option<&TaskRecord> {
        let created = self.by_id.get(id)?;
        self.tasks.get(&(*created, id.to_owned()))
    }

    pub fn get_mut(&mut self, id: &str) -> Option<&mut TaskRecord> {
        let created = self.by_id.get(id)?;
        self.tasks.get_mut(&(*created, id.to_owned()))
    }

    pub fn remove(&mut self, id: &str) -> Option<TaskRecord> {
        let created = self.by_id.remove(id)?;
        self.tasks.remove(&(created, id.to_owned()))
    }

    /// Creates and stores a task under `pace`; returns `(task_id, video_id)`.
    pub fn create_task(&mut self, pace: Pace, now: DateTime<Utc>, t: NewTask) -> (String, String) {
        let now = lifecycle::trunc_ms(now);
        let id = self.new_id(now);
        let video_id = if t.id_is_video_id {
            id.clone()
        } else {
            self.new_id(now)
        };
        let progress = Progress::start(pace, &t.outcome, now);
        self.insert(TaskRecord {
            id: id.clone(),
            video_id: video_id.clone(),
            index_id: t.index_id,
            created_at: now,
            progress,
            outcome: t.outcome,
            stream: t.stream,
            meta: t.meta,
            user_metadata: t.user_metadata,
        });
        (id, video_id)
    }

    pub fn len(&self) -> usize {
        self.tasks.len()
    }

    /// Tasks oldest first (ties by id ascending).
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &TaskRecord> {
        self.tasks.values()
    }
}

/// Counters behind [`Stats`](crate::Stats).
#[derive(Debug, Default)]
pub(crate) struct Counters {
    pub requests: AtomicU64,
    pub tasks_created: AtomicU64,
    pub bytes_received: AtomicU64,
    pub faults_injected: AtomicU64,
    pub handler_panics: AtomicU64,
}

impl Counters {
    pub fn add(counter: &AtomicU64, n: u64) {
        counter.fetch_add(n, Ordering::Relaxed);
    }
}

/// State shared by every request of one emulator.
#[derive(Debug)]
pub(crate) struct Shared {
    pub config: EmulatorConfig,
    pub base_url: String,
    store: Mutex<Store>,
    pub counters: Counters,
    pub fault_rng: Mutex<fastrand::Rng>,
    /// Injected faults in a row per request key (see `faults::Streaks`).
    pub fault_streaks: Mutex<crate::faults::Streaks>,
}

impl Shared {
    pub fn new(config: EmulatorConfig, base_url: String) -> Shared {
        let seed = config.faults.seed;
        Shared {
            base_url,
            store: Mutex::new(Store::new(seed, &config.indexes)),
            counters: Counters::default(),
            fault_rng: Mutex::new(fastrand::Rng::with_seed(seed)),
            fault_streaks: Mutex::new(crate::faults::Streaks::default()),
            config,
        }
    }

    /// Locks the store (a poisoned lock is recovered: the store holds no
    /// invariant that a panicking request could half-update).
    pub fn store(&self) -> MutexGuard<'_, Store> {
        self.store.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Whether an index exists (creating it under
    /// `EmulatorConfig::auto_create_indexes`).
    pub fn index_exists(&self, index_id: &str) -> bool {
        let mut store = self.store();
        if self.config.auto_create_indexes && !index_id.trim().is_empty() {
            store.ensure_index(index_id, lifecycle::trunc_ms(Utc::now()));
        }
        store.indexes.contains_key(index_id)
    }
}
