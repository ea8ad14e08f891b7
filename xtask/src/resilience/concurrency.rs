//! Scenario 9: 64 waits and 64 uploads at once.

use super::*;

pub(super) async fn s9_concurrency(quick: bool) -> Checks {
    let bound = Duration::from_secs(if quick { 20 } else { 30 });
    let emu = start(EmulatorConfig {
        pace: Pace::Every(Duration::from_millis(50)),
        ..EmulatorConfig::default()
    })
    .await?;
    let c = client(&emu)?;
    let index = "resconcindex";
    let created = c
        .task()
        .create_bulk(index)
        .urls((0..64).map(|i| format!("https://videos.example.com/c/{i}.mp4")))
        .with_concurrency(16)
        .send()
        .await;
    let mut ids = Vec::new();
    for r in created {
        ids.push(r.map_err(|e| format!("setup: {e}"))?.id.to_string());
    }
    let file = TempFile(temp_path("conc.bin"));
    write_file(&file.0, MIB)?;
    let t = Instant::now();
    let mut handles = Vec::new();
    for id in ids {
        let c = c.clone();
        handles.push(tokio::spawn(async move {
            c.task()
                .wait_for_done(id)
                .sleep_interval(Duration::from_millis(100))
                .max_wait(Duration::from_secs(60))
                .await
                .map(|t| t.status == "ready")
                .map_err(|e| describe(&e))
        }));
    }
    for _ in 0..64 {
        let c = c.clone();
        let p = file.0.clone();
        handles.push(tokio::spawn(async move {
            c.task()
                .create(index)
                .file(p)
                .send()
                .await
                .map(|_| true)
                .map_err(|e| describe(&e))
        }));
    }
    let (mut ok, mut errs, mut panics) = (0, Vec::new(), 0);
    for h in handles {
        match h.await {
            Ok(Ok(true)) => ok += 1,
            Ok(Ok(false)) => errs.push("not ready".to_owned()),
            Ok(Err(e)) => errs.push(e),
            Err(_) => panics += 1,
        }
    }
    let took = t.elapsed();
    let stats = emu.stats();
    emu.shutdown().await;
    let accounted = ok + errs.len() + panics;
    Ok(vec![
        check(
            "s9_completed",
            format!("{ok}/128"),
            "128/128, every result accounted for",
            ok == 128 && accounted == 128,
        ),
        check(
            "s9_elapsed_ms",
            took.as_millis(),
            &format!("≤ {} ms", bound.as_millis()),
            took <= bound,
        ),
        check(
            "s9_server_tasks",
            stats.tasks_stored,
            "128 (64 URL + 64 uploads)",
            stats.tasks_stored == 128,
        ),
    ])
}
