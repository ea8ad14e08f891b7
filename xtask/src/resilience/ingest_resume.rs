//! Scenario 17: an ingest killed with SIGKILL at random points and rerun with its
//! journal until done never duplicates a task and never loses one.
//!
//! The child is this executable (`resilience --ingest-child <base> <key> <dir>
//! <journal>`): it ingests every file of `<dir>` into the demo index with the
//! journal and prints `READY <n>`. The parent runs the emulator, kills the child
//! after a random delay (within the duration of an unkilled run, the first),
//! reruns it with the same journal (killing it again, up to
//! three kills per run), lets the last rerun finish, then counts the server's
//! tasks per file name.

use super::*;

use std::collections::HashMap;

use twelvelabs_emulator::DEMO_INDEX_ID;

/// A tiny MP4 (an `ftyp` box, then padding) the emulator indexes.
pub(super) fn write_mp4(path: &std::path::Path, size: usize, fill: u8) -> Result<(), String> {
    let mut bytes = vec![0, 0, 0, 0x18];
    bytes.extend_from_slice(b"ftypisom\0\0\x02\0isomiso2");
    bytes.resize(size.max(bytes.len()), fill);
    std::fs::write(path, bytes).map_err(|e| format!("write {}: {e}", path.display()))
}

/// `resilience --ingest-child <base> <key> <dir> <journal>`.
pub(super) async fn child(args: &[String]) -> Result<(), String> {
    let [base, key, dir, journal, ..] = args else {
        return Err("usage: resilience --ingest-child <base> <key> <dir> <journal>".into());
    };
    let client = client_for(base, key)?;
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| format!("read {dir}: {e}"))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    files.sort();
    let outcomes = client
        .task()
        .ingest(DEMO_INDEX_ID)
        .files(files)
        .with_journal(journal)
        .with_concurrency(16)
        .sleep_interval(Duration::from_millis(50))
        .with_max_requests_per_second(1000.0)
        .send()
        .await
        .map_err(|e| format!("ingest: {e}"))?;
    let ready = outcomes.iter().filter(|o| o.is_ready()).count();
    for o in outcomes.iter().filter(|o| !o.is_ready()) {
        eprintln!("ingest child: {} -> {:?}", o.key, o.result);
    }
    println!("READY {ready}");
    Ok(())
}

/// A small xorshift generator: kill points need only be spread, not secure.
struct Rng(u64);
impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n.max(1)
    }
}

pub(super) async fn s17_ingest_resume(quick: bool) -> Checks {
    let (runs, files_per_run) = if quick { (4, 60) } else { (20, 200) };
    let emu = start(EmulatorConfig {
        pace: Pace::Every(Duration::from_millis(20)),
        ..EmulatorConfig::default()
    })
    .await?;
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos() as u64)
        .unwrap_or(1)
        | 1;
    let mut rng = Rng(seed);
    let (mut kills, mut children) = (0u32, 0u32);
    let mut expected: Vec<String> = Vec::new();
    let root = temp_path("ingest-resume");
    // Run 0 is not killed: its duration bounds the random kill points.
    let mut span = Duration::from_millis(500);
    for run in 0..runs {
        let dir = root.join(format!("run{run:02}"));
        std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
        for i in 0..files_per_run {
            let name = format!("r{run:02}-clip-{i:03}.mp4");
            write_mp4(&dir.join(&name), 2048, i as u8)?;
            expected.push(name);
        }
        let journal = root.join(format!("run{run:02}.jsonl"));
        let mut attempt = 0;
        let began = Instant::now();
        loop {
            attempt += 1;
            children += 1;
            let mut child = tokio::process::Command::new(&exe)
                .args(["resilience", "--ingest-child"])
                .arg(emu.base_url())
                .arg(emu.api_key())
                .arg(&dir)
                .arg(&journal)
                .stdin(std::process::Stdio::null())
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::null())
                .kill_on_drop(true)
                .spawn()
                .map_err(|e| format!("spawn: {e}"))?;
            // Up to three kills per run, at a random point of an unkilled run.
            if run > 0 && attempt <= 3 {
                let delay = Duration::from_millis(5 + rng.below(span.as_millis() as u64));
                tokio::select! {
                    _ = tokio::time::sleep(delay) => {
                        let _ = child.start_kill();
                        let _ = child.wait().await;
                        kills += 1;
                        continue;
                    }
                    status = child.wait() => {
                        let status = status.map_err(|e| e.to_string())?;
                        if status.success() { break; }
                        return Err(format!("ingest child failed: {status}"));
                    }
                }
            }
            let out = child.wait_with_output().await.map_err(|e| e.to_string())?;
            if !out.status.success() {
                return Err(format!("final ingest child failed: {}", out.status));
            }
            break;
        }
        if run == 0 {
            span = began.elapsed();
        }
        let _ = std::fs::remove_dir_all(&dir);
    }
    // How many creates a kill left unknown, then found by reconciliation.
    let adopted: usize = (0..runs)
        .filter_map(|run| std::fs::read_to_string(root.join(format!("run{run:02}.jsonl"))).ok())
        .map(|j| j.matches("\"adopted\":true").count())
        .sum();
    let _ = std::fs::remove_dir_all(&root);
    // Server side: tasks per file name, and which are ready.
    let c = client(&emu)?;
    let mut per_name: HashMap<String, (usize, usize)> = HashMap::new();
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
        let e = per_name.entry(name).or_default();
        e.0 += 1;
        if t.status == "ready" {
            e.1 += 1;
        }
    }
    emu.shutdown().await;
    let duplicates: usize = per_name.values().map(|(n, _)| n.saturating_sub(1)).sum();
    let lost = expected
        .iter()
        .filter(|name| per_name.get(*name).is_none_or(|(_, ready)| *ready == 0))
        .count();
    Ok(vec![
        note(
            "ingest_resume_setup",
            format!(
                "{runs} runs x {files_per_run} files, {kills} SIGKILLs within {} ms, {children} child processes, {adopted} unknown creates reconciled",
                span.as_millis()
            ),
        ),
        check("ingest_resume_duplicates", duplicates, "= 0", duplicates == 0),
        check("ingest_resume_lost", lost, "= 0", lost == 0),
    ])
}
