//! `GET /indexes/{index-id}`.

mod common;

use common::*;
use twelvelabs_indexes::IndexId;
use twelvelabs_transport::{ApiErrorKind, ApiVersion, Error};
use wiremock::matchers::{any, method, path};
use wiremock::{Mock, MockServer};

#[tokio::test]
async fn retrieves_both_versions_with_no_query() {
    for (version, fixture) in [
        (ApiVersion::V1_2, "index_v12.json"),
        (ApiVersion::V1_3, "index_v13.json"),
    ] {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .and(path(format!("/{version}/indexes/{INDEX}")))
            .respond_with(json_fixture(200, fixture))
            .expect(1)
            .mount(&server)
            .await;
        let id = IndexId::from(INDEX);
        let index = client(&server, version).retrieve(id.clone()).await.unwrap();
        assert!(!index.name.is_empty());
        assert_eq!(index.model_names().count(), 2);
        let r = &received(&server).await[0];
        assert_eq!(r.url.query(), None);
        assert!(r.body.is_empty());
        assert_eq!(header(r, "content-type"), None);
    }
}

#[tokio::test]
async fn unknown_index_is_not_found_and_blank_ids_are_refused() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(json(
            404,
            serde_json::json!({"code": "resource_not_exist", "message": "Resource with id x does not exist in indexes."}),
        ))
        .expect(1)
        .mount(&server)
        .await;
    let indexes = client(&server, ApiVersion::V1_2);
    let err = indexes.retrieve("x").await.unwrap_err();
    assert_eq!(err.api().unwrap().kind, ApiErrorKind::NotFound);
    assert_eq!(err.code(), Some("resource_not_exist"));
    let err = indexes.retrieve("").await.unwrap_err();
    assert!(matches!(err, Error::InvalidInput { .. }));
}
