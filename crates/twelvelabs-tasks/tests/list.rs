//! `GET /tasks` (one page): every filter as it appears in the query string, the
//! seed's example, and validation before any request.

mod common;

use chrono::{NaiveDate, TimeZone, Utc};
use common::*;
use twelvelabs_tasks::{DateFilter, ListTasks, SortBy, SortOption, TaskFilters, TaskStatus};
use twelvelabs_transport::{ApiVersion, Error};
use wiremock::matchers::{any, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

type Build = Box<dyn Fn(ListTasks) -> ListTasks>;
/// A builder step, the decoded query it must produce, and the raw query.
type Case = (Build, Vec<(String, String)>, &'static str);

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

async fn list_server(version: ApiVersion, fixture: &str) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(format!("/{version}/tasks")))
        .respond_with(json_fixture(200, fixture))
        .mount(&server)
        .await;
    server
}

fn jan(day: u32) -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2024, 1, day, 0, 0, 0).unwrap()
}

#[tokio::test]
async fn every_filter_is_sent_under_its_wire_name() {
    let exact =
        Utc.with_ymd_and_hms(2024, 9, 17, 7, 53, 46).unwrap() + chrono::Duration::milliseconds(365);
    let v12: Vec<Case> = vec![
        (Box::new(|l| l.id("T1")), pairs(&[("_id", "T1")]), "_id=T1"),
        (
            Box::new(|l| l.index_id("IDX")),
            pairs(&[("index_id", "IDX")]),
            "index_id=IDX",
        ),
        (
            Box::new(|l| l.filename("my clip&1.mp4")),
            pairs(&[("filename", "my clip&1.mp4")]),
            "filename=my+clip%261.mp4",
        ),
        (
            Box::new(|l| l.duration(20.0)),
            pairs(&[("duration", "20")]),
            "duration=20",
        ),
        (
            Box::new(|l| l.duration(531.998133)),
            pairs(&[("duration", "531.998133")]),
            "duration=531.998133",
        ),
        (
            Box::new(|l| l.width(1920)),
            pairs(&[("width", "1920")]),
            "width=1920",
        ),
        (
            Box::new(|l| l.height(1080)),
            pairs(&[("height", "1080")]),
            "height=1080",
        ),
        (
            Box::new(move |l| l.created_at(exact)),
            pairs(&[("created_at", "2024-09-17T07:53:46.365Z")]),
            "created_at=2024-09-17T07%3A53%3A46.365Z",
        ),
        (
            Box::new(|l| l.created_at(NaiveDate::from_ymd_opt(2022, 5, 17).unwrap())),
            pairs(&[("created_at", "2022-05-17")]),
            "created_at=2022-05-17",
        ),
        (
            Box::new(|l| {
                l.created_at(DateFilter::between(
                    jan(1),
                    NaiveDate::from_ymd_opt(2024, 2, 1).unwrap(),
                ))
            }),
            pairs(&[
                ("created_at[gte]", "2024-01-01T00:00:00.000Z"),
                ("created_at[lte]", "2024-02-01"),
            ]),
            "created_at%5Bgte%5D=2024-01-01T00%3A00%3A00.000Z&created_at%5Blte%5D=2024-02-01",
        ),
        (
            Box::new(|l| l.updated_at(DateFilter::parse("2024-03-01T09:00:00+09:00").unwrap())),
            pairs(&[("updated_at", "2024-03-01T00:00:00.000Z")]),
            "updated_at=2024-03-01T00%3A00%3A00.000Z",
        ),
        (
            Box::new(|l| l.updated_at(DateFilter::since(jan(2)))),
            pairs(&[("updated_at[gte]", "2024-01-02T00:00:00.000Z")]),
            "updated_at%5Bgte%5D=2024-01-02T00%3A00%3A00.000Z",
        ),
        (
            Box::new(|l| l.updated_at(DateFilter::until(jan(3)))),
            pairs(&[("updated_at[lte]", "2024-01-03T00:00:00.000Z")]),
            "updated_at%5Blte%5D=2024-01-03T00%3A00%3A00.000Z",
        ),
        (
            Box::new(|l| l.estimated_time(DateFilter::parse("2024-09-17T07:55:22.125Z").unwrap())),
            pairs(&[("estimated_time", "2024-09-17T07:55:22.125Z")]),
            "estimated_time=2024-09-17T07%3A55%3A22.125Z",
        ),
        (Box::new(|l| l.page(3)), pairs(&[("page", "3")]), "page=3"),
        (
            Box::new(|l| l.page_limit(50)),
            pairs(&[("page_limit", "50")]),
            "page_limit=50",
        ),
        (
            Box::new(|l| l.sort_by(SortBy::UpdatedAt)),
            pairs(&[("sort_by", "updated_at")]),
            "sort_by=updated_at",
        ),
        (
            Box::new(|l| l.sort_by(SortBy::CreatedAt)),
            pairs(&[("sort_by", "created_at")]),
            "sort_by=created_at",
        ),
        (
            Box::new(|l| l.sort_option(SortOption::Asc)),
            pairs(&[("sort_option", "asc")]),
            "sort_option=asc",
        ),
        (
            Box::new(|l| l.sort_option(SortOption::Desc)),
            pairs(&[("sort_option", "desc")]),
            "sort_option=desc",
        ),
    ];
    let server = list_server(ApiVersion::V1_2, "list_v12_page.json").await;
    let (tasks, _) = client(&server, ApiVersion::V1_2);
    for (build, _, _) in &v12 {
        build(tasks.list()).send().await.unwrap();
    }
    let requests = received(&server).await;
    assert_eq!(requests.len(), v12.len());
    for (request, (_, expected, raw)) in requests.iter().zip(&v12) {
        assert_eq!(request.url.path(), "/v1.2/tasks");
        assert_eq!(&query_pairs(request), expected);
        assert_eq!(request.url.query(), Some(*raw));
    }
}

#[tokio::test]
async fn status_is_repeated_on_v13() {
    let server = list_server(ApiVersion::V1_3, "list_v13_page.json").await;
    let (tasks, _) = client(&server, ApiVersion::V1_3);
    let page = tasks
        .list()
        .index_id("630aff993fcee0532cb809d0")
        .status(TaskStatus::Ready)
        .status(TaskStatus::Validating)
        .status(TaskStatus::Uploading)
        .send()
        .await
        .unwrap();
    assert_eq!(page.len(), 2);
    assert_eq!(page[1].status, TaskStatus::Validating);
    assert_eq!(
        page[1].metadata.as_ref().unwrap().width,
        Some(1920),
        "v1.3 system_metadata read as metadata"
    );
    let r = &received(&server).await[0];
    assert_eq!(r.url.path(), "/v1.3/tasks");
    assert_eq!(
        r.url.query(),
        Some("index_id=630aff993fcee0532cb809d0&status=ready&status=validating&status=uploading")
    );
}

#[tokio::test]
async fn seed_example_translated_line_for_line() {
    let server = list_server(ApiVersion::V1_2, "list_v12_page.json").await;
    let (tasks, _) = client(&server, ApiVersion::V1_2);

    // tasks = client.task.list(id=..., index_id=..., ..., page=2, page_limit=5)
    let list = tasks
        .list()
        .id("6734f1c2a1b2c3d4e5f60718")
        .index_id("6734f0aa9e2a3a33a92c00b1")
        .filename("01.mp4")
        .duration(20.0)
        .width(1920)
        .height(1080)
        .sort_by(SortBy::UpdatedAt)
        .sort_option(SortOption::Asc)
        .created_at(DateFilter::parse("2024-09-17T07:53:46.365Z").unwrap())
        .updated_at(DateFilter::parse("2024-09-17T07:53:46.365Z").unwrap())
        .estimated_time(DateFilter::parse("2024-09-17T07:55:22.125Z").unwrap())
        .page(2)
        .page_limit(5)
        .send()
        .await
        .unwrap();

    // for task in tasks: print(task.id, task.index_id, task.video_id, ...)
    let mut lines = Vec::new();
    for task in &list {
        lines.push(format!("Task ID: {}", task.id));
        lines.push(format!("Index ID: {}", task.index_id.as_ref().unwrap()));
        lines.push(format!("Video ID: {:?}", task.video_id.as_deref()));
        lines.push(format!("Estimated time: {:?}", task.estimated_time));
        lines.push(format!("Status: {}", task.status));
        for (key, value) in task.metadata.as_ref().unwrap().iter() {
            lines.push(format!(" {key}: {value}"));
        }
        if let Some(process) = &task.process {
            lines.push(format!(" Percentage: {:?}%", process.percentage));
        }
    }
    assert_eq!(list.len(), 2);
    assert_eq!(lines[0], "Task ID: 62a17bf847f5678267ec10cc");
    assert_eq!(lines[2], "Video ID: Some(\"62a17c5b47f5678267ec10d1\")");
    assert_eq!(lines[4], "Status: ready");
    assert_eq!(lines[5], " filename: \"01.mp4\"");
    assert_eq!(lines.last().unwrap(), " Percentage: Some(37.0)%");

    let r = &received(&server).await[0];
    let mut got = query_pairs(r);
    got.sort();
    let mut expected = pairs(&[
        ("_id", "6734f1c2a1b2c3d4e5f60718"),
        ("index_id", "6734f0aa9e2a3a33a92c00b1"),
        ("filename", "01.mp4"),
        ("duration", "20"),
        ("width", "1920"),
        ("height", "1080"),
        ("sort_by", "updated_at"),
        ("sort_option", "asc"),
        ("created_at", "2024-09-17T07:53:46.365Z"),
        ("updated_at", "2024-09-17T07:53:46.365Z"),
        ("estimated_time", "2024-09-17T07:55:22.125Z"),
        ("page", "2"),
        ("page_limit", "5"),
    ]);
    expected.sort();
    assert_eq!(got, expected);
}

#[tokio::test]
async fn ranges_come_after_plain_keys_like_the_captured_query() {
    // task-api.md §2.3.2: the PY032 capture with a created_at range.
    let server = list_server(ApiVersion::V1_2, "list_v12_page.json").await;
    let (tasks, _) = client(&server, ApiVersion::V1_2);
    tasks
        .list()
        .id("T1")
        .index_id("IDX")
        .duration(20.0)
        .updated_at(DateFilter::parse("2024-03-01T00:00:00Z").unwrap())
        .page(2)
        .page_limit(5)
        .sort_by(SortBy::UpdatedAt)
        .sort_option(SortOption::Asc)
        .created_at(DateFilter::between(
            Utc.with_ymd_and_hms(2024, 1, 1, 0, 0, 0).unwrap(),
            Utc.with_ymd_and_hms(2024, 2, 1, 0, 0, 0).unwrap(),
        ))
        .send()
        .await
        .unwrap();
    let r = &received(&server).await[0];
    let raw = r.url.query().unwrap();
    assert!(
        raw.ends_with(
            "&created_at%5Bgte%5D=2024-01-01T00%3A00%3A00.000Z&created_at%5Blte%5D=2024-02-01T00%3A00%3A00.000Z"
        ),
        "{raw}"
    );
    assert!(raw.starts_with("_id=T1&index_id=IDX&duration=20&"), "{raw}");
    let keys: Vec<String> = query_pairs(r).into_iter().map(|(k, _)| k).collect();
    assert_eq!(keys.len(), 10);
}

#[tokio::test]
async fn returns_the_tasks_of_one_page() {
    let server = list_server(ApiVersion::V1_2, "list_v12_page.json").await;
    let (tasks, _) = client(&server, ApiVersion::V1_2);
    let list = tasks.list().await.unwrap();
    let ids: Vec<&str> = list.iter().map(|t| t.id.as_str()).collect();
    assert_eq!(
        ids,
        ["62a17bf847f5678267ec10cc", "62a17bce47f5678267ec10c6"]
    );
    assert_eq!(list[1].status, TaskStatus::Indexing);
    assert_eq!(
        list[1].process.as_ref().unwrap().remain_seconds,
        Some(290.0)
    );
    let requests = received(&server).await;
    assert_eq!(
        requests.len(),
        1,
        "one page only, even though total_page says 2"
    );
    assert_eq!(requests[0].url.query(), None, "no filters, no query");
}

#[tokio::test]
async fn send_page_keeps_page_info() {
    let server = list_server(ApiVersion::V1_2, "list_v12_page.json").await;
    let (tasks, _) = client(&server, ApiVersion::V1_2);
    let page = tasks
        .list()
        .page(2)
        .page_limit(5)
        .send_page()
        .await
        .unwrap();
    assert_eq!(page.data.len(), 2);
    assert_eq!(page.page_info.limit_per_page, 5);
    assert_eq!(page.page_info.page, 2);
    assert_eq!(page.page_info.total_page, 2);
    assert_eq!(page.page_info.total_results, 7);
    assert!(!page.has_next_page());
}

#[tokio::test]
async fn filters_can_be_replaced_at_once() {
    let server = list_server(ApiVersion::V1_2, "list_v12_page.json").await;
    let (tasks, _) = client(&server, ApiVersion::V1_2);
    let mut filters = TaskFilters::default();
    filters.filename = Some("kept.mp4".into());
    filters.page_limit = Some(7);
    tasks
        .list()
        .index_id("dropped")
        .filters(filters)
        .send()
        .await
        .unwrap();
    let r = &received(&server).await[0];
    assert_eq!(r.url.query(), Some("filename=kept.mp4&page_limit=7"));
}

#[tokio::test]
async fn invalid_filters_are_rejected_before_any_request() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(500))
        .expect(0)
        .mount(&server)
        .await;
    let (v12, _) = client(&server, ApiVersion::V1_2);
    let (v13, _) = client(&server, ApiVersion::V1_3);

    let cases: Vec<(ListTasks, &str)> = vec![
        (v13.list().id("T1"), "id"),
        (
            v13.list()
                .estimated_time(DateFilter::parse("2024-09-17").unwrap()),
            "estimated_time",
        ),
        (v12.list().page_limit(0), "page_limit"),
        (v12.list().page_limit(51), "page_limit"),
        (v13.list().page_limit(51), "page_limit"),
        (v12.list().page(0), "page"),
        (v12.list().duration(-1.0), "duration"),
        (v12.list().duration(f64::NAN), "duration"),
        (v12.list().index_id(" "), "index_id"),
        (v12.list().filename(""), "filename"),
        (
            v12.list().created_at(DateFilter::between(jan(2), jan(1))),
            "created_at",
        ),
        (
            v12.list().updated_at(DateFilter::Range {
                gte: None,
                lte: None,
            }),
            "updated_at",
        ),
    ];
    for (list, field) in cases {
        let err = list.send().await.unwrap_err();
        match &err {
            Error::InvalidInput { field: f, .. } => assert_eq!(f, field, "{err}"),
            other => panic!("{field}: expected InvalidInput, got {other:?}"),
        }
    }
    assert!(DateFilter::parse("yesterday").is_err());
    assert!(received(&server).await.is_empty());
}
