//! `cargo xtask msrv`: proves the declared `rust-version` without another toolchain.
//!
//! Only one Rust toolchain can be installed on these machines, so the check reads
//! the lock file instead of compiling with the old compiler: every package reached
//! from a workspace member through normal and build dependencies (dev-dependencies
//! do not reach users) must declare a `rust-version` no newer than the member's.
//! A dependency that declares none is listed, not failed: nothing can be read.
//! Together with clippy's `incompatible_msrv` lint (on by default, it reads the
//! same `rust-version`), our own code and our dependencies are both covered.
#![allow(clippy::print_stdout)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::Command;

use serde_json::Value;

/// A `major.minor.patch` version, compared numerically.
type Version = (u64, u64, u64);

/// A dependency's `name version` and the `rust-version` it declares.
type Requirement = (String, String);

/// Parses `major.minor[.patch]`.
fn parse_version(v: &str) -> Option<Version> {
    let mut parts = v.split('.').map(|p| p.parse::<u64>().ok());
    let major = parts.next()??;
    let minor = parts.next().flatten().unwrap_or(0);
    let patch = parts.next().flatten().unwrap_or(0);
    Some((major, minor, patch))
}

/// Runs the check from the workspace root.
pub fn run(root: &Path) -> Result<(), String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let out = Command::new(&cargo)
        .args(["metadata", "--format-version", "1", "--locked"])
        .current_dir(root)
        .output()
        .map_err(|e| format!("cannot run cargo metadata: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "cargo metadata failed: {}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    let meta: Value =
        serde_json::from_slice(&out.stdout).map_err(|e| format!("cargo metadata: {e}"))?;
    let packages: BTreeMap<&str, &Value> = meta["packages"]
        .as_array()
        .ok_or("cargo metadata: no packages")?
        .iter()
        .filter_map(|p| Some((p["id"].as_str()?, p)))
        .collect();
    let nodes: BTreeMap<&str, &Value> = meta["resolve"]["nodes"]
        .as_array()
        .ok_or("cargo metadata: no resolve graph")?
        .iter()
        .filter_map(|n| Some((n["id"].as_str()?, n)))
        .collect();
    let members: Vec<&str> = meta["workspace_members"]
        .as_array()
        .ok_or("cargo metadata: no workspace members")?
        .iter()
        .filter_map(Value::as_str)
        .collect();

    let mut failures = Vec::new();
    let mut undeclared = BTreeSet::new();
    for member in &members {
        let pkg = packages[member];
        let name = pkg["name"].as_str().unwrap_or("?");
        if pkg["publish"].as_array().is_some_and(Vec::is_empty) {
            continue; // xtask: never reaches users
        }
        let declared = pkg["rust_version"].as_str().ok_or_else(|| {
            format!("{name} declares no rust-version (set it in [workspace.package])")
        })?;
        let declared_v = parse_version(declared).ok_or("unparsable rust-version")?;
        let (newest, offenders) = reachable_versions(member, &nodes, &packages, &mut undeclared);
        println!(
            "msrv: {name} declares {declared}; its {} normal/build dependencies need at most {}",
            offenders.len(),
            newest.map_or("(none declared)".to_owned(), |(a, b, c)| format!(
                "{a}.{b}.{c}"
            ))
        );
        for (dep, need) in offenders {
            if parse_version(&need).is_some_and(|v| v > declared_v) {
                failures.push(format!(
                    "{name} (rust-version {declared}) depends on {dep}, which needs {need}"
                ));
            }
        }
    }
    if !undeclared.is_empty() {
        println!(
            "msrv: {} dependencies declare no rust-version (not checkable): {}",
            undeclared.len(),
            undeclared.into_iter().collect::<Vec<_>>().join(", ")
        );
    }
    if failures.is_empty() {
        println!("msrv: ok");
        Ok(())
    } else {
        Err(format!(
            "rust-version is not true:\n  {}",
            failures.join("\n  ")
        ))
    }
}

/// Every package reachable from `root` through normal and build edges, with the
/// `rust-version` each declares, and the newest of them.
fn reachable_versions(
    root: &str,
    nodes: &BTreeMap<&str, &Value>,
    packages: &BTreeMap<&str, &Value>,
    undeclared: &mut BTreeSet<String>,
) -> (Option<Version>, Vec<Requirement>) {
    let mut seen = BTreeSet::new();
    let mut stack = vec![root.to_owned()];
    let mut found = Vec::new();
    let mut newest = None;
    while let Some(id) = stack.pop() {
        let Some(node) = nodes.get(id.as_str()) else {
            continue;
        };
        for dep in node["deps"].as_array().into_iter().flatten() {
            let reaches_users = dep["dep_kinds"]
                .as_array()
                .into_iter()
                .flatten()
                .any(|k| k["kind"].as_str() != Some("dev"));
            let Some(dep_id) = dep["pkg"].as_str() else {
                continue;
            };
            if !reaches_users || !seen.insert(dep_id.to_owned()) {
                continue;
            }
            stack.push(dep_id.to_owned());
            let pkg = packages[dep_id];
            let label = format!(
                "{} {}",
                pkg["name"].as_str().unwrap_or("?"),
                pkg["version"].as_str().unwrap_or("?")
            );
            match pkg["rust_version"].as_str() {
                Some(v) => {
                    newest = newest.max(parse_version(v));
                    found.push((label, v.to_owned()));
                }
                None => {
                    undeclared.insert(label);
                }
            }
        }
    }
    (newest, found)
}
