//! Bounded intake (issue 9 §5): hostile multipart framing and JSON bodies get
//! `413` with the API's error body; hostile queries never panic a handler.

mod common;

use reqwest::StatusCode;
use serde_json::Value;

const IDX: &str = "6298d673f1090f1100476d4c";

async fn post_raw(
    env: &common::Env,
    path: &str,
    content_type: &str,
    body: Vec<u8>,
) -> (StatusCode, Value) {
    let r = env
        .post(path)
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .expect("answered, not reset");
    let status = r.status();
    (status, r.json().await.expect("json error body"))
}

fn mp_ct() -> String {
    format!("multipart/form-data; boundary={}", common::BOUNDARY)
}

#[tokio::test]
async fn long_part_header_is_413() {
    let env = common::start_default().await;
    let mut body = format!(
        "--{}\r\nContent-Disposition: form-data; name=\"index_id\"\r\nX-Long: ",
        common::BOUNDARY
    )
    .into_bytes();
    body.extend(std::iter::repeat_n(b'a', 4 * 1024 * 1024));
    body.extend_from_slice(format!("\r\n\r\n{IDX}\r\n--{}--\r\n", common::BOUNDARY).as_bytes());
    let (status, v) = post_raw(&env, "/v1.2/tasks", &mp_ct(), body).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(v["code"], "request_too_large");
    assert!(v["message"].as_str().unwrap().contains("headers"));
    assert_eq!(env.emu.stats().tasks_created, 0);
}

#[tokio::test]
async fn missing_boundary_is_413() {
    let env = common::start_default().await;
    let (status, v) = post_raw(&env, "/v1.3/tasks", &mp_ct(), vec![b'z'; 2 * 1024 * 1024]).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(v["code"], "request_too_large");
    let (status, v) = post_raw(&env, "/v1.2/tasks/transfers", &mp_ct(), vec![b'z'; 200_000]).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{v}");
}

#[tokio::test]
async fn too_many_parts_is_413() {
    let env = common::start_default().await;
    let mut body = Vec::new();
    for i in 0..200 {
        body.extend_from_slice(
            format!(
                "--{}\r\nContent-Disposition: form-data; name=\"dummy{i}\"\r\n\r\nx\r\n",
                common::BOUNDARY
            )
            .as_bytes(),
        );
    }
    body.extend_from_slice(format!("--{}--\r\n", common::BOUNDARY).as_bytes());
    let (status, v) = post_raw(&env, "/v1.2/tasks", &mp_ct(), body).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(v["message"].as_str().unwrap().contains("parts"));
}

#[tokio::test]
async fn normal_multipart_still_works_and_long_text_part_is_400() {
    let env = common::start_instant().await;
    let id = env
        .create_url("v1.2", IDX, "https://cdn.example.com/ok.mp4")
        .await;
    assert_eq!(id.len(), 24);
    let long = "x".repeat(2 * 1024 * 1024);
    let (status, v) = env
        .post_form(
            "/v1.2/tasks",
            common::Form::new()
                .text("index_id", IDX)
                .text("video_url", &long),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(v["code"], "parameter_invalid");
}

#[tokio::test]
async fn oversized_json_body_is_413() {
    let env = common::start_default().await;
    let mut body = br#"{"index_id":""#.to_vec();
    body.extend(std::iter::repeat_n(b'a', 2 * 1024 * 1024));
    body.extend_from_slice(br#""}"#);
    let (status, v) = post_raw(
        &env,
        "/v1.3/tasks/transfers/import/demo-integration",
        "application/json",
        body,
    )
    .await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(v["code"], "request_too_large");
}

/// Dates at and past chrono's range, huge and odd numbers, repeated and
/// unknown keys: every answer is 200 or 400, and no handler panics.
#[tokio::test]
async fn hostile_queries_never_panic() {
    let env = common::start_default().await;
    env.emu.seed_tasks(IDX, 3, "ready");
    let values = [
        "+262142-12-31",
        "-262143-01-01",
        "+262143-01-01",
        "9999-12-31T23:59:59.999Z",
        "0000-01-01T00:00:00Z",
        "2024-02-30",
        "18446744073709551616",
        "-1",
        "1e309",
        "NaN",
        "",
        "%FF%FE",
    ];
    let keys = [
        "created_at",
        "created_at[lte]",
        "created_at[gte]",
        "updated_at[lte]",
        "estimated_time[gte]",
        "page",
        "page_limit",
        "duration[gte]",
        "width",
        "status",
        "sort_by",
        "unknown[x]",
        "index_id",
    ];
    for path in ["/v1.2/tasks", "/v1.3/tasks"] {
        for k in keys {
            for v in values {
                let q = format!("{path}?{k}={v}&{k}={v}&{k}[lte]={v}");
                let r = env.get(&q).send().await.expect("answered");
                assert!(
                    r.status() == StatusCode::OK || r.status() == StatusCode::BAD_REQUEST,
                    "{q}: {}",
                    r.status()
                );
            }
        }
    }
    assert_eq!(env.emu.stats().handler_panics, 0);
}
