//! Fault injection by header and by seeded rates.

mod common;

use std::time::{Duration, Instant};

use common::{assert_error, start, start_default, Form};
use reqwest::StatusCode;
use serde_json::Value;
use twelvelabs_emulator::{EmulatorConfig, FaultConfig, FAULT_HEADER};

const IDX: &str = "6298d673f1090f1100476d4c";

fn create_form() -> Form {
    Form::new()
        .text("index_id", IDX)
        .text("video_url", "https://e.com/a.mp4")
}

#[tokio::test]
async fn header_503_and_500_skip_the_handler() {
    let env = start_default().await;
    for code in [503u16, 500] {
        let r = create_form()
            .send(
                env.post("/v1.2/tasks")
                    .header(FAULT_HEADER, code.to_string()),
            )
            .await;
        assert_eq!(r.status().as_u16(), code);
        assert!(r.headers().contains_key("x-api-version"));
        let v: Value = r.json().await.unwrap();
        assert!(v["code"].is_string() && v["message"].is_string(), "{v}");
    }
    assert_eq!(env.emu.stats().tasks_stored, 0);
    assert_eq!(env.emu.stats().faults_injected, 2);
}

#[tokio::test]
async fn header_429_carries_rate_limit_headers() {
    let faults = FaultConfig {
        retry_after_secs: 3,
        ..FaultConfig::default()
    };
    // By default: the documented X-Ratelimit-* headers only.
    let env = start(EmulatorConfig {
        faults: faults.clone(),
        ..EmulatorConfig::default()
    })
    .await;
    let before = chrono::Utc::now().timestamp();
    let r = env
        .get("/v1.2/tasks")
        .header(FAULT_HEADER, "429")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(!r.headers().contains_key("retry-after"));
    let h = |n: &str| r.headers()[n].to_str().unwrap().parse::<i64>().unwrap();
    assert_eq!(h("x-ratelimit-limit"), 1000);
    assert_eq!(h("x-ratelimit-remaining"), 0);
    assert_eq!(h("x-ratelimit-used"), 1000);
    let reset = h("x-ratelimit-reset");
    assert!(
        (before + 3..=before + 4).contains(&reset),
        "{reset} vs {before}"
    );

    // Retry-After only behind the flag.
    let env = start(EmulatorConfig {
        faults,
        retry_after_header: true,
        ..EmulatorConfig::default()
    })
    .await;
    let r = env
        .get("/v1.2/tasks")
        .header(FAULT_HEADER, "429")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(r.headers()["retry-after"], "3");
    assert!(r.headers().contains_key("x-ratelimit-reset"));
    assert_error(&r.json().await.unwrap(), "too_many_requests");
    let r = env
        .get("/v1.3/tasks")
        .header(FAULT_HEADER, "429:2")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(r.headers()["retry-after"], "2");
}

#[tokio::test]
async fn after_commit_stores_the_task_then_answers_503() {
    let env = start_default().await;
    let r = create_form()
        .send(
            env.post("/v1.2/tasks")
                .header(FAULT_HEADER, "503-after-commit"),
        )
        .await;
    assert_eq!(r.status(), StatusCode::SERVICE_UNAVAILABLE);
    let (_, v) = env.get_json("/v1.2/tasks").await;
    assert_eq!(v["page_info"]["total_results"], 1, "the task was stored");
    assert_eq!(v["data"][0]["metadata"]["filename"], "a.mp4");
    let s = env.emu.stats();
    assert_eq!(
        (s.tasks_created, s.tasks_stored, s.faults_injected),
        (1, 1, 1)
    );
}

#[tokio::test]
async fn drop_cuts_the_body_mid_response() {
    let env = start_default().await;
    env.emu.seed_tasks(IDX, 20, "ready");
    let r = env
        .get("/v1.2/tasks")
        .header(FAULT_HEADER, "drop")
        .send()
        .await
        .expect("headers arrive");
    assert_eq!(r.status(), StatusCode::OK);
    let body = r.bytes().await;
    assert!(
        body.is_err(),
        "the body must fail, got {:?}",
        body.map(|b| b.len())
    );

    // The server keeps working, and a create under `drop` is stored.
    let r = create_form()
        .send(env.post("/v1.2/tasks").header(FAULT_HEADER, "drop"))
        .await;
    assert!(r.bytes().await.is_err());
    let (s, v) = env.get_json("/v1.2/tasks?page_limit=50").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v["page_info"]["total_results"], 21);

    // A bodiless response (DELETE 204) is cut as well.
    let id = env.emu.seed_tasks(IDX, 1, "failed").remove(0);
    let r = env
        .delete(&format!("/v1.2/tasks/{id}"))
        .header(FAULT_HEADER, "drop")
        .send()
        .await;
    // Either the headers never arrive or the body fails; the delete happened.
    if let Ok(r) = r {
        assert!(r.bytes().await.is_err());
    }
    let (s, _) = env.get_json(&format!("/v1.2/tasks/{id}")).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn stall_and_latency_delay_the_response() {
    let env = start_default().await;
    for fault in ["stall:300", "latency:300"] {
        let t0 = Instant::now();
        let r = env
            .get("/v1.2/tasks")
            .header(FAULT_HEADER, fault)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        assert!(t0.elapsed() >= Duration::from_millis(300), "{fault}");
    }
    // A client timeout shorter than the stall sees a timeout.
    let r = env
        .get("/v1.2/tasks")
        .header(FAULT_HEADER, "stall:2000")
        .timeout(Duration::from_millis(200))
        .send()
        .await;
    assert!(r.unwrap_err().is_timeout());
}

async fn statuses(seed: u64) -> Vec<u16> {
    let env = start(EmulatorConfig {
        faults: FaultConfig {
            seed,
            error_rate: 0.3,
            rate_limit_rate: 0.2,
            ..FaultConfig::default()
        },
        ..EmulatorConfig::default()
    })
    .await;
    let mut out = Vec::new();
    for _ in 0..40 {
        out.push(
            env.get("/v1.3/tasks")
                .send()
                .await
                .unwrap()
                .status()
                .as_u16(),
        );
    }
    out
}

#[tokio::test]
async fn rates_are_deterministic_under_a_seed() {
    let a = statuses(42).await;
    let b = statuses(42).await;
    let c = statuses(7).await;
    assert_eq!(a, b);
    assert_ne!(a, c);
    assert!(
        a.contains(&503) && a.contains(&429) && a.contains(&200),
        "{a:?}"
    );
}

#[tokio::test]
async fn after_commit_rate_only_hits_creates() {
    let env = start(EmulatorConfig {
        faults: FaultConfig {
            error_after_commit_rate: 1.0,
            ..FaultConfig::default()
        },
        ..EmulatorConfig::default()
    })
    .await;
    let r = create_form().send(env.post("/v1.2/tasks")).await;
    assert_eq!(r.status(), StatusCode::SERVICE_UNAVAILABLE);
    let (s, v) = env.get_json("/v1.2/tasks").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v["page_info"]["total_results"], 1);
}

fn capped(max: Option<u32>, f: impl FnOnce(&mut FaultConfig)) -> EmulatorConfig {
    let mut faults = FaultConfig {
        seed: 3,
        error_rate: 1.0,
        max_consecutive_faults: max,
        ..FaultConfig::default()
    };
    f(&mut faults);
    EmulatorConfig {
        faults,
        ..EmulatorConfig::default()
    }
}

async fn status_of(r: reqwest::RequestBuilder) -> u16 {
    r.send().await.unwrap().status().as_u16()
}

#[tokio::test]
async fn max_consecutive_faults_bounds_each_burst() {
    let env = start(capped(Some(3), |_| {})).await;
    let mut seen = Vec::new();
    for _ in 0..12 {
        // The query is not part of the key.
        seen.push(status_of(env.get("/v1.2/tasks?page=1")).await);
    }
    assert_eq!(
        seen,
        [503, 503, 503, 200, 503, 503, 503, 200, 503, 503, 503, 200]
    );
    assert_eq!(env.emu.stats().faults_injected, 9);
}

#[tokio::test]
async fn max_consecutive_faults_keys_are_independent() {
    let env = start(capped(Some(3), |_| {})).await;
    let id = env.emu.seed_tasks(IDX, 1, "failed").remove(0);
    let task = format!("/v1.2/tasks/{id}");
    let mut seen = Vec::new();
    // Two faults on GET /v1.2/tasks, then a full burst on another path and on
    // another method of the same path: neither moves the first key's count.
    seen.push(status_of(env.get("/v1.2/tasks")).await);
    seen.push(status_of(env.get("/v1.2/tasks")).await);
    for _ in 0..4 {
        seen.push(status_of(env.get(&task)).await);
    }
    for _ in 0..4 {
        seen.push(status_of(env.get("/v1.3/tasks")).await);
    }
    seen.push(status_of(env.get("/v1.2/tasks")).await);
    seen.push(status_of(env.get("/v1.2/tasks")).await);
    assert_eq!(
        seen,
        [503, 503, 503, 503, 503, 200, 503, 503, 503, 200, 503, 200]
    );
    // A DELETE of the task path is its own key as well.
    let mut deletes = Vec::new();
    for _ in 0..4 {
        deletes.push(status_of(env.delete(&task)).await);
    }
    assert_eq!(deletes, [503, 503, 503, 204]);
}

#[tokio::test]
async fn max_consecutive_faults_ignores_header_faults() {
    let env = start(capped(Some(2), |_| {})).await;
    let mut seen = Vec::new();
    seen.push(status_of(env.get("/v1.2/tasks")).await);
    // Forced by the header: injected although the rate would be capped, and
    // not counted in the burst.
    seen.push(status_of(env.get("/v1.2/tasks").header(FAULT_HEADER, "500")).await);
    seen.push(status_of(env.get("/v1.2/tasks")).await);
    seen.push(status_of(env.get("/v1.2/tasks").header(FAULT_HEADER, "500")).await);
    seen.push(status_of(env.get("/v1.2/tasks")).await);
    assert_eq!(seen, [503, 500, 503, 500, 200]);
}

#[tokio::test]
async fn max_consecutive_faults_caps_drops_too() {
    let env = start(capped(Some(2), |f| {
        f.error_rate = 0.0;
        f.drop_rate = 1.0;
    }))
    .await;
    let mut outcomes = Vec::new();
    for _ in 0..6 {
        let r = env.get("/v1.2/tasks").send().await;
        let complete = match r {
            Ok(r) => r.bytes().await.is_ok(),
            Err(_) => false,
        };
        outcomes.push(complete);
    }
    assert_eq!(outcomes, [false, false, true, false, false, true]);
}

#[tokio::test]
async fn no_max_consecutive_faults_keeps_independent_draws() {
    let env = start(capped(None, |_| {})).await;
    for _ in 0..20 {
        assert_eq!(status_of(env.get("/v1.2/tasks")).await, 503);
    }
    assert_eq!(env.emu.stats().faults_injected, 20);
}

async fn capped_statuses(seed: u64, max: Option<u32>) -> Vec<u16> {
    let env = start(capped(max, |f| {
        f.seed = seed;
        f.error_rate = 0.5;
    }))
    .await;
    let mut out = Vec::new();
    for _ in 0..60 {
        out.push(status_of(env.get("/v1.3/tasks")).await);
    }
    out
}

#[tokio::test]
async fn max_consecutive_faults_is_deterministic_under_a_seed() {
    let a = capped_statuses(9, Some(1)).await;
    assert_eq!(a, capped_statuses(9, Some(1)).await);
    assert!(a.windows(2).all(|w| !(w[0] == 503 && w[1] == 503)), "{a:?}");
    // The cap only turns faults into normal responses: same draws otherwise.
    let free = capped_statuses(9, None).await;
    assert!(free.windows(2).any(|w| w == [503, 503]), "{free:?}");
    for (capped, free) in a.iter().zip(&free) {
        assert!(*capped == *free || (*capped == 200 && *free == 503));
    }
}
