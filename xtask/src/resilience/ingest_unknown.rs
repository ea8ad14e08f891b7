//! Scenario 18: creates whose outcome is unknown (the connection dropped after
//! the upload, a 503 after the server stored the task) are reconciled by the
//! ingest, never sent blindly again: one task per input.

use super::*;

use std::collections::HashMap;

use twelvelabs_emulator::DEMO_INDEX_ID;

pub(super) async fn s18_ingest_unknown(quick: bool) -> Checks {
    let n = if quick { 60 } else { 200 };
    let emu = start(EmulatorConfig {
        pace: Pace::Instant,
        faults: FaultConfig {
            seed: 15,
            error_after_commit_rate: 0.2,
            drop_rate: 0.1,
            max_consecutive_faults: Some(2),
            ..FaultConfig::default()
        },
        ..EmulatorConfig::default()
    })
    .await?;
    let c = client(&emu)?;
    let dir = temp_path("ingest-unknown");
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let mut files = Vec::new();
    for i in 0..n {
        let p = dir.join(format!("unknown-{i:03}.mp4"));
        super::ingest_resume::write_mp4(&p, 2048, i as u8)?;
        files.push(p);
    }
    let outcomes = c
        .task()
        .ingest(DEMO_INDEX_ID)
        .files(&files)
        .with_concurrency(16)
        .sleep_interval(Duration::from_millis(20))
        .max_consecutive_errors(10)
        .with_max_requests_per_second(1000.0)
        .send()
        .await
        .map_err(|e| format!("ingest: {e}"));
    let _ = std::fs::remove_dir_all(&dir);
    let outcomes = outcomes?;
    let stats = emu.stats();
    let mut per_name: HashMap<String, usize> = HashMap::new();
    let mut all = c
        .task()
        .list()
        .index_id(DEMO_INDEX_ID)
        .page_limit(50)
        .into_stream();
    while let Some(t) = all.next().await {
        let t = t.map_err(|e| format!("list: {e}"))?;
        let name = t
            .metadata
            .as_ref()
            .and_then(|m| m.filename.clone())
            .unwrap_or_default();
        *per_name.entry(name).or_default() += 1;
    }
    emu.shutdown().await;
    let duplicates: usize = per_name.values().map(|c| c.saturating_sub(1)).sum();
    let ready = outcomes.iter().filter(|o| o.is_ready()).count();
    let errors: Vec<String> = outcomes
        .iter()
        .filter_map(|o| o.result.as_ref().err().map(describe))
        .collect();
    Ok(vec![
        note(
            "ingest_unknown_setup",
            format!(
                "{n} files, {} faults injected (20% 503-after-commit, 10% dropped, bursts <= 2)",
                stats.faults_injected
            ),
        ),
        check(
            "ingest_outcome_unknown_duplicates",
            duplicates,
            "= 0",
            duplicates == 0 && stats.faults_injected > 0,
        ),
        check(
            "ingest_outcome_unknown_ready",
            format!("{ready}/{n}"),
            "every input ends ready",
            ready == n && errors.is_empty(),
        ),
    ])
}
