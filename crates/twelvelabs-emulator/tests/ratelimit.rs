//! `X-Ratelimit-*` headers and the daily create limit.

mod common;

use common::{assert_error, start, start_default, Form};
use reqwest::StatusCode;
use serde_json::Value;
use twelvelabs_emulator::EmulatorConfig;

const IDX: &str = "6298d673f1090f1100476d4c";

fn header(r: &reqwest::Response, name: &str) -> i64 {
    r.headers()[name].to_str().unwrap().parse().unwrap()
}

fn create_form() -> Form {
    Form::new()
        .text("index_id", IDX)
        .text("video_url", "https://e.com/a.mp4")
}

#[tokio::test]
async fn create_responses_carry_rate_limit_headers() {
    let env = start_default().await;
    let r = create_form().send(env.post("/v1.2/tasks")).await;
    assert_eq!(r.status(), StatusCode::OK);
    let used = header(&r, "x-ratelimit-used");
    let limit = header(&r, "x-ratelimit-limit");
    let remaining = header(&r, "x-ratelimit-remaining");
    assert_eq!(used, 1);
    assert_eq!(limit, 1000, "the documented Developer-plan daily limit");
    assert_eq!(remaining, limit - 1);
    let reset = header(&r, "x-ratelimit-reset");
    let now = chrono::Utc::now();
    let midnight = (now.date_naive() + chrono::TimeDelta::days(1))
        .and_hms_opt(0, 0, 0)
        .unwrap()
        .and_utc()
        .timestamp();
    assert_eq!(reset, midnight);
    // Other endpoints are not rate limited.
    let r = env.get("/v1.2/tasks").send().await.unwrap();
    assert!(!r.headers().contains_key("x-ratelimit-limit"));
}

#[tokio::test]
async fn daily_limit_answers_429_with_retry_after() {
    let env = start(EmulatorConfig {
        daily_create_limit: Some(2),
        retry_after_header: true,
        ..EmulatorConfig::default()
    })
    .await;
    // A rejected create does not count.
    let r = Form::new()
        .text("index_id", IDX)
        .send(env.post("/v1.2/tasks"))
        .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert_eq!(header(&r, "x-ratelimit-used"), 0);

    for expected_remaining in [1, 0] {
        let r = create_form().send(env.post("/v1.3/tasks")).await;
        assert_eq!(r.status(), StatusCode::OK);
        assert_eq!(header(&r, "x-ratelimit-limit"), 2);
        assert_eq!(header(&r, "x-ratelimit-remaining"), expected_remaining);
    }
    let r = create_form().send(env.post("/v1.2/tasks")).await;
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    let retry_after = header(&r, "retry-after");
    assert!((1..=86_400).contains(&retry_after), "{retry_after}");
    assert_eq!(header(&r, "x-ratelimit-remaining"), 0);
    assert_eq!(header(&r, "x-ratelimit-used"), 2);
    let v: Value = r.json().await.unwrap();
    assert_error(&v, "too_many_requests");
    assert_eq!(env.emu.stats().tasks_stored, 2);
}
