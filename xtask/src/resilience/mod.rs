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
use twelvelabs::tasks::{DateFilter, DateValue};
use twelvelabs::{ApiErrorKind, Error, RetryPolicy, TwelveLabs};
use twelvelabs_emulator::{Emulator, EmulatorConfig, FaultConfig, Pace, FAULT_HEADER};

use crate::support::{proc_status_kib, start, temp_path, write_file, TempFile, MIB};

mod after_commit;
mod bad_inputs;
mod canned;
mod cli;
mod concurrency;
mod deadline;
mod decode_index;
mod decode_rss;
mod dropped;
mod hostile_queries;
mod ingest_resume;
mod ingest_unknown;
mod intake;
mod pagination;
mod rate_limit;
mod retries;
mod safe_delete;
mod secret_paths;
mod secrets;
mod stall;
mod wait;

use canned::{canned, http_response, json_200, Canned, Reply};

/// The longest burst of injected faults per request key in scenarios 1 and 4:
/// transient faults are modelled as bounded bursts (a transient fault ends).
const MAX_BURST: u32 = 5;

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
        Error::WaitTimeout {
            waited, last_error, ..
        } => match last_error {
            Some(e) => format!("WaitTimeout({waited:?}, last {})", describe(e)),
            None => format!("WaitTimeout({waited:?})"),
        },
        Error::DeadlineExceeded { last, .. } => match last {
            Some(e) => format!("DeadlineExceeded(last {})", describe(e)),
            None => "DeadlineExceeded".to_owned(),
        },
        Error::InconsistentPagination { page, .. } => format!("InconsistentPagination({page})"),
        Error::TaskCreated { source, .. } => format!("TaskCreated({})", describe(source)),
        Error::Config(_) => "Config".to_owned(),
        _ => format!("other: {e}"),
    }
}

// ---------------------------------------------------------------- runner

/// Entry point of `cargo xtask resilience [--quick]`.
pub async fn run(args: &[String]) -> Result<(), String> {
    if args.first().map(String::as_str) == Some("--decode-child") {
        return decode_rss::decode_child(&args[1..]);
    }
    if args.first().map(String::as_str) == Some("--decode-index-child") {
        return decode_index::decode_index_child(&args[1..]);
    }
    if args.first().map(String::as_str) == Some("--ingest-child") {
        return ingest_resume::child(&args[1..]).await;
    }
    let quick = args.iter().any(|a| a == "--quick");
    let bound = Duration::from_secs(if quick { 60 } else { 180 });
    println!("resilience: mode={}", if quick { "quick" } else { "full" });
    type Scenario = (
        &'static str,
        std::pin::Pin<Box<dyn Future<Output = Checks> + Send>>,
    );
    let scenarios: Vec<Scenario> = vec![
        (
            "1 retrieve with 30% 503",
            Box::pin(retries::s1_retries(quick)),
        ),
        (
            "2 create with 20% 503-after-commit",
            Box::pin(after_commit::s2_after_commit(quick)),
        ),
        (
            "3 429 with Retry-After",
            Box::pin(rate_limit::s3_rate_limit()),
        ),
        ("4 dropped connections", Box::pin(dropped::s4_drop(quick))),
        ("5 stall vs per-call timeout", Box::pin(stall::s5_stall())),
        ("6 wait_for_done", Box::pin(wait::s6_wait(quick))),
        (
            "7 bad inputs and bad responses",
            Box::pin(bad_inputs::s7_bad_inputs()),
        ),
        ("8 secrets", Box::pin(secrets::s8_secrets())),
        (
            "9 64 waits + 64 uploads",
            Box::pin(concurrency::s9_concurrency(quick)),
        ),
        ("10 deadlines", Box::pin(deadline::s10_deadline())),
        (
            "11 hostile pagination",
            Box::pin(pagination::s11_pagination()),
        ),
        (
            "12 emulator intake, hostile bodies",
            Box::pin(intake::s12_intake(quick)),
        ),
        (
            "13 emulator hostile queries",
            Box::pin(hostile_queries::s13_hostile_queries(quick)),
        ),
        (
            "14 decode 16 MiB hostile bodies",
            Box::pin(decode_rss::s14_decode_rss()),
        ),
        (
            "15 decode hostile index/video bodies",
            Box::pin(decode_index::s15_decode_index()),
        ),
        (
            "16 delete what a listing finds",
            Box::pin(safe_delete::s16_safe_delete(quick)),
        ),
        (
            "17 ingest killed with SIGKILL, resumed",
            Box::pin(ingest_resume::s17_ingest_resume(quick)),
        ),
        (
            "18 ingest, unknown create outcomes",
            Box::pin(ingest_unknown::s18_ingest_unknown(quick)),
        ),
        ("19 CLI and blocking client", Box::pin(cli::s19_cli(quick))),
    ];
    // `--only a,b`: run only the scenarios whose title contains one of these.
    let only: Vec<String> = args
        .iter()
        .position(|a| a == "--only")
        .and_then(|i| args.get(i + 1))
        .map(|s| s.split(',').map(str::to_owned).collect())
        .unwrap_or_default();
    let scenarios: Vec<Scenario> = scenarios
        .into_iter()
        .filter(|(title, _)| only.is_empty() || only.iter().any(|o| title.contains(o.as_str())))
        .collect();
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
