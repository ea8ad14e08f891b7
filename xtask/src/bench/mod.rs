//! `cargo xtask bench`: SDK-versus-raw-reqwest benchmarks against the local emulator.
//!
//! The full run re-executes itself in release (`cargo run --release -p xtask -- bench
//! --in-release ...`); `--quick` runs in the current binary with small sizes. Peak RSS
//! of uploads and of `wait_many` is measured in a child process (this executable,
//! `bench --upload-child ...` / `bench --wait-child ...`) that prints its `VmHWM`.
#![allow(clippy::print_stdout, clippy::print_stderr)]

mod bulk;
mod decode;
mod list;
mod retrieve;
mod rps;
mod upload;
mod wait_many;

use bulk::bench_bulk;
use decode::bench_decode;
use list::bench_list;
use retrieve::bench_retrieve;
use rps::bench_rps;
use upload::{bench_upload, bench_upload_rss, child_value, run_child, upload_child};
use wait_many::{bench_wait_many, wait_child};

use std::path::Path;
use std::process::Stdio;
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use twelvelabs::{Task, TaskPage, TwelveLabs};
use twelvelabs_emulator::{EmulatorConfig, FaultConfig, Pace};

use crate::support::{
    median, percentile, proc_status_kib, reset_peak_rss, sdk_client, start, temp_path,
    workspace_root, write_file, TempFile, MIB,
};

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
    section!("decode", bench_decode(quick));
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
         - `decode_overhead_ratio`: median time to decode a realistic 50-task v1.2 page (25 KB) \
         with `serde_json::from_slice::<TaskPage>` over the same into a plain `#[derive(Deserialize)]` \
         struct of the same fields and types (unknown keys ignored), batches interleaved in one run; \
         `decode_tasks_per_s` is the SDK side's throughput, `decode_plain_tasks_per_s` the baseline's.\n\
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
