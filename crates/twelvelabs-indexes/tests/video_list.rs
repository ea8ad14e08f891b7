//! `GET /indexes/{index-id}/videos`: every filter (values, ranges, custom
//! metadata) in the Python SDK's order, version-only filters refused, and the
//! page walk the Python SDK makes.

mod common;

use chrono::{NaiveDate, TimeZone, Utc};
use common::*;
use futures_util::TryStreamExt;
use twelvelabs_indexes::{DateFilter, NumberFilter, SortBy, SortOption};
use twelvelabs_transport::{ApiVersion, Error};
use wiremock::matchers::{any, method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

async fn list_server(version: ApiVersion) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(format!("/{version}/indexes/{INDEX}/videos")))
        .respond_with(json_fixture(200, "video_list_v13.json"))
        .mount(&server)
        .await;
    server
}

#[tokio::test]
async fn v12_every_filter_in_python_order() {
    let server = list_server(ApiVersion::V1_2).await;
    let day = NaiveDate::from_ymd_opt(2024, 11, 13).unwrap();
    let videos = client(&server, ApiVersion::V1_2)
        .video()
        .list(INDEX)
        .id(VIDEO)
        .filename("01.mp4")
        .width(854)
        .height(480)
        .fps(30)
        .created_at(day)
        .indexed_at(day)
        .page(1)
        .page_limit(50)
        .sort_by(SortBy::UpdatedAt)
        .sort_option(SortOption::Asc)
        .size(NumberFilter::between(1000, 2000))
        .duration(NumberFilter::at_least(10))
        .updated_at(DateFilter::until(
            Utc.with_ymd_and_hms(2024, 12, 1, 0, 0, 0).unwrap(),
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(videos.len(), 1);
    let r = &received(&server).await[0];
    assert_eq!(
        raw_query(r),
        "_id=6734f25ea1b2c3d4e5f60720&filename=01.mp4&width=854&height=480&fps=30\
         &created_at=2024-11-13&indexed_at=2024-11-13&page=1&page_limit=50&sort_by=updated_at\
         &sort_option=asc&size%5Bgte%5D=1000&size%5Blte%5D=2000&duration%5Bgte%5D=10\
         &updated_at%5Blte%5D=2024-12-01T00%3A00%3A00.000Z"
    );
}

#[tokio::test]
async fn v13_custom_metadata_filters_are_free_form_keys() {
    let server = list_server(ApiVersion::V1_3).await;
    client(&server, ApiVersion::V1_3)
        .video()
        .list(INDEX)
        .filename("a b.mp4")
        .duration(12.5)
        .user_metadata("category", "recentlyAdded")
        .user_metadata("batchNumber", 5)
        .user_metadata("rating", 9.3)
        .user_metadata("needsReview", true)
        .send()
        .await
        .unwrap();
    let r = &received(&server).await[0];
    assert_eq!(r.url.path(), format!("/v1.3/indexes/{INDEX}/videos"));
    assert_eq!(
        raw_query(r),
        "filename=a+b.mp4&duration=12.5&category=recentlyAdded&batchNumber=5&rating=9.3&needsReview=true"
    );
}

#[tokio::test]
async fn version_only_and_bad_filters_are_refused_before_any_request() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(500))
        .expect(0)
        .mount(&server)
        .await;
    let v12 = client(&server, ApiVersion::V1_2).video();
    let v13 = client(&server, ApiVersion::V1_3).video();
    let field = |e: Error| match e {
        Error::InvalidInput { field, .. } => field,
        other => panic!("{other:?}"),
    };
    let day = NaiveDate::from_ymd_opt(2024, 11, 13).unwrap();
    assert_eq!(field(v13.list(INDEX).id(VIDEO).await.unwrap_err()), "id");
    assert_eq!(
        field(v13.list(INDEX).indexed_at(day).await.unwrap_err()),
        "indexed_at"
    );
    assert_eq!(field(v12.list("").await.unwrap_err()), "index_id");
    assert_eq!(
        field(
            v12.list(INDEX)
                .size(NumberFilter::between(2, 1))
                .await
                .unwrap_err()
        ),
        "size"
    );
    assert_eq!(
        field(v12.list(INDEX).fps(f64::NAN).await.unwrap_err()),
        "fps"
    );
    assert_eq!(
        field(v13.list(INDEX).user_metadata("page", 2).await.unwrap_err()),
        "user_metadata.page"
    );
    assert_eq!(
        field(
            v13.list(INDEX)
                .user_metadata("tags", serde_json::json!(["a"]))
                .await
                .unwrap_err()
        ),
        "user_metadata.tags"
    );
    assert_eq!(
        field(v13.list(INDEX).page_limit(0).await.unwrap_err()),
        "page_limit"
    );
}

/// Answers page n (from `page`, 1 when absent) of `total`, one video each.
struct Pages(u32);

impl Respond for Pages {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let page: u32 = request
            .url
            .query_pairs()
            .find(|(k, _)| k == "page")
            .map(|(_, v)| v.parse().unwrap())
            .unwrap_or(1);
        let id = format!("6734f25ea1b2c3d4e5f607{page:02}");
        json(200, page_json(vec![video_json(&id)], page, self.0))
    }
}

#[tokio::test]
async fn pagination_requests_what_the_python_sdk_requests() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(format!("/v1.2/indexes/{INDEX}/videos")))
        .respond_with(Pages(3))
        .mount(&server)
        .await;
    let videos = client(&server, ApiVersion::V1_2).video();
    let mut pager = videos.list_pagination(INDEX).page_limit(1).await.unwrap();
    assert_eq!(pager.data[0].id, "6734f25ea1b2c3d4e5f60701");
    let mut n = 1;
    while pager.next_page().await.unwrap().is_some() {
        n += 1;
    }
    assert_eq!(n, 3);
    let queries: Vec<String> = received(&server)
        .await
        .iter()
        .map(|r| raw_query(r).to_owned())
        .collect();
    assert_eq!(
        queries,
        ["page_limit=1", "page=2&page_limit=1", "page=3&page_limit=1"]
    );

    let ids: Vec<String> = videos
        .list(INDEX)
        .page_limit(1)
        .into_stream()
        .map_ok(|v| v.id.into_inner())
        .try_collect()
        .await
        .unwrap();
    assert_eq!(
        ids,
        [
            "6734f25ea1b2c3d4e5f60701",
            "6734f25ea1b2c3d4e5f60702",
            "6734f25ea1b2c3d4e5f60703"
        ]
    );
    assert_eq!(received(&server).await.len(), 6);
}
