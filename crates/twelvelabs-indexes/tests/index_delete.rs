//! `DELETE /indexes/{index-id}`.

mod common;

use common::*;
use twelvelabs_transport::ApiVersion;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[tokio::test]
async fn deletes_and_accepts_204_or_200() {
    for (version, status) in [(ApiVersion::V1_2, 204), (ApiVersion::V1_3, 200)] {
        let server = MockServer::start().await;
        Mock::given(method("DELETE"))
            .and(path(format!("/{version}/indexes/{INDEX}")))
            .respond_with(ResponseTemplate::new(status))
            .expect(1)
            .mount(&server)
            .await;
        client(&server, version).delete(INDEX).await.unwrap();
        let r = &received(&server).await[0];
        assert!(r.body.is_empty());
        assert_eq!(r.url.query(), None);
    }
}

#[tokio::test]
async fn a_5xx_delete_is_retried() {
    let server = MockServer::start().await;
    Mock::given(method("DELETE"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    client(&server, ApiVersion::V1_2)
        .delete(INDEX)
        .await
        .unwrap();
    assert_eq!(received(&server).await.len(), 2);
}
