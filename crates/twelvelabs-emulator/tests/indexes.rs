//! Indexes, videos and the rules tying them to tasks (issue 11).

mod common;

use std::time::Duration;

use common::{assert_error, make_mp4, start, start_default, start_instant, Env, Form};
use reqwest::StatusCode;
use serde_json::{json, Value};
use twelvelabs_emulator::{EmulatorConfig, Pace, DEMO_INDEX_ID, DEMO_INDEX_NAME};

async fn send_json(rb: reqwest::RequestBuilder, body: Value) -> (StatusCode, Value) {
    let r = rb.json(&body).send().await.unwrap();
    let s = r.status();
    let text = r.text().await.unwrap();
    (
        s,
        if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).unwrap()
        },
    )
}

fn put(env: &Env, path: &str) -> reqwest::RequestBuilder {
    env.client.put(env.url(path)).header("x-api-key", &env.key)
}

fn patch(env: &Env, path: &str) -> reqwest::RequestBuilder {
    env.client
        .patch(env.url(path))
        .header("x-api-key", &env.key)
}

/// The body the Python SDK v0.3.2 sends (`addons: null`).
fn v12_create(name: &str) -> Value {
    json!({"index_name": name, "engines": [{"engine_name": "marengo2.6", "engine_options": ["visual", "conversation"]}], "addons": null})
}

#[tokio::test]
async fn demo_index_and_crud() {
    let env = start_default().await;
    let (s, v) = env
        .get_json(&format!("/v1.2/indexes/{DEMO_INDEX_ID}"))
        .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v["index_name"], DEMO_INDEX_NAME);
    assert_eq!(v["engines"][0]["engine_name"], "marengo2.6");
    assert_eq!(v["video_count"], 0);
    assert!(v["total_duration"].is_number());

    let (s, v) = send_json(env.post("/v1.2/indexes"), v12_create("mine")).await;
    assert_eq!(s, StatusCode::CREATED);
    let id = v["_id"].as_str().unwrap().to_owned();
    assert_eq!(id.len(), 24);
    let (s, v) = send_json(env.post("/v1.2/indexes"), v12_create("mine")).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_error(&v, "index_name_already_exists");
    let (s, v) = send_json(env.post("/v1.2/indexes"), json!({"index_name": "x"})).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_error(&v, "parameter_not_provided");
    let (s, v) = send_json(
        env.post("/v1.3/indexes"),
        json!({"index_name": "v13", "models": [{"model_name": "marengo2.7", "model_options": ["visual", "smell"]}]}),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_error(&v, "parameter_invalid");
    let (s, _) = send_json(
        env.post("/v1.3/indexes"),
        json!({"index_name": "v13", "models": [{"model_name": "pegasus1.2", "model_options": ["visual", "audio"]}]}),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED);

    // List: newest first; v1.3 shape; filters.
    let (s, v) = env.get_json("/v1.3/indexes").await;
    assert_eq!(s, StatusCode::OK);
    // The demo index, the second test index and the two created here.
    assert_eq!(v["page_info"]["total_results"], 4);
    assert_eq!(v["data"][0]["index_name"], "v13");
    assert!(v["data"][0]["models"].is_array() && v["data"][0].get("engines").is_none());
    let (_, v) = env.get_json("/v1.2/indexes?engine_family=pegasus").await;
    assert_eq!(v["page_info"]["total_results"], 1);
    let (_, v) = env
        .get_json("/v1.2/indexes?engine_options=visual&engine_options=conversation&index_name=mine")
        .await;
    assert_eq!(v["data"][0]["_id"], id.as_str());
    let (_, v) = env
        .get_json("/v1.2/indexes?page=1&page_limit=10&sort_by=created_at&sort_option=desc")
        .await;
    assert_eq!(v["data"].as_array().unwrap().len(), 4);

    // Rename: 204; to a taken name: 400.
    let (s, _) = send_json(
        put(&env, &format!("/v1.2/indexes/{id}")),
        json!({"index_name": "renamed"}),
    )
    .await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let (s, v) = send_json(
        put(&env, &format!("/v1.2/indexes/{id}")),
        json!({"index_name": "v13"}),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_error(&v, "index_name_already_exists");
    let (_, v) = env.get_json(&format!("/v1.2/indexes/{id}")).await;
    assert_eq!(v["index_name"], "renamed");

    // Delete, then it is gone everywhere.
    let r = env
        .delete(&format!("/v1.2/indexes/{id}"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    let (s, v) = env.get_json(&format!("/v1.2/indexes/{id}")).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert_error(&v, "resource_not_exist");
    let (s, v) = env
        .post_form(
            "/v1.2/tasks",
            Form::new()
                .text("index_id", &id)
                .text("video_url", "https://e.com/a.mp4"),
        )
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert_error(&v, "resource_not_exist");
}

#[tokio::test]
async fn ready_task_becomes_a_video() {
    let env = start_instant().await;
    let idx = DEMO_INDEX_ID;
    let task_id = env
        .create_file(
            "v1.2",
            idx,
            "clip.mp4",
            &make_mp4(12_000, 854, 480, 100, false),
        )
        .await;
    let task = env.task("v1.2", &task_id).await;
    assert_eq!(task["status"], "ready");
    let video_id = task["video_id"].as_str().unwrap().to_owned();

    let (s, v) = env.get_json(&format!("/v1.2/indexes/{idx}/videos")).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v["page_info"]["total_results"], 1);
    let item = &v["data"][0];
    assert_eq!(item["_id"], video_id.as_str());
    assert!(
        item.get("index_id").is_none(),
        "index_id breaks the Python SDK v0.3.2"
    );
    for k in ["filename", "duration", "fps", "width", "height", "size"] {
        assert!(item["metadata"].get(k).is_some(), "{k}");
    }
    assert_eq!(item["metadata"]["width"], 854);
    assert!(item["metadata"]["size"].is_u64());
    assert_eq!(item["created_at"], task["created_at"]);

    let (s, v) = env
        .get_json(&format!(
            "/v1.3/indexes/{idx}/videos/{video_id}?embedding_option=visual-text"
        ))
        .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v["system_metadata"]["filename"], "clip.mp4");
    assert!(v.get("metadata").is_none() && v.get("index_id").is_none());
    let (_, v) = env.get_json(&format!("/v1.2/indexes/{idx}")).await;
    assert_eq!(v["video_count"], 1);
    assert_eq!(v["total_duration"], 12.0);

    // Filters.
    let (_, v) = env.get_json(&format!("/v1.2/indexes/{idx}/videos?width=854&duration%5Bgte%5D=10&metadata=%7B%27a%27%3A%201%7D")).await;
    assert_eq!(v["page_info"]["total_results"], 1);
    let (_, v) = env
        .get_json(&format!("/v1.2/indexes/{idx}/videos?filename=other.mp4"))
        .await;
    assert_eq!(v["page_info"]["total_results"], 0);

    // Update: v1.2 PUT merges metadata; reserved keys are refused; v1.3 PATCH null deletes.
    let path = format!("/v1.2/indexes/{idx}/videos/{video_id}");
    let (s, _) = send_json(
        put(&env, &path),
        json!({"video_title": "T", "metadata": {"category": "news", "n": 5}}),
    )
    .await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let (s, v) = send_json(put(&env, &path), json!({"metadata": {"duration": 1}})).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_error(&v, "parameter_invalid");
    let (_, v) = env.get_json(&path).await;
    assert_eq!(v["metadata"]["category"], "news");
    assert_eq!(v["user_metadata"]["n"], 5);
    assert_eq!(v["metadata"]["duration"], 12.0);
    let p13 = format!("/v1.3/indexes/{idx}/videos/{video_id}");
    let (s, _) = send_json(
        patch(&env, &p13),
        json!({"user_metadata": {"category": null}}),
    )
    .await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let (_, v) = env.get_json(&p13).await;
    assert_eq!(v["user_metadata"], json!({"n": 5}));
    let r = patch(&env, &path).json(&json!({})).send().await.unwrap();
    assert_eq!(
        r.status(),
        StatusCode::METHOD_NOT_ALLOWED,
        "v1.2 has no PATCH"
    );

    // The delete rule: video first, then the task.
    let r = env
        .delete(&format!("/v1.2/tasks/{task_id}"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert_error(&r.json().await.unwrap(), "task_cannot_be_deleted");
    let r = env.delete(&path).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    let (s, v) = env.get_json(&path).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert_error(&v, "not_found");
    let r = env
        .delete(&format!("/v1.2/tasks/{task_id}"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
}

#[tokio::test]
async fn failed_tasks_make_no_video_and_unknown_index_is_404() {
    let env = start_instant().await;
    env.create_url("v1.3", DEMO_INDEX_ID, "https://e.com/fail.mp4")
        .await;
    let (_, v) = env
        .get_json(&format!("/v1.3/indexes/{DEMO_INDEX_ID}/videos"))
        .await;
    assert_eq!(v["page_info"]["total_results"], 0);
    let (s, v) = env
        .get_json("/v1.3/indexes/000000000000000000000000/videos")
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert_error(&v, "resource_not_exist");
}

#[tokio::test]
async fn deleting_an_index_removes_its_videos_and_tasks() {
    let env = start_instant().await;
    let (_, v) = send_json(env.post("/v1.2/indexes"), v12_create("doomed")).await;
    let id = v["_id"].as_str().unwrap().to_owned();
    env.create_url("v1.2", &id, "https://e.com/a.mp4").await;
    env.create_url("v1.2", DEMO_INDEX_ID, "https://e.com/b.mp4")
        .await;
    let (_, v) = env.get_json(&format!("/v1.2/indexes/{id}/videos")).await;
    assert_eq!(v["page_info"]["total_results"], 1);
    let r = env
        .delete(&format!("/v1.2/indexes/{id}"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    let (_, v) = env.get_json("/v1.2/tasks").await;
    assert_eq!(v["page_info"]["total_results"], 1);
    assert_eq!(v["data"][0]["index_id"], DEMO_INDEX_ID);
    assert_eq!(env.emu.stats().tasks_stored, 1);
}

#[tokio::test]
async fn hls_playlist_is_served_without_a_key() {
    let env = start_instant().await;
    let id = env
        .create_url("v1.3", DEMO_INDEX_ID, "https://e.com/a.mp4")
        .await;
    let task = env.task("v1.3", &id).await;
    let url = task["hls"]["video_url"].as_str().unwrap().to_owned();
    let r = env.client.get(&url).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["content-type"], "application/vnd.apple.mpegurl");
    let text = r.text().await.unwrap();
    assert!(text.starts_with("#EXTM3U\n") && text.contains("#EXT-X-ENDLIST"));
    let r = env
        .client
        .get(env.url("/hls/000000000000000000000000/stream/x.m3u8"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn video_prerequisites_are_checked_on_upload() {
    let env = start_instant().await;
    for (mp4, code, version) in [
        (
            make_mp4(2_000, 640, 360, 100, false),
            "video_duration_too_short",
            "v1.2",
        ),
        (
            make_mp4(10_000, 200, 200, 100, false),
            "video_resolution_too_low",
            "v1.2",
        ),
        (
            make_mp4(10_000, 200, 200, 100, false),
            "video_resolution_too_low",
            "v1.3",
        ),
        (
            make_mp4(10_000, 1600, 400, 100, false),
            "video_resolution_invalid_aspect_ratio",
            "v1.3",
        ),
    ] {
        let (s, v) = env
            .post_form(
                &format!("/{version}/tasks"),
                Form::new().text("index_id", DEMO_INDEX_ID).file(
                    "video_file",
                    "a.mp4",
                    "video/mp4",
                    &mp4,
                ),
            )
            .await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{code}");
        assert_error(&v, code);
    }
    assert_eq!(env.emu.stats().tasks_stored, 0);
    // The switch turns the checks off.
    let env = start(EmulatorConfig {
        check_prerequisites: false,
        pace: Pace::Instant,
        ..common::config()
    })
    .await;
    env.create_file(
        "v1.2",
        DEMO_INDEX_ID,
        "a.mp4",
        &make_mp4(2_000, 200, 200, 100, false),
    )
    .await;
}

/// With a time-based pace, a client polling any endpoint sees progress.
#[tokio::test]
async fn time_based_pace_moves_on_its_own() {
    let env = start(EmulatorConfig {
        pace: Pace::Every(Duration::from_millis(40)),
        ..common::config()
    })
    .await;
    let id = env
        .create_url("v1.2", DEMO_INDEX_ID, "https://e.com/a.mp4")
        .await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let (_, v) = env
        .get_json(&format!("/v1.2/indexes/{DEMO_INDEX_ID}/videos"))
        .await;
    assert_eq!(v["page_info"]["total_results"], 1);
    let (_, v) = env.get_json("/v1.2/tasks").await;
    assert_eq!(v["data"][0]["_id"], id.as_str());
    assert_eq!(v["data"][0]["status"], "ready");
}
