//! Scenario 4: dropped connections.

use super::*;

pub(super) async fn s4_drop(quick: bool) -> Checks {
    let n: u32 = if quick { 40 } else { 100 };
    let attempts = MAX_BURST + 1;
    let emu = start(EmulatorConfig {
        faults: FaultConfig {
            seed: 11,
            drop_rate: 0.3,
            max_consecutive_faults: Some(MAX_BURST),
            ..FaultConfig::default()
        },
        ..instant()
    })
    .await?;
    let id = emu.seed_tasks("resdropindex", 1, "ready").remove(0);
    let c = client(&emu)?;
    // Drops come in bursts of at most 5 per request key: 6 attempts always get through.
    let (mut ok, mut bad) = (0u32, 0u32);
    for _ in 0..n {
        let (r, f) = (emu.stats().requests, emu.stats().faults_injected);
        let result = c
            .task()
            .retrieve(&id)
            .with_retry(fast().with_max_attempts(attempts))
            .await;
        let used = emu.stats().requests - r;
        let drops = emu.stats().faults_injected - f;
        match result {
            // Each dropped response cost exactly one more request.
            Ok(_) if used == drops + 1 => ok += 1,
            Ok(_) => {
                eprintln!("  s4 GET Ok after {used} requests but {drops} drops");
                bad += 1;
            }
            Err(e) => {
                eprintln!(
                    "  s4 GET failed after {used} requests ({drops} drops): {}: {e}",
                    describe(&e)
                );
                bad += 1;
            }
        }
    }
    let dropped = emu.stats().faults_injected;
    let get_requests = emu.stats().requests;
    emu.shutdown().await;

    // POST upload with the connection dropped mid-response: not retried.
    let emu = start(instant()).await?;
    let c = client(&emu)?;
    let file = TempFile(temp_path("drop.bin"));
    write_file(&file.0, MIB)?;
    let before = emu.stats();
    let r = c
        .task()
        .create("resdropindex")
        .file(&file.0)
        .with_header(FAULT_HEADER, "drop")
        .send_raw()
        .await;
    let after = emu.stats();
    emu.shutdown().await;
    let (kind, display) = match &r {
        Err(e) => (describe(e), e.to_string()),
        Ok(v) => (format!("Ok({v:?})"), String::new()),
    };
    let unknown = matches!(
        r,
        Err(Error::Connection {
            outcome_unknown: true,
            ..
        })
    );
    Ok(vec![
        check(
            "s4_get_successes",
            format!("{ok}/{n}"),
            &format!("{n}/{n} (drop_rate 0.3, bursts ≤ {MAX_BURST}, {attempts} attempts)"),
            ok == n && bad == 0,
        ),
        check(
            "s4_get_drops_retried",
            dropped,
            &format!("≥ 1; requests = {n} + drops"),
            dropped >= 1 && get_requests == u64::from(n) + dropped,
        ),
        check(
            "s4_post_error",
            kind,
            "Connection(outcome_unknown=true)",
            unknown,
        ),
        check(
            "s4_post_display_outcome_unknown",
            display.contains("outcome unknown"),
            "true",
            display.contains("outcome unknown"),
        ),
        check(
            "s4_post_requests",
            after.requests - before.requests,
            "1 (not retried)",
            after.requests - before.requests == 1,
        ),
    ])
}
