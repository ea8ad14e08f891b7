//! The emulator's own request rate and latency.

use super::*;

pub(super) async fn bench_rps(quick: bool) -> Result<Vec<Figure>, String> {
    let emu = start(EmulatorConfig {
        pace: Pace::Instant,
        ..EmulatorConfig::default()
    })
    .await?;
    let ids = Arc::new(emu.seed_tasks("benchrpsindex", 100, "ready"));
    let base = emu.base_url();
    let key = emu.api_key().to_owned();
    let duration = Duration::from_secs(if quick { 1 } else { 10 });
    let mut workers = Vec::new();
    let deadline = Instant::now() + duration;
    for w in 0..32usize {
        let ids = Arc::clone(&ids);
        let base = base.clone();
        let key = key.clone();
        workers.push(tokio::spawn(async move {
            let http = reqwest::Client::builder()
                .pool_max_idle_per_host(1)
                .build()
                .map_err(|e| e.to_string())?;
            let mut lat = Vec::new();
            let mut i = w;
            while Instant::now() < deadline {
                let url = format!("{base}/v1.2/tasks/{}", ids[i % ids.len()]);
                i += 32;
                let t = Instant::now();
                let resp = http
                    .get(&url)
                    .header("x-api-key", &key)
                    .send()
                    .await
                    .map_err(|e| e.to_string())?;
                if !resp.status().is_success() {
                    return Err(format!("status {}", resp.status()));
                }
                std::hint::black_box(resp.bytes().await.map_err(|e| e.to_string())?);
                lat.push(t.elapsed().as_secs_f64() * 1e3);
            }
            Ok::<Vec<f64>, String>(lat)
        }));
    }
    let started = Instant::now();
    let mut all = Vec::new();
    for w in workers {
        all.extend(w.await.map_err(|e| e.to_string())??);
    }
    let elapsed = started.elapsed().as_secs_f64();
    emu.shutdown().await;
    Ok(vec![
        Figure::new("emulator_rps", all.len() as f64 / elapsed, "req/s"),
        Figure::new("emulator_p50_ms", median(&all), "ms"),
        Figure::new("emulator_p99_ms", percentile(&all, 99.0), "ms"),
    ])
}
