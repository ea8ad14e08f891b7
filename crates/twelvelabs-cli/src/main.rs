//! `twelvelabs`: the Twelve Labs video-indexing API from a shell.
//!
//! Run `twelvelabs --help`; the exit codes are listed there and in the README.
// A command line's job is to print.
#![allow(clippy::print_stdout, clippy::print_stderr)]

mod cli;
mod commands;
mod exit;
mod ingest;
mod output;

use std::process::ExitCode;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use clap::Parser;
use twelvelabs::{ApiVersion, RetryPolicy, TwelveLabs};
use twelvelabs_emulator::{Emulator, EmulatorConfig, Pace};

use cli::{ApiVersionArg, Cli, Command, Global};
use exit::CliError;
use output::Output;

/// Everything a command runs with.
pub struct Session {
    /// The client.
    pub client: TwelveLabs,
    /// Where results go.
    pub out: Output,
    /// The poll interval when none is given.
    pub default_interval: Duration,
    /// Ids of tasks created by this run, for the message after Ctrl-C.
    pub created: Arc<Mutex<Vec<String>>>,
    /// How to resume the running command after Ctrl-C (set by a journaled ingest).
    pub resume: Arc<Mutex<Option<String>>>,
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            // clap prints help and version to stdout (exit 0) and mistakes to
            // stderr (exit 2).
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() {
                exit::USAGE
            } else {
                exit::OK
            });
        }
    };
    if let Command::Completions { shell } = cli.command {
        use clap::CommandFactory;
        clap_complete::generate(
            shell,
            &mut Cli::command(),
            "twelvelabs",
            &mut std::io::stdout(),
        );
        return ExitCode::SUCCESS;
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the runtime: {e}");
            return ExitCode::from(exit::API);
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(CliError::Closed) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            e.exit_code()
        }
    }
}

async fn run(cli: Cli) -> Result<(), CliError> {
    let out = Output::new(cli.global.json);
    let (client, emulator) = connect(&cli.global).await?;
    let session = Session {
        client,
        out,
        default_interval: if emulator.is_some() {
            Duration::from_millis(100)
        } else {
            twelvelabs::tasks::DEFAULT_SLEEP_INTERVAL
        },
        created: Arc::default(),
        resume: Arc::default(),
    };
    let (created, resume) = (session.created.clone(), session.resume.clone());
    let result = tokio::select! {
        r = commands::run(&session, cli.command) => r,
        () = ctrl_c() => Err(interrupted(&created, &resume)),
    };
    if let Some(emulator) = emulator {
        emulator.shutdown().await;
    }
    result
}

/// Resolves on Ctrl-C; never, when the handler cannot be installed (the
/// command then simply cannot be interrupted cleanly, rather than failing).
async fn ctrl_c() {
    if tokio::signal::ctrl_c().await.is_err() {
        std::future::pending::<()>().await;
    }
}

/// What to say after Ctrl-C: the tasks already created keep being indexed; a
/// journaled ingest resumes from its journal (every record is on disk already).
fn interrupted(created: &Mutex<Vec<String>>, resume: &Mutex<Option<String>>) -> CliError {
    if let Some(hint) = resume.lock().ok().and_then(|r| r.clone()) {
        return CliError::Interrupted(hint);
    }
    let ids = created.lock().map(|v| v.clone()).unwrap_or_default();
    if ids.is_empty() {
        return CliError::Interrupted("no task was created".to_owned());
    }
    CliError::Interrupted(format!(
        "{} task(s) were created and keep indexing; follow them with\n  twelvelabs task wait {}",
        ids.len(),
        ids.join(" ")
    ))
}

/// The client from flags and environment, or against an in-process emulator.
async fn connect(g: &Global) -> Result<(TwelveLabs, Option<Emulator>), CliError> {
    let mut builder = TwelveLabs::builder().from_env();
    let mut emulator = None;
    if g.emulator {
        if g.base_url.is_some() || g.api_key.is_some() {
            return Err(CliError::Usage(
                "--emulator runs its own server: leave out --base-url and --api-key".into(),
            ));
        }
        let config = EmulatorConfig {
            // Slow enough to watch, quick enough for a demo.
            pace: Pace::Every(Duration::from_millis(300)),
            // Any index id works in a demo: it is created on first use.
            auto_create_indexes: true,
            ..EmulatorConfig::default()
        };
        let e = Emulator::start(config)
            .await
            .map_err(|e| CliError::Usage(format!("cannot start the emulator: {e}")))?;
        builder = builder.api_key(e.api_key()).base_url(e.base_url());
        emulator = Some(e);
    }
    if let Some(key) = &g.api_key {
        builder = builder.api_key(key);
    }
    if let Some(url) = &g.base_url {
        builder = builder.base_url(url.clone());
    }
    if let Some(v) = g.api_version {
        builder = builder.api_version(match v {
            ApiVersionArg::V1_2 => ApiVersion::V1_2,
            ApiVersionArg::V1_3 => ApiVersion::V1_3,
        });
    }
    if let Some(n) = g.max_attempts {
        builder = builder.retry(RetryPolicy::default().with_max_attempts(n));
    }
    let client = builder.build()?;
    Ok((client, emulator))
}
