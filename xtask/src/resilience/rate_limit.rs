//! Scenario 3: 429 with Retry-After.

use super::*;

pub(super) async fn s3_rate_limit() -> Checks {
    // Retry-After is not documented by the API: the emulator sends it only
    // when asked, and this scenario is about honouring it.
    let emu = start(EmulatorConfig {
        retry_after_header: true,
        ..instant()
    })
    .await?;
    let id = emu.seed_tasks("resrlindex", 1, "ready").remove(0);
    let c = client(&emu)?;
    let before = emu.stats().requests;
    let t = Instant::now();
    // The header applies to every attempt: 2 attempts → one wait of Retry-After.
    let r = c
        .task()
        .retrieve(&id)
        .with_header(FAULT_HEADER, "429:1")
        .with_retry(fast().with_max_attempts(2))
        .await;
    let waited = t.elapsed();
    let reqs = emu.stats().requests - before;
    let first_ok = matches!(&r, Err(e) if e.api().map(|a| a.kind) == Some(ApiErrorKind::RateLimit));

    let before = emu.stats().requests;
    let t = Instant::now();
    let r2 = c
        .task()
        .retrieve(&id)
        .with_header(FAULT_HEADER, "429:1")
        .with_retry(fast().with_max_retry_after(Duration::from_millis(500)))
        .await;
    let immediate = t.elapsed();
    let reqs2 = emu.stats().requests - before;
    let ra = r2.as_ref().err().and_then(Error::retry_after);
    emu.shutdown().await;
    Ok(vec![
        check(
            "s3_wait_before_retry_ms",
            waited.as_millis(),
            "≥ 1000 ms, 2 requests, ends RateLimit",
            waited >= Duration::from_secs(1) && reqs == 2 && first_ok,
        ),
        check(
            "s3_max_retry_after_ms",
            immediate.as_millis(),
            "< 250 ms, 1 request",
            immediate < Duration::from_millis(250) && reqs2 == 1,
        ),
        check(
            "s3_retry_after",
            format!("{ra:?}"),
            "Some(1s)",
            ra == Some(Duration::from_secs(1)),
        ),
    ])
}
