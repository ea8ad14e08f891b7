//! `POST /indexes`, then `GET /indexes/{id}`: the exact JSON body per version,
//! version-only fields refused before any request, and the follow-up retrieve.

mod common;

use common::*;
use serde_json::json;
use twelvelabs_transport::{ApiErrorKind, ApiVersion, Error};
use wiremock::matchers::{any, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

async fn create_server(version: ApiVersion, fixture: &str) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(format!("/{version}/indexes")))
        .respond_with(json(201, json!({"_id": INDEX})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("/{version}/indexes/{INDEX}")))
        .respond_with(json_fixture(200, fixture))
        .mount(&server)
        .await;
    server
}

#[tokio::test]
async fn v12_sends_engines_and_addons_then_retrieves() {
    let server = create_server(ApiVersion::V1_2, "index_v12.json").await;
    let index = client(&server, ApiVersion::V1_2)
        .create("my-index")
        .engine("marengo2.6", ["visual"])
        .engine("pegasus1.1", ["visual", "conversation"])
        .addons(["thumbnail"])
        .send()
        .await
        .unwrap();
    assert_eq!(index.id, "6734f0aa9e2a3a33a92c00b1");
    assert_eq!(index.engines.len(), 2);
    let requests = received(&server).await;
    assert_eq!(requests.len(), 2);
    let post = &requests[0];
    assert_eq!(post.url.path(), "/v1.2/indexes");
    assert_eq!(header(post, "content-type"), Some("application/json"));
    assert_eq!(header(post, "x-api-key"), Some(API_KEY));
    assert_eq!(
        body_json(post),
        json!({"index_name": "my-index", "engines": [
            {"engine_name": "marengo2.6", "engine_options": ["visual"]},
            {"engine_name": "pegasus1.1", "engine_options": ["visual", "conversation"]}
        ], "addons": ["thumbnail"]})
    );
    assert_eq!(requests[1].method.as_str(), "GET");
    assert_eq!(requests[1].url.path(), format!("/v1.2/indexes/{INDEX}"));
}

#[tokio::test]
async fn v13_sends_models_and_no_null_addons() {
    let server = create_server(ApiVersion::V1_3, "index_v13.json").await;
    let index = client(&server, ApiVersion::V1_3)
        .create("myIndex")
        .model("marengo2.7", ["visual", "audio"])
        .await
        .unwrap();
    assert_eq!(index.models[0].name, "marengo2.7");
    let post = &received(&server).await[0];
    assert_eq!(post.url.path(), "/v1.3/indexes");
    assert_eq!(
        body_json(post),
        json!({"index_name": "myIndex", "models": [{"model_name": "marengo2.7", "model_options": ["visual", "audio"]}]})
    );
}

#[tokio::test]
async fn send_id_makes_one_request() {
    let server = create_server(ApiVersion::V1_2, "index_v12.json").await;
    let id = client(&server, ApiVersion::V1_2)
        .create("my-index")
        .engine("marengo2.6", ["visual"])
        .send_id()
        .await
        .unwrap();
    assert_eq!(id, INDEX);
    assert_eq!(received(&server).await.len(), 1);
}

#[tokio::test]
async fn a_failed_follow_up_retrieve_keeps_the_new_index() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(json(201, json!({"_id": INDEX})))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(404))
        .mount(&server)
        .await;
    let index = client(&server, ApiVersion::V1_2)
        .create("my-index")
        .engine("marengo2.6", ["visual"])
        .await
        .unwrap();
    assert_eq!(index.id, INDEX);
    assert_eq!(index.name, "my-index");
    assert_eq!(index.engines[0].options, ["visual"]);
    assert_eq!(index.video_count, None);
}

#[tokio::test]
async fn name_already_exists_is_a_bad_request_with_its_code() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(json_fixture(400, "error_name_exists.json"))
        .expect(1)
        .mount(&server)
        .await;
    let err = client(&server, ApiVersion::V1_3)
        .create("my-index")
        .model("marengo2.7", ["visual"])
        .await
        .unwrap_err();
    let api = err.api().expect("api error");
    assert_eq!(api.kind, ApiErrorKind::BadRequest);
    assert_eq!(err.code(), Some("index_name_already_exists"));
}

#[tokio::test]
async fn wrong_version_fields_and_bad_input_are_refused_before_any_request() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(500))
        .expect(0)
        .mount(&server)
        .await;
    let v12 = client(&server, ApiVersion::V1_2);
    let v13 = client(&server, ApiVersion::V1_3);
    let cases = [
        (v12.create("a").model("marengo2.7", ["visual"]), "models"),
        (v13.create("a").engine("marengo2.6", ["visual"]), "engines"),
        (v12.create("a"), "engines"),
        (v13.create("a"), "models"),
        (v12.create(" ").engine("marengo2.6", ["visual"]), "name"),
        (
            v12.create("a").engine("marengo2.6", Vec::<String>::new()),
            "engines",
        ),
        (
            v13.create("a").model("marengo2.7", ["visual"]).addons([""]),
            "addons",
        ),
    ];
    for (builder, expected) in cases {
        let err = builder.await.unwrap_err();
        assert!(
            matches!(&err, Error::InvalidInput { field, .. } if field == expected),
            "{expected}: {err:?}"
        );
    }
}
