//! List: every task of an index through the SDK's stream against raw pages.

use super::*;

pub(super) async fn raw_list_all(
    http: &reqwest::Client,
    base: &str,
    key: &str,
    index: &str,
) -> Result<usize, String> {
    let mut page = 1u32;
    let mut count = 0usize;
    loop {
        let url = format!("{base}/v1.2/tasks?index_id={index}&page_limit=50&page={page}");
        let resp = http
            .get(&url)
            .header("x-api-key", key)
            .send()
            .await
            .map_err(|e| e.to_string())?;
        if !resp.status().is_success() {
            return Err(format!("status {}", resp.status()));
        }
        let body = resp.bytes().await.map_err(|e| e.to_string())?;
        let p: TaskPage = serde_json::from_slice(&body).map_err(|e| e.to_string())?;
        count += p.data.len();
        let done = p.data.is_empty() || p.page_info.page >= p.page_info.total_page;
        std::hint::black_box(p);
        if done {
            return Ok(count);
        }
        page += 1;
    }
}

pub(super) async fn sdk_list_all(client: &TwelveLabs, index: &str) -> Result<usize, String> {
    let mut stream = client
        .task()
        .list()
        .index_id(index)
        .page_limit(50)
        .into_stream();
    let mut count = 0usize;
    while let Some(task) = stream.next().await {
        std::hint::black_box(task.map_err(|e| e.to_string())?);
        count += 1;
    }
    Ok(count)
}

pub(super) async fn bench_list(quick: bool) -> Result<Vec<Figure>, String> {
    let n = if quick { 500 } else { 10_000 };
    let emu = start(EmulatorConfig {
        pace: Pace::Instant,
        ..EmulatorConfig::default()
    })
    .await?;
    let index = "benchlistindex";
    emu.seed_tasks(index, n, "ready");
    let client = sdk_client(&emu)?;
    let http = reqwest::Client::new();
    let base = emu.base_url();
    let key = emu.api_key().to_owned();
    let reps = if quick { 3 } else { 7 };
    let (mut sdk, mut raw) = (Vec::new(), Vec::new());
    // Warm-up.
    sdk_list_all(&client, index).await?;
    raw_list_all(&http, &base, &key, index).await?;
    for rep in 0..reps {
        for pass in 0..2 {
            let t = Instant::now();
            let count = if (rep + pass) % 2 == 0 {
                let c = sdk_list_all(&client, index).await?;
                sdk.push(t.elapsed().as_secs_f64());
                c
            } else {
                let c = raw_list_all(&http, &base, &key, index).await?;
                raw.push(t.elapsed().as_secs_f64());
                c
            };
            if count != n {
                return Err(format!("listed {count} tasks, expected {n}"));
            }
        }
    }
    emu.shutdown().await;
    let (s, r) = (median(&sdk), median(&raw));
    let ratio = s / r;
    Ok(vec![
        Figure::new("list_all_ratio", ratio, "x").goal("≤ 1.10", ratio <= 1.10),
        Figure::new("list_all_tasks", n as f64, "tasks"),
        Figure::new("list_all_sdk_tasks_per_s", n as f64 / s, "tasks/s"),
        Figure::new("list_all_raw_tasks_per_s", n as f64 / r, "tasks/s"),
    ])
}
