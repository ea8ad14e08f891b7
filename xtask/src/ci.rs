//! `cargo xtask ci`: every check a landing must pass, in one place. `.ci/run` only
//! calls this, so the steps are written once.

use std::path::Path;
use std::process::Command;

/// One CI step: `cargo` with these arguments and environment.
pub struct Step {
    /// What the step proves.
    pub title: &'static str,
    /// `cargo` arguments.
    pub args: &'static [&'static str],
    /// Extra environment variables.
    pub env: &'static [(&'static str, &'static str)],
}

const fn step(title: &'static str, args: &'static [&'static str]) -> Step {
    Step {
        title,
        args,
        env: &[],
    }
}

/// The steps, in order: cheap and likely-to-fail first.
pub const STEPS: &[Step] = &[
    step("formatting", &["fmt", "--all", "--check"]),
    step(
        "lints (every target, default features)",
        &[
            "clippy",
            "--workspace",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ],
    ),
    step(
        "the declared rust-version holds for every dependency",
        &["xtask", "msrv"],
    ),
    step(
        "the facade with no default features (bring your own transport)",
        &["check", "-p", "twelvelabs", "--no-default-features"],
    ),
    step(
        "the facade with native-tls only (no rustls)",
        &[
            "check",
            "-p",
            "twelvelabs",
            "--no-default-features",
            "--features",
            "native-tls",
        ],
    ),
    step(
        "the transport without reqwest",
        &[
            "check",
            "-p",
            "twelvelabs-transport",
            "--no-default-features",
        ],
    ),
    step("the models alone", &["check", "-p", "twelvelabs-models"]),
    step(
        "tests (unit, integration, doc, README)",
        &["test", "--workspace"],
    ),
    Step {
        title: "docs build without warnings",
        args: &["doc", "--workspace", "--no-deps", "--all-features"],
        env: &[("RUSTDOCFLAGS", "-D warnings")],
    },
    step(
        "every crate packages as it would publish",
        &[
            "package",
            "--workspace",
            "--exclude",
            "xtask",
            "--allow-dirty",
        ],
    ),
    step("resilience (quick)", &["xtask", "resilience", "--quick"]),
    step("benchmarks (quick)", &["xtask", "bench", "--quick"]),
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
    let started = std::time::Instant::now();
    for (i, step) in STEPS.iter().enumerate() {
        let env: String = step
            .env
            .iter()
            .map(|(k, v)| format!("{k}={v:?} "))
            .collect();
        println!(
            "==> [{}/{}] {}: {env}cargo {}",
            i + 1,
            STEPS.len(),
            step.title,
            step.args.join(" ")
        );
        if dry_run {
            continue;
        }
        let t = std::time::Instant::now();
        let status = Command::new(&cargo)
            .args(step.args)
            .envs(step.env.iter().copied())
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
        println!("    ({:.0} s)", t.elapsed().as_secs_f64());
    }
    if dry_run {
        println!("==> dry run: nothing was run");
    } else {
        println!("==> CI passed in {:.0} s", started.elapsed().as_secs_f64());
    }
    Ok(())
}
