//! `cargo xtask ci`: the same steps as `.ci/run`, echoed, failing fast.

use std::path::Path;
use std::process::Command;

/// One CI step: a program and its arguments.
pub struct Step {
    /// What the step checks.
    pub title: &'static str,
    /// `cargo` arguments.
    pub args: &'static [&'static str],
}

/// The steps, in order. Keep in sync with `.ci/run`.
pub const STEPS: &[Step] = &[
    Step {
        title: "formatting",
        args: &["fmt", "--all", "--check"],
    },
    Step {
        title: "lints",
        args: &[
            "clippy",
            "--workspace",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ],
    },
    Step {
        title: "tests",
        args: &["test", "--workspace"],
    },
    Step {
        title: "resilience (quick)",
        args: &["xtask", "resilience", "--quick"],
    },
    Step {
        title: "benchmarks (quick)",
        args: &["xtask", "bench", "--quick"],
    },
];

/// Runs every step from the workspace root, stopping at the first failure.
pub fn run(root: &Path, args: &[String]) -> Result<(), String> {
    let mut dry_run = false;
    for arg in args {
        match arg.as_str() {
            "--dry-run" | "-n" => dry_run = true,
            other => return Err(format!("ci: unknown argument {other:?} (try --dry-run)")),
        }
    }
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    for (i, step) in STEPS.iter().enumerate() {
        println!(
            "==> [{}/{}] {}: cargo {}",
            i + 1,
            STEPS.len(),
            step.title,
            step.args.join(" ")
        );
        if dry_run {
            continue;
        }
        let status = Command::new(&cargo)
            .args(step.args)
            .current_dir(root)
            .status()
            .map_err(|e| format!("cannot run {cargo}: {e}"))?;
        if !status.success() {
            return Err(format!(
                "step {} failed ({status}): cargo {}",
                step.title,
                step.args.join(" ")
            ));
        }
    }
    if dry_run {
        println!("==> dry run: nothing was run");
    } else {
        println!("==> CI passed");
    }
    Ok(())
}
