//! `POST /tasks`: multipart parts, URL quirks, validation and metadata.

mod common;

use common::{assert_error, make_mp4, sample_mp4, start, start_default, start_instant, Form};
use reqwest::StatusCode;
use serde_json::Value;
use twelvelabs_emulator::{EmulatorConfig, Pace};

const IDX: &str = "6298d673f1090f1100476d4c";

fn is_object_id(s: &str) -> bool {
    s.len() == 24
        && s.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

#[tokio::test]
async fn file_part_creates_a_task_with_parsed_metadata() {
    let env = start_default().await;
    let (s, v) = env
        .post_form(
            "/v1.2/tasks",
            Form::new()
                .text("index_id", IDX)
                .text("disable_video_stream", "false")
                .file("video_file", "clip.mp4", "video/mp4", &sample_mp4()),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let id = v["_id"].as_str().unwrap();
    assert!(is_object_id(id), "{id}");
    assert!(
        v.get("video_id").is_none(),
        "v1.2 create answers only _id: {v}"
    );
    let t = env.task("v1.2", id).await;
    assert_eq!(t["_id"], id);
    assert_eq!(t["index_id"], IDX);
    assert_eq!(t["status"], "validating");
    let m = &t["metadata"];
    assert_eq!(m["filename"], "clip.mp4");
    assert!((m["duration"].as_f64().unwrap() - 10.0).abs() < 0.1, "{m}");
    assert_eq!(m["width"], 640);
    assert_eq!(m["height"], 360);
    assert_eq!(m["size"], sample_mp4().len() as u64);
}

#[tokio::test]
async fn moov_after_mdat_is_parsed_too() {
    let env = start_instant().await;
    let bytes = make_mp4(12_345, 1920, 1080, 300_000, true);
    let id = env.create_file("v1.3", IDX, "late-moov.mp4", &bytes).await;
    let t = env.task("v1.3", &id).await;
    assert_eq!(t["status"], "ready");
    let m = &t["system_metadata"];
    assert_eq!(m["duration"], 12.345);
    assert_eq!(
        (m["width"].as_u64(), m["height"].as_u64()),
        (Some(1920), Some(1080))
    );
}

#[tokio::test]
async fn url_as_text_part() {
    let env = start_default().await;
    let id = env
        .create_url(
            "v1.2",
            IDX,
            "https://cdn.example.com/videos/My%20Trip.mp4?sig=abc",
        )
        .await;
    let t = env.task("v1.2", &id).await;
    assert_eq!(t["metadata"]["filename"], "My Trip.mp4");
    assert!(t["metadata"]["duration"].as_f64().unwrap() > 0.0);
    assert!(t["metadata"]["width"].as_u64().unwrap() > 0);
}

#[tokio::test]
async fn url_sent_twice_as_text_and_file_parts_like_the_python_sdk() {
    let env = start_default().await;
    let url = "https://example.com/v.mp4";
    let srt = "https://example.com/t.srt";
    let form = Form::new()
        .text("index_id", IDX)
        .text("video_url", url)
        .text("transcription_url", srt)
        .text("language", "en")
        .text("disable_video_stream", "true")
        .text("provide_transcription", "true")
        .file(
            "video_url",
            "upload",
            "application/octet-stream",
            url.as_bytes(),
        )
        .file(
            "transcription_url",
            "upload",
            "application/octet-stream",
            srt.as_bytes(),
        );
    let (s, v) = env.post_form("/v1.2/tasks", form).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let t = env.task("v1.2", v["_id"].as_str().unwrap()).await;
    assert_eq!(t["metadata"]["filename"], "v.mp4");
    assert!(
        t.get("hls").is_none(),
        "disable_video_stream=true drops hls: {t}"
    );

    // URL only as a file part (no text part) works as well.
    let form = Form::new().text("index_id", IDX).file(
        "video_url",
        "upload",
        "application/octet-stream",
        url.as_bytes(),
    );
    let (s, v) = env.post_form("/v1.2/tasks", form).await;
    assert_eq!(s, StatusCode::OK, "{v}");
}

#[tokio::test]
async fn unknown_parts_are_ignored() {
    let env = start_default().await;
    let form = Form::new()
        .file("dummy", "dummy", "application/octet-stream", b"")
        .text("index_id", IDX)
        .text("something_else", "42")
        .text("video_url", "https://example.com/a.mp4");
    let (s, v) = env.post_form("/v1.2/tasks", form).await;
    assert_eq!(s, StatusCode::OK, "{v}");
}

#[tokio::test]
async fn non_multipart_bodies_are_rejected() {
    let env = start_default().await;
    for version in ["v1.2", "v1.3"] {
        let r = env
            .post(&format!("/{version}/tasks"))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(format!(
                "index_id={IDX}&video_url=https%3A%2F%2Fe.com%2Fa.mp4"
            ))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::BAD_REQUEST);
        let v: Value = r.json().await.unwrap();
        assert_error(&v, "parameter_invalid");
        assert!(v["message"].as_str().unwrap().contains("multipart"), "{v}");

        let r = env
            .post(&format!("/{version}/tasks"))
            .header("content-type", "application/json")
            .body(r#"{"index_id":"x"}"#)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::BAD_REQUEST);
        let r = env.post(&format!("/{version}/tasks")).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    }
    assert_eq!(env.emu.stats().tasks_stored, 0);
}

#[tokio::test]
async fn missing_index_or_video_is_parameter_not_provided() {
    let env = start_default().await;
    let (s, v) = env
        .post_form(
            "/v1.2/tasks",
            Form::new().text("video_url", "https://e.com/a.mp4"),
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_error(&v, "parameter_not_provided");
    assert!(v["message"].as_str().unwrap().contains("index_id"));

    let (s, v) = env
        .post_form("/v1.3/tasks", Form::new().text("index_id", IDX))
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_error(&v, "parameter_not_provided");
    assert!(v["message"].as_str().unwrap().contains("video_url"));
}

#[tokio::test]
async fn booleans_must_be_true_or_false() {
    let env = start_default().await;
    for (version, name) in [
        ("v1.2", "disable_video_stream"),
        ("v1.2", "provide_transcription"),
        ("v1.3", "enable_video_stream"),
    ] {
        for bad in ["yes", "True", "1", ""] {
            let (s, v) = env
                .post_form(
                    &format!("/{version}/tasks"),
                    Form::new()
                        .text("index_id", IDX)
                        .text("video_url", "https://e.com/a.mp4")
                        .text(name, bad),
                )
                .await;
            assert_eq!(s, StatusCode::BAD_REQUEST, "{name}={bad:?}");
            assert_error(&v, "parameter_invalid");
            assert!(v["message"].as_str().unwrap().contains(name));
        }
    }
    // v1.3 enable_video_stream=false: no hls.
    let (s, v) = env
        .post_form(
            "/v1.3/tasks",
            Form::new()
                .text("index_id", IDX)
                .text("video_url", "https://e.com/a.mp4")
                .text("enable_video_stream", "false"),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    let t = env.task("v1.3", v["_id"].as_str().unwrap()).await;
    assert!(t.get("hls").is_none(), "{t}");
}

#[tokio::test]
async fn v13_user_metadata_is_validated_and_stored() {
    let env = start_default().await;
    let (s, v) = env
        .post_form(
            "/v1.3/tasks",
            Form::new()
                .text("index_id", IDX)
                .text("video_url", "https://e.com/a.mp4")
                .text(
                    "user_metadata",
                    r#"{"batchNumber": 7, "camera": "front", "ok": true}"#,
                ),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let id = v["_id"].as_str().unwrap();
    let video_id = v["video_id"].as_str().unwrap();
    assert!(is_object_id(video_id));
    assert_ne!(id, video_id);
    let t = env.task("v1.3", id).await;
    assert_eq!(t["user_metadata"]["batchNumber"], 7);
    assert_eq!(t["user_metadata"]["camera"], "front");
    assert_eq!(t["video_id"], video_id);

    for bad in ["{not json", "[1,2]", "\"s\""] {
        let (s, v) = env
            .post_form(
                "/v1.3/tasks",
                Form::new()
                    .text("index_id", IDX)
                    .text("video_url", "https://e.com/a.mp4")
                    .text("user_metadata", bad),
            )
            .await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{bad}");
        assert_error(&v, "parameter_invalid");
    }
}

#[tokio::test]
async fn hosting_page_urls_are_rejected() {
    let env = start_default().await;
    for url in [
        "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
        "https://youtu.be/dQw4w9WgXcQ",
        "not a url",
    ] {
        let (s, v) = env
            .post_form(
                "/v1.2/tasks",
                Form::new().text("index_id", IDX).text("video_url", url),
            )
            .await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{url}");
        assert_error(&v, "parameter_invalid");
    }
}

#[tokio::test]
async fn non_videos_and_fail_urls_end_failed() {
    let env = start_default().await;
    let id = env
        .create_file("v1.2", IDX, "notes.txt", b"just some text, not a video")
        .await;
    let t = env.finish("v1.2", &id).await;
    assert_eq!(t["status"], "failed");
    assert_eq!(t["metadata"]["filename"], "notes.txt");
    assert!(t.get("video_id").is_none());

    let id = env
        .create_url("v1.2", IDX, "https://e.com/will-fail.mp4")
        .await;
    assert_eq!(env.finish("v1.2", &id).await["status"], "failed");

    // Other containers are accepted as videos.
    let webm = [
        0x1A, 0x45, 0xDF, 0xA3, 0x9F, 0x42, 0x86, 0x81, 0x01, 0, 0, 0,
    ];
    let id = env.create_file("v1.2", IDX, "a.webm", &webm).await;
    assert_eq!(env.finish("v1.2", &id).await["status"], "ready");
}

#[tokio::test]
async fn unknown_index_is_404_when_indexes_are_fixed() {
    let env = start(EmulatorConfig {
        indexes: vec![twelvelabs_emulator::IndexSeed::new(IDX, "only")],
        ..EmulatorConfig::default()
    })
    .await;
    let (s, v) = env
        .post_form(
            "/v1.2/tasks",
            Form::new()
                .text("index_id", "aaaaaaaaaaaaaaaaaaaaaaaa")
                .text("video_url", "https://e.com/a.mp4"),
        )
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert_error(&v, "resource_not_exist");
    env.create_url("v1.2", IDX, "https://e.com/a.mp4").await;
}

#[tokio::test]
async fn too_large_files_are_rejected_after_streaming() {
    let env = start(EmulatorConfig {
        max_upload_bytes: 100_000,
        ..EmulatorConfig::default()
    })
    .await;
    let bytes = make_mp4(10_000, 640, 360, 2_000_000, false);
    let (s, v) = env
        .post_form(
            "/v1.2/tasks",
            Form::new()
                .text("index_id", IDX)
                .file("video_file", "big.mp4", "video/mp4", &bytes),
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_error(&v, "video_filesize_too_large");
    assert_eq!(env.emu.stats().tasks_stored, 0);
    // The server is fine afterwards.
    env.create_file(
        "v1.2",
        IDX,
        "ok.mp4",
        &make_mp4(10_000, 640, 360, 1000, false),
    )
    .await;
}

#[tokio::test]
async fn ids_are_unique_under_concurrent_creates() {
    let env = std::sync::Arc::new(
        start(EmulatorConfig {
            pace: Pace::Instant,
            ..EmulatorConfig::default()
        })
        .await,
    );
    let mut handles = Vec::new();
    for i in 0..40 {
        let env = env.clone();
        handles.push(tokio::spawn(async move {
            let version = if i % 2 == 0 { "v1.2" } else { "v1.3" };
            env.create_url(version, IDX, &format!("https://e.com/{i}.mp4"))
                .await
        }));
    }
    let mut ids = std::collections::HashSet::new();
    for h in handles {
        ids.insert(h.await.unwrap());
    }
    assert_eq!(ids.len(), 40);
    let (_, v) = env.get_json("/v1.3/tasks?page_limit=50").await;
    assert_eq!(v["page_info"]["total_results"], 40);
    assert_eq!(env.emu.stats().tasks_created, 40);
}
