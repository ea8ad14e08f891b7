//! Scenario 10: a deadline is a deadline. `wait_for_done(..).max_wait(d)` against
//! hostile local servers (a 429 asking for 30 s, a body dripping one byte a second,
//! a server that never answers, 503 after 503) must return by `d`; the figure is
//! the worst overrun.

use super::*;

/// A server that answers every request with a 200 head announcing 1,000 bytes,
/// then sends one byte a second.
async fn dripping() -> Result<(u16, tokio::task::JoinHandle<()>), String> {
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .map_err(|e| e.to_string())?;
    let port = listener.local_addr().map_err(|e| e.to_string())?.port();
    let task = tokio::spawn(async move {
        while let Ok((mut sock, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut buf = [0u8; 4096];
                let _ = sock.read(&mut buf).await;
                let head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n";
                if sock.write_all(head.as_bytes()).await.is_err() {
                    return;
                }
                for _ in 0..1000 {
                    if sock.write_all(b" ").await.is_err() {
                        return;
                    }
                    tokio::time::sleep(Duration::from_secs(1)).await;
                }
            });
        }
    });
    Ok((port, task))
}

/// A server that reads requests and never answers.
async fn stalled() -> Result<(u16, tokio::task::JoinHandle<()>), String> {
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .map_err(|e| e.to_string())?;
    let port = listener.local_addr().map_err(|e| e.to_string())?.port();
    let task = tokio::spawn(async move {
        while let Ok((mut sock, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut buf = [0u8; 4096];
                while let Ok(n) = sock.read(&mut buf).await {
                    if n == 0 {
                        break;
                    }
                }
            });
        }
    });
    Ok((port, task))
}

pub(super) async fn s10_deadline() -> Checks {
    let rate_limited = canned(http_response(
        "429 Too Many Requests",
        &[("Retry-After", "30"), ("Content-Type", "application/json")],
        br#"{"code":"too_many_requests","message":"slow down"}"#,
    ))
    .await?;
    let unavailable = canned(http_response(
        "503 Service Unavailable",
        &[("Content-Type", "application/json")],
        br#"{"code":"service_unavailable","message":"try again"}"#,
    ))
    .await?;
    let (drip_port, drip_task) = dripping().await?;
    let (stall_port, stall_task) = stalled().await?;
    let cases = [
        ("429_retry_after_30", rate_limited.base(), 5u64),
        (
            "drip_1_byte_per_s",
            format!("http://127.0.0.1:{drip_port}"),
            4,
        ),
        ("stalled", format!("http://127.0.0.1:{stall_port}"), 3),
        ("503_burst", unavailable.base(), 3),
    ];
    let mut out = Vec::new();
    let mut worst = Duration::ZERO;
    let mut all_wait_timeout = true;
    let mut kept_429 = false;
    for (name, base, secs) in cases {
        let c = client_for(&base, "tlk_deadline")?;
        let max_wait = Duration::from_secs(secs);
        let t = Instant::now();
        let r = c
            .task()
            .wait_for_done("6734f1c2a1b2c3d4e5f60718")
            .sleep_interval(Duration::from_millis(500))
            .max_wait(max_wait)
            .max_consecutive_errors(u32::MAX)
            .await;
        let took = t.elapsed();
        let overrun = took.saturating_sub(max_wait);
        worst = worst.max(overrun);
        eprintln!(
            "  s10 {name}: {} after {} ms (max_wait {} ms)",
            r.as_ref().err().map(describe).unwrap_or("Ok".into()),
            took.as_millis(),
            max_wait.as_millis()
        );
        if !matches!(r, Err(Error::WaitTimeout { .. })) {
            all_wait_timeout = false;
        }
        if name.starts_with("429") {
            kept_429 = matches!(&r, Err(e @ Error::WaitTimeout { .. })
                if e.status().map(|s| s.as_u16()) == Some(429)
                    && e.retry_after() == Some(Duration::from_secs(30)));
        }
    }
    drip_task.abort();
    stall_task.abort();
    out.push(check(
        "wait_deadline_overrun_ms",
        worst.as_millis(),
        "≤ 250",
        worst <= Duration::from_millis(250),
    ));
    out.push(check(
        "s10_all_wait_timeout",
        all_wait_timeout,
        "true (WaitTimeout in all 4 cases)",
        all_wait_timeout,
    ));
    out.push(check(
        "s10_429_kept_with_retry_after",
        kept_429,
        "true (last error 429, retry_after 30 s)",
        kept_429,
    ));
    Ok(out)
}
