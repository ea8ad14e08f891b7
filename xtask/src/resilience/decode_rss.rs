//! Scenario 14: decoding hostile 16 MiB success bodies stays within a few times
//! the body in memory (issue 9 §1).
//!
//! Each body is decoded in a child process (this executable,
//! `resilience --decode-child <kind>`) through `twelvelabs::transport::decode_json`,
//! the function the executor's `Response::json` calls for every success body
//! (a retrieve decodes a `Task`, a list page a `TaskPage`). The child builds the
//! body in memory first (it stands for the response bytes the executor already
//! holds), resets `VmHWM`, decodes, and reports peak RSS growth; the figure is
//! that growth over the body size, worst of the two bodies.

use twelvelabs::transport::{decode_json, http::StatusCode};
use twelvelabs::{Task, TaskPage};

use super::{check, Checks};
use crate::support::{proc_status_kib, reset_peak_rss, MIB};

/// The response cap the bodies are sized to.
const BODY: usize = 16 * MIB as usize;

/// `{"_id":"abc","status":"ready","junk":[0,0,…]}`, 16 MiB.
fn junk_retrieve() -> Vec<u8> {
    let head = br#"{"_id":"abc","status":"ready","junk":[0"#;
    let tail = b"]}";
    let mut body = Vec::with_capacity(BODY);
    body.extend_from_slice(head);
    while body.len() + 2 + tail.len() <= BODY {
        body.extend_from_slice(b",0");
    }
    body.extend_from_slice(tail);
    body
}

/// A list page of minimal tasks `{"_id":"t","status":"ready"}`, 16 MiB
/// (578,519 items at this size).
fn huge_page() -> Vec<u8> {
    let head = br#"{"data":["#;
    let item = br#"{"_id":"t","status":"ready"}"#;
    let tail = br#"],"page_info":{"limit_per_page":50,"page":1,"total_page":1,"total_results":1}}"#;
    let mut body = Vec::with_capacity(BODY);
    body.extend_from_slice(head);
    body.extend_from_slice(item);
    while body.len() + 1 + item.len() + tail.len() <= BODY {
        body.push(b',');
        body.extend_from_slice(item);
    }
    body.extend_from_slice(tail);
    body
}

/// `resilience --decode-child <retrieve|list>`: prints `BODY_BYTES`,
/// `GROWTH_KIB` and `OUTCOME`.
pub(super) fn decode_child(args: &[String]) -> Result<(), String> {
    let kind = args.first().map(String::as_str).unwrap_or("");
    let body = match kind {
        "retrieve" => junk_retrieve(),
        "list" => huge_page(),
        other => return Err(format!("unknown decode child kind {other:?}")),
    };
    reset_peak_rss();
    let before = proc_status_kib("VmRSS").ok_or("no VmRSS")?;
    let outcome = match kind {
        "retrieve" => describe(decode_json::<Task>(StatusCode::OK, &body).map(|t| t.id.len())),
        _ => describe(decode_json::<TaskPage>(StatusCode::OK, &body).map(|p| p.data.len())),
    };
    let peak = proc_status_kib("VmHWM").ok_or("no VmHWM")?;
    println!("BODY_BYTES {}", body.len());
    println!("GROWTH_KIB {}", peak.saturating_sub(before));
    println!("OUTCOME {outcome}");
    Ok(())
}

fn describe(result: Result<usize, twelvelabs::Error>) -> String {
    match result {
        Ok(_) => "ok".to_owned(),
        Err(twelvelabs::Error::Decode { path, .. }) => format!("decode_error_at_{path}"),
        Err(e) => format!("other_error:{e}"),
    }
}

/// Runs one child of this scenario; `(growth over body, outcome)`.
async fn child(kind: &str) -> Result<(f64, String), String> {
    run_decode_child("--decode-child", kind).await
}

/// Runs `xtask resilience <flag> <kind>` (a decode child of scenario 14 or 15)
/// and reads its report; `(peak RSS growth over body bytes, outcome)`.
pub(super) async fn run_decode_child(flag: &str, kind: &str) -> Result<(f64, String), String> {
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let out = tokio::process::Command::new(exe)
        .args(["resilience", flag, kind])
        .stdin(std::process::Stdio::null())
        .stderr(std::process::Stdio::inherit())
        .output()
        .await
        .map_err(|e| format!("spawn decode child: {e}"))?;
    if !out.status.success() {
        return Err(format!("decode child {kind} exited with {}", out.status));
    }
    let stdout = String::from_utf8_lossy(&out.stdout);
    let field = |key: &str| {
        stdout
            .lines()
            .find_map(|l| l.strip_prefix(key)?.strip_prefix(' ').map(str::to_owned))
            .ok_or_else(|| format!("decode child {kind} did not report {key}"))
    };
    let bytes: f64 = field("BODY_BYTES")?.parse().map_err(|_| "bad BODY_BYTES")?;
    let growth_kib: f64 = field("GROWTH_KIB")?.parse().map_err(|_| "bad GROWTH_KIB")?;
    Ok((growth_kib * 1024.0 / bytes, field("OUTCOME")?))
}

pub(super) async fn s14_decode_rss() -> Checks {
    let (retrieve, retrieve_outcome) = child("retrieve").await?;
    let (list, list_outcome) = child("list").await?;
    let worst = retrieve.max(list);
    Ok(vec![
        check(
            "decode_peak_rss_ratio",
            format!("{worst:.3}"),
            "≤ 3 (peak RSS growth / body bytes, worst)",
            worst <= 3.0,
        ),
        check(
            "decode_retrieve_16mib_junk",
            format!("{retrieve_outcome} ratio={retrieve:.3}"),
            "ok",
            retrieve_outcome == "ok",
        ),
        check(
            "decode_list_578519_items",
            format!("{list_outcome} ratio={list:.3}"),
            "decode error at data",
            list_outcome == "decode_error_at_data",
        ),
    ])
}
