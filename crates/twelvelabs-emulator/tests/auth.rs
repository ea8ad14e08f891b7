//! Authentication, version routing, `X-Api-Version` and the 404 fallback.

mod common;

use common::{assert_error, start_default};
use reqwest::StatusCode;
use serde_json::Value;

#[tokio::test]
async fn missing_and_wrong_keys_get_401_with_a_flat_body() {
    let env = start_default().await;
    for version in ["v1.2", "v1.3"] {
        let url = env.url(&format!("/{version}/tasks"));
        let r = env.client.get(&url).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
        assert_eq!(r.headers()["x-api-version"], version);
        let v: Value = r.json().await.unwrap();
        assert_error(&v, "api_key_invalid");

        let r = env
            .client
            .get(&url)
            .header("x-api-key", "tlk_wrong")
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
        assert_error(&r.json().await.unwrap(), "api_key_invalid");

        // POST without a key is rejected too (and the body is not needed).
        let r = env.client.post(&url).body("x").send().await.unwrap();
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    }
}

#[tokio::test]
async fn a_valid_key_without_content_type_is_enough() {
    let env = start_default().await;
    let r = env.get("/v1.2/tasks").send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["x-api-version"], "v1.2");
    assert!(r.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("application/json"));
    let r = env.get("/v1.3/tasks").send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["x-api-version"], "v1.3");
}

#[tokio::test]
async fn unknown_paths_and_versions_are_404_with_a_flat_body() {
    let env = start_default().await;
    for path in [
        "/v1.1/tasks",
        "/v2/tasks",
        "/v1.2/engines",
        "/",
        "/v1.3/tasks/status?index_id=x",
    ] {
        let r = env.get(path).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::NOT_FOUND, "{path}");
        assert!(r.headers().contains_key("x-api-version"));
        assert!(
            r.json::<Value>().await.unwrap()["code"].is_string(),
            "{path}"
        );
    }
    // v1.3 has no legacy transfer endpoint.
    let r = env.post("/v1.3/tasks/transfers").send().await.unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    // Unknown task id.
    let (s, v) = env.get_json("/v1.2/tasks/6298d673f1090f1100476d4c").await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert_error(&v, "resource_not_exist");
    assert!(v["message"]
        .as_str()
        .unwrap()
        .contains("6298d673f1090f1100476d4c"));
    // A wrong method on a known path is 405, still with a flat body.
    let r = env
        .client
        .put(env.url("/v1.2/tasks"))
        .header("x-api-key", &env.key)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert_error(&r.json().await.unwrap(), "method_not_allowed");
}

#[tokio::test]
async fn stats_count_requests() {
    let env = start_default().await;
    env.get("/v1.2/tasks").send().await.unwrap();
    env.client.get(env.url("/v1.2/tasks")).send().await.unwrap();
    let s = env.emu.stats();
    assert_eq!(s.requests, 2);
    assert_eq!(s.tasks_stored, 0);
    env.emu.shutdown().await;
}
