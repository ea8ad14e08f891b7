//! `cargo xtask resilience`: fault scenarios against the emulator (and tiny canned
//! HTTP servers) on 127.0.0.1. Prints a table, one `RESILIENCE <name> <value>` line
//! per figure and `RESILIENCE summary <passed>/<total>`; fails if a scenario misses
//! its bar. `--quick` uses smaller counts.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::future::Future;
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tracing_subscriber::fmt::format::FmtSpan;
use tracing_subscriber::fmt::MakeWriter;
use twelvelabs::emulator::{Emulator, EmulatorConfig, FaultConfig, Pace, FAULT_HEADER};
use twelvelabs::tasks::{DateFilter, DateValue};
use twelvelabs::{ApiErrorKind, Error, RetryPolicy, TwelveLabs};

use crate::bench::{proc_status_kib, write_file};

const MIB: u64 = 1024 * 1024;

struct Check {
    name: String,
    value: String,
    bar: String,
    pass: bool,
    /// Print the value as is on the `RESILIENCE` line (spaces kept).
    verbatim: bool,
}

fn check(name: &str, value: impl ToString, bar: &str, pass: bool) -> Check {
    Check {
        name: name.to_owned(),
        value: value.to_string(),
        bar: bar.to_owned(),
        pass,
        verbatim: false,
    }
}

/// A statement about the setup (no bar), printed verbatim.
fn note(name: &str, value: impl ToString) -> Check {
    Check {
        verbatim: true,
        ..check(name, value, "informational", true)
    }
}

type Checks = Result<Vec<Check>, String>;

fn fast() -> RetryPolicy {
    RetryPolicy::default().with_backoff(Duration::from_millis(1), Duration::from_millis(5))
}

async fn start(config: EmulatorConfig) -> Result<Emulator, String> {
    Emulator::start(config)
        .await
        .map_err(|e| format!("emulator: {e}"))
}

fn client_for(base: &str, key: &str) -> Result<TwelveLabs, String> {
    TwelveLabs::builder()
        .api_key(key)
        .base_url(base)
        .build()
        .map_err(|e| format!("client: {e}"))
}

fn client(emu: &Emulator) -> Result<TwelveLabs, String> {
    client_for(&emu.base_url(), emu.api_key())
}

fn instant() -> EmulatorConfig {
    EmulatorConfig {
        pace: Pace::Instant,
        ..EmulatorConfig::default()
    }
}

/// A short name of an error's variant, with status or flags.
fn describe(e: &Error) -> String {
    match e {
        Error::Api(a) => format!("Api({} {:?})", a.status.as_u16(), a.kind),
        Error::Timeout {
            outcome_unknown, ..
        } => format!("Timeout(outcome_unknown={outcome_unknown})"),
        Error::Connection {
            outcome_unknown, ..
        } => format!("Connection(outcome_unknown={outcome_unknown})"),
        Error::Decode { status, path, .. } => format!("Decode({} at {path})", status.as_u16()),
        Error::ResponseTooLarge { limit, .. } => format!("ResponseTooLarge(limit={limit})"),
        Error::InvalidInput { field, .. } => format!("InvalidInput({field})"),
        Error::Io { source, .. } => format!("Io({:?})", source.kind()),
        Error::WaitTimeout { waited, .. } => format!("WaitTimeout({waited:?})"),
        Error::TaskCreated { source, .. } => format!("TaskCreated({})", describe(source)),
        Error::Config(_) => "Config".to_owned(),
        _ => format!("other: {e}"),
    }
}

fn temp_path(name: &str) -> PathBuf {
    std::env::temp_dir().join(format!("xtask-res-{}-{name}", std::process::id()))
}

struct TempFile(PathBuf);
impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

// ---------------------------------------------------------------- canned servers

/// What a canned server answers to every request.
#[derive(Clone)]
enum Reply {
    /// A complete HTTP/1.1 response.
    Raw(Vec<u8>),
    /// A 200 whose body is `size` bytes of JSON-ish filler (chunked or with length).
    Huge { size: u64, chunked: bool },
}

/// A tiny HTTP/1.1 server on 127.0.0.1: counts hits and whether any request carried
/// an `x-api-key` header.
struct Canned {
    port: u16,
    hits: Arc<AtomicUsize>,
    saw_key: Arc<AtomicBool>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Canned {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl Canned {
    fn base(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }
}

fn http_response(status: &str, headers: &[(&str, &str)], body: &[u8]) -> Reply {
    let mut s = format!("HTTP/1.1 {status}\r\n");
    for (k, v) in headers {
        s.push_str(&format!("{k}: {v}\r\n"));
    }
    s.push_str(&format!(
        "Content-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    ));
    let mut out = s.into_bytes();
    out.extend_from_slice(body);
    Reply::Raw(out)
}

fn json_200(body: &str) -> Reply {
    http_response(
        "200 OK",
        &[("Content-Type", "application/json")],
        body.as_bytes(),
    )
}

async fn canned(reply: Reply) -> Result<Canned, String> {
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .map_err(|e| e.to_string())?;
    let port = listener.local_addr().map_err(|e| e.to_string())?.port();
    let hits = Arc::new(AtomicUsize::new(0));
    let saw_key = Arc::new(AtomicBool::new(false));
    let (h, k) = (Arc::clone(&hits), Arc::clone(&saw_key));
    let task = tokio::spawn(async move {
        while let Ok((mut sock, _)) = listener.accept().await {
            let (h, k, reply) = (Arc::clone(&h), Arc::clone(&k), reply.clone());
            tokio::spawn(async move {
                let mut buf = Vec::new();
                let mut chunk = [0u8; 4096];
                while !buf.windows(4).any(|w| w == b"\r\n\r\n") && buf.len() < 64 * 1024 {
                    match sock.read(&mut chunk).await {
                        Ok(0) | Err(_) => break,
                        Ok(n) => buf.extend_from_slice(&chunk[..n]),
                    }
                }
                h.fetch_add(1, Ordering::SeqCst);
                if String::from_utf8_lossy(&buf)
                    .to_ascii_lowercase()
                    .contains("\r\nx-api-key:")
                {
                    k.store(true, Ordering::SeqCst);
                }
                match reply {
                    Reply::Raw(bytes) => {
                        let _ = sock.write_all(&bytes).await;
                    }
                    Reply::Huge { size, chunked } => {
                        let head = if chunked {
                            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n".to_owned()
                        } else {
                            format!("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {size}\r\n\r\n")
                        };
                        if sock.write_all(head.as_bytes()).await.is_err() {
                            return;
                        }
                        let mut block = vec![b'a'; 64 * 1024];
                        block[..8].copy_from_slice(b"{\"_id\":\"");
                        let mut sent = 0u64;
                        while sent < size {
                            let n = (size - sent).min(block.len() as u64) as usize;
                            let r = if chunked {
                                let mut framed = format!("{n:x}\r\n").into_bytes();
                                framed.extend_from_slice(&block[..n]);
                                framed.extend_from_slice(b"\r\n");
                                sock.write_all(&framed).await
                            } else {
                                sock.write_all(&block[..n]).await
                            };
                            if r.is_err() {
                                return;
                            }
                            sent += n as u64;
                            block[..8].copy_from_slice(b"aaaaaaaa");
                        }
                        if chunked {
                            let _ = sock.write_all(b"0\r\n\r\n").await;
                        }
                    }
                }
                let _ = sock.shutdown().await;
            });
        }
    });
    Ok(Canned {
        port,
        hits,
        saw_key,
        task,
    })
}

// ---------------------------------------------------------------- runner

/// Entry point of `cargo xtask resilience [--quick]`.
pub async fn run(args: &[String]) -> Result<(), String> {
    let quick = args.iter().any(|a| a == "--quick");
    let bound = Duration::from_secs(if quick { 60 } else { 180 });
    println!("resilience: mode={}", if quick { "quick" } else { "full" });
    type Scenario = (
        &'static str,
        std::pin::Pin<Box<dyn Future<Output = Checks> + Send>>,
    );
    let scenarios: Vec<Scenario> = vec![
        ("1 retrieve with 30% 503", Box::pin(s1_retries(quick))),
        (
            "2 create with 20% 503-after-commit",
            Box::pin(s2_after_commit(quick)),
        ),
        ("3 429 with Retry-After", Box::pin(s3_rate_limit())),
        ("4 dropped connections", Box::pin(s4_drop(quick))),
        ("5 stall vs per-call timeout", Box::pin(s5_stall())),
        ("6 wait_for_done", Box::pin(s6_wait(quick))),
        ("7 bad inputs and bad responses", Box::pin(s7_bad_inputs())),
        ("8 secrets", Box::pin(s8_secrets())),
        ("9 64 waits + 64 uploads", Box::pin(s9_concurrency(quick))),
    ];
    let total = scenarios.len();
    let mut passed = 0usize;
    let mut rows: Vec<(String, Check)> = Vec::new();
    for (title, fut) in scenarios {
        let t = Instant::now();
        let checks = match tokio::time::timeout(bound, fut).await {
            Ok(Ok(c)) => c,
            Ok(Err(e)) => vec![check("error", e, "no error", false)],
            Err(_) => vec![check(
                "time_bound",
                format!("> {bound:?}"),
                "finishes",
                false,
            )],
        };
        let ok = checks.iter().all(|c| c.pass);
        if ok {
            passed += 1;
        }
        eprintln!(
            "resilience {title}: {} in {:.1}s",
            if ok { "PASS" } else { "FAIL" },
            t.elapsed().as_secs_f64()
        );
        for c in checks {
            rows.push((title.to_owned(), c));
        }
    }
    println!();
    println!(
        "| {:<38} | {:<34} | {:<28} | {:<44} | ok |",
        "scenario", "figure", "value", "bar"
    );
    println!("|{}|", "-".repeat(38 + 34 + 28 + 44 + 17));
    for (title, c) in &rows {
        println!(
            "| {:<38} | {:<34} | {:<28} | {:<44} | {} |",
            title,
            c.name,
            c.value,
            c.bar,
            if c.pass { "ok" } else { "MISS" }
        );
    }
    println!();
    for (_, c) in &rows {
        if c.verbatim {
            println!("RESILIENCE {} {}", c.name, c.value);
        } else {
            println!("RESILIENCE {} {}", c.name, c.value.replace(' ', "_"));
        }
    }
    println!("RESILIENCE summary {passed}/{total}");
    if passed == total {
        Ok(())
    } else {
        Err(format!("{} scenario(s) missed their bar", total - passed))
    }
}

// ---------------------------------------------------------------- 1

/// The longest burst of injected faults per request key in scenarios 1 and 4:
/// transient faults are modelled as bounded bursts (a transient fault ends).
const MAX_BURST: u32 = 5;

async fn s1_retries(quick: bool) -> Checks {
    let n: u32 = if quick { 200 } else { 1000 };
    let emu = start(EmulatorConfig {
        faults: FaultConfig {
            seed: 42,
            error_rate: 0.3,
            max_consecutive_faults: Some(MAX_BURST),
            ..FaultConfig::default()
        },
        ..instant()
    })
    .await?;
    let id = emu.seed_tasks("resretryindex", 1, "ready").remove(0);
    let c = client(&emu)?;
    let mut out = vec![note(
        "s1_fault_model",
        format!("random 30%, bursts ≤ {MAX_BURST}"),
    )];
    // The default policy (3 attempts, shorter backoff), then 6 attempts: more than
    // the longest burst, so every call must get through.
    for (policy, label) in [
        (fast(), "default"),
        (fast().with_max_attempts(MAX_BURST + 1), "max6"),
    ] {
        let attempts = policy.max_attempts;
        let (r0, f0) = (emu.stats().requests, emu.stats().faults_injected);
        let (mut ok, mut fail, mut wrong) = (0u32, 0u32, Vec::new());
        let mut longest = 0u64;
        for _ in 0..n {
            // Calls are sequential, so the emulator's counters split per call.
            let (r, f) = (emu.stats().requests, emu.stats().faults_injected);
            let result = c.task().retrieve(&id).with_retry(policy.clone()).await;
            let used = emu.stats().requests - r;
            let faults = emu.stats().faults_injected - f;
            longest = longest.max(faults);
            match result {
                // Every request but the last was a 503.
                Ok(_) if faults + 1 == used => ok += 1,
                Ok(_) => wrong.push(format!("Ok after {used} requests, {faults} faults")),
                // A failure: every attempt used, and every one was a 503.
                Err(e)
                    if e.status().map(|s| s.as_u16()) == Some(503)
                        && used == u64::from(attempts)
                        && faults == used =>
                {
                    fail += 1
                }
                Err(e) => wrong.push(format!(
                    "{} after {used} requests, {faults} faults",
                    describe(&e)
                )),
            }
        }
        for w in wrong.iter().take(5) {
            eprintln!("  s1 {label}: unexpected {w}");
        }
        let requests = emu.stats().requests - r0;
        let faults = emu.stats().faults_injected - f0;
        let share = 100.0 * faults as f64 / requests.max(1) as f64;
        if label == "max6" {
            out.push(check(
                &format!("s1_{label}_successes"),
                format!("{ok}/{n}"),
                &format!("{n}/{n} ({attempts} attempts > bursts ≤ {MAX_BURST})"),
                ok == n && wrong.is_empty(),
            ));
        } else {
            out.push(check(
                &format!("s1_{label}_successes"),
                format!("{ok}/{n}"),
                "informational",
                true,
            ));
            out.push(check(
                &format!("s1_{label}_failures"),
                fail,
                &format!("each a 503 after exactly {attempts} requests, all 503"),
                wrong.is_empty() && ok + fail == n,
            ));
        }
        out.push(check(
            &format!("s1_{label}_requests"),
            requests,
            &format!("{n}..={} ({n}·{attempts})", n * attempts),
            requests <= u64::from(n * attempts) && requests >= u64::from(n),
        ));
        out.push(check(
            &format!("s1_{label}_503_share"),
            format!("{share:.1}%"),
            "≈ 30 % of responses (sanity: 20..=40 %)",
            (20.0..=40.0).contains(&share),
        ));
        out.push(check(
            &format!("s1_{label}_longest_burst_in_a_call"),
            longest,
            &format!("≤ {MAX_BURST}"),
            longest <= u64::from(MAX_BURST),
        ));
    }
    emu.shutdown().await;
    Ok(out)
}

// ---------------------------------------------------------------- 2

async fn s2_after_commit(quick: bool) -> Checks {
    let n = if quick { 60 } else { 200 };
    let emu = start(EmulatorConfig {
        faults: FaultConfig {
            seed: 7,
            error_after_commit_rate: 0.2,
            ..FaultConfig::default()
        },
        ..instant()
    })
    .await?;
    let c = client(&emu)?;
    let index = "resaftercommitindex";
    let (mut ok_ids, mut fail503, mut other) = (Vec::new(), 0usize, Vec::new());
    for i in 0..n {
        match c
            .task()
            .create(index)
            .url(format!("https://videos.example.com/ac/{i}.mp4"))
            .send()
            .await
        {
            Ok(t) => ok_ids.push(t.id.to_string()),
            Err(Error::Api(a)) if a.status.as_u16() == 503 => fail503 += 1,
            Err(e) => other.push(describe(&e)),
        }
    }
    let stats = emu.stats();
    let mut listed = Vec::new();
    let mut stream = c.task().list().index_id(index).page_limit(50).into_stream();
    while let Some(t) = stream.next().await {
        listed.push(t.map_err(|e| e.to_string())?.id.to_string());
    }
    listed.sort();
    let before = listed.len();
    listed.dedup();
    let unique_listed = listed.len() == before;
    let all_ok_listed = ok_ids.iter().all(|id| listed.binary_search(id).is_ok());
    emu.shutdown().await;
    let expected = ok_ids.len() + fail503;
    Ok(vec![
        check("s2_successes", ok_ids.len(), "informational", true),
        check(
            "s2_failures_api_503",
            fail503,
            "every failure is Error::Api 503",
            other.is_empty() && fail503 > 0,
        ),
        check("s2_failures_other", other.len(), "0", other.is_empty()),
        check(
            "s2_server_tasks",
            listed.len(),
            &format!("= successes + 503s = {expected}"),
            listed.len() == expected && stats.tasks_created as usize == expected,
        ),
        check(
            "s2_duplicates",
            stats.tasks_created as usize - expected.min(stats.tasks_created as usize),
            "0 (each create reached the server once)",
            stats.tasks_created as usize == n && unique_listed && all_ok_listed,
        ),
    ])
}

// ---------------------------------------------------------------- 3

async fn s3_rate_limit() -> Checks {
    let emu = start(instant()).await?;
    let id = emu.seed_tasks("resrlindex", 1, "ready").remove(0);
    let c = client(&emu)?;
    let before = emu.stats().requests;
    let t = Instant::now();
    // The header applies to every attempt: 2 attempts → one wait of Retry-After.
    let r = c
        .task()
        .retrieve(&id)
        .with_header(FAULT_HEADER, "429:1")
        .with_retry(fast().with_max_attempts(2))
        .await;
    let waited = t.elapsed();
    let reqs = emu.stats().requests - before;
    let first_ok = matches!(&r, Err(e) if e.api().map(|a| a.kind) == Some(ApiErrorKind::RateLimit));

    let before = emu.stats().requests;
    let t = Instant::now();
    let r2 = c
        .task()
        .retrieve(&id)
        .with_header(FAULT_HEADER, "429:1")
        .with_retry(fast().with_max_retry_after(Duration::from_millis(500)))
        .await;
    let immediate = t.elapsed();
    let reqs2 = emu.stats().requests - before;
    let ra = r2.as_ref().err().and_then(Error::retry_after);
    emu.shutdown().await;
    Ok(vec![
        check(
            "s3_wait_before_retry_ms",
            waited.as_millis(),
            "≥ 1000 ms, 2 requests, ends RateLimit",
            waited >= Duration::from_secs(1) && reqs == 2 && first_ok,
        ),
        check(
            "s3_max_retry_after_ms",
            immediate.as_millis(),
            "< 250 ms, 1 request",
            immediate < Duration::from_millis(250) && reqs2 == 1,
        ),
        check(
            "s3_retry_after",
            format!("{ra:?}"),
            "Some(1s)",
            ra == Some(Duration::from_secs(1)),
        ),
    ])
}

// ---------------------------------------------------------------- 4

async fn s4_drop(quick: bool) -> Checks {
    let n: u32 = if quick { 40 } else { 100 };
    let attempts = MAX_BURST + 1;
    let emu = start(EmulatorConfig {
        faults: FaultConfig {
            seed: 11,
            drop_rate: 0.3,
            max_consecutive_faults: Some(MAX_BURST),
            ..FaultConfig::default()
        },
        ..instant()
    })
    .await?;
    let id = emu.seed_tasks("resdropindex", 1, "ready").remove(0);
    let c = client(&emu)?;
    // Drops come in bursts of at most 5 per request key: 6 attempts always get through.
    let (mut ok, mut bad) = (0u32, 0u32);
    for _ in 0..n {
        let (r, f) = (emu.stats().requests, emu.stats().faults_injected);
        let result = c
            .task()
            .retrieve(&id)
            .with_retry(fast().with_max_attempts(attempts))
            .await;
        let used = emu.stats().requests - r;
        let drops = emu.stats().faults_injected - f;
        match result {
            // Each dropped response cost exactly one more request.
            Ok(_) if used == drops + 1 => ok += 1,
            Ok(_) => {
                eprintln!("  s4 GET Ok after {used} requests but {drops} drops");
                bad += 1;
            }
            Err(e) => {
                eprintln!(
                    "  s4 GET failed after {used} requests ({drops} drops): {}: {e}",
                    describe(&e)
                );
                bad += 1;
            }
        }
    }
    let dropped = emu.stats().faults_injected;
    let get_requests = emu.stats().requests;
    emu.shutdown().await;

    // POST upload with the connection dropped mid-response: not retried.
    let emu = start(instant()).await?;
    let c = client(&emu)?;
    let file = TempFile(temp_path("drop.bin"));
    write_file(&file.0, MIB)?;
    let before = emu.stats();
    let r = c
        .task()
        .create("resdropindex")
        .file(&file.0)
        .with_header(FAULT_HEADER, "drop")
        .send_raw()
        .await;
    let after = emu.stats();
    emu.shutdown().await;
    let (kind, display) = match &r {
        Err(e) => (describe(e), e.to_string()),
        Ok(v) => (format!("Ok({v:?})"), String::new()),
    };
    let unknown = matches!(
        r,
        Err(Error::Connection {
            outcome_unknown: true,
            ..
        })
    );
    Ok(vec![
        check(
            "s4_get_successes",
            format!("{ok}/{n}"),
            &format!("{n}/{n} (drop_rate 0.3, bursts ≤ {MAX_BURST}, {attempts} attempts)"),
            ok == n && bad == 0,
        ),
        check(
            "s4_get_drops_retried",
            dropped,
            &format!("≥ 1; requests = {n} + drops"),
            dropped >= 1 && get_requests == u64::from(n) + dropped,
        ),
        check(
            "s4_post_error",
            kind,
            "Connection(outcome_unknown=true)",
            unknown,
        ),
        check(
            "s4_post_display_outcome_unknown",
            display.contains("outcome unknown"),
            "true",
            display.contains("outcome unknown"),
        ),
        check(
            "s4_post_requests",
            after.requests - before.requests,
            "1 (not retried)",
            after.requests - before.requests == 1,
        ),
    ])
}

// ---------------------------------------------------------------- 5

async fn s5_stall() -> Checks {
    let emu = start(instant()).await?;
    let id = emu.seed_tasks("resstallindex", 1, "ready").remove(0);
    let c = client(&emu)?;
    let limit = Duration::from_millis(500);
    let margin = Duration::from_millis(250);
    let t = Instant::now();
    let r = c
        .task()
        .retrieve(&id)
        .with_header(FAULT_HEADER, "stall:3000")
        .with_timeout(limit)
        .with_retry(RetryPolicy::none())
        .await;
    let get_time = t.elapsed();
    let t = Instant::now();
    let r2 = c
        .task()
        .create("resstallindex")
        .url("https://videos.example.com/stall.mp4")
        .with_header(FAULT_HEADER, "stall:3000")
        .with_timeout(limit)
        .with_retry(RetryPolicy::none())
        .send_raw()
        .await;
    let post_time = t.elapsed();
    drop(emu); // aborts the stalled handlers
    let in_bound = |d: Duration| d >= limit && d <= limit + margin;
    Ok(vec![
        check(
            "s5_get_error",
            r.as_ref().err().map(describe).unwrap_or("Ok".into()),
            "Timeout",
            matches!(r, Err(Error::Timeout { .. })),
        ),
        check(
            "s5_get_elapsed_ms",
            get_time.as_millis(),
            "500..=750 ms",
            in_bound(get_time),
        ),
        check(
            "s5_post_error",
            r2.as_ref().err().map(describe).unwrap_or("Ok".into()),
            "Timeout(outcome_unknown=true)",
            matches!(
                r2,
                Err(Error::Timeout {
                    outcome_unknown: true,
                    ..
                })
            ),
        ),
        check(
            "s5_post_elapsed_ms",
            post_time.as_millis(),
            "500..=750 ms",
            in_bound(post_time),
        ),
    ])
}

// ---------------------------------------------------------------- 6

async fn s6_wait(quick: bool) -> Checks {
    let mut out = Vec::new();
    // a) 401 at the first poll.
    let emu = start(EmulatorConfig::default()).await?;
    let c = client(&emu)?;
    let task = c
        .task()
        .create("reswaitindex")
        .url("https://videos.example.com/w.mp4")
        .send()
        .await
        .map_err(|e| e.to_string())?;
    let wrong = client_for(&emu.base_url(), "tlk_wrong_key")?;
    let before = emu.stats().requests;
    let t = Instant::now();
    let r = wrong
        .task()
        .wait_for_done(task.id.as_str())
        .sleep_interval(Duration::from_millis(100))
        .await;
    let reqs = emu.stats().requests - before;
    emu.shutdown().await;
    out.push(check(
        "s6_401_error",
        r.as_ref().err().map(describe).unwrap_or("Ok".into()),
        "Api 401 Authentication, 1 request, < 1 s",
        matches!(&r, Err(e) if e.api().map(|a| a.kind) == Some(ApiErrorKind::Authentication))
            && reqs == 1
            && t.elapsed() < Duration::from_secs(1),
    ));

    // b) a task that never finishes.
    let deadline = Duration::from_secs(if quick { 2 } else { 10 });
    let emu = start(EmulatorConfig {
        pace: Pace::Every(Duration::from_secs(3600)),
        ..EmulatorConfig::default()
    })
    .await?;
    let c = client(&emu)?;
    let task = c
        .task()
        .create("reswaitindex")
        .url("https://videos.example.com/slow.mp4")
        .send()
        .await
        .map_err(|e| e.to_string())?;
    let t = Instant::now();
    let r = task
        .wait_for_done()
        .sleep_interval(Duration::from_secs(1))
        .timeout(deadline)
        .await;
    let took = t.elapsed();
    emu.shutdown().await;
    out.push(check(
        "s6_never_done_error",
        r.as_ref().err().map(describe).unwrap_or("Ok".into()),
        "WaitTimeout",
        matches!(r, Err(Error::WaitTimeout { .. })),
    ));
    out.push(check(
        "s6_never_done_elapsed_ms",
        took.as_millis(),
        &format!(
            "{}..={} ms",
            deadline.as_millis(),
            deadline.as_millis() + 500
        ),
        took >= deadline && took <= deadline + Duration::from_millis(500),
    ));

    // c) 503 bursts against the error budget (5 transient errors in a row, the
    //    default): every poll is answered 503 (error_rate 1.0) except that a burst
    //    ends after `burst` faults; per-call retries off, so the wait sees each 503.
    //    A burst of 3 (shorter than the budget) is absorbed; a burst of 6 is not.
    for burst in [3u32, 6] {
        let emu = start(EmulatorConfig {
            faults: FaultConfig {
                seed: 5,
                error_rate: 1.0,
                max_consecutive_faults: Some(burst),
                ..FaultConfig::default()
            },
            ..EmulatorConfig::default()
        })
        .await?;
        let c = client(&emu)?;
        // Injected 503s come before the handler: retrying the create cannot duplicate it.
        let created = c
            .task()
            .create("reswaitindex")
            .url("https://videos.example.com/burst.mp4")
            .with_retry(
                fast()
                    .with_max_attempts(burst + 1)
                    .with_retry_non_idempotent(true),
            )
            .send_raw()
            .await
            .map_err(|e| format!("setup create: {e}"))?;
        let answered = Arc::new(AtomicUsize::new(0));
        let seen = Arc::clone(&answered);
        let (r0, f0) = (emu.stats().requests, emu.stats().faults_injected);
        let r = c
            .task()
            .wait_for_done(created.id.as_str())
            .sleep_interval(Duration::from_millis(10))
            .timeout(Duration::from_secs(30))
            .callback(move |_| {
                seen.fetch_add(1, Ordering::SeqCst);
            })
            .with_retry(RetryPolicy::none())
            .await;
        let polls = emu.stats().requests - r0;
        let faults = emu.stats().faults_injected - f0;
        let answered = answered.load(Ordering::SeqCst) as u64;
        emu.shutdown().await;
        let result = match &r {
            Ok(t) => format!("Ok({})", t.status),
            Err(e) => describe(e),
        };
        if burst < 5 {
            out.push(check(
                &format!("s6_burst{burst}_result"),
                result,
                "Ok(ready)",
                matches!(&r, Ok(t) if t.status == "ready"),
            ));
            out.push(check(
                &format!("s6_burst{burst}_503s_absorbed"),
                format!("{faults} in {answered} bursts"),
                &format!("{burst} before each answered poll (≥ 3 per burst)"),
                faults == u64::from(burst) * answered
                    && answered >= 1
                    && polls == faults + answered,
            ));
        } else {
            out.push(check(
                &format!("s6_burst{burst}_result"),
                format!("{result} after {polls} polls"),
                "Api 503 after 6 polls (budget 5 bounds the wait)",
                matches!(&r, Err(e) if e.status().map(|s| s.as_u16()) == Some(503))
                    && polls == 6
                    && faults == 6
                    && answered == 0,
            ));
        }
    }
    Ok(out)
}

// ---------------------------------------------------------------- 7

type CaseResult = Result<String, String>;

/// Ok(description) when `r` is an error accepted by `accept`.
fn want_err<T: std::fmt::Debug>(
    r: Result<T, Error>,
    accept: impl Fn(&Error) -> bool,
) -> CaseResult {
    match r {
        Err(e) if accept(&e) => Ok(describe(&e)),
        Err(e) => Err(format!("unexpected {}: {e}", describe(&e))),
        Ok(v) => {
            let s = format!("{v:?}");
            Err(format!("unexpected success: {}", &s[..s.len().min(120)]))
        }
    }
}

fn is_invalid(e: &Error) -> bool {
    matches!(e, Error::InvalidInput { .. })
}

fn is_4xx_or_invalid(e: &Error) -> bool {
    is_invalid(e) || e.status().is_some_and(|s| s.is_client_error())
}

fn is_decode(e: &Error) -> bool {
    matches!(e, Error::Decode { .. })
}

async fn s7_bad_inputs() -> Checks {
    let emu = start(EmulatorConfig {
        pace: Pace::Instant,
        ..EmulatorConfig::default()
    })
    .await?;
    let slow = start(EmulatorConfig {
        faults: FaultConfig {
            latency: Duration::from_millis(1000),
            ..FaultConfig::default()
        },
        ..instant()
    })
    .await?;
    let c = client(&emu)?;
    let cs = client(&slow)?;
    let seeded = emu.seed_tasks("resbadindex", 1, "ready").remove(0);
    let none = RetryPolicy::none();
    let small = TempFile(temp_path("small.bin"));
    write_file(&small.0, 64 * 1024)?;
    let empty = TempFile(temp_path("empty.bin"));
    write_file(&empty.0, 0)?;
    let mut non_utf8 = std::env::temp_dir().into_os_string().into_vec();
    non_utf8.extend_from_slice(format!("/xtask-res-{}-", std::process::id()).as_bytes());
    non_utf8.extend_from_slice(b"\xff\xfe.mp4");
    let non_utf8 = TempFile(PathBuf::from(std::ffi::OsStr::from_bytes(&non_utf8)));
    write_file(&non_utf8.0, 64 * 1024)?;
    let missing_non_utf8 = PathBuf::from(std::ffi::OsStr::from_bytes(b"/nonexistent/\xff\xfe.mp4"));
    let locked = TempFile(temp_path("locked.bin"));
    write_file(&locked.0, 64 * 1024)?;
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&locked.0, std::fs::Permissions::from_mode(0o000))
            .map_err(|e| e.to_string())?;
    }
    let shrinking = TempFile(temp_path("shrink.bin"));
    write_file(&shrinking.0, 64 * MIB)?;

    // Canned servers.
    let html = canned(http_response(
        "502 Bad Gateway",
        &[("Content-Type", "text/html")],
        b"<html><body><h1>502 Bad Gateway</h1></body></html>",
    ))
    .await?;
    let truncated = canned(json_200(r#"{"_id":"abc","status":"rea"#)).await?;
    let empty_200 = canned(json_200("")).await?;
    let unknown_status = canned(json_200(r#"{"_id":"abc","status":"archiving"}"#)).await?;
    let unknown_fields = canned(json_200(
        r#"{"_id":"abc","status":"ready","brand_new":{"x":[1,2]},"another":7}"#,
    ))
    .await?;
    let nulls = canned(json_200(
        r#"{"_id":"abc","status":"ready","index_id":null,"video_id":null,"created_at":null,"metadata":null,"hls":null,"process":null,"estimated_time":null}"#,
    ))
    .await?;
    let array = canned(json_200("[1,2,3]")).await?;
    let bad_utf8 = canned(http_response(
        "200 OK",
        &[("Content-Type", "application/json")],
        b"{\"_id\":\"\xff\xfe\",\"status\":\"ready\"}",
    ))
    .await?;
    let not_found_text = canned(http_response(
        "404 Not Found",
        &[("Content-Type", "text/plain")],
        b"not found",
    ))
    .await?;
    let weird_429 = canned(http_response(
        "429 Too Many Requests",
        &[("Retry-After", "soon")],
        b"{}",
    ))
    .await?;
    let redirect_no_loc = canned(http_response("302 Found", &[], b"")).await?;
    let no_page_info = canned(json_200(r#"{"data":[]}"#)).await?;
    let stuck_pages = canned(json_200(
        r#"{"data":[{"_id":"a","status":"ready"}],"page_info":{"limit_per_page":1,"page":1,"total_page":5,"total_results":5}}"#,
    ))
    .await?;
    let huge_chunked = canned(Reply::Huge {
        size: 1 << 30,
        chunked: true,
    })
    .await?;
    let huge_len = canned(Reply::Huge {
        size: 1 << 30,
        chunked: false,
    })
    .await?;
    let canned_client = |s: &Canned| client_for(&s.base(), "tlk_canned");

    let mut cases: Vec<(String, tokio::task::JoinHandle<CaseResult>)> = Vec::new();
    macro_rules! case {
        ($name:expr, $body:expr) => {
            cases.push(($name.to_string(), tokio::spawn($body)));
        };
    }
    let t = c.task();

    let tt = t.clone();
    case!("missing file", async move {
        want_err(
            tt.create("idx")
                .file("/nonexistent/none.mp4")
                .send_raw()
                .await,
            |e| matches!(e, Error::Io { .. } | Error::InvalidInput { .. }),
        )
    });
    let tt = t.clone();
    case!("directory as file", async move {
        want_err(
            tt.create("idx").file(std::env::temp_dir()).send_raw().await,
            |e| matches!(e, Error::Io { .. } | Error::InvalidInput { .. }),
        )
    });
    let tt = t.clone();
    let p = small.0.clone();
    case!("file and url", async move {
        want_err(
            tt.create("idx")
                .file(p)
                .url("https://x.example/v.mp4")
                .send_raw()
                .await,
            is_invalid,
        )
    });
    let tt = t.clone();
    case!("neither file nor url", async move {
        want_err(tt.create("idx").send_raw().await, is_invalid)
    });
    let tt = t.clone();
    case!("empty index id", async move {
        want_err(
            tt.create("")
                .url("https://x.example/v.mp4")
                .send_raw()
                .await,
            is_invalid,
        )
    });
    let tt = t.clone();
    case!("blank index id", async move {
        want_err(
            tt.create("   ")
                .url("https://x.example/v.mp4")
                .send_raw()
                .await,
            is_invalid,
        )
    });
    let tt = t.clone();
    let p = empty.0.clone();
    case!("empty file", async move {
        want_err(tt.create("idx").file(p).send_raw().await, is_invalid)
    });
    let tt = t.clone();
    case!("url not a url", async move {
        want_err(
            tt.create("idx").url("not a url").send_raw().await,
            is_invalid,
        )
    });
    let tt = t.clone();
    case!("url ftp scheme", async move {
        want_err(
            tt.create("idx")
                .url("ftp://x.example/v.mp4")
                .send_raw()
                .await,
            is_invalid,
        )
    });
    let tt = t.clone();
    case!("empty task id", async move {
        want_err(
            tt.retrieve("").with_retry(RetryPolicy::none()).await,
            is_invalid,
        )
    });
    for bad in [
        "a/b",
        "..",
        ".",
        "a?b=c",
        "a#frag",
        "a b",
        "%2F",
        "../../tasks",
        "\u{1F600}",
    ] {
        let tt = t.clone();
        let none = none.clone();
        case!(format!("task id {bad:?}"), async move {
            want_err(tt.retrieve(bad).with_retry(none).await, is_4xx_or_invalid)
        });
    }
    let tt = t.clone();
    let long = "a".repeat(20_000);
    case!("task id 20000 chars", async move {
        want_err(
            tt.retrieve(long).with_retry(RetryPolicy::none()).await,
            |e| is_4xx_or_invalid(e) || matches!(e, Error::Connection { .. }),
        )
    });
    let tt = t.clone();
    case!("delete id \"..\"", async move {
        want_err(
            tt.delete("..").with_retry(RetryPolicy::none()).await,
            is_4xx_or_invalid,
        )
    });
    let tt = t.clone();
    case!("page_limit 0", async move {
        want_err(tt.list().page_limit(0).send().await, is_invalid)
    });
    let tt = t.clone();
    case!("page_limit 51", async move {
        want_err(tt.list().page_limit(51).send().await, is_invalid)
    });
    let tt = t.clone();
    case!("inverted date range", async move {
        let a = DateValue::parse("2024-02-01T00:00:00Z").map_err(|e| e.to_string())?;
        let b = DateValue::parse("2024-01-01T00:00:00Z").map_err(|e| e.to_string())?;
        want_err(
            tt.list().created_at(DateFilter::between(a, b)).send().await,
            is_invalid,
        )
    });
    case!("unparsable date", async move {
        want_err(DateFilter::parse("yesterday-ish"), is_invalid)
    });
    let tt = t.clone();
    case!("sleep_interval zero", async move {
        want_err(
            tt.wait_for_done("abc").sleep_interval(Duration::ZERO).await,
            is_invalid,
        )
    });
    case!("empty api key", async move {
        want_err(TwelveLabs::new("  "), |e| matches!(e, Error::Config(_)))
    });
    case!("bad base url", async move {
        want_err(
            TwelveLabs::builder()
                .api_key("k")
                .base_url("not a url")
                .build(),
            |e| matches!(e, Error::Config(_)),
        )
    });
    case!("bad header name", async move {
        want_err(
            TwelveLabs::builder()
                .api_key("k")
                .default_header("bad header", "v")
                .build(),
            |e| matches!(e, Error::Config(_)),
        )
    });
    let tt = t.clone();
    let p = non_utf8.0.clone();
    case!("non-UTF-8 path (exists)", async move {
        match tt.create("resbadindex").file(p).send_raw().await {
            Ok(r) => Ok(format!("Ok (uploaded, id {})", r.id)),
            Err(e @ (Error::Io { .. } | Error::InvalidInput { .. })) => Ok(describe(&e)),
            Err(e) => Err(describe(&e)),
        }
    });
    let tt = t.clone();
    case!("non-UTF-8 path (missing)", async move {
        want_err(
            tt.create("idx").file(missing_non_utf8).send_raw().await,
            |e| matches!(e, Error::Io { .. } | Error::InvalidInput { .. }),
        )
    });
    let tt = t.clone();
    let p = locked.0.clone();
    case!("unreadable file (chmod 000)", async move {
        match tt.create("resbadindex").file(p).send_raw().await {
            // As root the file is readable: the upload succeeding is correct too.
            Ok(r) => Ok(format!("Ok (readable: running as root), id {}", r.id)),
            Err(e @ Error::Io { .. }) => Ok(describe(&e)),
            Err(e) => Err(describe(&e)),
        }
    });
    let ts = cs.task();
    let p = shrinking.0.clone();
    case!("file shrinks during upload", async move {
        let done = Arc::new(AtomicBool::new(false));
        let (d, path) = (Arc::clone(&done), p.clone());
        let r = ts
            .create("resbadindex")
            .file(&p)
            .on_progress(move |pr| {
                if pr.sent >= 8 * MIB && !d.swap(true, Ordering::SeqCst) {
                    if let Ok(f) = std::fs::OpenOptions::new().write(true).open(&path) {
                        let _ = f.set_len(MIB);
                    }
                }
            })
            .send_raw()
            .await;
        if !done.load(Ordering::SeqCst) {
            return Err("the file was never truncated".into());
        }
        want_err(r, |e| {
            matches!(
                e,
                Error::Io { .. } | Error::Connection { .. } | Error::Api(_) | Error::Timeout { .. }
            )
        })
    });
    // Bad server responses.
    let retrieve_from = |s: &Canned| -> Result<twelvelabs::tasks::RetrieveTask, String> {
        Ok(canned_client(s)?
            .task()
            .retrieve("abc")
            .with_retry(RetryPolicy::none()))
    };
    let r = retrieve_from(&html)?;
    case!("HTML 502 page", async move {
        want_err(r.await, |e| e.status().map(|s| s.as_u16()) == Some(502))
    });
    let r = retrieve_from(&truncated)?;
    case!(
        "truncated JSON",
        async move { want_err(r.await, is_decode) }
    );
    let r = retrieve_from(&empty_200)?;
    case!("200 with empty body", async move {
        want_err(r.await, is_decode)
    });
    let r = retrieve_from(&array)?;
    case!(
        "200 JSON array",
        async move { want_err(r.await, is_decode) }
    );
    let r = retrieve_from(&bad_utf8)?;
    case!(
        "200 non-UTF-8 JSON",
        async move { want_err(r.await, is_decode) }
    );
    let r = retrieve_from(&unknown_status)?;
    case!("unknown status value", async move {
        match r.await {
            Ok(t) if t.status == "archiving" && !t.is_done() => {
                Ok("Ok(status archiving, not terminal)".into())
            }
            Ok(t) => Err(format!("status {}", t.status)),
            Err(e) => Err(describe(&e)),
        }
    });
    let r = retrieve_from(&unknown_fields)?;
    case!("unknown fields", async move {
        match r.await {
            Ok(t) if t.extra.contains_key("brand_new") => Ok("Ok(kept in extra)".into()),
            Ok(_) => Err("unknown field lost".into()),
            Err(e) => Err(describe(&e)),
        }
    });
    let r = retrieve_from(&nulls)?;
    case!("nulls", async move {
        match r.await {
            Ok(t) if t.index_id.is_none() && t.metadata.is_none() => Ok("Ok(None fields)".into()),
            Ok(t) => Err(format!("{t:?}")),
            Err(e) => Err(describe(&e)),
        }
    });
    let r = retrieve_from(&not_found_text)?;
    case!("404 text body", async move {
        want_err(r.await, |e| {
            e.api().map(|a| a.kind) == Some(ApiErrorKind::NotFound)
        })
    });
    let r = retrieve_from(&weird_429)?;
    case!("429 with Retry-After: soon", async move {
        want_err(r.await, |e| {
            e.api().map(|a| a.kind) == Some(ApiErrorKind::RateLimit)
        })
    });
    let r = retrieve_from(&redirect_no_loc)?;
    case!("302 without Location", async move {
        want_err(r.await, |e| e.status().is_some_and(|s| s.is_redirection()))
    });
    let l = canned_client(&no_page_info)?
        .task()
        .list()
        .with_retry(RetryPolicy::none());
    case!("list without page_info", async move {
        want_err(l.send().await, is_decode)
    });
    let l = canned_client(&stuck_pages)?
        .task()
        .list()
        .with_retry(RetryPolicy::none());
    let stuck_hits = Arc::clone(&stuck_pages.hits);
    case!("list server never advances page", async move {
        let mut s = l.into_stream();
        let mut n = 0;
        while let Some(item) = s.next().await {
            item.map_err(|e| describe(&e))?;
            n += 1;
            if n > 100 {
                return Err("stream does not end".into());
            }
        }
        Ok(format!(
            "ended after {n} task(s), {} request(s)",
            stuck_hits.load(Ordering::SeqCst)
        ))
    });

    // Run the cases one at a time (the RSS figure below must not see the others).
    let mut out = Vec::new();
    let (mut ok, mut total, mut failed_names) = (0usize, 0usize, Vec::new());
    for (name, handle) in cases {
        total += 1;
        let verdict = match tokio::time::timeout(Duration::from_secs(30), handle).await {
            Ok(Ok(Ok(desc))) => Ok(desc),
            Ok(Ok(Err(why))) => Err(why),
            Ok(Err(join)) if join.is_panic() => Err("PANIC".to_owned()),
            Ok(Err(join)) => Err(format!("join error: {join}")),
            Err(_) => Err("no answer within 30 s".to_owned()),
        };
        match verdict {
            Ok(desc) => {
                ok += 1;
                eprintln!("  s7 ok   {name}: {desc}");
            }
            Err(why) => {
                eprintln!("  s7 MISS {name}: {why}");
                failed_names.push(name);
            }
        }
    }

    // 1 GiB response bodies: ResponseTooLarge, memory stays bounded.
    let mut huge_ok = 0;
    let mut rss_growth_mib: f64 = 0.0;
    for (label, server) in [("chunked", &huge_chunked), ("content-length", &huge_len)] {
        total += 1;
        crate::bench::reset_peak_rss();
        let before = proc_status_kib("VmRSS").unwrap_or(0) as f64 / 1024.0;
        let r = canned_client(server)?
            .task()
            .retrieve("abc")
            .with_retry(RetryPolicy::none());
        let res = tokio::time::timeout(Duration::from_secs(60), tokio::spawn(r.send())).await;
        let peak = proc_status_kib("VmHWM").unwrap_or(0) as f64 / 1024.0;
        let after = proc_status_kib("VmRSS").unwrap_or(0) as f64 / 1024.0;
        rss_growth_mib = rss_growth_mib.max(peak - before).max(after - before);
        match res {
            Ok(Ok(Err(Error::ResponseTooLarge { .. }))) => {
                huge_ok += 1;
                ok += 1;
                eprintln!(
                    "  s7 ok   1 GiB body ({label}): ResponseTooLarge; RSS {before:.0} → peak {peak:.0} → {after:.0} MiB"
                );
            }
            other => {
                let d = match other {
                    Ok(Ok(Err(e))) => describe(&e),
                    Ok(Ok(Ok(_))) => "Ok".into(),
                    Ok(Err(_)) => "PANIC".into(),
                    Err(_) => "timeout".into(),
                };
                eprintln!("  s7 MISS 1 GiB body ({label}): {d}");
                failed_names.push(format!("1 GiB body ({label})"));
            }
        }
    }
    emu.shutdown().await;
    drop(slow);
    out.push(check(
        "s7_cases_typed",
        format!("{ok}/{total}"),
        "all, ≥ 30 cases, no panic",
        ok == total && total >= 30,
    ));
    if !failed_names.is_empty() {
        out.push(check(
            "s7_missed",
            failed_names.join(";").replace(' ', "_"),
            "none",
            false,
        ));
    }
    out.push(check(
        "s7_huge_body_too_large",
        format!("{huge_ok}/2"),
        "2/2 ResponseTooLarge",
        huge_ok == 2,
    ));
    out.push(check(
        "s7_huge_body_rss_growth_mib",
        format!("{rss_growth_mib:.1}"),
        "≤ 64 MiB (limit 16 MiB)",
        rss_growth_mib <= 64.0,
    ));
    let _ = seeded;
    Ok(out)
}

// ---------------------------------------------------------------- 8

const SECRET: &str = "tlk_s3cr3t_DO_NOT_LEAK_7f3a9c";
const WRONG: &str = "tlk_wr0ng_ALSO_SECRET_41d2";

/// A `MakeWriter` that appends every formatted line to a shared buffer.
#[derive(Clone)]
struct Capture(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Capture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for Capture {
    type Writer = Capture;

    fn make_writer(&'a self) -> Capture {
        self.clone()
    }
}

/// Scenario 8 with every `tracing` event and span (TRACE and up, SDK, hyper-util
/// and emulator alike) captured: the calls run on a current-thread runtime in a
/// thread of their own whose default subscriber writes into a buffer, so tasks
/// spawned by the calls (connections, the emulators) are captured too and nothing
/// global is installed.
async fn s8_secrets() -> Checks {
    let buf = Arc::new(Mutex::new(Vec::new()));
    let capture = Capture(Arc::clone(&buf));
    let (tx, rx) = tokio::sync::oneshot::channel();
    std::thread::Builder::new()
        .name("s8-trace".to_owned())
        .spawn(move || {
            let subscriber = tracing_subscriber::fmt()
                .with_max_level(tracing::Level::TRACE)
                .with_span_events(FmtSpan::FULL)
                .with_writer(capture)
                .finish();
            let _guard = tracing::subscriber::set_default(subscriber);
            let result = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .map_err(|e| format!("s8 runtime: {e}"))
                .and_then(|rt| rt.block_on(s8_calls()));
            let _ = tx.send(result);
        })
        .map_err(|e| format!("s8 thread: {e}"))?;
    let mut checks = rx
        .await
        .map_err(|_| "s8 thread ended without a result".to_owned())??;
    let log = String::from_utf8_lossy(&buf.lock().unwrap_or_else(|p| p.into_inner())).into_owned();
    let lines = log.lines().count();
    let has_requests = log.contains("twelvelabs.request");
    let has_retries = log.contains("retrying");
    let leaks = log.matches(SECRET).count() + log.matches(WRONG).count();
    checks.push(check(
        "s8_trace_log_lines",
        lines,
        "> 0 at TRACE, with request spans and retries",
        lines > 0 && has_requests && has_retries,
    ));
    checks.push(check("s8_trace_key_leaks", leaks, "0", leaks == 0));
    Ok(checks)
}

/// The calls of scenario 8: successful, retried and failing.
async fn s8_calls() -> Checks {
    let emu = start(EmulatorConfig {
        api_key: SECRET.to_owned(),
        ..instant()
    })
    .await?;
    let id = emu.seed_tasks("ressecretindex", 1, "ready").remove(0);
    let mut texts: Vec<String> = Vec::new();
    let builder = TwelveLabs::builder()
        .api_key(SECRET)
        .base_url(emu.base_url());
    texts.push(format!("{builder:?}"));
    let c = builder.build().map_err(|e| e.to_string())?;
    texts.push(format!("{c:?}"));
    texts.push(format!("{:?}", c.executor()));
    texts.push(format!("{:?}", c.executor().config()));
    let key = &c.executor().config().api_key;
    texts.push(format!("{key} {key:?}"));
    texts.push(format!("{:?}", c.task()));
    texts.push(format!(
        "{:?}",
        c.task()
            .create("ressecretindex")
            .url("https://x.example/v.mp4")
    ));
    texts.push(format!("{:?}", c.task().wait_for_done(&id)));
    texts.push(format!("{:?}", c.task().list().index_id("ressecretindex")));
    let mut errors = Vec::new();
    errors.push(c.task().retrieve("000000000000000000000000").await.err());
    errors.push(
        c.task()
            .retrieve(&id)
            .with_header(FAULT_HEADER, "stall:2000")
            .with_timeout(Duration::from_millis(100))
            .with_retry(RetryPolicy::none())
            .await
            .err(),
    );
    errors.push(
        c.task()
            .create("ressecretindex")
            .url("https://x.example/v.mp4")
            .with_header(FAULT_HEADER, "drop")
            .send_raw()
            .await
            .err(),
    );
    let wrong = client_for(&emu.base_url(), WRONG)?;
    texts.push(format!("{wrong:?}"));
    errors.push(wrong.task().retrieve(&id).await.err());
    // Connection refused (a port nothing listens on).
    let closed = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").map_err(|e| e.to_string())?;
        l.local_addr().map_err(|e| e.to_string())?.port()
    };
    let refused = client_for(&format!("http://127.0.0.1:{closed}"), SECRET)?;
    errors.push(
        refused
            .task()
            .retrieve(&id)
            .with_retry(RetryPolicy::none())
            .await
            .err(),
    );
    // Retried calls: every request key gets 503s in bursts of 2.
    let flaky = start(EmulatorConfig {
        api_key: SECRET.to_owned(),
        faults: FaultConfig {
            seed: 8,
            error_rate: 1.0,
            max_consecutive_faults: Some(2),
            ..FaultConfig::default()
        },
        ..instant()
    })
    .await?;
    let fid = flaky.seed_tasks("ressecretindex", 1, "ready").remove(0);
    let fc = client_for(&flaky.base_url(), SECRET)?;
    texts.push(format!("{fc:?}"));
    // 503, 503, then 200.
    let retried_ok = fc.task().retrieve(&fid).with_retry(fast()).await;
    if let Err(e) = &retried_ok {
        return Err(format!("s8 retried retrieve: {}", describe(e)));
    }
    // 503, 503: retried once, then the error.
    errors.push(
        fc.task()
            .retrieve(&fid)
            .with_retry(fast().with_max_attempts(2))
            .await
            .err(),
    );
    flaky.shutdown().await;
    let produced = errors.iter().filter(|e| e.is_some()).count();
    for e in errors.into_iter().flatten() {
        texts.push(format!("{e}"));
        texts.push(format!("{e:?}"));
        let mut src: Option<&dyn std::error::Error> = std::error::Error::source(&e);
        while let Some(s) = src {
            texts.push(format!("{s} {s:?}"));
            src = s.source();
        }
    }
    let leaks = texts
        .iter()
        .filter(|t| t.contains(SECRET) || t.contains(WRONG))
        .count();
    drop(emu);

    // Cross-origin redirect: A (302) → B, which records whether it saw x-api-key.
    let b = canned(json_200(r#"{"_id":"abc","status":"ready"}"#)).await?;
    let a = canned(http_response(
        "302 Found",
        &[("Location", &format!("{}/v1.2/tasks/abc", b.base()))],
        b"",
    ))
    .await?;
    let rc = client_for(&a.base(), SECRET)?;
    let r = rc
        .task()
        .retrieve("abc")
        .with_retry(RetryPolicy::none())
        .await;
    let key_at_b = b.saw_key.load(Ordering::SeqCst);
    let b_hits = b.hits.load(Ordering::SeqCst);
    let outcome = match &r {
        Ok(_) => "followed".to_owned(),
        Err(e) => describe(e),
    };
    Ok(vec![
        check(
            "s8_texts_checked",
            texts.len(),
            &format!("≥ 15 Debug/Display strings ({produced}/6 errors)"),
            texts.len() >= 15 && produced == 6,
        ),
        check("s8_key_leaks", leaks, "0", leaks == 0),
        check(
            "s8_redirect_outcome",
            format!("{outcome},B_hits={b_hits}"),
            "informational",
            true,
        ),
        check(
            "s8_redirect_key_at_other_origin",
            key_at_b,
            "false",
            !key_at_b,
        ),
    ])
}

// ---------------------------------------------------------------- 9

async fn s9_concurrency(quick: bool) -> Checks {
    let bound = Duration::from_secs(if quick { 20 } else { 30 });
    let emu = start(EmulatorConfig {
        pace: Pace::Every(Duration::from_millis(50)),
        ..EmulatorConfig::default()
    })
    .await?;
    let c = client(&emu)?;
    let index = "resconcindex";
    let created = c
        .task()
        .create_bulk(index)
        .urls((0..64).map(|i| format!("https://videos.example.com/c/{i}.mp4")))
        .concurrency(16)
        .send()
        .await;
    let mut ids = Vec::new();
    for r in created {
        ids.push(r.map_err(|e| format!("setup: {e}"))?.id.to_string());
    }
    let file = TempFile(temp_path("conc.bin"));
    write_file(&file.0, MIB)?;
    let t = Instant::now();
    let mut handles = Vec::new();
    for id in ids {
        let c = c.clone();
        handles.push(tokio::spawn(async move {
            c.task()
                .wait_for_done(id)
                .sleep_interval(Duration::from_millis(100))
                .timeout(Duration::from_secs(60))
                .await
                .map(|t| t.status == "ready")
                .map_err(|e| describe(&e))
        }));
    }
    for _ in 0..64 {
        let c = c.clone();
        let p = file.0.clone();
        handles.push(tokio::spawn(async move {
            c.task()
                .create(index)
                .file(p)
                .send()
                .await
                .map(|_| true)
                .map_err(|e| describe(&e))
        }));
    }
    let (mut ok, mut errs, mut panics) = (0, Vec::new(), 0);
    for h in handles {
        match h.await {
            Ok(Ok(true)) => ok += 1,
            Ok(Ok(false)) => errs.push("not ready".to_owned()),
            Ok(Err(e)) => errs.push(e),
            Err(_) => panics += 1,
        }
    }
    let took = t.elapsed();
    let stats = emu.stats();
    emu.shutdown().await;
    let accounted = ok + errs.len() + panics;
    Ok(vec![
        check(
            "s9_completed",
            format!("{ok}/128"),
            "128/128, every result accounted for",
            ok == 128 && accounted == 128,
        ),
        check(
            "s9_elapsed_ms",
            took.as_millis(),
            &format!("≤ {} ms", bound.as_millis()),
            took <= bound,
        ),
        check(
            "s9_server_tasks",
            stats.tasks_stored,
            "128 (64 URL + 64 uploads)",
            stats.tasks_stored == 128,
        ),
    ])
}
