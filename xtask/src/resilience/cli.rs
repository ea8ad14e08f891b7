//! Scenario 19: the `twelvelabs` command line and the blocking client under
//! faults. The CLI **binary** (built with `cargo build -p twelvelabs-cli`) runs
//! as a child process against an in-process emulator answering 30% of requests
//! with 429 and `Retry-After: 1` (bulk ingest meets rate limits first; a 429 is
//! retried even on a create; bursts are capped at 2 per request key, and as
//! concurrent creates share a key, clients get 10 attempts). Every exit code is checked once, against a
//! fault-free emulator, and no run prints the key. The blocking
//! client runs on a thread of its own (it refuses runtime threads, which is
//! checked too).

use std::process::Stdio;

use super::*;
use crate::support::workspace_root;

/// The key of this scenario's emulator: distinctive, so a leak is found.
const KEY: &str = "tlk_s19_cli_secret_key";
const WRONG_KEY: &str = "tlk_s17_wrong_secret_key";

/// Builds the CLI (debug profile) and returns its path.
fn cli_binary() -> Result<PathBuf, String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let root = workspace_root();
    let mut build = std::process::Command::new(cargo);
    build
        // With xtask in the selection, features resolve as for the running
        // xtask, so the SDK crates it was just built with are reused.
        .args([
            "build",
            "--quiet",
            "-p",
            "twelvelabs-cli",
            "-p",
            "xtask",
            "--bins",
        ])
        .current_dir(&root);
    // `cargo run` gave this process xtask's package variables; crates read some
    // of them, so a nested build that keeps them fingerprints differently from
    // a shell's and rebuilds half the tree, here and in the next shell build.
    for (name, _) in std::env::vars_os() {
        let name = name.to_string_lossy();
        if [
            "CARGO_PKG_",
            "CARGO_MANIFEST_",
            "CARGO_CRATE_",
            "CARGO_BIN_",
            "CARGO_PRIMARY_",
        ]
        .iter()
        .any(|p| name.starts_with(p))
            || name == "OUT_DIR"
        {
            build.env_remove(name.as_ref());
        }
    }
    let status = build.status().map_err(|e| format!("cargo build: {e}"))?;
    if !status.success() {
        return Err(format!("cargo build of the CLI failed: {status}"));
    }
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target"));
    Ok(target.join("debug").join("twelvelabs"))
}

/// One run of the CLI: exit code, stdout lines, stderr.
struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

async fn run_cli(bin: &PathBuf, base: Option<&str>, args: &[&str]) -> Result<Run, String> {
    let mut cmd = tokio::process::Command::new(bin);
    cmd.env_remove("TWELVELABS_API_KEY")
        .env_remove("TWELVE_LABS_API_KEY")
        .env_remove("TWELVELABS_BASE_URL")
        .args(args)
        .stdin(Stdio::null());
    if let Some(base) = base {
        cmd.env("TWELVELABS_API_KEY", KEY)
            .env("TWELVELABS_BASE_URL", base);
    }
    let out = cmd
        .output()
        .await
        .map_err(|e| format!("run {}: {e}", bin.display()))?;
    Ok(Run {
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    })
}

pub(super) async fn s19_cli(quick: bool) -> Checks {
    let n: usize = if quick { 8 } else { 48 };
    let bin = tokio::task::spawn_blocking(cli_binary)
        .await
        .map_err(|e| format!("build thread: {e}"))??;
    let emu = start(EmulatorConfig {
        api_key: KEY.to_owned(),
        pace: Pace::PerRetrieve,
        faults: FaultConfig {
            seed: 17,
            rate_limit_rate: 0.3,
            retry_after_secs: 1,
            max_consecutive_faults: Some(2),
            ..FaultConfig::default()
        },
        ..EmulatorConfig::default()
    })
    .await?;
    let base = emu.base_url();
    let clean = start(EmulatorConfig {
        api_key: KEY.to_owned(),
        pace: Pace::PerRetrieve,
        ..EmulatorConfig::default()
    })
    .await?;
    let clean_base = clean.base_url();
    let index = "s17cliindex";

    // The blocking client, on a thread of its own, through the same faults, while
    // the CLI runs (it is sequential, so it gets fewer tasks).
    let b_n = if quick { 4 } else { 12 };
    let b_url = base.clone();
    let blocking = std::thread::spawn(move || blocking_round(&b_url, b_n));

    // Ingest n URLs through faults and wait for all of them.
    let urls: Vec<String> = (0..n)
        .map(|i| format!("https://videos.example.com/s17-{i}.mp4"))
        .collect();
    // Concurrent creates share the emulator's burst key (`POST /tasks`), so one
    // create can meet more than 2 faults in a row: it gets more attempts.
    let mut args = vec!["--json", "--max-attempts", "10", "task", "create"];
    args.extend(urls.iter().map(String::as_str));
    args.extend([
        "--index",
        index,
        "--wait",
        "--interval",
        "10ms",
        "--concurrency",
        "8",
    ]);
    let ingest = run_cli(&bin, Some(&base), &args).await?;
    let ready = ingest
        .stdout
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter(|t| t["status"] == "ready")
        .count();

    // Every exit code once.
    let base = clean_base;
    let usage = run_cli(&bin, None, &["task", "list"]).await?;
    let api = run_cli(
        &bin,
        Some(&base),
        &["task", "get", "0000000000000000000000ff"],
    )
    .await?;
    let wrong_key = run_cli(
        &bin,
        None,
        &["--base-url", &base, "--api-key", WRONG_KEY, "task", "list"],
    )
    .await?;
    let failed = run_cli(
        &bin,
        Some(&base),
        &[
            "task",
            "create",
            "https://videos.example.com/fail.mp4",
            "--index",
            index,
            "--wait",
            "--interval",
            "10ms",
        ],
    )
    .await?;
    let deadline = run_cli(
        &bin,
        Some(&base),
        &[
            "task",
            "create",
            "https://videos.example.com/slow.mp4",
            "--index",
            index,
            "--wait",
            "--interval",
            "200ms",
            "--timeout",
            "300ms",
        ],
    )
    .await?;
    let codes = format!(
        "ok={} api={} usage={} failed={} deadline={} wrong_key={}",
        code(&ingest),
        code(&api),
        code(&usage),
        code(&failed),
        code(&deadline),
        code(&wrong_key)
    );
    let runs = [&ingest, &usage, &api, &wrong_key, &failed, &deadline];
    let leaks = runs
        .iter()
        .filter(|r| {
            let all = format!("{}{}", r.stdout, r.stderr);
            all.contains(KEY) || all.contains(WRONG_KEY)
        })
        .count();

    let blocking_ok = tokio::task::spawn_blocking(move || blocking.join())
        .await
        .map_err(|e| format!("join: {e}"))?
        .map_err(|_| "the blocking thread panicked".to_owned())?;
    // And inside this runtime: a typed error, not a panic.
    let inside = twelvelabs::blocking::TwelveLabs::from_client(client_for(&base, KEY)?);
    let inside = match inside {
        Ok(_) => "Ok".to_owned(),
        Err(e) => describe(&e),
    };
    emu.shutdown().await;
    clean.shutdown().await;

    Ok(vec![
        check(
            "s19_cli_ingest_ready",
            format!("{ready}/{n}"),
            &format!("{n}/{n} through 30% 429"),
            ready == n && ingest.code == Some(0),
        ),
        check(
            "s19_cli_exit_codes",
            &codes,
            "ok=0 api=1 usage=2 failed=3 deadline=4 wrong_key=1",
            codes == "ok=0 api=1 usage=2 failed=3 deadline=4 wrong_key=1",
        ),
        check("s19_cli_key_in_output", leaks, "0 runs", leaks == 0),
        check(
            "s19_blocking_create_wait_list",
            match &blocking_ok {
                Ok(k) => format!("{k}/{b_n}"),
                Err(e) => e.clone(),
            },
            &format!("{b_n}/{b_n} through 30% 429"),
            blocking_ok == Ok(b_n),
        ),
        check(
            "s19_blocking_in_runtime",
            &inside,
            "Config",
            inside == "Config",
        ),
    ])
}

fn code(r: &Run) -> String {
    r.code.map_or("signal".to_owned(), |c| c.to_string())
}

/// Creates `n` tasks with the blocking client, waits for each, and counts the
/// ready ones listed by the iterator.
fn blocking_round(base: &str, n: usize) -> Result<usize, String> {
    let inner = TwelveLabs::builder()
        .api_key(KEY)
        .base_url(base)
        .retry(RetryPolicy::default().with_max_attempts(10))
        .build()
        .map_err(|e| describe(&e))?;
    let client = twelvelabs::blocking::TwelveLabs::from_client(inner).map_err(|e| describe(&e))?;
    let index = "s17blockingindex";
    for i in 0..n {
        let handle = client
            .task()
            .create(index)
            .with(|c| c.url(format!("https://videos.example.com/b{i}.mp4")))
            .send()
            .map_err(|e| describe(&e))?;
        client
            .task()
            .wait_for_done(&handle.task().id)
            .with(|w| w.sleep_interval(Duration::from_millis(5)))
            .send()
            .map_err(|e| describe(&e))?;
    }
    let mut ready = 0;
    for task in client.task().list().with(|l| l.index_id(index)).iter() {
        if task.map_err(|e| describe(&e))?.status == twelvelabs::TaskStatus::Ready {
            ready += 1;
        }
    }
    Ok(ready)
}
