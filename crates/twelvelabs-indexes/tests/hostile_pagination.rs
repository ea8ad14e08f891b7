//! Index and video listings end against a hostile server, by the same rules as
//! the task listing (they share the transport crate's `Pager`): a server
//! claiming `total_page: 4294967295` with `total_results: 3` and advancing its
//! page number is read for three items, not four billion pages.

mod common;

use common::*;
use futures_util::{StreamExt, TryStreamExt};
use serde_json::{json, Value};
use twelvelabs_transport::{ApiVersion, Error};
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

/// Answers every page with its own number, the items `make(page)` gives and a
/// `page_info` claiming `u32::MAX` pages.
struct Advancing(fn(u32) -> Vec<Value>);

impl Respond for Advancing {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let page: u32 = request
            .url
            .query_pairs()
            .find(|(k, _)| k == "page")
            .and_then(|(_, v)| v.parse().ok())
            .unwrap_or(1);
        ResponseTemplate::new(200).set_body_json(json!({
            "data": (self.0)(page),
            "page_info": {
                "limit_per_page": 1,
                "page": page,
                "total_page": 4294967295u64,
                "total_results": 3
            }
        }))
    }
}

fn index(id: String) -> Value {
    json!({"_id": id, "index_name": format!("n-{id}")})
}

fn video(id: String) -> Value {
    json!({"_id": id, "system_metadata": {"filename": "a.mp4"}})
}

async fn server(make: fn(u32) -> Vec<Value>) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(Advancing(make))
        .mount(&server)
        .await;
    server
}

#[tokio::test]
async fn an_index_listing_ends_after_total_results() {
    let server = server(|p| vec![index(format!("i{p}"))]).await;
    let all: Vec<_> = client(&server, ApiVersion::V1_3)
        .list()
        .into_stream()
        .try_collect()
        .await
        .unwrap();
    let ids: Vec<&str> = all.iter().map(|i| i.id.as_str()).collect();
    assert_eq!(ids, ["i1", "i2", "i3"]);
    assert_eq!(received(&server).await.len(), 3);
}

#[tokio::test]
async fn a_video_listing_ends_after_total_results() {
    let server = server(|p| vec![video(format!("v{p}"))]).await;
    let all: Vec<_> = client(&server, ApiVersion::V1_3)
        .video()
        .list(INDEX)
        .into_stream()
        .try_collect()
        .await
        .unwrap();
    let ids: Vec<&str> = all.iter().map(|v| v.id.as_str()).collect();
    assert_eq!(ids, ["v1", "v2", "v3"]);
    assert_eq!(received(&server).await.len(), 3);
}

#[tokio::test]
async fn an_index_listing_repeating_itself_is_an_error() {
    let server = server(|_| vec![index("same".to_owned())]).await;
    let all: Vec<_> = client(&server, ApiVersion::V1_3)
        .list()
        .into_stream()
        .collect()
        .await;
    assert_eq!(all.len(), 2, "{all:?}");
    assert!(
        matches!(&all[1], Err(Error::InconsistentPagination { page: 2, reason }) if reason.contains("already seen")),
        "{all:?}"
    );
    assert_eq!(received(&server).await.len(), 2);
}

#[tokio::test]
async fn a_video_pager_ends_once_the_ids_seen_reach_total_results() {
    // Two fresh ids a page against `total_results: 3`: after page 2 four
    // distinct videos were seen, so there is nothing left to ask for.
    let server = server(|p| vec![video(format!("a{p}")), video(format!("b{p}"))]).await;
    let mut pager = client(&server, ApiVersion::V1_3)
        .video()
        .list_pagination(INDEX)
        .send()
        .await
        .unwrap();
    assert_eq!(pager.data.len(), 2);
    let next = pager.next_page().await.unwrap();
    assert_eq!(next.map(|v| v.len()), Some(2));
    assert!(!pager.has_next_page());
    assert!(pager.next_page().await.unwrap().is_none());
    assert_eq!(received(&server).await.len(), 2);
}
