//! Decode: a 50-task page into the SDK's models against a plain
//! `#[derive(Deserialize)]` struct of the same fields, side by side.

use std::hint::black_box;

use chrono::{DateTime, Utc};
use serde::Deserialize;
use twelvelabs::models::{HlsStatus, IndexId, TaskId, TaskStatus, VideoId};

use super::*;

/// Tasks on the page (the most a page holds).
const TASKS: usize = 50;

/// One v1.2 task object shaped like the API reference examples: ready
/// tasks carry a `video_id` and HLS, unfinished ones a `process` block, every
/// `metadata` two keys the models do not know (`fps`, `size`).
fn task(i: usize) -> String {
    let status = ["ready", "indexing", "ready", "pending", "ready"][i % 5];
    let minute = i % 60;
    let mut task = format!(
        r#"{{"_id":"62a17bf847f5678267ec{i:04x}","index_id":"62a0906d47f5678267ec10a6","status":"{status}","created_at":"2022-06-09T04:{minute:02}:00.879Z","updated_at":"2022-06-09T04:{minute:02}:57.256Z","estimated_time":"2022-06-09T05:{minute:02}:40.000Z","metadata":{{"filename":"lecture-{i:02}.mp4","duration":{duration},"width":854,"height":480,"fps":25.0,"size":{size}}}"#,
        duration = 531.998133 + i as f64,
        size = 48_213_000 + i * 1_000,
    );
    if status == "ready" {
        task.push_str(&format!(
            r#","video_id":"62a17c5b47f5678267ec{i:04x}","hls":{{"video_url":"https://d2cp8xx7n5vxnj.cloudfront.net/62a17c5b/stream.m3u8","thumbnail_urls":["https://d2cp8xx7n5vxnj.cloudfront.net/62a17c5b/thumb_0.jpg"],"status":"COMPLETE","updated_at":"2022-06-09T04:{minute:02}:58.000Z"}}"#
        ));
    } else {
        task.push_str(&format!(
            r#","process":{{"percentage":{},"remain_seconds":{}}}"#,
            (i * 7 % 100) as f64 + 0.5,
            290.0 - i as f64
        ));
    }
    task.push('}');
    task
}

fn page() -> String {
    let data: Vec<String> = (0..TASKS).map(task).collect();
    format!(
        r#"{{"data":[{}],"page_info":{{"limit_per_page":{TASKS},"page":1,"total_page":4,"total_results":187}}}}"#,
        data.join(",")
    )
}

// The baseline: the same fields and field types, plain derives (unknown keys
// ignored, no leniency, no field paths, no page limit).

#[derive(Deserialize)]
#[allow(dead_code)]
struct PlainPage {
    data: Vec<PlainTask>,
    page_info: PlainPageInfo,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct PlainPageInfo {
    limit_per_page: u32,
    page: u32,
    total_page: u32,
    total_results: u64,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct PlainTask {
    #[serde(rename = "_id")]
    id: TaskId,
    index_id: Option<IndexId>,
    video_id: Option<VideoId>,
    status: TaskStatus,
    created_at: Option<DateTime<Utc>>,
    updated_at: Option<DateTime<Utc>>,
    estimated_time: Option<DateTime<Utc>>,
    metadata: Option<PlainMetadata>,
    hls: Option<PlainHls>,
    process: Option<PlainProcess>,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct PlainMetadata {
    filename: Option<String>,
    duration: Option<f64>,
    width: Option<u32>,
    height: Option<u32>,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct PlainHls {
    video_url: Option<String>,
    #[serde(default)]
    thumbnail_urls: Vec<String>,
    status: Option<HlsStatus>,
    updated_at: Option<DateTime<Utc>>,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct PlainProcess {
    percentage: Option<f64>,
    remain_seconds: Option<f64>,
}

pub(super) async fn bench_decode(quick: bool) -> Result<Vec<Figure>, String> {
    let json = page();
    let check: TaskPage = serde_json::from_slice(json.as_bytes()).map_err(|e| e.to_string())?;
    if check.data.len() != TASKS {
        return Err(format!("decoded {} tasks, not {TASKS}", check.data.len()));
    }
    serde_json::from_slice::<PlainPage>(json.as_bytes()).map_err(|e| e.to_string())?;
    let (rounds, batch) = if quick { (6, 50) } else { (40, 400) };
    let time = |sdk: bool| -> f64 {
        let t = Instant::now();
        for _ in 0..batch {
            if sdk {
                black_box(serde_json::from_slice::<TaskPage>(black_box(json.as_bytes())).ok());
            } else {
                black_box(serde_json::from_slice::<PlainPage>(black_box(json.as_bytes())).ok());
            }
        }
        t.elapsed().as_secs_f64() / batch as f64
    };
    // Warm-up: caches and the allocator.
    time(true);
    time(false);
    let mut sdk = Vec::new();
    let mut plain = Vec::new();
    for round in 0..rounds {
        // Alternate which goes first so neither always follows the other.
        if round % 2 == 0 {
            sdk.push(time(true));
            plain.push(time(false));
        } else {
            plain.push(time(false));
            sdk.push(time(true));
        }
    }
    let (s, p) = (median(&sdk), median(&plain));
    let ratio = s / p;
    Ok(vec![
        Figure::new("decode_overhead_ratio", ratio, "x").goal("≤ 1.5", ratio <= 1.5),
        Figure::new("decode_tasks_per_s", TASKS as f64 / s, "tasks/s"),
        Figure::new("decode_plain_tasks_per_s", TASKS as f64 / p, "tasks/s"),
    ])
}
