//! Scenario 5: a stalled server against the per-call timeout.

use super::*;

pub(super) async fn s5_stall() -> Checks {
    let emu = start(instant()).await?;
    let id = emu.seed_tasks("resstallindex", 1, "ready").remove(0);
    let c = client(&emu)?;
    let limit = Duration::from_millis(500);
    let margin = Duration::from_millis(250);
    let t = Instant::now();
    let r = c
        .task()
        .retrieve(&id)
        .with_header(FAULT_HEADER, "stall:3000")
        .with_attempt_timeout(limit)
        .with_retry(RetryPolicy::none())
        .await;
    let get_time = t.elapsed();
    let t = Instant::now();
    let r2 = c
        .task()
        .create("resstallindex")
        .url("https://videos.example.com/stall.mp4")
        .with_header(FAULT_HEADER, "stall:3000")
        .with_attempt_timeout(limit)
        .with_retry(RetryPolicy::none())
        .send_raw()
        .await;
    let post_time = t.elapsed();
    drop(emu); // aborts the stalled handlers
    let in_bound = |d: Duration| d >= limit && d <= limit + margin;
    Ok(vec![
        check(
            "s5_get_error",
            r.as_ref().err().map(describe).unwrap_or("Ok".into()),
            "Timeout",
            matches!(r, Err(Error::Timeout { .. })),
        ),
        check(
            "s5_get_elapsed_ms",
            get_time.as_millis(),
            "500..=750 ms",
            in_bound(get_time),
        ),
        check(
            "s5_post_error",
            r2.as_ref().err().map(describe).unwrap_or("Ok".into()),
            "Timeout(outcome_unknown=true)",
            matches!(
                r2,
                Err(Error::Timeout {
                    outcome_unknown: true,
                    ..
                })
            ),
        ),
        check(
            "s5_post_elapsed_ms",
            post_time.as_millis(),
            "500..=750 ms",
            in_bound(post_time),
        ),
    ])
}
