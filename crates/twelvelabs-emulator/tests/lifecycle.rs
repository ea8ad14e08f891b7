//! Task lifecycle under each pace.

mod common;

use std::time::Duration;

use common::{start, start_default, start_instant};
use serde_json::Value;
use twelvelabs_emulator::{EmulatorConfig, Pace};

const IDX: &str = "6298d673f1090f1100476d4c";

fn ts(v: &Value) -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::parse_from_rfc3339(v.as_str().expect("timestamp"))
        .expect("rfc3339")
        .to_utc()
}

#[tokio::test]
async fn per_retrieve_walks_every_status_v12() {
    let env = start_default().await;
    let id = env.create_url("v1.2", IDX, "https://e.com/a.mp4").await;
    let mut seen = Vec::new();
    let mut last_updated = None;
    for i in 0..6 {
        let t = env.task("v1.2", &id).await;
        let status = t["status"].as_str().unwrap().to_owned();
        let updated = ts(&t["updated_at"]);
        assert!(t["created_at"].as_str().unwrap().ends_with('Z'));
        assert!(t["estimated_time"].is_string(), "{t}");
        assert!(t["metadata"].is_object());
        if let Some(prev) = last_updated {
            if i < 5 {
                assert!(updated > prev, "updated_at must increase: {t}");
            }
        }
        last_updated = Some(updated);
        if status == "ready" {
            assert!(
                t.get("process").is_none(),
                "process dropped at the end: {t}"
            );
            assert!(t["video_id"]
                .as_str()
                .is_some_and(|v| v.len() == 24 && v != id));
            assert_eq!(t["hls"]["status"], "COMPLETE");
            assert!(t["hls"]["video_url"].as_str().unwrap().ends_with(".m3u8"));
            assert_eq!(t["hls"]["thumbnail_urls"].as_array().unwrap().len(), 1);
        } else {
            let p = &t["process"];
            assert!(
                p["percentage"].is_number() && p["remain_seconds"].is_number(),
                "{t}"
            );
            assert!(
                t.get("video_id").is_none(),
                "v1.2 video_id only once ready: {t}"
            );
            assert_eq!(t["hls"]["status"], "PROCESSING");
        }
        seen.push(status);
    }
    assert_eq!(
        seen,
        [
            "validating",
            "pending",
            "queued",
            "indexing",
            "ready",
            "ready"
        ]
    );
    // Listing does not advance anything.
    let (_, v) = env.get_json("/v1.2/tasks").await;
    assert_eq!(v["data"][0]["status"], "ready");
}

#[tokio::test]
async fn per_retrieve_progress_percentage_grows() {
    let env = start_default().await;
    let id = env.create_url("v1.2", IDX, "https://e.com/a.mp4").await;
    let mut last = -1.0;
    for _ in 0..4 {
        let t = env.task("v1.2", &id).await;
        let p = t["process"]["percentage"].as_f64().unwrap();
        assert!(p > last);
        last = p;
    }
}

#[tokio::test]
async fn instant_pace_is_ready_on_creation() {
    let env = start_instant().await;
    let id = env.create_url("v1.2", IDX, "https://e.com/a.mp4").await;
    let t = env.task("v1.2", &id).await;
    assert_eq!(t["status"], "ready");
    assert!(t["video_id"].is_string());
    assert_eq!(t["created_at"], t["updated_at"]);
    let id = env.create_url("v1.2", IDX, "https://e.com/fail.mp4").await;
    assert_eq!(env.task("v1.2", &id).await["status"], "failed");
}

#[tokio::test]
async fn wall_clock_pace_is_computed_lazily() {
    let env = start(EmulatorConfig {
        pace: Pace::Every(Duration::from_millis(200)),
        ..EmulatorConfig::default()
    })
    .await;
    let id = env.create_url("v1.3", IDX, "https://e.com/a.mp4").await;
    let t = env.task("v1.3", &id).await;
    assert_eq!(t["status"], "validating");
    tokio::time::sleep(Duration::from_millis(500)).await;
    let t = env.task("v1.3", &id).await;
    assert_eq!(t["status"], "queued", "{t}");
    let step = ts(&t["updated_at"]) - ts(&t["created_at"]);
    assert_eq!(step.num_milliseconds(), 400);
    tokio::time::sleep(Duration::from_millis(500)).await;
    let t = env.task("v1.3", &id).await;
    assert_eq!(t["status"], "ready");
}

#[tokio::test]
async fn video_id_at_creation_switch_for_v12() {
    let env = start(EmulatorConfig {
        video_id_at_creation: true,
        ..EmulatorConfig::default()
    })
    .await;
    let (_, v) = env
        .post_form(
            "/v1.2/tasks",
            common::Form::new()
                .text("index_id", IDX)
                .text("video_url", "https://e.com/a.mp4"),
        )
        .await;
    let id = v["_id"].as_str().unwrap();
    let video_id = v["video_id"].as_str().unwrap();
    let t = env.task("v1.2", id).await;
    assert_eq!(t["status"], "validating");
    assert_eq!(t["video_id"], video_id);
}
