//! Many waits at once through `wait_many`'s scheduler: peak RSS of the waiting
//! child process, and the highest request rate the emulator saw in any
//! one-second window over the configured maximum.

use super::*;

use twelvelabs_emulator::DEMO_INDEX_ID;

/// The request rate the bench configures: below what the client and emulator
/// can do together on 2 cores, so the scheduler's bound is what limits the rate.
const MAX_RPS: f64 = 200.0;

/// `bench --wait-child <base_url> <key> <ids_file>`: waits on every task id of
/// the file through one `wait_many`; prints `WAIT_S`, `READY` and `VMHWM_KIB`.
pub(super) async fn wait_child(args: &[String]) -> Result<(), String> {
    let [base, key, ids, ..] = args else {
        return Err("usage: bench --wait-child <base_url> <key> <ids_file>".into());
    };
    let client = TwelveLabs::builder()
        .api_key(key)
        .base_url(base)
        .build()
        .map_err(|e| e.to_string())?;
    let ids: Vec<String> = std::fs::read_to_string(ids)
        .map_err(|e| e.to_string())?
        .lines()
        .map(str::to_owned)
        .collect();
    // Only the waiting is measured.
    reset_peak_rss();
    let t = Instant::now();
    let mut done = client
        .task()
        .wait_many(ids)
        .sleep_interval(Duration::from_millis(100))
        .max_wait(Duration::from_secs(600))
        .with_max_requests_per_second(MAX_RPS)
        .with_max_in_flight(32)
        .into_stream();
    let mut ready = 0usize;
    while let Some(o) = done.next().await {
        if o.is_ready() {
            ready += 1;
        }
    }
    println!("WAIT_S {}", t.elapsed().as_secs_f64());
    println!("READY {ready}");
    println!("VMHWM_KIB {}", proc_status_kib("VmHWM").unwrap_or(0));
    Ok(())
}

pub(super) async fn bench_wait_many(quick: bool) -> Result<Vec<Figure>, String> {
    let n = if quick { 1000 } else { 10_000 };
    let emu = start(EmulatorConfig {
        pace: Pace::Instant,
        ..EmulatorConfig::default()
    })
    .await?;
    // Seeded in-process, so every request the emulator sees is a poll.
    let ids = emu.seed_tasks(DEMO_INDEX_ID, n, "ready");
    let ids_file = TempFile(temp_path("wait-ids.txt"));
    std::fs::write(&ids_file.0, ids.join("\n")).map_err(|e| e.to_string())?;
    // Sample the emulator's request counter every 5 ms while the child waits.
    let emu = Arc::new(emu);
    let sampling = Arc::new(std::sync::atomic::AtomicBool::new(true));
    let sampler = {
        let sampling = Arc::clone(&sampling);
        let emu = Arc::clone(&emu);
        tokio::spawn(async move {
            let mut samples: Vec<(Instant, u64)> = Vec::new();
            while sampling.load(std::sync::atomic::Ordering::Relaxed) {
                samples.push((Instant::now(), emu.stats().requests));
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
            samples.push((Instant::now(), emu.stats().requests));
            samples
        })
    };
    let lines = run_child(&[
        "bench".into(),
        "--wait-child".into(),
        emu.base_url(),
        emu.api_key().to_owned(),
        ids_file.0.display().to_string(),
    ])
    .await;
    sampling.store(false, std::sync::atomic::Ordering::Relaxed);
    let samples = sampler.await.map_err(|e| e.to_string())?;
    let requests = emu.stats().requests;
    if let Ok(emu) = Arc::try_unwrap(emu) {
        emu.shutdown().await;
    }
    let lines = lines?;
    let ready = child_value(&lines, "READY")?;
    if ready as usize != n {
        return Err(format!("only {ready} of {n} waits ended ready"));
    }
    let max_window = max_per_second(&samples);
    let ratio = max_window as f64 / MAX_RPS;
    let rss = child_value(&lines, "VMHWM_KIB")? / 1024.0;
    Ok(vec![
        Figure::new("wait_many_tasks", n as f64, "tasks"),
        Figure::new("wait_many_wall_s", child_value(&lines, "WAIT_S")?, "s"),
        Figure::new("wait_many_10k_peak_rss_mib", rss, "MiB").goal("≤ 64 MiB", rss <= 64.0),
        Figure::new("wait_many_max_rps_ratio", ratio, "x").goal("≤ 1.0", ratio <= 1.0),
        Figure::new("wait_many_requests", requests as f64, "requests"),
    ])
}

/// The most requests counted between two samples at most one second apart (the
/// counter is sampled every 5 ms, so a window's edges are known to a sample).
fn max_per_second(samples: &[(Instant, u64)]) -> u64 {
    let mut best = 0;
    let mut j = 0;
    for (i, &(t0, c0)) in samples.iter().enumerate() {
        j = j.max(i);
        while j + 1 < samples.len() && samples[j + 1].0.duration_since(t0) <= Duration::from_secs(1)
        {
            j += 1;
        }
        best = best.max(samples[j].1.saturating_sub(c0));
    }
    best
}
