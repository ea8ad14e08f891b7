//! `GET /indexes`: every filter under its wire name, in the Python SDK's order,
//! version-only filters refused, and the page walk.

mod common;

use chrono::{NaiveDate, TimeZone, Utc};
use common::*;
use futures_util::TryStreamExt;
use twelvelabs_indexes::{DateFilter, SortBy, SortOption};
use twelvelabs_transport::{ApiVersion, Error};
use wiremock::matchers::{any, method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

async fn list_server(version: ApiVersion) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(format!("/{version}/indexes")))
        .respond_with(json_fixture(200, "index_list_v12.json"))
        .mount(&server)
        .await;
    server
}

#[tokio::test]
async fn v12_every_filter_in_python_order() {
    let server = list_server(ApiVersion::V1_2).await;
    let indexes = client(&server, ApiVersion::V1_2)
        .list()
        .id(INDEX)
        .name("my-index")
        .engine_options(["visual", "conversation"])
        .engine_family("marengo")
        .page(2)
        .page_limit(5)
        .sort_by(SortBy::UpdatedAt)
        .sort_option(SortOption::Asc)
        .updated_at(NaiveDate::from_ymd_opt(2024, 3, 1).unwrap())
        .created_at(DateFilter::between(
            Utc.with_ymd_and_hms(2024, 1, 1, 0, 0, 0).unwrap(),
            Utc.with_ymd_and_hms(2024, 2, 1, 0, 0, 0).unwrap(),
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(indexes.len(), 2);
    let r = &received(&server).await[0];
    assert_eq!(
        raw_query(r),
        "_id=6734f0aa9e2a3a33a92c00b1&index_name=my-index&engine_options=visual%2Cconversation\
         &engine_family=marengo&page=2&page_limit=5&sort_by=updated_at&sort_option=asc\
         &updated_at=2024-03-01&created_at%5Bgte%5D=2024-01-01T00%3A00%3A00.000Z\
         &created_at%5Blte%5D=2024-02-01T00%3A00%3A00.000Z"
    );
}

#[tokio::test]
async fn v13_model_filters_and_no_defaults_sent() {
    let server = list_server(ApiVersion::V1_3).await;
    let indexes = client(&server, ApiVersion::V1_3);
    indexes.list().await.unwrap();
    indexes
        .list()
        .model_options(["visual", "audio"])
        .model_family("pegasus")
        .updated_at(DateFilter::since(
            Utc.with_ymd_and_hms(2024, 1, 1, 0, 0, 0).unwrap(),
        ))
        .send()
        .await
        .unwrap();
    let r = received(&server).await;
    assert_eq!(raw_query(&r[0]), "");
    assert_eq!(
        raw_query(&r[1]),
        "model_options=visual%2Caudio&model_family=pegasus&updated_at%5Bgte%5D=2024-01-01T00%3A00%3A00.000Z"
    );
}

#[tokio::test]
async fn version_only_filters_and_bad_values_are_refused_before_any_request() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(500))
        .expect(0)
        .mount(&server)
        .await;
    let v12 = client(&server, ApiVersion::V1_2);
    let v13 = client(&server, ApiVersion::V1_3);
    let field = |e: Error| match e {
        Error::InvalidInput { field, .. } => field,
        other => panic!("{other:?}"),
    };
    assert_eq!(
        field(v12.list().model_family("marengo").await.unwrap_err()),
        "model_family"
    );
    assert_eq!(
        field(v12.list().model_options(["audio"]).await.unwrap_err()),
        "model_options"
    );
    assert_eq!(
        field(v13.list().engine_family("marengo").await.unwrap_err()),
        "engine_family"
    );
    assert_eq!(
        field(v13.list().engine_options(["visual"]).await.unwrap_err()),
        "engine_options"
    );
    assert_eq!(
        field(v12.list().page_limit(51).await.unwrap_err()),
        "page_limit"
    );
    assert_eq!(field(v12.list().page(0).await.unwrap_err()), "page");
    assert_eq!(field(v12.list().name("").await.unwrap_err()), "name");
    assert_eq!(
        field(v12.list().engine_options(["a,b"]).await.unwrap_err()),
        "engine_options"
    );
    let inverted = DateFilter::between(
        Utc.with_ymd_and_hms(2024, 2, 1, 0, 0, 0).unwrap(),
        Utc.with_ymd_and_hms(2024, 1, 1, 0, 0, 0).unwrap(),
    );
    assert_eq!(
        field(v13.list().created_at(inverted).await.unwrap_err()),
        "created_at"
    );
}

/// Answers page n (from the `page` parameter, 1 when absent) of `total`.
struct Pages {
    total: u32,
    version: ApiVersion,
}

impl Respond for Pages {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let page: u32 = request
            .url
            .query_pairs()
            .find(|(k, _)| k == "page")
            .map(|(_, v)| v.parse().unwrap())
            .unwrap_or(1);
        let id = format!("6734f0aa9e2a3a33a92c00{page:02}");
        json(
            200,
            page_json(vec![index_json(&id, self.version)], page, self.total),
        )
    }
}

#[tokio::test]
async fn pagination_walks_every_page_with_the_same_filters_and_stops_at_the_last() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(Pages {
            total: 3,
            version: ApiVersion::V1_2,
        })
        .mount(&server)
        .await;
    let indexes = client(&server, ApiVersion::V1_2);
    let mut pager = indexes
        .list_pagination()
        .page_limit(1)
        .created_at(DateFilter::until(
            Utc.with_ymd_and_hms(2025, 1, 1, 0, 0, 0).unwrap(),
        ))
        .with_header("x-trace", "t1")
        .send()
        .await
        .unwrap();
    assert_eq!(pager.data[0].id, "6734f0aa9e2a3a33a92c0001");
    let mut later = Vec::new();
    while let Some(page) = pager.next_page().await.unwrap() {
        later.push(page[0].id.to_string());
    }
    assert_eq!(
        later,
        ["6734f0aa9e2a3a33a92c0002", "6734f0aa9e2a3a33a92c0003"]
    );
    assert!(!pager.has_next_page());
    let requests = received(&server).await;
    let queries: Vec<&str> = requests.iter().map(raw_query).collect();
    assert_eq!(
        queries,
        [
            "page_limit=1&created_at%5Blte%5D=2025-01-01T00%3A00%3A00.000Z",
            "page=2&page_limit=1&created_at%5Blte%5D=2025-01-01T00%3A00%3A00.000Z",
            "page=3&page_limit=1&created_at%5Blte%5D=2025-01-01T00%3A00%3A00.000Z",
        ]
    );
    assert!(requests.iter().all(|r| header(r, "x-trace") == Some("t1")));

    // The item stream sees the same indexes, without a fourth request per walk.
    let ids: Vec<String> = indexes
        .list()
        .page_limit(1)
        .into_stream()
        .map_ok(|i| i.id.into_inner())
        .try_collect()
        .await
        .unwrap();
    assert_eq!(ids.len(), 3);
    assert_eq!(received(&server).await.len(), 6);
    let pages: Vec<_> = indexes
        .list()
        .page(2)
        .into_page_stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(pages.len(), 2);
    assert_eq!(pages[0].page_info.page, 2);
}
