//! `DELETE /indexes/{index-id}/videos/{video-id}`.

mod common;

use common::*;
use twelvelabs_transport::{ApiVersion, Error};
use wiremock::matchers::{any, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[tokio::test]
async fn deletes_in_both_versions() {
    for (version, status) in [(ApiVersion::V1_2, 204), (ApiVersion::V1_3, 200)] {
        let server = MockServer::start().await;
        Mock::given(method("DELETE"))
            .and(path(format!("/{version}/indexes/{INDEX}/videos/{VIDEO}")))
            .respond_with(ResponseTemplate::new(status))
            .expect(1)
            .mount(&server)
            .await;
        client(&server, version)
            .video()
            .delete(INDEX, VIDEO)
            .await
            .unwrap();
        let r = &received(&server).await[0];
        assert!(r.body.is_empty());
        assert_eq!(r.url.query(), None);
    }
}

#[tokio::test]
async fn ids_are_encoded_and_blank_ids_refused() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    let videos = client(&server, ApiVersion::V1_2).video();
    videos.delete(INDEX, "a/../b").await.unwrap();
    assert_eq!(
        received(&server).await[0].url.path(),
        format!("/v1.2/indexes/{INDEX}/videos/a%2F..%2Fb")
    );
    let err = videos.delete("", VIDEO).await.unwrap_err();
    assert!(matches!(err, Error::InvalidInput { ref field, .. } if field == "index_id"));
}
