//! Scenario 12: hostile request bodies against the emulator's intake
//! (issue 9 §5). The emulator **binary** runs as a child process (built with
//! `cargo build -p twelvelabs-emulator` first), so that its memory is measured
//! alone and from a fresh heap: the figure is the growth of its peak RSS
//! (`VmHWM` in `/proc/<pid>/status`) from after a warm-up request to after
//! all the hostile cases. The bodies are streamed from one constant chunk.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

use bytes::Bytes;

use super::*;
use crate::support::workspace_root;

/// Kills the child emulator when dropped.
struct ChildGuard(Child);

impl Drop for ChildGuard {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Builds the emulator binary (debug profile) and returns its path.
fn emulator_binary() -> Result<PathBuf, String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let root = workspace_root();
    let status = Command::new(cargo)
        .args([
            "build",
            "--quiet",
            "-p",
            "twelvelabs-emulator",
            "--bin",
            "twelvelabs-emulator",
        ])
        .current_dir(&root)
        .status()
        .map_err(|e| format!("cargo build: {e}"))?;
    if !status.success() {
        return Err(format!("cargo build of the emulator failed: {status}"));
    }
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target"));
    Ok(target.join("debug").join("twelvelabs-emulator"))
}

/// `VmHWM` of a process, in KiB.
fn child_hwm_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status.lines().find_map(|l| {
        let rest = l.strip_prefix("VmHWM:")?;
        rest.split_whitespace().next()?.parse().ok()
    })
}

/// Starts the binary on a free port; returns it and its base URL.
fn spawn_emulator() -> Result<(ChildGuard, String), String> {
    let bin = emulator_binary()?;
    let mut child = Command::new(&bin)
        .args(["--port", "0", "--pace", "instant"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("spawn {}: {e}", bin.display()))?;
    let stdout = child.stdout.take().ok_or("no stdout")?;
    let guard = ChildGuard(child);
    let mut reader = BufReader::new(stdout);
    let mut line = String::new();
    reader
        .read_line(&mut line)
        .map_err(|e| format!("read emulator banner: {e}"))?;
    // Keep reading: the emulator prints more lines and must not hit a closed pipe.
    std::thread::spawn(move || {
        let mut sink = String::new();
        while reader.read_line(&mut sink).map(|n| n > 0).unwrap_or(false) {
            sink.clear();
        }
    });
    let base = line
        .split_whitespace()
        .find(|w| w.starts_with("http://"))
        .ok_or_else(|| format!("no URL in {line:?}"))?
        .to_owned();
    Ok((guard, base))
}

/// Body size of each hostile case.
const HOSTILE_MIB: u64 = 64;
const BOUNDARY: &str = "xtask-intake-boundary";

/// A body of `head`, then `fill` repeated to `total` bytes, then `tail`,
/// streamed in 64 KiB chunks that share one allocation.
fn streamed(head: String, fill: u8, total: u64, tail: String) -> reqwest::Body {
    let chunk = Bytes::from(vec![fill; 64 * 1024]);
    let body_len = total.saturating_sub((head.len() + tail.len()) as u64);
    let n = body_len / chunk.len() as u64;
    let rest = (body_len % chunk.len() as u64) as usize;
    let mut parts: Vec<Bytes> = vec![Bytes::from(head)];
    let middle =
        std::iter::repeat_n(chunk.clone(), n as usize).chain(std::iter::once(chunk.slice(..rest)));
    let stream = futures_util::stream::iter(
        std::iter::once(parts.remove(0))
            .chain(middle)
            .chain(std::iter::once(Bytes::from(tail)))
            .map(Ok::<Bytes, std::io::Error>),
    );
    reqwest::Body::wrap_stream(stream)
}

fn part_header(name: &str) -> String {
    format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n")
}

/// `(case, path, content type, body)`.
fn cases(total: u64, index: &str) -> Vec<(&'static str, &'static str, String, reqwest::Body)> {
    let mp = format!("multipart/form-data; boundary={BOUNDARY}");
    let end = format!("\r\n--{BOUNDARY}--\r\n");
    let mut many_parts = String::new();
    for i in 0..200 {
        many_parts.push_str(&format!("{}\r\nx\r\n", part_header(&format!("p{i}"))));
    }
    vec![
        (
            "long part-header line",
            "/v1.2/tasks",
            mp.clone(),
            streamed(
                format!("{}X-Long: ", part_header("index_id")),
                b'a',
                total,
                format!("\r\n\r\n{index}{end}"),
            ),
        ),
        (
            "no boundary at all",
            "/v1.3/tasks",
            mp.clone(),
            streamed(String::new(), b'z', total, String::new()),
        ),
        (
            "many parts then junk",
            "/v1.2/tasks",
            mp.clone(),
            streamed(many_parts, b'q', total, end.clone()),
        ),
        (
            "64 MiB text field",
            "/v1.2/tasks",
            mp.clone(),
            streamed(
                format!(
                    "{}\r\n{index}\r\n{}\r\n",
                    part_header("index_id"),
                    part_header("video_url")
                ),
                b'u',
                total,
                end.clone(),
            ),
        ),
        (
            "64 MiB legacy transfer file",
            "/v1.2/tasks/transfers",
            mp,
            streamed(format!("{}\r\n", part_header("file")), b'[', total, end),
        ),
        (
            "64 MiB JSON import body",
            "/v1.3/tasks/transfers/import/demo-integration",
            "application/json".to_owned(),
            streamed("{\"index_id\":\"".to_owned(), b'a', total, "\"}".to_owned()),
        ),
        (
            "64 MiB JSON index body",
            "/v1.2/indexes",
            "application/json".to_owned(),
            streamed(
                "{\"index_name\":\"".to_owned(),
                b'n',
                total,
                "\"}".to_owned(),
            ),
        ),
    ]
}

pub(super) async fn s12_intake(quick: bool) -> Checks {
    let _ = quick;
    let total = HOSTILE_MIB * MIB;
    let (child, base_url) = spawn_emulator()?;
    let pid = child.0.id();
    let key = twelvelabs_emulator::DEFAULT_API_KEY;
    let index = twelvelabs_emulator::DEMO_INDEX_ID;
    let http = reqwest::Client::builder()
        .no_proxy()
        .build()
        .map_err(|e| format!("http client: {e}"))?;
    let url = |p: &str| format!("{base_url}{p}");
    // Warm-up: one ordinary create and list, so that lazily grown buffers and
    // thread stacks are in the baseline.
    let warm = http
        .get(url("/v1.2/tasks"))
        .header("x-api-key", key)
        .send()
        .await
        .map_err(|e| format!("warm-up: {e}"))?;
    if !warm.status().is_success() {
        return Err(format!("warm-up: {}", warm.status()));
    }
    let base = child_hwm_kib(pid).ok_or("no VmHWM for the emulator process")?;
    let mut worst_case = String::new();
    let mut bad_answers = Vec::new();
    let mut peak_growth_kib = 0u64;
    for (name, path, ct, body) in cases(total, index) {
        let t = Instant::now();
        let r = http
            .post(url(path))
            .header("x-api-key", key)
            .header("content-type", ct)
            .body(body)
            .send()
            .await;
        let status = match r {
            Ok(r) => {
                let s = r.status();
                let text = r.bytes().await.unwrap_or_default();
                let body: serde_json::Value = serde_json::from_slice(&text).unwrap_or_default();
                if !body["code"].is_string() {
                    bad_answers.push(format!("{name}: no API error body"));
                }
                s.as_u16()
            }
            Err(e) => {
                bad_answers.push(format!("{name}: {e}"));
                0
            }
        };
        if !(status == 400 || status == 413) {
            bad_answers.push(format!("{name}: status {status}"));
        }
        let hwm = child_hwm_kib(pid).unwrap_or(base);
        let growth = hwm.saturating_sub(base);
        if growth > peak_growth_kib || worst_case.is_empty() {
            peak_growth_kib = growth;
            worst_case = name.to_owned();
        }
        eprintln!(
            "  intake {name}: {status} in {:.2}s, peak growth {:.1} MiB",
            t.elapsed().as_secs_f64(),
            growth as f64 / 1024.0
        );
    }
    // Still alive after every case (a panic would have answered 500).
    let alive = child_hwm_kib(pid).is_some();
    drop(child);
    let peak_mib = peak_growth_kib as f64 / 1024.0;
    Ok(vec![
        check(
            "emulator_intake_peak_mib",
            format!("{peak_mib:.1}"),
            &format!("≤ 16 ({} MiB bodies)", total / MIB),
            peak_mib <= 16.0,
        ),
        check(
            "emulator_intake_answers",
            if bad_answers.is_empty() {
                "all 400/413 with error body".to_owned()
            } else {
                bad_answers.join("; ")
            },
            "every case 400/413 with error body",
            bad_answers.is_empty() && alive,
        ),
        note("emulator_intake_worst_case", worst_case),
        note(
            "emulator_intake_baseline_mib",
            format!(
                "{:.1} (binary as a child process, VmHWM)",
                base as f64 / 1024.0
            ),
        ),
    ])
}
