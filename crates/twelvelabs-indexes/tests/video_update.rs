//! Video update: v1.2 `PUT` with `video_title`/`metadata`, v1.3 `PATCH` with
//! `user_metadata` where `null` deletes a key.

mod common;

use common::*;
use serde_json::{json, Map};
use twelvelabs_transport::{ApiVersion, Error};
use wiremock::matchers::{any, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[tokio::test]
async fn v12_put_with_title_and_metadata() {
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .and(path(format!("/v1.2/indexes/{INDEX}/videos/{VIDEO}")))
        .respond_with(ResponseTemplate::new(204))
        .expect(3)
        .mount(&server)
        .await;
    let videos = client(&server, ApiVersion::V1_2).video();
    let mut metadata = Map::new();
    metadata.insert("category".into(), json!("news"));
    metadata.insert("n".into(), json!(5));
    metadata.insert("ok".into(), json!(true));
    videos
        .update(INDEX, VIDEO)
        .title("New title")
        .metadata(metadata)
        .await
        .unwrap();
    videos.update(INDEX, VIDEO).title("T").await.unwrap();
    videos.update(INDEX, VIDEO).await.unwrap();
    let r = received(&server).await;
    assert_eq!(header(&r[0], "content-type"), Some("application/json"));
    assert_eq!(
        body_json(&r[0]),
        json!({"video_title": "New title", "metadata": {"category": "news", "n": 5, "ok": true}})
    );
    assert_eq!(body_json(&r[1]), json!({"video_title": "T"}));
    assert_eq!(body_json(&r[2]), json!({}));
}

#[tokio::test]
async fn v13_patch_sets_and_deletes_keys() {
    let server = MockServer::start().await;
    Mock::given(method("PATCH"))
        .and(path(format!("/v1.3/indexes/{INDEX}/videos/{VIDEO}")))
        .respond_with(json(200, json!({})))
        .expect(1)
        .mount(&server)
        .await;
    client(&server, ApiVersion::V1_3)
        .video()
        .update(INDEX, VIDEO)
        .set("category", "news")
        .set("rating", 9.3)
        .unset("obsolete")
        .await
        .unwrap();
    let r = &received(&server).await[0];
    assert_eq!(
        body_json(r),
        json!({"user_metadata": {"category": "news", "rating": 9.3, "obsolete": null}})
    );
}

#[tokio::test]
async fn a_5xx_patch_is_retried_as_idempotent() {
    let server = MockServer::start().await;
    Mock::given(method("PATCH"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("PATCH"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    client(&server, ApiVersion::V1_3)
        .video()
        .update(INDEX, VIDEO)
        .set("a", 1)
        .await
        .unwrap();
    assert_eq!(received(&server).await.len(), 2);
}

#[tokio::test]
async fn wrong_version_fields_and_reserved_keys_are_refused_before_any_request() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(204))
        .expect(0)
        .mount(&server)
        .await;
    let v12 = client(&server, ApiVersion::V1_2).video();
    let v13 = client(&server, ApiVersion::V1_3).video();
    let field = |e: Error| match e {
        Error::InvalidInput { field, .. } => field,
        other => panic!("{other:?}"),
    };
    let map = |k: &str, v: serde_json::Value| {
        let mut m = Map::new();
        m.insert(k.to_owned(), v);
        m
    };
    assert_eq!(
        field(v13.update(INDEX, VIDEO).title("T").await.unwrap_err()),
        "title"
    );
    assert_eq!(
        field(
            v13.update(INDEX, VIDEO)
                .metadata(map("a", json!(1)))
                .await
                .unwrap_err()
        ),
        "metadata"
    );
    assert_eq!(
        field(v12.update(INDEX, VIDEO).set("a", 1).await.unwrap_err()),
        "user_metadata"
    );
    assert_eq!(
        field(
            v12.update(INDEX, VIDEO)
                .metadata(map("fps", json!(1)))
                .await
                .unwrap_err()
        ),
        "metadata.fps"
    );
    assert_eq!(
        field(
            v12.update(INDEX, VIDEO)
                .metadata(map("a", json!(null)))
                .await
                .unwrap_err()
        ),
        "metadata.a"
    );
    assert_eq!(
        field(
            v13.update(INDEX, VIDEO)
                .set("model_names", "x")
                .await
                .unwrap_err()
        ),
        "user_metadata.model_names"
    );
    assert_eq!(
        field(
            v13.update(INDEX, VIDEO)
                .set("o", json!({"x": 1}))
                .await
                .unwrap_err()
        ),
        "user_metadata.o"
    );
}
