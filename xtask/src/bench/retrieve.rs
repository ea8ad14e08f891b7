//! Retrieve: the SDK's `retrieve` against a raw reqwest GET, side by side.

use super::*;

pub(super) async fn raw_get_task(
    http: &reqwest::Client,
    url: &str,
    key: &str,
) -> Result<Task, String> {
    let resp = http
        .get(url)
        .header("x-api-key", key)
        .send()
        .await
        .map_err(|e| e.to_string())?;
    if !resp.status().is_success() {
        return Err(format!("status {}", resp.status()));
    }
    let body = resp.bytes().await.map_err(|e| e.to_string())?;
    serde_json::from_slice::<Task>(&body).map_err(|e| e.to_string())
}

pub(super) async fn bench_retrieve(quick: bool) -> Result<Vec<Figure>, String> {
    let emu = start(EmulatorConfig {
        pace: Pace::Instant,
        ..EmulatorConfig::default()
    })
    .await?;
    let id = emu.seed_tasks("bench-retrieve", 1, "ready").remove(0);
    let client = sdk_client(&emu)?;
    let tasks = client.task();
    let http = reqwest::Client::new();
    let url = format!("{}/v1.2/tasks/{id}", emu.base_url());
    let key = emu.api_key().to_owned();
    let (rounds, batch) = if quick { (4, 50) } else { (20, 250) };
    // Warm-up: connections, allocator.
    for _ in 0..batch {
        tasks.retrieve(&id).await.map_err(|e| e.to_string())?;
        raw_get_task(&http, &url, &key).await?;
    }
    let mut sdk = Vec::new();
    let mut raw = Vec::new();
    for round in 0..rounds {
        for pass in 0..2 {
            let sdk_turn = (round + pass) % 2 == 0;
            for _ in 0..batch {
                let t = Instant::now();
                if sdk_turn {
                    let task = tasks.retrieve(&id).await.map_err(|e| e.to_string())?;
                    std::hint::black_box(task);
                    sdk.push(t.elapsed().as_secs_f64() * 1e6);
                } else {
                    let task = raw_get_task(&http, &url, &key).await?;
                    std::hint::black_box(task);
                    raw.push(t.elapsed().as_secs_f64() * 1e6);
                }
            }
        }
    }
    emu.shutdown().await;
    let (s, r) = (median(&sdk), median(&raw));
    let ratio = s / r;
    Ok(vec![
        Figure::new("retrieve_overhead_ratio", ratio, "x").goal("≤ 1.10", ratio <= 1.10),
        Figure::new("retrieve_sdk_median_us", s, "us"),
        Figure::new("retrieve_raw_median_us", r, "us"),
        Figure::new("retrieve_sdk_p99_us", percentile(&sdk, 99.0), "us"),
        Figure::new("retrieve_raw_p99_us", percentile(&raw, 99.0), "us"),
    ])
}
