//! Bulk create: speed-up of bounded concurrency over one-by-one.

use super::*;

pub(super) async fn bench_bulk(quick: bool) -> Result<Vec<Figure>, String> {
    let n = if quick { 100 } else { 1000 };
    let emu = start(EmulatorConfig {
        pace: Pace::Instant,
        faults: FaultConfig {
            latency: Duration::from_millis(5),
            ..FaultConfig::default()
        },
        ..EmulatorConfig::default()
    })
    .await?;
    let client = sdk_client(&emu)?;
    let urls: Vec<String> = (0..n)
        .map(|i| format!("https://videos.example.com/bulk/{i}.mp4"))
        .collect();
    let index = "benchbulkindex";
    let t = Instant::now();
    let results = client
        .task()
        .create_bulk(index)
        .urls(urls.clone())
        .with_concurrency(16)
        .send()
        .await;
    let bulk = t.elapsed().as_secs_f64();
    let failed = results.iter().filter(|r| r.is_err()).count();
    if failed > 0 {
        return Err(format!("{failed} bulk creates failed"));
    }
    let t = Instant::now();
    for url in &urls {
        client
            .task()
            .create(index)
            .url(url)
            .send()
            .await
            .map_err(|e| format!("sequential create: {e}"))?;
    }
    let seq = t.elapsed().as_secs_f64();
    emu.shutdown().await;
    let speedup = seq / bulk;
    Ok(vec![
        Figure::new("bulk_speedup", speedup, "x").goal("≥ 8×", speedup >= 8.0),
        Figure::new("bulk_creates", n as f64, "creates"),
        Figure::new("bulk_concurrent_s", bulk, "s"),
        Figure::new("bulk_sequential_s", seq, "s"),
    ])
}
