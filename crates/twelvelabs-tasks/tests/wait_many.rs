//! `wait_many`: one scheduler for many tasks, on a manual clock: the request
//! rate bound holds in every one-second window, each task keeps its own error
//! budget and deadline, and every task is reported exactly once.

mod common;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::*;
use futures_util::StreamExt;
use twelvelabs_tasks::Tasks;
use twelvelabs_transport::{
    ApiKey, ApiVersion, ClientConfig, Error, Executor, HttpRequest, HttpResponse, HttpTransport,
    ManualClock, ReqwestTransport, TransportError,
};

/// A transport that notes the (virtual) time each request is sent at.
#[derive(Debug)]
struct Stamped {
    inner: ReqwestTransport,
    clock: ManualClock,
    sent: Arc<Mutex<Vec<Duration>>>,
}

#[async_trait::async_trait]
impl HttpTransport for Stamped {
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        self.sent.lock().unwrap().push(self.clock.elapsed());
        self.inner.send(request).await
    }
}

fn stamped_client(server: &MockServer) -> (Tasks, Arc<Mutex<Vec<Duration>>>) {
    let (url, _) = ClientConfig::parse_base_url(&server.uri()).unwrap();
    let mut cfg = ClientConfig::new(ApiKey::new(API_KEY).unwrap());
    cfg.base_url = url;
    let clock = ManualClock::new();
    cfg.clock = Arc::new(clock.clone());
    let sent: Arc<Mutex<Vec<Duration>>> = Arc::default();
    let transport = Stamped {
        inner: ReqwestTransport::new().unwrap(),
        clock,
        sent: Arc::clone(&sent),
    };
    (Tasks::new(Executor::new(Arc::new(transport), cfg)), sent)
}
use wiremock::matchers::{method, path, path_regex};
use wiremock::{Mock, MockServer};

fn id(i: usize) -> String {
    format!("6734f1c2a1b2c3d4e5f6{i:04}")
}

#[tokio::test]
async fn polls_never_exceed_the_rate_in_any_second() {
    let server = MockServer::start().await;
    // Every task needs three polls: two `indexing`, then `ready`.
    Mock::given(method("GET"))
        .and(path_regex(r"^/v1\.2/tasks/[0-9a-f]{24}$"))
        .respond_with(Sequence::new(
            (0..40)
                .map(|_| json(200, task_json(&id(0), "indexing")))
                .chain(std::iter::once(json(200, task_json(&id(0), "ready"))))
                .collect(),
        ))
        .mount(&server)
        .await;
    let (tasks, times) = stamped_client(&server);
    let outcomes: Vec<_> = tasks
        .wait_many((0..20).map(id))
        .sleep_interval(Duration::from_millis(50))
        .with_max_requests_per_second(8.0)
        .into_stream()
        .collect()
        .await;
    assert_eq!(outcomes.len(), 20);
    let mut ids: Vec<_> = outcomes.iter().map(|o| o.task_id.clone()).collect();
    ids.sort();
    assert_eq!(ids, (0..20).map(id).collect::<Vec<_>>(), "each task once");
    let times = times.lock().unwrap().clone();
    assert_eq!(times.len(), received(&server).await.len());
    assert!(times.len() > 40, "the tasks were polled several times");
    // No window of one second (virtual time) holds more than 8 polls.
    for (i, t) in times.iter().enumerate() {
        let in_window = times[i..]
            .iter()
            .take_while(|u| **u < *t + Duration::from_secs(1))
            .count();
        assert!(in_window <= 8, "{in_window} polls in the second from {t:?}");
    }
}

#[tokio::test]
async fn each_task_has_its_own_error_budget_and_deadline() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(format!("/v1.2/tasks/{}", id(1))))
        .respond_with(json(200, task_json(&id(1), "ready")))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("/v1.2/tasks/{}", id(2))))
        .respond_with(api_error(503, "unavailable", "try later"))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("/v1.2/tasks/{}", id(3))))
        .respond_with(json(200, task_json(&id(3), "indexing")))
        .mount(&server)
        .await;
    let (tasks, _clock) = client(&server, ApiVersion::V1_2);
    let outcomes: Vec<_> = tasks
        .wait_many([id(1), id(2), id(3)])
        .sleep_interval(Duration::from_secs(1))
        .max_consecutive_errors(2)
        .max_wait(Duration::from_secs(30))
        .into_stream()
        .collect()
        .await;
    let by_id = |i: usize| outcomes.iter().find(|o| o.task_id == id(i)).unwrap();
    assert!(by_id(1).is_ready());
    assert!(
        matches!(&by_id(2).result, Err(Error::Api(a)) if a.status.as_u16() == 503),
        "{:?}",
        by_id(2).result
    );
    assert!(
        matches!(&by_id(3).result, Err(Error::WaitTimeout { .. })),
        "{:?}",
        by_id(3).result
    );
    let polls_of = |i: usize, reqs: &[wiremock::Request]| {
        reqs.iter()
            .filter(|r| r.url.path().ends_with(&id(i)))
            .count()
    };
    let reqs = received(&server).await;
    // The budget: the first 503 and two more tolerated, then the third ends it
    // (client retries are off for polls: one request per poll).
    assert_eq!(polls_of(2, &reqs), 3);
    assert_eq!(polls_of(1, &reqs), 1);
}

#[tokio::test]
async fn bad_settings_and_ids_are_refused_without_a_request() {
    let server = MockServer::start().await;
    let (tasks, _clock) = client(&server, ApiVersion::V1_2);
    let outcomes: Vec<_> = tasks
        .wait_many([id(1)])
        .with_max_requests_per_second(0.0)
        .into_stream()
        .collect()
        .await;
    assert_eq!(outcomes.len(), 1);
    assert!(
        matches!(&outcomes[0].result, Err(Error::InvalidInput { field, .. }) if field == "max_requests_per_second")
    );
    let outcomes: Vec<_> = tasks.wait_many([""]).into_stream().collect().await;
    assert!(matches!(
        &outcomes[0].result,
        Err(Error::InvalidInput { .. })
    ));
    assert!(received(&server).await.is_empty());
}
