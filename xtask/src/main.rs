//! Project automation for the twelvelabs workspace: `cargo xtask <command>`.
#![allow(clippy::print_stdout, clippy::print_stderr)]

mod bench;
mod ci;
mod msrv;
mod resilience;
mod support;

use std::process::ExitCode;

use support::workspace_root;

const USAGE: &str = "\
cargo xtask <COMMAND> [ARGS]

COMMANDS:
    ci [--dry-run]     Run what .ci/run runs: fmt check, clippy -D warnings, tests,
                       resilience --quick, bench --quick (each step echoed; stops at
                       the first failure)
    bench [--quick] [--only a,b]
                       SDK benchmarks against the embedded emulator (a full run writes
                       BENCHMARKS.md; --only runs the named sections, writes nothing)
    resilience [--quick] [--only a,b]
                       Fault-injection runs against the embedded emulator (--only runs
                       the scenarios whose title contains one of the words)
    msrv               Check that every normal/build dependency in Cargo.lock
                       declares a rust-version no newer than ours
    help               Print this help
";

/// Runs an async command on a multi-threaded tokio runtime.
fn block_on(command: impl std::future::Future<Output = Result<(), String>>) -> Result<(), String> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the tokio runtime: {e}"))?
        .block_on(command)
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some((command, rest)) = args.split_first() else {
        eprint!("{USAGE}");
        return ExitCode::from(2);
    };
    let result = match command.as_str() {
        "ci" => ci::run(&workspace_root(), rest),
        "msrv" => msrv::run(&workspace_root()),
        "bench" => block_on(bench::run(rest)),
        "resilience" => block_on(resilience::run(rest)),
        "help" | "-h" | "--help" => {
            print!("{USAGE}");
            Ok(())
        }
        other => {
            eprintln!("unknown command {other:?}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
