//! `twelvelabs-emulator`: run the local Twelve Labs Task-API emulator.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::process::ExitCode;
use std::time::Duration;

use twelvelabs_emulator::{Emulator, EmulatorConfig, IndexSeed, Pace};

/// The binary's default lifecycle pace: one step per second.
const DEFAULT_BIN_STEP: Duration = Duration::from_secs(1);

const USAGE: &str = "\
twelvelabs-emulator: a local emulator of the Twelve Labs Task API (v1.2 and v1.3)

USAGE:
    twelvelabs-emulator [OPTIONS]

OPTIONS:
    --port <PORT>                 Port to listen on (default 4010; 0 = any free port)
    --host <IP>                   Address to bind (default 127.0.0.1)
    --api-key <KEY>               Accepted x-api-key (default tlk_emulator_key)
    --pace <PACE>                 instant | per-retrieve | <ms per lifecycle step>
                                  (default 1000: one step per second)
    --index <ID[:NAME]>           Create this index at start, besides the demo index
                                  6298d673f1090f1100476d4c (repeatable; NAME defaults to ID)
    --daily-create-limit <N>      Answer 429 after N task creations per UTC day
    --reported-daily-limit <N>    X-Ratelimit-Limit shown when no daily limit is set
                                  (default 1000; nothing is enforced)
    --retry-after                 Add Retry-After to 429s (not documented by the API)
    --no-prerequisites            Do not check video duration/resolution/aspect ratio
    --max-upload-bytes <N>        Largest accepted video_file (default 2000000000)
    --video-id-at-creation        Show video_id on v1.2 tasks from creation
    --fault-503-rate <F>          Fraction (0..1) of requests answered 503
    --fault-429-rate <F>          Fraction of requests answered 429 with Retry-After
    --fault-drop-rate <F>         Fraction of responses dropped mid-body
    --fault-max-consecutive <N>   At most N rate-driven faults in a row per method + path;
                                  the next request is served normally (default: no cap)
    --latency-ms <MS>             Latency added to every request
    --seed <N>                    Seed of the fault generator (default 0)
    -h, --help                    Print this help

Per request, the header `x-emulator-fault` forces a fault: 503, 500, 429, 429:<secs>,
503-after-commit, drop, stall:<ms>, latency:<ms> (comma-separated).
";

fn parse_args(args: Vec<String>) -> Result<Option<(EmulatorConfig, u16, IpAddr)>, String> {
    let mut config = EmulatorConfig {
        // A client polling through any endpoint sees progress; the library
        // keeps the per-retrieve pace for deterministic tests.
        pace: Pace::Every(DEFAULT_BIN_STEP),
        ..EmulatorConfig::default()
    };
    let mut port: u16 = 4010;
    let mut host = IpAddr::V4(Ipv4Addr::LOCALHOST);
    let mut it = args.into_iter();
    fn value(it: &mut impl Iterator<Item = String>, flag: &str) -> Result<String, String> {
        it.next().ok_or_else(|| format!("{flag} needs a value"))
    }
    fn num<T: std::str::FromStr>(s: &str, flag: &str) -> Result<T, String> {
        s.parse()
            .map_err(|_| format!("{flag}: invalid value {s:?}"))
    }
    fn rate(s: &str, flag: &str) -> Result<f64, String> {
        let f: f64 = num(s, flag)?;
        if (0.0..=1.0).contains(&f) {
            Ok(f)
        } else {
            Err(format!("{flag}: must be between 0 and 1"))
        }
    }
    while let Some(arg) = it.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f.to_owned(), Some(v.to_owned())),
            _ => (arg.clone(), None),
        };
        let val = |it: &mut std::vec::IntoIter<String>| match &inline {
            Some(v) => Ok(v.clone()),
            None => value(it, &flag),
        };
        match flag.as_str() {
            "-h" | "--help" => return Ok(None),
            "--port" => port = num(&val(&mut it)?, &flag)?,
            "--host" => host = num(&val(&mut it)?, &flag)?,
            "--api-key" => config.api_key = val(&mut it)?,
            "--pace" => {
                config.pace = match val(&mut it)?.as_str() {
                    "instant" => Pace::Instant,
                    "per-retrieve" => Pace::PerRetrieve,
                    ms => Pace::Every(Duration::from_millis(num(ms, &flag)?)),
                }
            }
            "--index" => {
                let v = val(&mut it)?;
                let (id, name) = v.split_once(':').unwrap_or((&v, &v));
                if id.is_empty() || name.is_empty() {
                    return Err(format!("{flag}: expected ID or ID:NAME, got {v:?}"));
                }
                if config.indexes.iter().any(|i| i.id == id || i.name == name) {
                    return Err(format!("{flag}: index {id:?} / name {name:?} given twice"));
                }
                config.indexes.push(IndexSeed::new(id, name));
            }
            "--reported-daily-limit" => config.reported_daily_limit = num(&val(&mut it)?, &flag)?,
            "--retry-after" => config.retry_after_header = true,
            "--no-prerequisites" => config.check_prerequisites = false,
            "--daily-create-limit" => config.daily_create_limit = Some(num(&val(&mut it)?, &flag)?),
            "--max-upload-bytes" => config.max_upload_bytes = num(&val(&mut it)?, &flag)?,
            "--video-id-at-creation" => config.video_id_at_creation = true,
            "--fault-503-rate" => config.faults.error_rate = rate(&val(&mut it)?, &flag)?,
            "--fault-429-rate" => config.faults.rate_limit_rate = rate(&val(&mut it)?, &flag)?,
            "--fault-drop-rate" => config.faults.drop_rate = rate(&val(&mut it)?, &flag)?,
            "--fault-max-consecutive" => {
                config.faults.max_consecutive_faults = Some(num(&val(&mut it)?, &flag)?)
            }
            "--latency-ms" => {
                config.faults.latency = Duration::from_millis(num(&val(&mut it)?, &flag)?)
            }
            "--seed" => config.faults.seed = num(&val(&mut it)?, &flag)?,
            other => return Err(format!("unknown argument {other:?} (see --help)")),
        }
    }
    if config.api_key.trim().is_empty() {
        return Err("--api-key must not be empty".to_owned());
    }
    Ok(Some((config, port, host)))
}

#[tokio::main]
async fn main() -> ExitCode {
    let (mut config, port, host) = match parse_args(std::env::args().skip(1).collect()) {
        Ok(Some(parsed)) => parsed,
        Ok(None) => {
            print!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("error: {e}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    config.bind = SocketAddr::new(host, port);
    let emulator = match Emulator::start(config).await {
        Ok(e) => e,
        Err(e) => {
            eprintln!("error: cannot listen on {host}:{port}: {e}");
            return ExitCode::FAILURE;
        }
    };
    println!("Twelve Labs emulator listening on {}", emulator.base_url());
    println!("  v1.2: {}/v1.2/tasks", emulator.base_url());
    println!("  v1.3: {}/v1.3/tasks", emulator.base_url());
    for index in &emulator.config().indexes {
        println!("  index: {} ({})", index.id, index.name);
    }
    println!("  x-api-key: {}", emulator.api_key());
    println!("Press Ctrl-C to stop.");
    if let Err(e) = tokio::signal::ctrl_c().await {
        eprintln!("error: cannot wait for Ctrl-C: {e}");
    }
    let stats = emulator.stats();
    emulator.shutdown().await;
    println!(
        "Stopped after {} requests ({} tasks created).",
        stats.requests, stats.tasks_created
    );
    ExitCode::SUCCESS
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Option<(EmulatorConfig, u16, IpAddr)>, String> {
        parse_args(args.iter().map(|s| (*s).to_owned()).collect())
    }

    #[test]
    fn fault_max_consecutive_flag() {
        let (config, _, _) = parse(&[]).unwrap().unwrap();
        assert_eq!(config.faults.max_consecutive_faults, None);
        for args in [
            &["--fault-max-consecutive", "5"][..],
            &["--fault-max-consecutive=5"][..],
        ] {
            let (config, _, _) = parse(args).unwrap().unwrap();
            assert_eq!(config.faults.max_consecutive_faults, Some(5));
        }
        assert!(parse(&["--fault-max-consecutive", "-1"]).is_err());
        assert!(parse(&["--fault-max-consecutive"]).is_err());
        assert!(USAGE.contains("--fault-max-consecutive"));
    }

    #[test]
    fn defaults_and_index_flags() {
        let (config, _, _) = parse(&[]).unwrap().unwrap();
        assert_eq!(config.pace, Pace::Every(Duration::from_secs(1)));
        assert_eq!(config.indexes, vec![IndexSeed::demo()]);
        assert!(!config.retry_after_header);
        let (config, _, _) = parse(&["--index", "abc", "--index", "def:my-index", "--retry-after"])
            .unwrap()
            .unwrap();
        assert_eq!(config.indexes[1], IndexSeed::new("abc", "abc"));
        assert_eq!(config.indexes[2], IndexSeed::new("def", "my-index"));
        assert!(config.retry_after_header);
        assert!(parse(&["--index", "abc", "--index", "abc"]).is_err());
        assert!(parse(&["--index", ":x"]).is_err());
    }
}
