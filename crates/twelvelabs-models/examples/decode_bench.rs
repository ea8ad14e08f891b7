//! Decoding throughput: parses a realistic 50-task v1.2 `GET /tasks` page into a `TaskPage` many times and prints tasks/s (`cargo run --release -p twelvelabs-models --example decode_bench [iterations]`).
#![allow(clippy::print_stdout)]

use std::hint::black_box;
use std::time::Instant;

use twelvelabs_models::TaskPage;

/// Tasks on the page (the v1.2 maximum `page_limit`).
const TASKS: usize = 50;

/// One v1.2 task object, shaped like the API reference examples: ready tasks
/// carry a `video_id` and HLS, unfinished ones a `process` block.
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

fn main() {
    let iterations: usize = std::env::args()
        .nth(1)
        .and_then(|arg| arg.parse().ok())
        .unwrap_or(4_000);
    let json = page();
    let check: TaskPage = serde_json::from_str(&json).expect("the benchmark page decodes");
    assert_eq!(check.data.len(), TASKS);

    // Warm up caches and the allocator before timing.
    for _ in 0..iterations / 10 {
        black_box(serde_json::from_str::<TaskPage>(black_box(&json)).unwrap());
    }
    let start = Instant::now();
    for _ in 0..iterations {
        black_box(serde_json::from_str::<TaskPage>(black_box(&json)).unwrap());
    }
    let elapsed = start.elapsed().as_secs_f64();
    let tasks = (iterations * TASKS) as f64;
    println!(
        "decode_bench: {iterations} pages x {TASKS} tasks ({} bytes/page) in {elapsed:.3} s: {:.0} tasks/s ({:.2} us/page)",
        json.len(),
        tasks / elapsed,
        elapsed * 1e6 / iterations as f64
    );
}
