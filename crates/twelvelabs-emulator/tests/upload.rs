//! Large streamed uploads: constant memory, exact size, server still fine.

mod common;

use std::time::Instant;

use bytes::Bytes;
use common::{start_instant, Env, BOUNDARY};
use reqwest::StatusCode;

const IDX: &str = "6298d673f1090f1100476d4c";
const MIB: u64 = 1024 * 1024;
static ZEROS: [u8; 64 * 1024] = [0; 64 * 1024];

fn rss_bytes() -> Option<u64> {
    let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
    let pages: u64 = statm.split_whitespace().nth(1)?.parse().ok()?;
    Some(pages * 4096)
}

/// Streams a multipart body whose `video_file` is `size` bytes: an `ftyp`
/// box, then one `mdat` box covering the rest, generated on the fly.
async fn upload(env: &Env, size: u64) -> String {
    let mut head = format!(
        "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"index_id\"\r\n\r\n{IDX}\r\n\
         --{BOUNDARY}\r\nContent-Disposition: form-data; name=\"video_file\"; filename=\"big.mp4\"\r\n\
         Content-Type: video/mp4\r\n\r\n"
    )
    .into_bytes();
    let ftyp: &[u8] = b"\0\0\0\x18ftypisom\0\0\x02\0isomiso2";
    head.extend_from_slice(ftyp);
    let mdat_len = size - ftyp.len() as u64;
    head.extend_from_slice(&(mdat_len as u32).to_be_bytes());
    head.extend_from_slice(b"mdat");
    let tail = format!("\r\n--{BOUNDARY}--\r\n").into_bytes();
    let mut payload = mdat_len - 8;
    let total = head.len() as u64 + payload + tail.len() as u64;

    let zeros = std::iter::from_fn(move || {
        if payload == 0 {
            return None;
        }
        let n = payload.min(ZEROS.len() as u64) as usize;
        payload -= n as u64;
        Some(Bytes::from_static(&ZEROS[..n]))
    });
    let chunks = std::iter::once(Bytes::from(head))
        .chain(zeros)
        .chain(std::iter::once(Bytes::from(tail)))
        .map(Ok::<Bytes, std::io::Error>);
    let body = reqwest::Body::wrap_stream(futures_util::stream::iter(chunks));
    let r = env
        .post("/v1.2/tasks")
        .header("content-type", common::Form::content_type())
        .header("content-length", total)
        .body(body)
        .send()
        .await
        .expect("upload");
    assert_eq!(r.status(), StatusCode::OK);
    let v: serde_json::Value = r.json().await.unwrap();
    v["_id"].as_str().unwrap().to_owned()
}

async fn streamed_upload(size: u64) {
    let env = start_instant().await;
    // Warm up (allocator, connection pool) before measuring.
    env.create_url("v1.2", IDX, "https://e.com/warm.mp4").await;
    let rss_before = rss_bytes();
    let t0 = Instant::now();
    let id = upload(&env, size).await;
    let elapsed = t0.elapsed();
    let rss_after = rss_bytes();
    let t = env.task("v1.2", &id).await;
    assert_eq!(t["status"], "ready", "an ftyp file is a video: {t}");
    assert_eq!(t["metadata"]["size"], size);
    assert_eq!(t["metadata"]["filename"], "big.mp4");
    if let (Some(before), Some(after)) = (rss_before, rss_after) {
        let growth = after.saturating_sub(before);
        assert!(
            growth < 64 * MIB,
            "RSS grew by {} MiB during a {} MiB upload",
            growth / MIB,
            size / MIB
        );
    }
    assert!(env.emu.stats().bytes_received > size);
    // Still serving.
    let (s, v) = env.get_json("/v1.2/tasks").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v["page_info"]["total_results"], 2);
    let _ = elapsed;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_200_mib_upload_is_streamed_in_constant_memory() {
    streamed_upload(200 * MIB).await;
}

/// Slow in debug builds: `cargo test -p twelvelabs-emulator --release -- --ignored`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore]
async fn a_1_gib_upload_is_streamed_in_constant_memory() {
    streamed_upload(1024 * MIB).await;
}
