//! Scenario 6: `wait_for_done` through faults.

use super::*;

pub(super) async fn s6_wait(quick: bool) -> Checks {
    let mut out = Vec::new();
    // a) 401 at the first poll.
    let emu = start(EmulatorConfig::default()).await?;
    let c = client(&emu)?;
    let task = c
        .task()
        .create("reswaitindex")
        .url("https://videos.example.com/w.mp4")
        .send()
        .await
        .map_err(|e| e.to_string())?;
    let wrong = client_for(&emu.base_url(), "tlk_wrong_key")?;
    let before = emu.stats().requests;
    let t = Instant::now();
    let r = wrong
        .task()
        .wait_for_done(task.id.as_str())
        .sleep_interval(Duration::from_millis(100))
        .await;
    let reqs = emu.stats().requests - before;
    emu.shutdown().await;
    out.push(check(
        "s6_401_error",
        r.as_ref().err().map(describe).unwrap_or("Ok".into()),
        "Api 401 Authentication, 1 request, < 1 s",
        matches!(&r, Err(e) if e.api().map(|a| a.kind) == Some(ApiErrorKind::Authentication))
            && reqs == 1
            && t.elapsed() < Duration::from_secs(1),
    ));

    // b) a task that never finishes.
    let deadline = Duration::from_secs(if quick { 2 } else { 10 });
    let emu = start(EmulatorConfig {
        pace: Pace::Every(Duration::from_secs(3600)),
        ..EmulatorConfig::default()
    })
    .await?;
    let c = client(&emu)?;
    let task = c
        .task()
        .create("reswaitindex")
        .url("https://videos.example.com/slow.mp4")
        .send()
        .await
        .map_err(|e| e.to_string())?;
    let t = Instant::now();
    let r = task
        .wait_for_done()
        .sleep_interval(Duration::from_secs(1))
        .max_wait(deadline)
        .await;
    let took = t.elapsed();
    emu.shutdown().await;
    out.push(check(
        "s6_never_done_error",
        r.as_ref().err().map(describe).unwrap_or("Ok".into()),
        "WaitTimeout",
        matches!(r, Err(Error::WaitTimeout { .. })),
    ));
    out.push(check(
        "s6_never_done_elapsed_ms",
        took.as_millis(),
        &format!(
            "{}..={} ms",
            deadline.as_millis(),
            deadline.as_millis() + 500
        ),
        took >= deadline && took <= deadline + Duration::from_millis(500),
    ));

    // c) 503 bursts against the error budget (5 transient errors in a row, the
    //    default): every poll is answered 503 (error_rate 1.0) except that a burst
    //    ends after `burst` faults; per-call retries off, so the wait sees each 503.
    //    A burst of 3 (shorter than the budget) is absorbed; a burst of 6 is not.
    for burst in [3u32, 6] {
        let emu = start(EmulatorConfig {
            faults: FaultConfig {
                seed: 5,
                error_rate: 1.0,
                max_consecutive_faults: Some(burst),
                ..FaultConfig::default()
            },
            ..EmulatorConfig::default()
        })
        .await?;
        let c = client(&emu)?;
        // Injected 503s come before the handler: retrying the create cannot duplicate it.
        let created = c
            .task()
            .create("reswaitindex")
            .url("https://videos.example.com/burst.mp4")
            .with_retry(
                fast()
                    .with_max_attempts(burst + 1)
                    .with_retry_non_idempotent(true),
            )
            .send_raw()
            .await
            .map_err(|e| format!("setup create: {e}"))?;
        let answered = Arc::new(AtomicUsize::new(0));
        let seen = Arc::clone(&answered);
        let (r0, f0) = (emu.stats().requests, emu.stats().faults_injected);
        let r = c
            .task()
            .wait_for_done(created.id.as_str())
            .sleep_interval(Duration::from_millis(10))
            .max_wait(Duration::from_secs(30))
            .callback(move |_| {
                seen.fetch_add(1, Ordering::SeqCst);
            })
            .with_retry(RetryPolicy::none())
            .await;
        let polls = emu.stats().requests - r0;
        let faults = emu.stats().faults_injected - f0;
        let answered = answered.load(Ordering::SeqCst) as u64;
        emu.shutdown().await;
        let result = match &r {
            Ok(t) => format!("Ok({})", t.status),
            Err(e) => describe(e),
        };
        if burst < 5 {
            out.push(check(
                &format!("s6_burst{burst}_result"),
                result,
                "Ok(ready)",
                matches!(&r, Ok(t) if t.status == "ready"),
            ));
            out.push(check(
                &format!("s6_burst{burst}_503s_absorbed"),
                format!("{faults} in {answered} bursts"),
                &format!("{burst} before each answered poll (≥ 3 per burst)"),
                faults == u64::from(burst) * answered
                    && answered >= 1
                    && polls == faults + answered,
            ));
        } else {
            out.push(check(
                &format!("s6_burst{burst}_result"),
                format!("{result} after {polls} polls"),
                "Api 503 after 6 polls (budget 5 bounds the wait)",
                matches!(&r, Err(e) if e.status().map(|s| s.as_u16()) == Some(503))
                    && polls == 6
                    && faults == 6
                    && answered == 0,
            ));
        }
    }
    Ok(out)
}
