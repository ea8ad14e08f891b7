//! Starting, inspecting and stopping an emulator.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use chrono::{TimeDelta, Utc};
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::config::EmulatorConfig;
use crate::lifecycle::{trunc_ms, Outcome, Progress, Status};
use crate::store::{Shared, TaskRecord, VideoMeta};

/// Counters of what an emulator has seen since it started.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Stats {
    /// HTTP requests received (including those answered with a fault).
    pub requests: u64,
    /// Tasks created by API calls (`POST /tasks`, transfers, imports),
    /// including creates answered with a `503-after-commit` fault.
    pub tasks_created: u64,
    /// Tasks currently stored (created, seeded, minus deleted).
    pub tasks_stored: u64,
    /// Request-body bytes received, all requests together.
    pub bytes_received: u64,
    /// Faults injected (by rate or by the `x-emulator-fault` header).
    pub faults_injected: u64,
    /// Requests whose handler panicked (answered `500 internal_error`).
    /// Handlers are meant to be total, so anything but 0 is a bug.
    pub handler_panics: u64,
}

/// A running emulator. Dropping it aborts the server task; prefer
/// [`Emulator::shutdown`] for a graceful stop.
#[derive(Debug)]
pub struct Emulator {
    addr: SocketAddr,
    base_url: String,
    shared: Arc<Shared>,
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

impl Emulator {
    /// Binds `config.bind` and starts serving on the current tokio runtime.
    pub async fn start(config: EmulatorConfig) -> std::io::Result<Emulator> {
        let listener = TcpListener::bind(config.bind).await?;
        let addr = listener.local_addr()?;
        let host = match addr.ip() {
            IpAddr::V4(ip) if ip.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
            IpAddr::V6(ip) if ip.is_unspecified() => IpAddr::V6(Ipv6Addr::LOCALHOST),
            ip => ip,
        };
        let base_url = format!("http://{}", SocketAddr::new(host, addr.port()));
        let shared = Arc::new(Shared::new(config, base_url.clone()));
        let app = crate::routes::router(shared.clone());
        let (tx, rx) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            let result = axum::serve(listener, app)
                .with_graceful_shutdown(async move {
                    let _ = rx.await;
                })
                .await;
            if let Err(error) = result {
                tracing::error!(%error, "emulator server stopped with an error");
            }
        });
        tracing::info!(%base_url, "twelvelabs emulator listening");
        Ok(Emulator {
            addr,
            base_url,
            shared,
            shutdown: Some(tx),
            task: Some(task),
        })
    }

    /// `http://127.0.0.1:PORT`: no version suffix, no trailing slash.
    pub fn base_url(&self) -> String {
        self.base_url.clone()
    }

    /// The bound socket address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The accepted API key.
    pub fn api_key(&self) -> &str {
        &self.shared.config.api_key
    }

    /// The configuration the emulator runs with.
    pub fn config(&self) -> &EmulatorConfig {
        &self.shared.config
    }

    /// A snapshot of the counters.
    pub fn stats(&self) -> Stats {
        let c = &self.shared.counters;
        Stats {
            requests: c.requests.load(Ordering::Relaxed),
            tasks_created: c.tasks_created.load(Ordering::Relaxed),
            tasks_stored: self.shared.store().len() as u64,
            bytes_received: c.bytes_received.load(Ordering::Relaxed),
            faults_injected: c.faults_injected.load(Ordering::Relaxed),
            handler_panics: c.handler_panics.load(Ordering::Relaxed),
        }
    }

    /// Inserts `count` tasks into `index_id` that stay in `status` forever
    /// (e.g. `"ready"`), for list and pagination benchmarks. Their
    /// `created_at` values are one millisecond apart, ending now. Returns the
    /// task ids, oldest first. The index is created (named after its id) if
    /// it does not exist. `ready` tasks have their video, so deleting one
    /// needs the video deleted first, as with the API.
    ///
    /// # Panics
    /// If `status` is not one of `uploading`, `validating`, `pending`,
    /// `queued`, `indexing`, `ready`, `failed`.
    pub fn seed_tasks(&self, index_id: &str, count: usize, status: &str) -> Vec<String> {
        let status = Status::parse(status)
            .unwrap_or_else(|| panic!("seed_tasks: unknown task status {status:?}"));
        let outcome = if status == Status::Failed {
            Outcome::Failed(crate::source::NOT_A_VIDEO.to_owned())
        } else {
            Outcome::Ready
        };
        let now = trunc_ms(Utc::now());
        let mut ids = Vec::with_capacity(count);
        let mut store = self.shared.store();
        store.ensure_index(index_id, now);
        for i in 0..count {
            let created_at = now - TimeDelta::milliseconds((count - 1 - i) as i64);
            let id = store.new_id(created_at);
            let video_id = store.new_id(created_at);
            store.insert(TaskRecord {
                id: id.clone(),
                video_id,
                index_id: index_id.to_owned(),
                created_at,
                progress: Progress::Frozen {
                    status,
                    updated_at: created_at,
                },
                outcome: outcome.clone(),
                stream: true,
                meta: VideoMeta {
                    filename: Some(format!("seed-{i:05}.mp4")),
                    duration: Some(10.0 + (i % 50) as f64),
                    width: Some(1280),
                    height: Some(720),
                    size: Some(1_000_000 + i as u64),
                },
                user_metadata: None,
            });
            ids.push(id);
        }
        ids
    }

    /// Stops accepting connections, lets in-flight requests finish (up to
    /// 5 s), then stops the server task.
    pub async fn shutdown(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(mut task) = self.task.take() {
            if tokio::time::timeout(Duration::from_secs(5), &mut task)
                .await
                .is_err()
            {
                task.abort();
            }
        }
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}
