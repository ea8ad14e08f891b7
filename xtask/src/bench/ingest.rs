//! Ingest at scale: 10,000 small files created and waited to `ready` in a child
//! process (wall time and peak RSS), and the time to the first result of a bulk
//! stream.

use super::*;

use twelvelabs_emulator::DEMO_INDEX_ID;

/// A tiny MP4 (an `ftyp` box, then padding) the emulator indexes.
fn write_mp4(path: &Path, size: usize, fill: u8) -> Result<(), String> {
    let mut bytes = vec![0, 0, 0, 0x18];
    bytes.extend_from_slice(b"ftypisom\0\0\x02\0isomiso2");
    bytes.resize(size.max(bytes.len()), fill);
    std::fs::write(path, bytes).map_err(|e| format!("write {}: {e}", path.display()))
}

/// A directory of `n` small MP4 files, removed when dropped.
struct Folder(std::path::PathBuf);
impl Folder {
    fn new(name: &str, n: usize) -> Result<Self, String> {
        let dir = temp_path(name);
        std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
        let folder = Folder(dir);
        for i in 0..n {
            write_mp4(&folder.0.join(format!("f{i:05}.mp4")), 1024, i as u8)?;
        }
        Ok(folder)
    }
    fn files(&self) -> Result<Vec<std::path::PathBuf>, String> {
        let mut files: Vec<_> = std::fs::read_dir(&self.0)
            .map_err(|e| e.to_string())?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|e| e == "mp4"))
            .collect();
        files.sort();
        Ok(files)
    }
}
impl Drop for Folder {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// `bench --ingest-child <base_url> <key> <dir>`: ingests every file of `dir`
/// (concurrency 16, with a journal) and waits for all to be `ready`; prints
/// `INGEST_S`, `READY` and `VMHWM_KIB`.
pub(super) async fn ingest_child(args: &[String]) -> Result<(), String> {
    let [base, key, dir, ..] = args else {
        return Err("usage: bench --ingest-child <base_url> <key> <dir>".into());
    };
    let client = TwelveLabs::builder()
        .api_key(key)
        .base_url(base)
        .build()
        .map_err(|e| e.to_string())?;
    let mut files: Vec<std::path::PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| e.to_string())?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "mp4"))
        .collect();
    files.sort();
    let journal = Path::new(dir).join("ingest.jsonl");
    let t = Instant::now();
    let mut outcomes = client
        .task()
        .ingest(DEMO_INDEX_ID)
        .files(files)
        .with_journal(journal)
        .with_concurrency(16)
        .sleep_interval(Duration::from_millis(100))
        .with_max_requests_per_second(2000.0)
        .start()
        .await
        .map_err(|e| e.to_string())?;
    let mut ready = 0usize;
    while let Some(o) = outcomes.next().await {
        if o.is_ready() {
            ready += 1;
        }
    }
    println!("INGEST_S {}", t.elapsed().as_secs_f64());
    println!("READY {ready}");
    println!("VMHWM_KIB {}", proc_status_kib("VmHWM").unwrap_or(0));
    Ok(())
}

pub(super) async fn bench_ingest(quick: bool) -> Result<Vec<Figure>, String> {
    let n = if quick { 1000 } else { 10_000 };
    let folder = Folder::new("ingest10k", n)?;
    let emu = start(EmulatorConfig {
        pace: Pace::Instant,
        ..EmulatorConfig::default()
    })
    .await?;
    let lines = run_child(&[
        "bench".into(),
        "--ingest-child".into(),
        emu.base_url(),
        emu.api_key().to_owned(),
        folder.0.display().to_string(),
    ])
    .await?;
    let created = emu.stats().tasks_created;
    emu.shutdown().await;
    drop(folder);
    let ready = child_value(&lines, "READY")? as usize;
    if ready != n || created as usize != n {
        return Err(format!(
            "{ready} of {n} inputs ready, {created} tasks created"
        ));
    }
    let rss = child_value(&lines, "VMHWM_KIB")? / 1024.0;
    Ok(vec![
        Figure::new("ingest_10k_files", n as f64, "files"),
        Figure::new("ingest_10k_wall_s", child_value(&lines, "INGEST_S")?, "s"),
        Figure::new("ingest_10k_peak_rss_mib", rss, "MiB").goal("≤ 64 MiB", rss <= 64.0),
    ])
}

pub(super) async fn bench_bulk_first(quick: bool) -> Result<Vec<Figure>, String> {
    let n = if quick { 200 } else { 1000 };
    let folder = Folder::new("bulkfirst", n)?;
    let emu = start(EmulatorConfig {
        pace: Pace::Instant,
        faults: FaultConfig {
            latency: Duration::from_millis(5),
            ..FaultConfig::default()
        },
        ..EmulatorConfig::default()
    })
    .await?;
    let client = sdk_client(&emu)?;
    let files = folder.files()?;
    let t = Instant::now();
    let mut results = Box::pin(
        client
            .task()
            .create_bulk(DEMO_INDEX_ID)
            .files(files)
            .with_concurrency(16)
            .into_stream(),
    );
    let first = results.next().await;
    let first_ms = t.elapsed().as_secs_f64() * 1000.0;
    let mut done = usize::from(first.is_some());
    let mut failed = usize::from(matches!(first, Some((_, Err(_)))));
    while let Some((_, r)) = results.next().await {
        done += 1;
        failed += usize::from(r.is_err());
    }
    let all_s = t.elapsed().as_secs_f64();
    emu.shutdown().await;
    if done != n || failed > 0 {
        return Err(format!("{done} results of {n}, {failed} failed"));
    }
    Ok(vec![
        Figure::new("bulk_first_result_ms", first_ms, "ms"),
        Figure::new("bulk_stream_all_s", all_s, "s"),
    ])
}
