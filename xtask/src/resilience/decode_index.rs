//! Scenario 15: the index and video models decode hostile bodies as the task
//! models do (issue 9 §1 follow-up): a 16 MiB body stays within a few times
//! its size in memory, a page of more than 50 indexes or videos is a decode
//! error at `data` after at most 50 items, and an error deep in a video page
//! names its true path through the SDK.
//!
//! Memory is measured in a child process (this executable,
//! `resilience --decode-index-child <kind>`), as scenario 14 does: the child
//! builds the body, resets `VmHWM`, decodes it through
//! `twelvelabs::transport::decode_json` (what the executor calls for every
//! success body) and reports the peak RSS growth.

use twelvelabs::models::{IndexPage, VideoPage};
use twelvelabs::transport::{decode_json, http::StatusCode};
use twelvelabs::{Index, Video};

use super::*;
use crate::support::reset_peak_rss;

/// The response cap the bodies are sized to.
const BODY: usize = 16 * MIB as usize;

const PAGE_INFO: &[u8] =
    br#"],"page_info":{"limit_per_page":50,"page":1,"total_page":1,"total_results":1}}"#;

/// `head` then `,0` repeated then `tail`, 16 MiB.
fn junk(head: &[u8], tail: &[u8]) -> Vec<u8> {
    let mut body = Vec::with_capacity(BODY);
    body.extend_from_slice(head);
    while body.len() + 2 + tail.len() <= BODY {
        body.extend_from_slice(b",0");
    }
    body.extend_from_slice(tail);
    body
}

/// `{"data":[item,item,…],"page_info":{…}}`, 16 MiB.
fn huge_page(item: &[u8]) -> Vec<u8> {
    let mut body = Vec::with_capacity(BODY);
    body.extend_from_slice(br#"{"data":["#);
    body.extend_from_slice(item);
    while body.len() + 1 + item.len() + PAGE_INFO.len() <= BODY {
        body.push(b',');
        body.extend_from_slice(item);
    }
    body.extend_from_slice(PAGE_INFO);
    body
}

/// The four hostile bodies: an index with a 16 MiB unknown key, a video
/// with one inside `system_metadata`, and 16 MiB pages of each.
const KINDS: [&str; 4] = ["index", "video", "index_list", "video_list"];

fn body(kind: &str) -> Option<Vec<u8>> {
    Some(match kind {
        "index" => junk(br#"{"_id":"i","index_name":"n","junk":[0"#, b"]}"),
        "video" => junk(
            br#"{"_id":"v","system_metadata":{"width":854,"junk":[0"#,
            b"]}}",
        ),
        "index_list" => huge_page(br#"{"_id":"i","index_name":"n"}"#),
        "video_list" => huge_page(br#"{"_id":"v"}"#),
        _ => return None,
    })
}

/// `resilience --decode-index-child <kind>`: prints `BODY_BYTES`,
/// `GROWTH_KIB` and `OUTCOME`.
pub(super) fn decode_index_child(args: &[String]) -> Result<(), String> {
    let kind = args.first().map(String::as_str).unwrap_or("");
    let body = body(kind).ok_or_else(|| format!("unknown decode child kind {kind:?}"))?;
    reset_peak_rss();
    let before = proc_status_kib("VmRSS").ok_or("no VmRSS")?;
    let ok = StatusCode::OK;
    let outcome = match kind {
        "index" => decode_json::<Index>(ok, &body).map(|i| i.extra.omitted().count()),
        "video" => decode_json::<Video>(ok, &body)
            .map(|v| v.metadata.map_or(0, |m| m.extra.omitted().count())),
        "index_list" => decode_json::<IndexPage>(ok, &body).map(|p| p.data.len()),
        _ => decode_json::<VideoPage>(ok, &body).map(|p| p.data.len()),
    };
    let peak = proc_status_kib("VmHWM").ok_or("no VmHWM")?;
    println!("BODY_BYTES {}", body.len());
    println!("GROWTH_KIB {}", peak.saturating_sub(before));
    println!(
        "OUTCOME {}",
        match outcome {
            // One omitted entry: the junk key was recorded, not kept.
            Ok(1) if !kind.ends_with("_list") => "ok_junk_omitted".to_owned(),
            Ok(n) => format!("ok_{n}"),
            Err(e) => short(&e),
        }
    );
    Ok(())
}

fn short(e: &Error) -> String {
    match e {
        Error::Decode { path, .. } => format!("decode_error_at_{path}"),
        other => describe(other),
    }
}

/// Runs one child of this scenario; `(growth over body, outcome)`.
async fn child(kind: &str) -> Result<(f64, String), String> {
    super::decode_rss::run_decode_child("--decode-index-child", kind).await
}

fn page_json(items: &[String]) -> String {
    format!(
        r#"{{"data":[{}],"page_info":{{"limit_per_page":50,"page":1,"total_page":1,"total_results":{}}}}}"#,
        items.join(","),
        items.len()
    )
}

/// The SDK's outcome for one list call against a server answering `body`.
async fn sdk_list(body: String, videos: bool) -> Result<String, String> {
    let server = canned(json_200(&body)).await?;
    let c = client_for(&server.base(), "tlk_decode_index")?;
    let result = if videos {
        c.index()
            .video()
            .list("6734f0aa9e2a3a33a92c00b1")
            .send()
            .await
            .map(|v| v.len())
    } else {
        c.index().list().send().await.map(|v| v.len())
    };
    Ok(match result {
        Ok(n) => format!("ok_{n}"),
        Err(e) => short(&e),
    })
}

pub(super) async fn s15_decode_index() -> Checks {
    let mut worst = 0.0f64;
    let mut checks = Vec::new();
    for kind in KINDS {
        let (ratio, outcome) = child(kind).await?;
        worst = worst.max(ratio);
        let want = if kind.ends_with("_list") {
            "decode_error_at_data"
        } else {
            "ok_junk_omitted"
        };
        checks.push(check(
            &format!("decode_{kind}_16mib"),
            format!("{outcome} ratio={ratio:.3}"),
            want,
            outcome == want,
        ));
    }
    checks.insert(
        0,
        check(
            "decode_index_video_peak_rss_ratio",
            format!("{worst:.3}"),
            "≤ 3 (peak RSS growth / body bytes, worst)",
            worst <= 3.0,
        ),
    );

    let indexes: Vec<String> = (0..51)
        .map(|i| format!(r#"{{"_id":"i{i}","index_name":"n{i}"}}"#))
        .collect();
    let videos: Vec<String> = (0..51).map(|i| format!(r#"{{"_id":"v{i}"}}"#)).collect();
    let got = sdk_list(page_json(&indexes[..50]), false).await?;
    checks.push(check("sdk_index_list_50", &got, "ok_50", got == "ok_50"));
    let got = sdk_list(page_json(&indexes), false).await?;
    let want = "decode_error_at_data";
    checks.push(check("sdk_index_list_51", &got, want, got == want));
    let got = sdk_list(page_json(&videos), true).await?;
    checks.push(check("sdk_video_list_51", &got, want, got == want));
    let deep = page_json(&[
        r#"{"_id":"a"}"#.to_owned(),
        r#"{"_id":"b","system_metadata":{"width":"854"}}"#.to_owned(),
    ]);
    let got = sdk_list(deep, true).await?;
    let want = "decode_error_at_data[1].system_metadata.width";
    checks.push(check("sdk_video_list_error_path", &got, want, got == want));
    Ok(checks)
}
