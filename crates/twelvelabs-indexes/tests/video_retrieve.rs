//! `GET /indexes/{index-id}/videos/{video-id}`: `embed` (v1.2),
//! `embedding_option` and `transcription` (v1.3).

mod common;

use common::*;
use twelvelabs_indexes::{IndexId, VideoId};
use twelvelabs_transport::{ApiErrorKind, ApiVersion, Error};
use wiremock::matchers::{any, method, path};
use wiremock::{Mock, MockServer};

async fn server_for(version: ApiVersion, fixture: &str) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(format!("/{version}/indexes/{INDEX}/videos/{VIDEO}")))
        .respond_with(json_fixture(200, fixture))
        .mount(&server)
        .await;
    server
}

#[tokio::test]
async fn v12_plain_and_with_embed() {
    let server = server_for(ApiVersion::V1_2, "video_v12.json").await;
    let videos = client(&server, ApiVersion::V1_2).video();
    let video = videos.retrieve(INDEX, VIDEO).await.unwrap();
    assert_eq!(video.metadata.unwrap().size, Some(65_749_715));
    videos.retrieve(INDEX, VIDEO).embed(true).await.unwrap();
    videos.retrieve(INDEX, VIDEO).embed(false).await.unwrap();
    let queries: Vec<Option<String>> = received(&server)
        .await
        .iter()
        .map(|r| r.url.query().map(str::to_owned))
        .collect();
    assert_eq!(
        queries,
        [None, Some("embed=true".into()), Some("embed=false".into())]
    );
}

#[tokio::test]
async fn v13_embedding_options_repeat_and_transcription() {
    let server = server_for(ApiVersion::V1_3, "video_v13.json").await;
    let video = client(&server, ApiVersion::V1_3)
        .video()
        .retrieve(IndexId::from(INDEX), VideoId::from(VIDEO))
        .embedding_option(["visual-text", "audio"])
        .transcription(true)
        .await
        .unwrap();
    assert_eq!(video.user_metadata.unwrap()["category"], "recentlyAdded");
    assert_eq!(video.transcription.len(), 1);
    assert_eq!(
        raw_query(&received(&server).await[0]),
        "embedding_option=visual-text&embedding_option=audio&transcription=true"
    );
}

#[tokio::test]
async fn wrong_version_options_are_refused_and_not_found_is_typed() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(json_fixture(404, "error_video_not_found.json"))
        .expect(1)
        .mount(&server)
        .await;
    let v12 = client(&server, ApiVersion::V1_2).video();
    let v13 = client(&server, ApiVersion::V1_3).video();
    let field = |e: Error| match e {
        Error::InvalidInput { field, .. } => field,
        other => panic!("{other:?}"),
    };
    assert_eq!(
        field(v13.retrieve(INDEX, VIDEO).embed(true).await.unwrap_err()),
        "embed"
    );
    assert_eq!(
        field(
            v12.retrieve(INDEX, VIDEO)
                .embedding_option(["audio"])
                .await
                .unwrap_err()
        ),
        "embedding_option"
    );
    assert_eq!(
        field(
            v12.retrieve(INDEX, VIDEO)
                .transcription(true)
                .await
                .unwrap_err()
        ),
        "transcription"
    );
    assert_eq!(field(v12.retrieve(INDEX, " ").await.unwrap_err()), "id");
    assert_eq!(
        field(v12.retrieve("", VIDEO).await.unwrap_err()),
        "index_id"
    );
    let err = v12.retrieve(INDEX, VIDEO).await.unwrap_err();
    assert_eq!(err.api().unwrap().kind, ApiErrorKind::NotFound);
    assert_eq!(err.code(), Some("not_found"));
}
