//! Many waits at once: wall time and peak RSS in a child process.

use super::*;

/// `bench --wait-child <base_url> <key> <n>`: creates `n` tasks, then waits on all of
/// them at once through one client; prints `WAIT_S`, `VMHWM_KIB` (of the wait phase)
/// and `READY`.
pub(super) async fn wait_child(args: &[String]) -> Result<(), String> {
    let [base, key, n, ..] = args else {
        return Err("usage: bench --wait-child <base_url> <key> <n>".into());
    };
    let n: usize = n.parse().map_err(|_| "n must be a number")?;
    let client = TwelveLabs::builder()
        .api_key(key)
        .base_url(base)
        .build()
        .map_err(|e| e.to_string())?;
    let results = client
        .task()
        .create_bulk("benchwaitindex")
        .urls((0..n).map(|i| format!("https://videos.example.com/wait/{i}.mp4")))
        .with_concurrency(16)
        .send()
        .await;
    let mut ids = Vec::with_capacity(n);
    for r in results {
        ids.push(r.map_err(|e| format!("create: {e}"))?.id.to_string());
    }
    reset_peak_rss();
    let t = Instant::now();
    let waits = ids.iter().map(|id| {
        client
            .task()
            .wait_for_done(id)
            .sleep_interval(Duration::from_millis(100))
            .max_wait(Duration::from_secs(120))
            .send()
    });
    let done = futures_util::future::join_all(waits).await;
    let wall = t.elapsed().as_secs_f64();
    let ready = done
        .iter()
        .filter(|r| r.as_ref().is_ok_and(|t| t.status == "ready"))
        .count();
    println!("WAIT_S {wall}");
    println!("READY {ready}");
    println!("VMHWM_KIB {}", proc_status_kib("VmHWM").unwrap_or(0));
    Ok(())
}

pub(super) async fn bench_wait_many(quick: bool) -> Result<Vec<Figure>, String> {
    let n = if quick { 100 } else { 1000 };
    let emu = start(EmulatorConfig {
        pace: Pace::Every(Duration::from_millis(100)),
        ..EmulatorConfig::default()
    })
    .await?;
    let lines = run_child(&[
        "bench".into(),
        "--wait-child".into(),
        emu.base_url(),
        emu.api_key().to_owned(),
        n.to_string(),
    ])
    .await?;
    let requests = emu.stats().requests;
    emu.shutdown().await;
    let ready = child_value(&lines, "READY")?;
    if ready as usize != n {
        return Err(format!("only {ready} of {n} waits ended ready"));
    }
    Ok(vec![
        Figure::new("wait_many_tasks", n as f64, "tasks"),
        Figure::new("wait_many_wall_s", child_value(&lines, "WAIT_S")?, "s"),
        Figure::new(
            "wait_many_peak_rss_mib",
            child_value(&lines, "VMHWM_KIB")? / 1024.0,
            "MiB",
        ),
        Figure::new("wait_many_requests", requests as f64, "requests"),
    ])
}
