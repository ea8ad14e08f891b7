//! `list_pagination`, `TaskPager` and the streams: exactly the pages needed,
//! never one more, never a loop, same filters and headers on every page.

mod common;

use chrono::{TimeZone, Utc};
use common::*;
use futures_util::{StreamExt, TryStreamExt};
use twelvelabs_tasks::{DateFilter, Tasks};
use twelvelabs_transport::{ApiVersion, Error};
use wiremock::matchers::{method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn ids(page: u32) -> Vec<String> {
    vec![format!("p{page}-a"), format!("p{page}-b")]
}

/// Mounts pages 1..=total (page 1 asked without `page`, as PY032 does), each
/// expected exactly once, and page total+1 expected never.
async fn mount_pages(server: &MockServer, version: ApiVersion, total: u32) {
    let base = format!("/{version}/tasks");
    Mock::given(method("GET"))
        .and(path(base.as_str()))
        .and(query_param_is_missing("page"))
        .respond_with(json(200, page_json(1, total, &ids(1))))
        .expect(1)
        .mount(server)
        .await;
    for p in 2..=total + 1 {
        let body = if p <= total {
            page_json(p, total, &ids(p))
        } else {
            page_json(p, total, &[])
        };
        Mock::given(method("GET"))
            .and(path(base.as_str()))
            .and(query_param("page", p.to_string()))
            .respond_with(json(200, body))
            .expect(u64::from(p <= total))
            .mount(server)
            .await;
    }
}

fn pages_requested(requests: &[wiremock::Request]) -> Vec<Option<String>> {
    requests
        .iter()
        .map(|r| {
            query_pairs(r)
                .into_iter()
                .find(|(k, _)| k == "page")
                .map(|(_, v)| v)
        })
        .collect()
}

fn task_ids(tasks: &[twelvelabs_models::Task]) -> Vec<String> {
    tasks.iter().map(|t| t.id.to_string()).collect()
}

async fn setup(total: u32) -> (MockServer, Tasks) {
    let server = MockServer::start().await;
    mount_pages(&server, ApiVersion::V1_2, total).await;
    let (tasks, _) = client(&server, ApiVersion::V1_2);
    (server, tasks)
}

#[tokio::test]
async fn one_page_means_one_request() {
    let (server, tasks) = setup(1).await;
    let mut pager = tasks.list_pagination().send().await.unwrap();
    assert_eq!(task_ids(&pager.data), ids(1));
    assert_eq!(pager.page_info.page, 1);
    assert!(!pager.has_next_page());
    assert!(pager.next_page().await.unwrap().is_none());
    assert!(pager.next_page().await.unwrap().is_none());
    assert_eq!(received(&server).await.len(), 1);
}

#[tokio::test]
async fn two_pages() {
    let (server, tasks) = setup(2).await;
    let mut pager = tasks.list_pagination().await.unwrap();
    assert!(pager.has_next_page());
    let second = pager.next_page().await.unwrap().unwrap();
    assert_eq!(task_ids(&second), ids(2));
    assert_eq!(pager.page_info.page, 2);
    assert_eq!(task_ids(&pager.data), ids(2));
    assert!(!pager.has_next_page());
    assert!(pager.next_page().await.unwrap().is_none());
    assert_eq!(
        pages_requested(&received(&server).await),
        [None, Some("2".to_owned())]
    );
}

#[tokio::test]
async fn seven_pages_request_2_to_7_and_never_8() {
    let (server, tasks) = setup(7).await;
    // The seed's loop: print page 1, then `next(paginator)` until StopIteration.
    let mut pager = tasks.list_pagination().page_limit(2).send().await.unwrap();
    let mut seen = task_ids(&pager.data);
    while let Some(page) = pager.next_page().await.unwrap() {
        seen.extend(task_ids(&page));
    }
    let expected: Vec<String> = (1..=7).flat_map(ids).collect();
    assert_eq!(seen, expected);
    let pages = pages_requested(&received(&server).await);
    let mut want = vec![None];
    want.extend((2..=7).map(|p| Some(p.to_string())));
    assert_eq!(pages, want);
}

#[tokio::test]
async fn empty_result_is_one_request() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1.2/tasks"))
        .respond_with(json(
            200,
            serde_json::json!({
                "data": [],
                "page_info": {"limit_per_page": 10, "page": 1, "total_page": 0, "total_results": 0}
            }),
        ))
        .expect(2)
        .mount(&server)
        .await;
    let (tasks, _) = client(&server, ApiVersion::V1_2);
    let mut pager = tasks.list_pagination().send().await.unwrap();
    assert!(pager.data.is_empty());
    assert!(!pager.has_next_page());
    assert!(pager.next_page().await.unwrap().is_none());
    let all: Vec<_> = tasks.list().into_stream().try_collect().await.unwrap();
    assert!(all.is_empty());
    assert_eq!(received(&server).await.len(), 2, "one per listing");
}

#[tokio::test]
async fn a_server_that_repeats_page_1_does_not_make_us_loop() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1.2/tasks"))
        .respond_with(json(200, page_json(1, 5, &ids(1))))
        .expect(2)
        .mount(&server)
        .await;
    let (tasks, _) = client(&server, ApiVersion::V1_2);
    let mut pager = tasks.list_pagination().send().await.unwrap();
    assert!(pager.has_next_page());
    let err = pager.next_page().await.unwrap_err();
    assert!(
        matches!(&err, Error::InconsistentPagination { page: 2, reason } if reason.contains("answered page 1")),
        "{err:?}"
    );
    assert!(!pager.has_next_page());
    assert!(pager.next_page().await.unwrap().is_none());
    let pages = pages_requested(&received(&server).await);
    assert_eq!(pages, [None, Some("2".to_owned())]);
}

#[tokio::test]
async fn a_stream_over_a_stuck_server_ends_too() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(json(200, page_json(1, 5, &ids(1))))
        .expect(2)
        .mount(&server)
        .await;
    let (tasks, _) = client(&server, ApiVersion::V1_2);
    let all: Vec<_> = tasks.list().into_stream().collect().await;
    assert_eq!(all.len(), 3, "two tasks, then the error, then the end");
    let ok: Vec<_> = all[..2]
        .iter()
        .map(|r| r.as_ref().unwrap().clone())
        .collect();
    assert_eq!(
        task_ids(&ok),
        ids(1),
        "the repeated page is not yielded twice"
    );
    assert!(matches!(all[2], Err(Error::InconsistentPagination { .. })));
}

#[tokio::test]
async fn filters_and_per_call_headers_are_resent_on_every_page() {
    let (server, tasks) = setup(3).await;
    let from = Utc.with_ymd_and_hms(2024, 1, 1, 0, 0, 0).unwrap();
    let to = Utc.with_ymd_and_hms(2024, 2, 1, 0, 0, 0).unwrap();
    let mut pager = tasks
        .list_pagination()
        .index_id("IDX")
        .page_limit(2)
        .created_at(DateFilter::between(from, to))
        .with_header("x-trace-id", "trace-7")
        .send()
        .await
        .unwrap();
    while pager.next_page().await.unwrap().is_some() {}

    let requests = received(&server).await;
    assert_eq!(requests.len(), 3);
    let page_suffix = ["", "&page=2", "&page=3"];
    for (r, page) in requests.iter().zip(page_suffix) {
        assert_eq!(header(r, "x-trace-id"), Some("trace-7"));
        assert_eq!(header(r, "x-api-key"), Some(API_KEY));
        let expected = format!(
            "index_id=IDX{page}&page_limit=2\
             &created_at%5Bgte%5D=2024-01-01T00%3A00%3A00.000Z\
             &created_at%5Blte%5D=2024-02-01T00%3A00%3A00.000Z"
        );
        assert_eq!(r.url.query(), Some(expected.as_str()));
    }
}

#[tokio::test]
async fn starting_page_is_honoured() {
    let server = MockServer::start().await;
    for p in [3u32, 4] {
        Mock::given(method("GET"))
            .and(query_param("page", p.to_string()))
            .respond_with(json(200, page_json(p, 4, &ids(p))))
            .expect(1)
            .mount(&server)
            .await;
    }
    let (tasks, _) = client(&server, ApiVersion::V1_2);
    let all: Vec<_> = tasks
        .list_pagination()
        .page(3)
        .send()
        .await
        .unwrap()
        .into_stream()
        .try_collect()
        .await
        .unwrap();
    let expected: Vec<String> = [3, 4].into_iter().flat_map(ids).collect();
    assert_eq!(task_ids(&all), expected);
}

#[tokio::test]
async fn into_stream_yields_every_task_in_order() {
    let (server, tasks) = setup(4).await;
    let stream = tasks.list().page_limit(2).into_stream();
    let all: Vec<_> = stream.try_collect().await.unwrap();
    let expected: Vec<String> = (1..=4).flat_map(ids).collect();
    assert_eq!(task_ids(&all), expected);
    assert_eq!(received(&server).await.len(), 4);
}

#[tokio::test]
async fn pager_into_stream_starts_with_the_current_page_without_refetching_it() {
    let (server, tasks) = setup(3).await;
    let pager = tasks.list_pagination().send().await.unwrap();
    assert_eq!(received(&server).await.len(), 1);
    let all: Vec<_> = pager.into_stream().try_collect().await.unwrap();
    let expected: Vec<String> = (1..=3).flat_map(ids).collect();
    assert_eq!(task_ids(&all), expected);
    assert_eq!(received(&server).await.len(), 3);
}

#[tokio::test]
async fn list_into_page_stream_yields_pages_with_page_info() {
    let (_server, tasks) = setup(3).await;
    let pages: Vec<_> = tasks.list().into_page_stream().try_collect().await.unwrap();
    let numbers: Vec<u32> = pages.iter().map(|p| p.page_info.page).collect();
    assert_eq!(numbers, [1, 2, 3]);
    assert!(pages.iter().all(|p| p.page_info.total_page == 3));
    assert_eq!(task_ids(&pages[2].data), ids(3));
}

#[tokio::test]
async fn an_error_mid_stream_is_yielded_once_then_the_stream_ends() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(query_param_is_missing("page"))
        .respond_with(json(200, page_json(1, 3, &ids(1))))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(query_param("page", "2"))
        .respond_with(api_error(
            400,
            "parameter_invalid",
            "The page parameter is invalid.",
        ))
        .expect(1)
        .mount(&server)
        .await;
    let (tasks, _) = client(&server, ApiVersion::V1_2);
    let mut stream = tasks.list().into_stream();
    assert_eq!(stream.next().await.unwrap().unwrap().id, "p1-a");
    assert_eq!(stream.next().await.unwrap().unwrap().id, "p1-b");
    let err = stream.next().await.unwrap().unwrap_err();
    assert_eq!(err.code(), Some("parameter_invalid"));
    assert!(stream.next().await.is_none());
    assert_eq!(received(&server).await.len(), 2);
}

#[tokio::test]
async fn invalid_filters_fail_the_stream_without_a_request() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(500))
        .expect(0)
        .mount(&server)
        .await;
    let (tasks, _) = client(&server, ApiVersion::V1_3);
    let err = tasks.list_pagination().id("T1").send().await.unwrap_err();
    assert!(matches!(err, Error::InvalidInput { .. }), "{err:?}");
    let mut stream = tasks.list().page_limit(0).into_stream();
    assert!(matches!(
        stream.next().await,
        Some(Err(Error::InvalidInput { .. }))
    ));
    assert!(stream.next().await.is_none());
}

fn assert_send<T: Send>(_: &T) {}
fn assert_static<T: 'static>(_: &T) {}

#[tokio::test]
async fn streams_are_send_and_can_run_on_another_task() {
    let (_server, tasks) = setup(2).await;
    let tasks_stream = tasks.list().into_stream();
    let page_stream = tasks.list().into_page_stream();
    assert_send(&tasks_stream);
    assert_send(&page_stream);
    assert_static(&tasks_stream);
    fn send_type<T: Send>() {}
    send_type::<twelvelabs_tasks::TaskPager>();
    drop(page_stream);
    let handle = tokio::spawn(async move { tasks_stream.try_collect::<Vec<_>>().await });
    let all = handle.await.unwrap().unwrap();
    assert_eq!(all.len(), 4);
}

/// A page of tasks with these ids and this `page_info`.
fn hostile_page(
    page: u32,
    ids: &[String],
    total_page: u64,
    total_results: u64,
) -> serde_json::Value {
    serde_json::json!({
        "data": ids.iter().map(|id| task_json(id, "ready")).collect::<Vec<_>>(),
        "page_info": {
            "limit_per_page": 1,
            "page": page,
            "total_page": total_page,
            "total_results": total_results
        }
    })
}

/// Answers every page with its own number and the ids `make(page)` gives.
struct Advancing<F>(F);

impl<F: Fn(u32) -> serde_json::Value + Send + Sync + 'static> wiremock::Respond for Advancing<F> {
    fn respond(&self, request: &wiremock::Request) -> ResponseTemplate {
        let page = request
            .url
            .query_pairs()
            .find(|(k, _)| k == "page")
            .and_then(|(_, v)| v.parse().ok())
            .unwrap_or(1);
        ResponseTemplate::new(200).set_body_json((self.0)(page))
    }
}

#[tokio::test]
async fn a_huge_total_page_with_three_results_ends_after_the_third_task() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(Advancing(|p: u32| {
            hostile_page(p, &[format!("t{p}")], u64::from(u32::MAX), 3)
        }))
        .mount(&server)
        .await;
    let (tasks, _) = client(&server, ApiVersion::V1_2);
    let all: Vec<_> = tasks.list().into_stream().try_collect().await.unwrap();
    assert_eq!(task_ids(&all), ["t1", "t2", "t3"]);
    assert_eq!(received(&server).await.len(), 3);
}

#[tokio::test]
async fn a_server_repeating_the_same_tasks_on_advancing_pages_is_an_error() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(Advancing(|p: u32| {
            hostile_page(p, &["a".to_owned()], u64::from(u32::MAX), 3)
        }))
        .mount(&server)
        .await;
    let (tasks, _) = client(&server, ApiVersion::V1_2);
    let all: Vec<_> = tasks.list().into_stream().collect().await;
    assert_eq!(all.len(), 2, "{all:?}");
    assert!(
        matches!(&all[1], Err(Error::InconsistentPagination { page: 2, reason }) if reason.contains("already seen")),
        "{all:?}"
    );
    assert_eq!(received(&server).await.len(), 2);
}

#[tokio::test]
async fn more_pages_than_total_results_allow_is_an_error() {
    let server = MockServer::start().await;
    // Fresh ids on every page, but total_results says 3 at 1 per page.
    Mock::given(method("GET"))
        .respond_with(Advancing(|p: u32| {
            let ids = [format!("a{p}"), format!("b{p}")];
            let mut page = hostile_page(p, &ids, u64::from(u32::MAX), 1000);
            page["page_info"]["total_results"] = serde_json::json!(3 + p);
            page["page_info"]["limit_per_page"] = serde_json::json!(500);
            page
        }))
        .mount(&server)
        .await;
    let (tasks, _) = client(&server, ApiVersion::V1_2);
    let all: Vec<_> = tasks.list().into_stream().collect().await;
    let err = all.last().unwrap().as_ref().unwrap_err();
    assert!(
        matches!(err, Error::InconsistentPagination { .. }),
        "{err:?}"
    );
    assert!(received(&server).await.len() <= 3);
}

#[tokio::test]
async fn collect_ids_reads_every_page_before_returning() {
    let (server, tasks) = setup(3).await;
    let collected = tasks.list().collect_ids().await.unwrap();
    let want: Vec<String> = (1..=3).flat_map(ids).collect();
    assert_eq!(collected, want);
    // Every page was read before the caller could act on one id.
    assert_eq!(received(&server).await.len(), 3);
}
