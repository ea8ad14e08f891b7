//! `GET /tasks`: filters, ranges, sorting and pagination.

mod common;

use std::time::{Duration, Instant};

use common::{assert_error, make_mp4, start_default, start_instant, Env};
use reqwest::StatusCode;
use serde_json::Value;

const I1: &str = "6298d673f1090f1100476d4c";
const I2: &str = "6298d673f1090f1100476d4d";

struct Fixture {
    env: Env,
    a: String,
    b: String,
    c: String,
    d: String,
}

async fn fixture() -> Fixture {
    let env = start_instant().await;
    let pause = || tokio::time::sleep(Duration::from_millis(5));
    let a = env
        .create_file(
            "v1.2",
            I1,
            "alpha.mp4",
            &make_mp4(20_000, 640, 360, 100, false),
        )
        .await;
    pause().await;
    let b = env
        .create_file(
            "v1.2",
            I1,
            "beta.mp4",
            &make_mp4(30_500, 1280, 720, 100, false),
        )
        .await;
    pause().await;
    let c = env
        .create_file(
            "v1.3",
            I2,
            "gamma.mp4",
            &make_mp4(20_000, 1920, 1080, 100, true),
        )
        .await;
    pause().await;
    let d = env
        .create_url("v1.3", I2, "https://e.com/fail/delta.mp4")
        .await;
    Fixture { env, a, b, c, d }
}

impl Fixture {
    async fn ids(&self, query: &str) -> Vec<String> {
        let (s, v) = self.env.get_json(&format!("/v1.2/tasks?{query}")).await;
        assert_eq!(s, StatusCode::OK, "{query}: {v}");
        v["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["_id"].as_str().unwrap().to_owned())
            .collect()
    }

    fn names(&self, ids: &[String]) -> String {
        ids.iter()
            .map(|id| {
                if *id == self.a {
                    'a'
                } else if *id == self.b {
                    'b'
                } else if *id == self.c {
                    'c'
                } else if *id == self.d {
                    'd'
                } else {
                    '?'
                }
            })
            .collect()
    }

    async fn q(&self, query: &str) -> String {
        let ids = self.ids(query).await;
        self.names(&ids)
    }

    async fn created_at(&self, id: &str) -> String {
        self.env.task("v1.2", id).await["created_at"]
            .as_str()
            .unwrap()
            .to_owned()
    }
}

#[tokio::test]
async fn defaults_sort_newest_first() {
    let f = fixture().await;
    assert_eq!(f.q("").await, "dcba");
    assert_eq!(f.q("sort_option=asc").await, "abcd");
    assert_eq!(f.q("sort_by=updated_at&sort_option=asc").await, "abcd");
    assert_eq!(f.q("sort_by=updated_at").await, "dcba");
    let (_, v) = f.env.get_json("/v1.2/tasks").await;
    assert_eq!(
        v["page_info"],
        serde_json::json!({"limit_per_page": 10, "page": 1, "total_page": 1, "total_results": 4})
    );
}

#[tokio::test]
async fn simple_filters() {
    let f = fixture().await;
    assert_eq!(f.q(&format!("index_id={I1}")).await, "ba");
    assert_eq!(f.q(&format!("index_id={I2}")).await, "dc");
    assert_eq!(f.q("filename=beta.mp4").await, "b");
    assert_eq!(f.q("filename=delta.mp4").await, "d");
    assert_eq!(f.q(&format!("_id={}", f.c)).await, "c");
    assert_eq!(f.q("duration=20").await, "ca");
    assert_eq!(f.q("duration=30.5").await, "b");
    assert_eq!(f.q("duration%5Bgte%5D=25").await, "b");
    assert_eq!(f.q("width=640").await, "a");
    assert_eq!(f.q("height=1080").await, "c");
    assert_eq!(f.q("width[lte]=1280&height[gte]=720").await, "b");
    assert_eq!(f.q(&format!("index_id={I1}&duration=20")).await, "a");
    assert_eq!(f.q("filename=nothing.mp4").await, "");
}

#[tokio::test]
async fn repeated_status() {
    let f = fixture().await;
    assert_eq!(f.q("status=failed").await, "d");
    assert_eq!(f.q("status=ready").await, "cba");
    assert_eq!(f.q("status=ready&status=failed").await, "dcba");
    assert_eq!(f.q("status=indexing&status=queued").await, "");
    let (s, v) = f
        .env
        .get_json("/v1.3/tasks?status=ready&status=failed")
        .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v["page_info"]["total_results"], 4);
    let (s, v) = f.env.get_json("/v1.3/tasks?status=done").await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_error(&v, "parameter_invalid");
}

#[tokio::test]
async fn date_filters_exact_day_and_ranges() {
    let f = fixture().await;
    let today = chrono::Utc::now().date_naive();
    let tb = f.created_at(&f.b).await;
    let enc = |s: &str| s.replace(':', "%3A");

    assert_eq!(f.q(&format!("created_at={today}")).await, "dcba");
    assert_eq!(
        f.q(&format!("created_at={}", today.pred_opt().unwrap()))
            .await,
        ""
    );
    // A timestamp means "on that date, at or after the given time" (the spec).
    assert_eq!(f.q(&format!("created_at={}", enc(&tb))).await, "dcb");
    assert_eq!(f.q(&format!("updated_at={tb}")).await, "dcb");

    // Percent-encoded brackets, the way the Python SDK sends them.
    assert_eq!(
        f.q(&format!("created_at%5Bgte%5D={}", enc(&tb))).await,
        "dcb"
    );
    assert_eq!(
        f.q(&format!("created_at%5Blte%5D={}", enc(&tb))).await,
        "ba"
    );
    // Raw brackets.
    assert_eq!(f.q(&format!("created_at[gte]={tb}")).await, "dcb");
    assert_eq!(
        f.q(&format!("created_at[gte]={tb}&created_at[lte]={tb}"))
            .await,
        "b"
    );
    assert_eq!(
        f.q(&format!("created_at[gte]={today}&created_at[lte]={today}"))
            .await,
        "dcba"
    );
    assert_eq!(f.q(&format!("updated_at[lte]={tb}")).await, "ba");
    assert_eq!(f.q(&format!("estimated_time[gte]={tb}")).await, "dcb");
    // An offset other than Z (an unencoded `+` arrives as a space and is repaired).
    let plus = chrono::DateTime::parse_from_rfc3339(&tb)
        .unwrap()
        .with_timezone(&chrono::FixedOffset::east_opt(9 * 3600).unwrap())
        .to_rfc3339_opts(chrono::SecondsFormat::Millis, false);
    assert_eq!(
        f.q(&format!("created_at={}", plus.replace('+', "%2B")))
            .await,
        "dcb"
    );
    assert_eq!(f.q(&format!("created_at={plus}")).await, "dcb");

    let (s, v) = f.env.get_json("/v1.2/tasks?created_at=yesterday").await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_error(&v, "parameter_invalid");
}

#[tokio::test]
async fn invalid_paging_parameters_are_400() {
    let env = start_default().await;
    for q in [
        "page_limit=0",
        "page_limit=51",
        "page_limit=ten",
        "page=0",
        "page=-1",
        "sort_option=up",
        "sort_by=filename",
    ] {
        for version in ["v1.2", "v1.3"] {
            let (s, v) = env.get_json(&format!("/{version}/tasks?{q}")).await;
            assert_eq!(s, StatusCode::BAD_REQUEST, "{q}");
            assert_error(&v, "parameter_invalid");
            let param = q.split('=').next().unwrap();
            assert!(v["message"].as_str().unwrap().contains(param), "{v}");
        }
    }
    let (s, _) = env.get_json("/v1.2/tasks?page_limit=50&page=3").await;
    assert_eq!(s, StatusCode::OK);
}

#[tokio::test]
async fn pages_past_the_end_are_empty_and_echo_the_page() {
    let env = start_default().await;
    env.emu.seed_tasks(I1, 7, "ready");
    let (s, v) = env.get_json("/v1.2/tasks?page_limit=3&page=3").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v["data"].as_array().unwrap().len(), 1);
    assert_eq!(
        v["page_info"],
        serde_json::json!({"limit_per_page": 3, "page": 3, "total_page": 3, "total_results": 7})
    );
    let (s, v) = env.get_json("/v1.3/tasks?page_limit=3&page=99").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v["data"], Value::Array(vec![]));
    assert_eq!(v["page_info"]["page"], 99);
    assert_eq!(v["page_info"]["total_page"], 3);
    let (_, v) = env.get_json(&format!("/v1.3/tasks?index_id={I2}")).await;
    assert_eq!(v["page_info"]["total_page"], 0);
    assert_eq!(v["page_info"]["total_results"], 0);
}

#[tokio::test]
async fn ten_thousand_tasks_page_fast_and_stably() {
    let env = start_default().await;
    let t0 = Instant::now();
    let seeded = env.emu.seed_tasks(I1, 10_000, "ready");
    assert!(
        t0.elapsed() < Duration::from_secs(1),
        "seeding took {:?}",
        t0.elapsed()
    );
    env.emu.seed_tasks(I2, 5, "indexing");
    assert_eq!(env.emu.stats().tasks_stored, 10_005);

    let t0 = Instant::now();
    for (sort, expect_reversed) in [("", true), ("&sort_option=asc&sort_by=updated_at", false)] {
        let mut got = Vec::with_capacity(10_000);
        let mut page = 1;
        loop {
            let (s, v) = env
                .get_json(&format!(
                    "/v1.3/tasks?index_id={I1}&page_limit=50&page={page}{sort}"
                ))
                .await;
            assert_eq!(s, StatusCode::OK);
            let data = v["data"].as_array().unwrap();
            got.extend(data.iter().map(|t| t["_id"].as_str().unwrap().to_owned()));
            assert_eq!(v["page_info"]["total_page"], 200);
            if page >= v["page_info"]["total_page"].as_u64().unwrap() {
                break;
            }
            page += 1;
        }
        let mut expected = seeded.clone();
        if expect_reversed {
            expected.reverse();
        }
        assert_eq!(got, expected);
    }
    assert!(
        t0.elapsed() < Duration::from_secs(20),
        "paging took {:?}",
        t0.elapsed()
    );

    let (_, v) = env.get_json("/v1.3/tasks?status=indexing").await;
    assert_eq!(v["page_info"]["total_results"], 5);
}
