//! `cargo xtask bench`: SDK-versus-raw-reqwest benchmarks against the local emulator.
//!
//! The full run re-executes itself in release (`cargo run --release -p xtask -- bench
//! --in-release ...`); `--quick` runs in the current binary with small sizes. Peak RSS
//! of uploads and of `wait_many` is measured in a child process (this executable,
//! `bench --upload-child ...` / `bench --wait-child ...`) that prints its `VmHWM`.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use twelvelabs::emulator::{Emulator, EmulatorConfig, FaultConfig, Pace};
use twelvelabs::{Task, TaskPage, TwelveLabs};

const MIB: u64 = 1024 * 1024;

/// One measured figure.
pub(crate) struct Figure {
    pub name: String,
    pub value: f64,
    pub unit: String,
    pub goal: String,
    /// `None` = informational, no goal.
    pub met: Option<bool>,
}

impl Figure {
    fn new(name: &str, value: f64, unit: &str) -> Self {
        Figure {
            name: name.to_owned(),
            value,
            unit: unit.to_owned(),
            goal: "—".to_owned(),
            met: None,
        }
    }
    fn goal(mut self, goal: &str, met: bool) -> Self {
        self.goal = goal.to_owned();
        self.met = Some(met);
        self
    }
    fn print(&self) {
        println!("BENCH {} {} {}", self.name, fmt_num(self.value), self.unit);
    }
}

fn fmt_num(v: f64) -> String {
    if v.abs() >= 100.0 {
        format!("{v:.0}")
    } else if v.abs() >= 10.0 {
        format!("{v:.1}")
    } else {
        format!("{v:.3}")
    }
}

/// Median of a sample (NaN for an empty one).
pub(crate) fn median(xs: &[f64]) -> f64 {
    percentile(xs, 50.0)
}

/// Nearest-rank percentile.
pub(crate) fn percentile(xs: &[f64], p: f64) -> f64 {
    if xs.is_empty() {
        return f64::NAN;
    }
    let mut v = xs.to_vec();
    v.sort_by(|a, b| a.total_cmp(b));
    let rank = ((p / 100.0) * v.len() as f64).ceil() as usize;
    v[rank.clamp(1, v.len()) - 1]
}

/// A `/proc/self/status` field in KiB (`VmRSS`, `VmHWM`).
pub(crate) fn proc_status_kib(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status.lines().find_map(|l| {
        let rest = l.strip_prefix(field)?.strip_prefix(':')?;
        rest.split_whitespace().next()?.parse().ok()
    })
}

/// Resets `VmHWM` to the current RSS (Linux `clear_refs` 5); best effort.
pub(crate) fn reset_peak_rss() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

/// The workspace root (the parent of `xtask/`).
pub(crate) fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}

/// A client for an emulator.
pub(crate) fn sdk_client(emu: &Emulator) -> Result<TwelveLabs, String> {
    TwelveLabs::builder()
        .api_key(emu.api_key())
        .base_url(emu.base_url())
        .build()
        .map_err(|e| format!("client: {e}"))
}

async fn start(config: EmulatorConfig) -> Result<Emulator, String> {
    Emulator::start(config)
        .await
        .map_err(|e| format!("emulator: {e}"))
}

/// Writes a file of `size` bytes (a non-constant pattern) with std I/O.
pub(crate) fn write_file(path: &Path, size: u64) -> Result<(), String> {
    use std::io::Write;
    let mut f = std::io::BufWriter::with_capacity(
        MIB as usize,
        std::fs::File::create(path).map_err(|e| format!("create {}: {e}", path.display()))?,
    );
    let mut chunk = vec![0u8; MIB as usize];
    for (i, b) in chunk.iter_mut().enumerate() {
        *b = (i.wrapping_mul(31) % 251) as u8;
    }
    let mut left = size;
    while left > 0 {
        let n = left.min(MIB) as usize;
        f.write_all(&chunk[..n])
            .map_err(|e| format!("write: {e}"))?;
        left -= n as u64;
    }
    f.flush().map_err(|e| format!("flush: {e}"))
}

struct Opts {
    quick: bool,
    in_release: bool,
    no_md: bool,
}

/// Entry point of `cargo xtask bench [--quick] [--no-md]`.
pub async fn run(args: &[String]) -> Result<(), String> {
    match args.first().map(String::as_str) {
        Some("--upload-child") => return upload_child(&args[1..]).await,
        Some("--wait-child") => return wait_child(&args[1..]).await,
        _ => {}
    }
    let opts = Opts {
        quick: args.iter().any(|a| a == "--quick"),
        in_release: args.iter().any(|a| a == "--in-release"),
        no_md: args.iter().any(|a| a == "--no-md"),
    };
    if !opts.quick && !opts.in_release && cfg!(debug_assertions) {
        return reexec_release(args);
    }
    run_benches(&opts).await
}

fn reexec_release(args: &[String]) -> Result<(), String> {
    eprintln!("bench: re-running in release (cargo run --release -p xtask -- bench --in-release)");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let status = std::process::Command::new(cargo)
        .current_dir(workspace_root())
        .args([
            "run",
            "--quiet",
            "--release",
            "-p",
            "xtask",
            "--",
            "bench",
            "--in-release",
        ])
        .args(args)
        .status()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("release bench failed: {status}"))
    }
}

async fn run_benches(opts: &Opts) -> Result<(), String> {
    let quick = opts.quick;
    let profile = if cfg!(debug_assertions) {
        "debug"
    } else {
        "release"
    };
    println!(
        "bench: mode={} profile={profile}",
        if quick { "quick" } else { "full" }
    );
    let mut figures: Vec<Figure> = Vec::new();
    let mut notes: Vec<String> = Vec::new();
    let started = Instant::now();

    macro_rules! section {
        ($name:literal, $f:expr) => {{
            let t = Instant::now();
            match $f.await {
                Ok(figs) => {
                    for fig in figs {
                        fig.print();
                        figures.push(fig);
                    }
                }
                Err(e) => {
                    eprintln!("bench {}: FAILED: {e}", $name);
                    notes.push(format!("{}: not produced: {e}", $name));
                }
            }
            eprintln!("bench {}: {:.1}s", $name, t.elapsed().as_secs_f64());
        }};
    }

    section!("retrieve", bench_retrieve(quick));
    section!("list_all", bench_list(quick));
    section!("upload", bench_upload(quick));
    section!("upload_rss", bench_upload_rss(quick));
    section!("bulk", bench_bulk(quick));
    section!("wait_many", bench_wait_many(quick));
    section!("emulator_rps", bench_rps(quick));

    let missed: Vec<&str> = figures
        .iter()
        .filter(|f| f.met == Some(false))
        .map(|f| f.name.as_str())
        .collect();
    println!(
        "bench: done in {:.0}s; goals missed: {}",
        started.elapsed().as_secs_f64(),
        if missed.is_empty() {
            "none".to_owned()
        } else {
            missed.join(", ")
        }
    );
    if !quick && !opts.no_md {
        let path = workspace_root().join("BENCHMARKS.md");
        std::fs::write(&path, render_markdown(&figures, &notes, profile))
            .map_err(|e| format!("write {}: {e}", path.display()))?;
        println!("bench: wrote {}", path.display());
    }
    // Benchmarks are not timed tests: missed goals are reported, not failures.
    Ok(())
}

fn machine() -> String {
    let nproc = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(0);
    let model = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split_once(':'))
                .map(|(_, v)| v.trim().to_owned())
        })
        .unwrap_or_else(|| "unknown".to_owned());
    let mem = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("MemTotal"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse::<f64>().ok())
        })
        .map(|kib| format!("{:.1} GiB", kib / 1024.0 / 1024.0))
        .unwrap_or_else(|| "unknown".to_owned());
    format!("{nproc} CPUs (`nproc`), {model}, {mem} RAM, Linux")
}

fn render_markdown(figures: &[Figure], notes: &[String], profile: &str) -> String {
    let mut s = String::new();
    s.push_str("# Benchmarks\n\n");
    s.push_str(
        "Produced by `cargo xtask bench` (re-runs itself as `cargo run --release -p xtask -- \
         bench --in-release`). Everything runs on 127.0.0.1 against the in-process emulator \
         (`twelvelabs-emulator`), which shares the CPUs with the client being measured. SDK \
         and raw-reqwest repetitions are interleaved; figures are medians. Benchmarks are not \
         timed tests: CI runs `cargo xtask bench --quick` (small sizes, no goals enforced).\n\n",
    );
    s.push_str(&format!("- Machine: {}\n", machine()));
    s.push_str(&format!("- Profile: {profile}\n"));
    s.push_str("- Command: `cargo xtask bench`\n\n");
    s.push_str("| figure | value | unit | goal | met |\n|---|---:|---|---|---|\n");
    for f in figures {
        let met = match f.met {
            Some(true) => "met",
            Some(false) => "**missed**",
            None => "—",
        };
        s.push_str(&format!(
            "| `{}` | {} | {} | {} | {} |\n",
            f.name,
            fmt_num(f.value),
            f.unit,
            f.goal,
            met
        ));
    }
    s.push_str(
        "\nHow each figure is measured:\n\n\
         - `retrieve_overhead_ratio`: median latency of sequential keep-alive `client.task().retrieve(id)` \
         over median latency of raw `reqwest` GET + `serde_json::from_slice::<twelvelabs::Task>`, \
         batches interleaved.\n\
         - `list_all_ratio`: wall time to stream every task of a seeded index with \
         `list().index_id(..).page_limit(50).into_stream()` over a raw page loop decoding \
         `TaskPage`.\n\
         - `upload_throughput_ratio`: raw streamed multipart POST time over SDK `create(..).file(..).send_raw()` \
         time for the same file (throughput ratio SDK/raw). `upload_create_full_mib_s` is the full \
         `send()` (POST + retrieve).\n\
         - `upload_peak_rss_*`: `VmHWM` of a child process (`xtask bench --upload-child`) that only \
         uploads the file with the SDK.\n\
         - `bulk_speedup`: one-by-one creates over `create_bulk(..).concurrency(16)`, URL sources, \
         emulator latency 5 ms per request (each create is a POST and a retrieve).\n\
         - `wait_many_*`: a child process creates the tasks (pace 100 ms per step), resets its peak RSS, \
         then waits on all of them concurrently through one client (interval 100 ms).\n\
         - `emulator_rps`: 32 raw reqwest clients (one connection each) retrieving in a loop.\n",
    );
    if !notes.is_empty() {
        s.push_str("\nNot produced in this run:\n\n");
        for n in notes {
            s.push_str(&format!("- {n}\n"));
        }
    }
    s
}

// ---------------------------------------------------------------- retrieve

async fn raw_get_task(http: &reqwest::Client, url: &str, key: &str) -> Result<Task, String> {
    let resp = http
        .get(url)
        .header("x-api-key", key)
        .send()
        .await
        .map_err(|e| e.to_string())?;
    if !resp.status().is_success() {
        return Err(format!("status {}", resp.status()));
    }
    let body = resp.bytes().await.map_err(|e| e.to_string())?;
    serde_json::from_slice::<Task>(&body).map_err(|e| e.to_string())
}

async fn bench_retrieve(quick: bool) -> Result<Vec<Figure>, String> {
    let emu = start(EmulatorConfig {
        pace: Pace::Instant,
        ..EmulatorConfig::default()
    })
    .await?;
    let id = emu.seed_tasks("bench-retrieve", 1, "ready").remove(0);
    let client = sdk_client(&emu)?;
    let tasks = client.task();
    let http = reqwest::Client::new();
    let url = format!("{}/v1.2/tasks/{id}", emu.base_url());
    let key = emu.api_key().to_owned();
    let (rounds, batch) = if quick { (4, 50) } else { (20, 250) };
    // Warm-up: connections, allocator.
    for _ in 0..batch {
        tasks.retrieve(&id).await.map_err(|e| e.to_string())?;
        raw_get_task(&http, &url, &key).await?;
    }
    let mut sdk = Vec::new();
    let mut raw = Vec::new();
    for round in 0..rounds {
        for pass in 0..2 {
            let sdk_turn = (round + pass) % 2 == 0;
            for _ in 0..batch {
                let t = Instant::now();
                if sdk_turn {
                    let task = tasks.retrieve(&id).await.map_err(|e| e.to_string())?;
                    std::hint::black_box(task);
                    sdk.push(t.elapsed().as_secs_f64() * 1e6);
                } else {
                    let task = raw_get_task(&http, &url, &key).await?;
                    std::hint::black_box(task);
                    raw.push(t.elapsed().as_secs_f64() * 1e6);
                }
            }
        }
    }
    emu.shutdown().await;
    let (s, r) = (median(&sdk), median(&raw));
    let ratio = s / r;
    Ok(vec![
        Figure::new("retrieve_overhead_ratio", ratio, "x").goal("≤ 1.10", ratio <= 1.10),
        Figure::new("retrieve_sdk_median_us", s, "us"),
        Figure::new("retrieve_raw_median_us", r, "us"),
        Figure::new("retrieve_sdk_p99_us", percentile(&sdk, 99.0), "us"),
        Figure::new("retrieve_raw_p99_us", percentile(&raw, 99.0), "us"),
    ])
}

// ---------------------------------------------------------------- list

async fn raw_list_all(
    http: &reqwest::Client,
    base: &str,
    key: &str,
    index: &str,
) -> Result<usize, String> {
    let mut page = 1u32;
    let mut count = 0usize;
    loop {
        let url = format!("{base}/v1.2/tasks?index_id={index}&page_limit=50&page={page}");
        let resp = http
            .get(&url)
            .header("x-api-key", key)
            .send()
            .await
            .map_err(|e| e.to_string())?;
        if !resp.status().is_success() {
            return Err(format!("status {}", resp.status()));
        }
        let body = resp.bytes().await.map_err(|e| e.to_string())?;
        let p: TaskPage = serde_json::from_slice(&body).map_err(|e| e.to_string())?;
        count += p.data.len();
        let done = p.data.is_empty() || p.page_info.page >= p.page_info.total_page;
        std::hint::black_box(p);
        if done {
            return Ok(count);
        }
        page += 1;
    }
}

async fn sdk_list_all(client: &TwelveLabs, index: &str) -> Result<usize, String> {
    let mut stream = client
        .task()
        .list()
        .index_id(index)
        .page_limit(50)
        .into_stream();
    let mut count = 0usize;
    while let Some(task) = stream.next().await {
        std::hint::black_box(task.map_err(|e| e.to_string())?);
        count += 1;
    }
    Ok(count)
}

async fn bench_list(quick: bool) -> Result<Vec<Figure>, String> {
    let n = if quick { 500 } else { 10_000 };
    let emu = start(EmulatorConfig {
        pace: Pace::Instant,
        ..EmulatorConfig::default()
    })
    .await?;
    let index = "benchlistindex";
    emu.seed_tasks(index, n, "ready");
    let client = sdk_client(&emu)?;
    let http = reqwest::Client::new();
    let base = emu.base_url();
    let key = emu.api_key().to_owned();
    let reps = if quick { 3 } else { 7 };
    let (mut sdk, mut raw) = (Vec::new(), Vec::new());
    // Warm-up.
    sdk_list_all(&client, index).await?;
    raw_list_all(&http, &base, &key, index).await?;
    for rep in 0..reps {
        for pass in 0..2 {
            let t = Instant::now();
            let count = if (rep + pass) % 2 == 0 {
                let c = sdk_list_all(&client, index).await?;
                sdk.push(t.elapsed().as_secs_f64());
                c
            } else {
                let c = raw_list_all(&http, &base, &key, index).await?;
                raw.push(t.elapsed().as_secs_f64());
                c
            };
            if count != n {
                return Err(format!("listed {count} tasks, expected {n}"));
            }
        }
    }
    emu.shutdown().await;
    let (s, r) = (median(&sdk), median(&raw));
    let ratio = s / r;
    Ok(vec![
        Figure::new("list_all_ratio", ratio, "x").goal("≤ 1.10", ratio <= 1.10),
        Figure::new("list_all_tasks", n as f64, "tasks"),
        Figure::new("list_all_sdk_tasks_per_s", n as f64 / s, "tasks/s"),
        Figure::new("list_all_raw_tasks_per_s", n as f64 / r, "tasks/s"),
    ])
}

// ---------------------------------------------------------------- upload

/// A raw streamed multipart upload of `path`: hand-built envelope, Content-Length.
async fn raw_upload(
    http: &reqwest::Client,
    base: &str,
    key: &str,
    index: &str,
    path: &Path,
) -> Result<(), String> {
    use tokio::io::AsyncReadExt;
    let len = tokio::fs::metadata(path)
        .await
        .map_err(|e| e.to_string())?
        .len();
    let boundary = "rawbench0123456789abcdef";
    let head = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"index_id\"\r\n\r\n{index}\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"video_file\"; filename=\"video.mp4\"\r\n\
         Content-Type: video/mp4\r\n\r\n"
    );
    let tail = format!("\r\n--{boundary}--\r\n");
    let total = head.len() as u64 + len + tail.len() as u64;
    let file = tokio::fs::File::open(path)
        .await
        .map_err(|e| e.to_string())?;
    let file_stream = futures_util::stream::unfold(Some(file), |state| async move {
        let mut f = state?;
        let mut buf = Vec::with_capacity(256 * 1024);
        match (&mut f).take(256 * 1024).read_to_end(&mut buf).await {
            Ok(0) => None,
            Ok(_) => Some((Ok::<Vec<u8>, std::io::Error>(buf), Some(f))),
            Err(e) => Some((Err(e), None)),
        }
    });
    let body = futures_util::stream::once(async move { Ok(head.into_bytes()) })
        .chain(file_stream)
        .chain(futures_util::stream::once(
            async move { Ok(tail.into_bytes()) },
        ));
    let resp = http
        .post(format!("{base}/v1.2/tasks"))
        .header("x-api-key", key)
        .header(
            "content-type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .header("content-length", total)
        .body(reqwest::Body::wrap_stream(body))
        .send()
        .await
        .map_err(|e| e.to_string())?;
    let status = resp.status();
    let body = resp.bytes().await.map_err(|e| e.to_string())?;
    if !status.is_success() {
        return Err(format!(
            "raw upload: {status}: {}",
            String::from_utf8_lossy(&body)
        ));
    }
    let v: serde_json::Value = serde_json::from_slice(&body).map_err(|e| e.to_string())?;
    std::hint::black_box(v);
    Ok(())
}

struct TempFile(PathBuf);
impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

fn temp_path(name: &str) -> PathBuf {
    std::env::temp_dir().join(format!("xtask-{}-{name}", std::process::id()))
}

async fn bench_upload(quick: bool) -> Result<Vec<Figure>, String> {
    let size = if quick { 16 * MIB } else { 1024 * MIB };
    let file = TempFile(temp_path("upload.bin"));
    write_file(&file.0, size)?;
    let emu = start(EmulatorConfig {
        pace: Pace::Instant,
        ..EmulatorConfig::default()
    })
    .await?;
    let client = sdk_client(&emu)?;
    let http = reqwest::Client::new();
    let base = emu.base_url();
    let key = emu.api_key().to_owned();
    let index = "benchuploadindex";
    let reps = if quick { 3 } else { 5 };
    // Warm-up (page cache, connections).
    raw_upload(&http, &base, &key, index, &file.0).await?;
    let (mut sdk, mut raw) = (Vec::new(), Vec::new());
    for rep in 0..reps {
        for pass in 0..2 {
            let t = Instant::now();
            if (rep + pass) % 2 == 0 {
                client
                    .task()
                    .create(index)
                    .file(&file.0)
                    .send_raw()
                    .await
                    .map_err(|e| format!("sdk upload: {e}"))?;
                sdk.push(t.elapsed().as_secs_f64());
            } else {
                raw_upload(&http, &base, &key, index, &file.0).await?;
                raw.push(t.elapsed().as_secs_f64());
            }
        }
    }
    let mut full = Vec::new();
    for _ in 0..if quick { 1 } else { 3 } {
        let t = Instant::now();
        client
            .task()
            .create(index)
            .file(&file.0)
            .send()
            .await
            .map_err(|e| format!("sdk create: {e}"))?;
        full.push(t.elapsed().as_secs_f64());
    }
    emu.shutdown().await;
    let mib = size as f64 / MIB as f64;
    let (s, r) = (median(&sdk), median(&raw));
    let ratio = r / s;
    Ok(vec![
        Figure::new("upload_throughput_ratio", ratio, "x").goal("≥ 0.90", ratio >= 0.90),
        Figure::new("upload_size_mib", mib, "MiB"),
        Figure::new("upload_sdk_mib_s", mib / s, "MiB/s"),
        Figure::new("upload_raw_mib_s", mib / r, "MiB/s"),
        Figure::new("upload_create_full_mib_s", mib / median(&full), "MiB/s"),
    ])
}

/// `bench --upload-child <path> <base_url> <key>`: uploads with the SDK, prints `VMHWM_KIB n`.
async fn upload_child(args: &[String]) -> Result<(), String> {
    let [path, base, key, ..] = args else {
        return Err("usage: bench --upload-child <path> <base_url> <key>".into());
    };
    let client = TwelveLabs::builder()
        .api_key(key)
        .base_url(base)
        .build()
        .map_err(|e| e.to_string())?;
    client
        .task()
        .create("benchrssindex")
        .file(path)
        .send_raw()
        .await
        .map_err(|e| format!("child upload: {e}"))?;
    println!("VMHWM_KIB {}", proc_status_kib("VmHWM").unwrap_or(0));
    Ok(())
}

/// Runs this executable with `args`, returning the `KEY value` lines of its stdout.
async fn run_child(args: &[String]) -> Result<Vec<(String, f64)>, String> {
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let out = tokio::process::Command::new(exe)
        .args(args)
        .stdin(Stdio::null())
        .stderr(Stdio::inherit())
        .output()
        .await
        .map_err(|e| format!("spawn child: {e}"))?;
    if !out.status.success() {
        return Err(format!("child exited with {}", out.status));
    }
    Ok(String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| {
            let (k, v) = l.split_once(' ')?;
            Some((k.to_owned(), v.trim().parse().ok()?))
        })
        .collect())
}

fn child_value(lines: &[(String, f64)], key: &str) -> Result<f64, String> {
    lines
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| *v)
        .ok_or_else(|| format!("child did not report {key}"))
}

async fn bench_upload_rss(quick: bool) -> Result<Vec<Figure>, String> {
    let sizes = if quick {
        [16 * MIB, 64 * MIB]
    } else {
        [256 * MIB, 1024 * MIB]
    };
    let emu = start(EmulatorConfig {
        pace: Pace::Instant,
        ..EmulatorConfig::default()
    })
    .await?;
    let mut peaks = Vec::new();
    for size in sizes {
        let file = TempFile(temp_path(&format!("rss-{size}.bin")));
        write_file(&file.0, size)?;
        let mut samples = Vec::new();
        for _ in 0..if quick { 1 } else { 3 } {
            let lines = run_child(&[
                "bench".into(),
                "--upload-child".into(),
                file.0.display().to_string(),
                emu.base_url(),
                emu.api_key().to_owned(),
            ])
            .await?;
            samples.push(child_value(&lines, "VMHWM_KIB")? / 1024.0);
        }
        peaks.push((size, median(&samples)));
    }
    emu.shutdown().await;
    let (small, large) = (peaks[0].1, peaks[1].1);
    let within = (large - small).abs() / small.min(large) <= 0.10;
    let mut figs = Vec::new();
    for (size, peak) in &peaks {
        let name = format!("upload_peak_rss_{}mib", size / MIB);
        figs.push(Figure::new(&name, *peak, "MiB").goal("≤ 64 MiB", *peak <= 64.0));
    }
    let spread = (large - small).abs() / small.min(large) * 100.0;
    figs.push(
        Figure::new("upload_peak_rss_spread_pct", spread, "%").goal("≤ 10 % between sizes", within),
    );
    Ok(figs)
}

// ---------------------------------------------------------------- bulk

async fn bench_bulk(quick: bool) -> Result<Vec<Figure>, String> {
    let n = if quick { 100 } else { 1000 };
    let emu = start(EmulatorConfig {
        pace: Pace::Instant,
        faults: FaultConfig {
            latency: Duration::from_millis(5),
            ..FaultConfig::default()
        },
        ..EmulatorConfig::default()
    })
    .await?;
    let client = sdk_client(&emu)?;
    let urls: Vec<String> = (0..n)
        .map(|i| format!("https://videos.example.com/bulk/{i}.mp4"))
        .collect();
    let index = "benchbulkindex";
    let t = Instant::now();
    let results = client
        .task()
        .create_bulk(index)
        .urls(urls.clone())
        .concurrency(16)
        .send()
        .await;
    let bulk = t.elapsed().as_secs_f64();
    let failed = results.iter().filter(|r| r.is_err()).count();
    if failed > 0 {
        return Err(format!("{failed} bulk creates failed"));
    }
    let t = Instant::now();
    for url in &urls {
        client
            .task()
            .create(index)
            .url(url)
            .send()
            .await
            .map_err(|e| format!("sequential create: {e}"))?;
    }
    let seq = t.elapsed().as_secs_f64();
    emu.shutdown().await;
    let speedup = seq / bulk;
    Ok(vec![
        Figure::new("bulk_speedup", speedup, "x").goal("≥ 8×", speedup >= 8.0),
        Figure::new("bulk_creates", n as f64, "creates"),
        Figure::new("bulk_concurrent_s", bulk, "s"),
        Figure::new("bulk_sequential_s", seq, "s"),
    ])
}

// ---------------------------------------------------------------- wait_many

/// `bench --wait-child <base_url> <key> <n>`: creates `n` tasks, then waits on all of
/// them at once through one client; prints `WAIT_S`, `VMHWM_KIB` (of the wait phase)
/// and `READY`.
async fn wait_child(args: &[String]) -> Result<(), String> {
    let [base, key, n, ..] = args else {
        return Err("usage: bench --wait-child <base_url> <key> <n>".into());
    };
    let n: usize = n.parse().map_err(|_| "n must be a number")?;
    let client = TwelveLabs::builder()
        .api_key(key)
        .base_url(base)
        .build()
        .map_err(|e| e.to_string())?;
    let results = client
        .task()
        .create_bulk("benchwaitindex")
        .urls((0..n).map(|i| format!("https://videos.example.com/wait/{i}.mp4")))
        .concurrency(16)
        .send()
        .await;
    let mut ids = Vec::with_capacity(n);
    for r in results {
        ids.push(r.map_err(|e| format!("create: {e}"))?.id.to_string());
    }
    reset_peak_rss();
    let t = Instant::now();
    let waits = ids.iter().map(|id| {
        client
            .task()
            .wait_for_done(id)
            .sleep_interval(Duration::from_millis(100))
            .timeout(Duration::from_secs(120))
            .send()
    });
    let done = futures_util::future::join_all(waits).await;
    let wall = t.elapsed().as_secs_f64();
    let ready = done
        .iter()
        .filter(|r| r.as_ref().is_ok_and(|t| t.status == "ready"))
        .count();
    println!("WAIT_S {wall}");
    println!("READY {ready}");
    println!("VMHWM_KIB {}", proc_status_kib("VmHWM").unwrap_or(0));
    Ok(())
}

async fn bench_wait_many(quick: bool) -> Result<Vec<Figure>, String> {
    let n = if quick { 100 } else { 1000 };
    let emu = start(EmulatorConfig {
        pace: Pace::Every(Duration::from_millis(100)),
        ..EmulatorConfig::default()
    })
    .await?;
    let lines = run_child(&[
        "bench".into(),
        "--wait-child".into(),
        emu.base_url(),
        emu.api_key().to_owned(),
        n.to_string(),
    ])
    .await?;
    let requests = emu.stats().requests;
    emu.shutdown().await;
    let ready = child_value(&lines, "READY")?;
    if ready as usize != n {
        return Err(format!("only {ready} of {n} waits ended ready"));
    }
    Ok(vec![
        Figure::new("wait_many_tasks", n as f64, "tasks"),
        Figure::new("wait_many_wall_s", child_value(&lines, "WAIT_S")?, "s"),
        Figure::new(
            "wait_many_peak_rss_mib",
            child_value(&lines, "VMHWM_KIB")? / 1024.0,
            "MiB",
        ),
        Figure::new("wait_many_requests", requests as f64, "requests"),
    ])
}

// ---------------------------------------------------------------- emulator rps

async fn bench_rps(quick: bool) -> Result<Vec<Figure>, String> {
    let emu = start(EmulatorConfig {
        pace: Pace::Instant,
        ..EmulatorConfig::default()
    })
    .await?;
    let ids = Arc::new(emu.seed_tasks("benchrpsindex", 100, "ready"));
    let base = emu.base_url();
    let key = emu.api_key().to_owned();
    let duration = Duration::from_secs(if quick { 1 } else { 10 });
    let mut workers = Vec::new();
    let deadline = Instant::now() + duration;
    for w in 0..32usize {
        let ids = Arc::clone(&ids);
        let base = base.clone();
        let key = key.clone();
        workers.push(tokio::spawn(async move {
            let http = reqwest::Client::builder()
                .pool_max_idle_per_host(1)
                .build()
                .map_err(|e| e.to_string())?;
            let mut lat = Vec::new();
            let mut i = w;
            while Instant::now() < deadline {
                let url = format!("{base}/v1.2/tasks/{}", ids[i % ids.len()]);
                i += 32;
                let t = Instant::now();
                let resp = http
                    .get(&url)
                    .header("x-api-key", &key)
                    .send()
                    .await
                    .map_err(|e| e.to_string())?;
                if !resp.status().is_success() {
                    return Err(format!("status {}", resp.status()));
                }
                std::hint::black_box(resp.bytes().await.map_err(|e| e.to_string())?);
                lat.push(t.elapsed().as_secs_f64() * 1e3);
            }
            Ok::<Vec<f64>, String>(lat)
        }));
    }
    let started = Instant::now();
    let mut all = Vec::new();
    for w in workers {
        all.extend(w.await.map_err(|e| e.to_string())??);
    }
    let elapsed = started.elapsed().as_secs_f64();
    emu.shutdown().await;
    Ok(vec![
        Figure::new("emulator_rps", all.len() as f64 / elapsed, "req/s"),
        Figure::new("emulator_p50_ms", median(&all), "ms"),
        Figure::new("emulator_p99_ms", percentile(&all, 99.0), "ms"),
    ])
}
