//! v1.2 versus v1.3 rendering of the same store.

mod common;

use common::{start_default, start_instant};

const IDX: &str = "6298d673f1090f1100476d4c";

#[tokio::test]
async fn field_names_per_version() {
    let env = start_default().await;
    let id = env.create_url("v1.2", IDX, "https://e.com/a.mp4").await;

    // The first retrieve (v1.3) shows validating and advances the task.
    let t13 = env.task("v1.3", &id).await;
    assert_eq!(t13["status"], "validating");
    assert!(t13["system_metadata"].is_object());
    assert!(t13.get("metadata").is_none());
    assert!(t13.get("process").is_none());
    assert!(t13.get("estimated_time").is_none());
    assert!(
        t13["video_id"].is_string(),
        "v1.3 shows video_id from creation"
    );
    assert_eq!(t13["hls"]["status"], "PROCESSING");

    let t12 = env.task("v1.2", &id).await;
    assert_eq!(t12["status"], "pending");
    assert!(t12["metadata"].is_object());
    assert!(t12.get("system_metadata").is_none());
    assert!(t12["process"].is_object());
    assert!(t12["estimated_time"].is_string());
    assert!(t12.get("video_id").is_none());
    assert_eq!(
        t12["metadata"]["filename"],
        t13["system_metadata"]["filename"]
    );
}

#[tokio::test]
async fn tasks_are_shared_across_versions() {
    let env = start_instant().await;
    let a = env.create_url("v1.2", IDX, "https://e.com/a.mp4").await;
    let b = env.create_url("v1.3", IDX, "https://e.com/b.mp4").await;
    for version in ["v1.2", "v1.3"] {
        let (_, v) = env.get_json(&format!("/{version}/tasks")).await;
        assert_eq!(v["page_info"]["total_results"], 2, "{version}");
        env.task(version, &a).await;
        env.task(version, &b).await;
    }
    let b12 = env.task("v1.2", &b).await;
    let b13 = env.task("v1.3", &b).await;
    assert_eq!(
        b12["video_id"], b13["video_id"],
        "ready: same video id both ways"
    );
}

#[tokio::test]
async fn hls_on_list_items_only_in_v12() {
    let env = start_instant().await;
    env.create_url("v1.3", IDX, "https://e.com/a.mp4").await;
    let (_, v12) = env.get_json("/v1.2/tasks").await;
    let (_, v13) = env.get_json("/v1.3/tasks").await;
    assert_eq!(v12["data"][0]["hls"]["status"], "COMPLETE");
    assert!(v13["data"][0].get("hls").is_none(), "{v13}");
    assert!(v13["data"][0]["system_metadata"].is_object());
    assert!(v12["data"][0]["metadata"].is_object());
}
