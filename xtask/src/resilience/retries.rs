//! Scenario 1: retrieves against 30 % injected 503s (bounded bursts).

use super::*;

pub(super) async fn s1_retries(quick: bool) -> Checks {
    let n: u32 = if quick { 200 } else { 1000 };
    let emu = start(EmulatorConfig {
        faults: FaultConfig {
            seed: 42,
            error_rate: 0.3,
            max_consecutive_faults: Some(MAX_BURST),
            ..FaultConfig::default()
        },
        ..instant()
    })
    .await?;
    let id = emu.seed_tasks("resretryindex", 1, "ready").remove(0);
    let c = client(&emu)?;
    let mut out = vec![note(
        "s1_fault_model",
        format!("random 30%, bursts ≤ {MAX_BURST}"),
    )];
    // The default policy (3 attempts, shorter backoff), then 6 attempts: more than
    // the longest burst, so every call must get through.
    for (policy, label) in [
        (fast(), "default"),
        (fast().with_max_attempts(MAX_BURST + 1), "max6"),
    ] {
        let attempts = policy.max_attempts;
        let (r0, f0) = (emu.stats().requests, emu.stats().faults_injected);
        let (mut ok, mut fail, mut wrong) = (0u32, 0u32, Vec::new());
        let mut longest = 0u64;
        for _ in 0..n {
            // Calls are sequential, so the emulator's counters split per call.
            let (r, f) = (emu.stats().requests, emu.stats().faults_injected);
            let result = c.task().retrieve(&id).with_retry(policy.clone()).await;
            let used = emu.stats().requests - r;
            let faults = emu.stats().faults_injected - f;
            longest = longest.max(faults);
            match result {
                // Every request but the last was a 503.
                Ok(_) if faults + 1 == used => ok += 1,
                Ok(_) => wrong.push(format!("Ok after {used} requests, {faults} faults")),
                // A failure: every attempt used, and every one was a 503.
                Err(e)
                    if e.status().map(|s| s.as_u16()) == Some(503)
                        && used == u64::from(attempts)
                        && faults == used =>
                {
                    fail += 1
                }
                Err(e) => wrong.push(format!(
                    "{} after {used} requests, {faults} faults",
                    describe(&e)
                )),
            }
        }
        for w in wrong.iter().take(5) {
            eprintln!("  s1 {label}: unexpected {w}");
        }
        let requests = emu.stats().requests - r0;
        let faults = emu.stats().faults_injected - f0;
        let share = 100.0 * faults as f64 / requests.max(1) as f64;
        if label == "max6" {
            out.push(check(
                &format!("s1_{label}_successes"),
                format!("{ok}/{n}"),
                &format!("{n}/{n} ({attempts} attempts > bursts ≤ {MAX_BURST})"),
                ok == n && wrong.is_empty(),
            ));
        } else {
            out.push(check(
                &format!("s1_{label}_successes"),
                format!("{ok}/{n}"),
                "informational",
                true,
            ));
            out.push(check(
                &format!("s1_{label}_failures"),
                fail,
                &format!("each a 503 after exactly {attempts} requests, all 503"),
                wrong.is_empty() && ok + fail == n,
            ));
        }
        out.push(check(
            &format!("s1_{label}_requests"),
            requests,
            &format!("{n}..={} ({n}·{attempts})", n * attempts),
            requests <= u64::from(n * attempts) && requests >= u64::from(n),
        ));
        out.push(check(
            &format!("s1_{label}_503_share"),
            format!("{share:.1}%"),
            "≈ 30 % of responses (sanity: 20..=40 %)",
            (20.0..=40.0).contains(&share),
        ));
        out.push(check(
            &format!("s1_{label}_longest_burst_in_a_call"),
            longest,
            &format!("≤ {MAX_BURST}"),
            longest <= u64::from(MAX_BURST),
        ));
    }
    emu.shutdown().await;
    Ok(out)
}
