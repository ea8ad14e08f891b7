//! `PUT /indexes/{index-id}` (rename).

mod common;

use common::*;
use serde_json::json;
use twelvelabs_transport::{ApiVersion, Error};
use wiremock::matchers::{any, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[tokio::test]
async fn renames_with_put_and_accepts_204_200_and_a_json_body() {
    for (version, response) in [
        (ApiVersion::V1_2, ResponseTemplate::new(204)),
        (ApiVersion::V1_3, ResponseTemplate::new(200)),
        (ApiVersion::V1_3, json(200, json!({}))),
    ] {
        let server = MockServer::start().await;
        Mock::given(method("PUT"))
            .and(path(format!("/{version}/indexes/{INDEX}")))
            .respond_with(response)
            .expect(1)
            .mount(&server)
            .await;
        client(&server, version)
            .update(INDEX, "new-name")
            .await
            .unwrap();
        let r = &received(&server).await[0];
        assert_eq!(header(r, "content-type"), Some("application/json"));
        assert_eq!(body_json(r), json!({"index_name": "new-name"}));
        assert_eq!(r.url.query(), None);
    }
}

#[tokio::test]
async fn a_blank_name_is_refused_before_any_request() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(204))
        .expect(0)
        .mount(&server)
        .await;
    let err = client(&server, ApiVersion::V1_2)
        .update(INDEX, "  ")
        .await
        .unwrap_err();
    assert!(matches!(err, Error::InvalidInput { ref field, .. } if field == "name"));
}
