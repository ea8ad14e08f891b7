//! Scenario 8: the API key never appears in any log line, error or `Debug`.

use super::*;

const SECRET: &str = "tlk_s3cr3t_DO_NOT_LEAK_7f3a9c";
const WRONG: &str = "tlk_wr0ng_ALSO_SECRET_41d2";

/// A `MakeWriter` that appends every formatted line to a shared buffer.
#[derive(Clone)]
struct Capture(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Capture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for Capture {
    type Writer = Capture;

    fn make_writer(&'a self) -> Capture {
        self.clone()
    }
}

/// Scenario 8 with every `tracing` event and span (TRACE and up, SDK, hyper-util
/// and emulator alike) captured: the calls run on a current-thread runtime in a
/// thread of their own whose default subscriber writes into a buffer, so tasks
/// spawned by the calls (connections, the emulators) are captured too and nothing
/// global is installed.
pub(super) async fn s8_secrets() -> Checks {
    let buf = Arc::new(Mutex::new(Vec::new()));
    let capture = Capture(Arc::clone(&buf));
    let (tx, rx) = tokio::sync::oneshot::channel();
    std::thread::Builder::new()
        .name("s8-trace".to_owned())
        .spawn(move || {
            let subscriber = tracing_subscriber::fmt()
                .with_max_level(tracing::Level::TRACE)
                .with_span_events(FmtSpan::FULL)
                .with_writer(capture)
                .finish();
            let _guard = tracing::subscriber::set_default(subscriber);
            let result = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .map_err(|e| format!("s8 runtime: {e}"))
                .and_then(|rt| rt.block_on(s8_calls()));
            let _ = tx.send(result);
        })
        .map_err(|e| format!("s8 thread: {e}"))?;
    let mut checks = rx
        .await
        .map_err(|_| "s8 thread ended without a result".to_owned())??;
    let log = String::from_utf8_lossy(&buf.lock().unwrap_or_else(|p| p.into_inner())).into_owned();
    let lines = log.lines().count();
    let has_requests = log.contains("twelvelabs.request");
    let has_retries = log.contains("retrying");
    let leaks = log.matches(SECRET).count() + log.matches(WRONG).count();
    checks.push(check(
        "s8_trace_log_lines",
        lines,
        "> 0 at TRACE, with request spans and retries",
        lines > 0 && has_requests && has_retries,
    ));
    checks.push(check("s8_trace_key_leaks", leaks, "0", leaks == 0));
    Ok(checks)
}

/// The calls of scenario 8: successful, retried and failing.
async fn s8_calls() -> Checks {
    let emu = start(EmulatorConfig {
        api_key: SECRET.to_owned(),
        ..instant()
    })
    .await?;
    let id = emu.seed_tasks("ressecretindex", 1, "ready").remove(0);
    let mut texts: Vec<String> = Vec::new();
    let builder = TwelveLabs::builder()
        .api_key(SECRET)
        .base_url(emu.base_url());
    texts.push(format!("{builder:?}"));
    let c = builder.build().map_err(|e| e.to_string())?;
    texts.push(format!("{c:?}"));
    texts.push(format!("{:?}", c.executor()));
    texts.push(format!("{:?}", c.executor().config()));
    let key = &c.executor().config().api_key;
    texts.push(format!("{key} {key:?}"));
    texts.push(format!("{:?}", c.task()));
    texts.push(format!(
        "{:?}",
        c.task()
            .create("ressecretindex")
            .url("https://x.example/v.mp4")
    ));
    texts.push(format!("{:?}", c.task().wait_for_done(&id)));
    texts.push(format!("{:?}", c.task().list().index_id("ressecretindex")));
    let mut errors = Vec::new();
    errors.push(c.task().retrieve("000000000000000000000000").await.err());
    errors.push(
        c.task()
            .retrieve(&id)
            .with_header(FAULT_HEADER, "stall:2000")
            .with_attempt_timeout(Duration::from_millis(100))
            .with_retry(RetryPolicy::none())
            .await
            .err(),
    );
    errors.push(
        c.task()
            .create("ressecretindex")
            .url("https://x.example/v.mp4")
            .with_header(FAULT_HEADER, "drop")
            .send_raw()
            .await
            .err(),
    );
    let wrong = client_for(&emu.base_url(), WRONG)?;
    texts.push(format!("{wrong:?}"));
    errors.push(wrong.task().retrieve(&id).await.err());
    // Connection refused (a port nothing listens on).
    let closed = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").map_err(|e| e.to_string())?;
        l.local_addr().map_err(|e| e.to_string())?.port()
    };
    let refused = client_for(&format!("http://127.0.0.1:{closed}"), SECRET)?;
    errors.push(
        refused
            .task()
            .retrieve(&id)
            .with_retry(RetryPolicy::none())
            .await
            .err(),
    );
    // Retried calls: every request key gets 503s in bursts of 2.
    let flaky = start(EmulatorConfig {
        api_key: SECRET.to_owned(),
        faults: FaultConfig {
            seed: 8,
            error_rate: 1.0,
            max_consecutive_faults: Some(2),
            ..FaultConfig::default()
        },
        ..instant()
    })
    .await?;
    let fid = flaky.seed_tasks("ressecretindex", 1, "ready").remove(0);
    let fc = client_for(&flaky.base_url(), SECRET)?;
    texts.push(format!("{fc:?}"));
    // 503, 503, then 200.
    let retried_ok = fc.task().retrieve(&fid).with_retry(fast()).await;
    if let Err(e) = &retried_ok {
        return Err(format!("s8 retried retrieve: {}", describe(e)));
    }
    // 503, 503: retried once, then the error.
    errors.push(
        fc.task()
            .retrieve(&fid)
            .with_retry(fast().with_max_attempts(2))
            .await
            .err(),
    );
    flaky.shutdown().await;
    let produced = errors.iter().filter(|e| e.is_some()).count();
    for e in errors.into_iter().flatten() {
        texts.push(format!("{e}"));
        texts.push(format!("{e:?}"));
        let mut src: Option<&dyn std::error::Error> = std::error::Error::source(&e);
        while let Some(s) = src {
            texts.push(format!("{s} {s:?}"));
            src = s.source();
        }
    }
    let leaks = texts
        .iter()
        .filter(|t| t.contains(SECRET) || t.contains(WRONG))
        .count();
    drop(emu);

    // Cross-origin redirect: A (302) → B, which records whether it saw x-api-key.
    let b = canned(json_200(r#"{"_id":"abc","status":"ready"}"#)).await?;
    let a = canned(http_response(
        "302 Found",
        &[("Location", &format!("{}/v1.2/tasks/abc", b.base()))],
        b"",
    ))
    .await?;
    let rc = client_for(&a.base(), SECRET)?;
    let r = rc
        .task()
        .retrieve("abc")
        .with_retry(RetryPolicy::none())
        .await;
    let key_at_b = b.saw_key.load(Ordering::SeqCst);
    let b_hits = b.hits.load(Ordering::SeqCst);
    let outcome = match &r {
        Ok(_) => "followed".to_owned(),
        Err(e) => describe(e),
    };
    let paths = super::secret_paths::s8_paths(SECRET).await?;
    Ok(paths
        .into_iter()
        .chain([
            check(
                "s8_texts_checked",
                texts.len(),
                &format!("≥ 15 Debug/Display strings ({produced}/6 errors)"),
                texts.len() >= 15 && produced == 6,
            ),
            check("s8_key_leaks", leaks, "0", leaks == 0),
            check(
                "s8_redirect_outcome",
                format!("{outcome},B_hits={b_hits}"),
                "informational",
                true,
            ),
            check(
                "s8_redirect_key_at_other_origin",
                key_at_b,
                "false",
                !key_at_b,
            ),
        ])
        .collect())
}
