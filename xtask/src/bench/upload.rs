//! Upload: throughput against raw reqwest multipart, and peak RSS in a child process.

use super::*;

/// A raw streamed multipart upload of `path`: hand-built envelope, Content-Length.
pub(super) async fn raw_upload(
    http: &reqwest::Client,
    base: &str,
    key: &str,
    index: &str,
    path: &Path,
) -> Result<(), String> {
    use tokio::io::AsyncReadExt;
    let len = tokio::fs::metadata(path)
        .await
        .map_err(|e| e.to_string())?
        .len();
    let boundary = "rawbench0123456789abcdef";
    let head = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"index_id\"\r\n\r\n{index}\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"video_file\"; filename=\"video.mp4\"\r\n\
         Content-Type: video/mp4\r\n\r\n"
    );
    let tail = format!("\r\n--{boundary}--\r\n");
    let total = head.len() as u64 + len + tail.len() as u64;
    let file = tokio::fs::File::open(path)
        .await
        .map_err(|e| e.to_string())?;
    let file_stream = futures_util::stream::unfold(Some(file), |state| async move {
        let mut f = state?;
        let mut buf = Vec::with_capacity(256 * 1024);
        match (&mut f).take(256 * 1024).read_to_end(&mut buf).await {
            Ok(0) => None,
            Ok(_) => Some((Ok::<Vec<u8>, std::io::Error>(buf), Some(f))),
            Err(e) => Some((Err(e), None)),
        }
    });
    let body = futures_util::stream::once(async move { Ok(head.into_bytes()) })
        .chain(file_stream)
        .chain(futures_util::stream::once(
            async move { Ok(tail.into_bytes()) },
        ));
    let resp = http
        .post(format!("{base}/v1.2/tasks"))
        .header("x-api-key", key)
        .header(
            "content-type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .header("content-length", total)
        .body(reqwest::Body::wrap_stream(body))
        .send()
        .await
        .map_err(|e| e.to_string())?;
    let status = resp.status();
    let body = resp.bytes().await.map_err(|e| e.to_string())?;
    if !status.is_success() {
        return Err(format!(
            "raw upload: {status}: {}",
            String::from_utf8_lossy(&body)
        ));
    }
    let v: serde_json::Value = serde_json::from_slice(&body).map_err(|e| e.to_string())?;
    std::hint::black_box(v);
    Ok(())
}

pub(super) async fn bench_upload(quick: bool) -> Result<Vec<Figure>, String> {
    let size = if quick { 16 * MIB } else { 1024 * MIB };
    let file = TempFile(temp_path("upload.bin"));
    write_file(&file.0, size)?;
    let emu = start(EmulatorConfig {
        pace: Pace::Instant,
        ..EmulatorConfig::default()
    })
    .await?;
    let client = sdk_client(&emu)?;
    let http = reqwest::Client::new();
    let base = emu.base_url();
    let key = emu.api_key().to_owned();
    let index = "benchuploadindex";
    let reps = if quick { 3 } else { 5 };
    // Warm-up (page cache, connections).
    raw_upload(&http, &base, &key, index, &file.0).await?;
    let (mut sdk, mut raw) = (Vec::new(), Vec::new());
    for rep in 0..reps {
        for pass in 0..2 {
            let t = Instant::now();
            if (rep + pass) % 2 == 0 {
                client
                    .task()
                    .create(index)
                    .file(&file.0)
                    .send_raw()
                    .await
                    .map_err(|e| format!("sdk upload: {e}"))?;
                sdk.push(t.elapsed().as_secs_f64());
            } else {
                raw_upload(&http, &base, &key, index, &file.0).await?;
                raw.push(t.elapsed().as_secs_f64());
            }
        }
    }
    let mut full = Vec::new();
    for _ in 0..if quick { 1 } else { 3 } {
        let t = Instant::now();
        client
            .task()
            .create(index)
            .file(&file.0)
            .send()
            .await
            .map_err(|e| format!("sdk create: {e}"))?;
        full.push(t.elapsed().as_secs_f64());
    }
    emu.shutdown().await;
    let mib = size as f64 / MIB as f64;
    let (s, r) = (median(&sdk), median(&raw));
    let ratio = r / s;
    Ok(vec![
        Figure::new("upload_throughput_ratio", ratio, "x").goal("≥ 0.90", ratio >= 0.90),
        Figure::new("upload_size_mib", mib, "MiB"),
        Figure::new("upload_sdk_mib_s", mib / s, "MiB/s"),
        Figure::new("upload_raw_mib_s", mib / r, "MiB/s"),
        Figure::new("upload_create_full_mib_s", mib / median(&full), "MiB/s"),
    ])
}

/// `bench --upload-child <path> <base_url> <key>`: uploads with the SDK, prints `VMHWM_KIB n`.
pub(super) async fn upload_child(args: &[String]) -> Result<(), String> {
    let [path, base, key, ..] = args else {
        return Err("usage: bench --upload-child <path> <base_url> <key>".into());
    };
    let client = TwelveLabs::builder()
        .api_key(key)
        .base_url(base)
        .build()
        .map_err(|e| e.to_string())?;
    client
        .task()
        .create("benchrssindex")
        .file(path)
        .send_raw()
        .await
        .map_err(|e| format!("child upload: {e}"))?;
    println!("VMHWM_KIB {}", proc_status_kib("VmHWM").unwrap_or(0));
    Ok(())
}

/// Runs this executable with `args`, returning the `KEY value` lines of its stdout.
pub(super) async fn run_child(args: &[String]) -> Result<Vec<(String, f64)>, String> {
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let out = tokio::process::Command::new(exe)
        .args(args)
        .stdin(Stdio::null())
        .stderr(Stdio::inherit())
        .output()
        .await
        .map_err(|e| format!("spawn child: {e}"))?;
    if !out.status.success() {
        return Err(format!("child exited with {}", out.status));
    }
    Ok(String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| {
            let (k, v) = l.split_once(' ')?;
            Some((k.to_owned(), v.trim().parse().ok()?))
        })
        .collect())
}

pub(super) fn child_value(lines: &[(String, f64)], key: &str) -> Result<f64, String> {
    lines
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| *v)
        .ok_or_else(|| format!("child did not report {key}"))
}

pub(super) async fn bench_upload_rss(quick: bool) -> Result<Vec<Figure>, String> {
    let sizes = if quick {
        [16 * MIB, 64 * MIB]
    } else {
        [256 * MIB, 1024 * MIB]
    };
    let emu = start(EmulatorConfig {
        pace: Pace::Instant,
        ..EmulatorConfig::default()
    })
    .await?;
    let mut peaks = Vec::new();
    for size in sizes {
        let file = TempFile(temp_path(&format!("rss-{size}.bin")));
        write_file(&file.0, size)?;
        let mut samples = Vec::new();
        for _ in 0..if quick { 1 } else { 3 } {
            let lines = run_child(&[
                "bench".into(),
                "--upload-child".into(),
                file.0.display().to_string(),
                emu.base_url(),
                emu.api_key().to_owned(),
            ])
            .await?;
            samples.push(child_value(&lines, "VMHWM_KIB")? / 1024.0);
        }
        peaks.push((size, median(&samples)));
    }
    emu.shutdown().await;
    let (small, large) = (peaks[0].1, peaks[1].1);
    let within = (large - small).abs() / small.min(large) <= 0.10;
    let mut figs = Vec::new();
    for (size, peak) in &peaks {
        let name = format!("upload_peak_rss_{}mib", size / MIB);
        figs.push(Figure::new(&name, *peak, "MiB").goal("≤ 64 MiB", *peak <= 64.0));
    }
    let spread = (large - small).abs() / small.min(large) * 100.0;
    figs.push(
        Figure::new("upload_peak_rss_spread_pct", spread, "%").goal("≤ 10 % between sizes", within),
    );
    Ok(figs)
}
