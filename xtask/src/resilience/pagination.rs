//! Scenario 11: pagination always ends. A server answering
//! `total_page: 4294967295, total_results: 3` and advancing its page number, in
//! every hostile variant (fresh ids, repeated ids, a stuck page number...), must
//! not make `into_stream()` loop: the figure is the most requests any variant drew.

use super::*;

/// A server answering `GET /v1.2/tasks?page=N` with `body(N)`; counts requests.
async fn paging(
    body: fn(u32) -> String,
) -> Result<(String, Arc<AtomicUsize>, tokio::task::JoinHandle<()>), String> {
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .map_err(|e| e.to_string())?;
    let port = listener.local_addr().map_err(|e| e.to_string())?.port();
    let hits = Arc::new(AtomicUsize::new(0));
    let h = Arc::clone(&hits);
    let task = tokio::spawn(async move {
        while let Ok((mut sock, _)) = listener.accept().await {
            let h = Arc::clone(&h);
            tokio::spawn(async move {
                let mut buf = Vec::new();
                let mut chunk = [0u8; 4096];
                while !buf.windows(4).any(|w| w == b"\r\n\r\n") && buf.len() < 64 * 1024 {
                    match sock.read(&mut chunk).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => buf.extend_from_slice(&chunk[..n]),
                    }
                }
                h.fetch_add(1, Ordering::SeqCst);
                let head = String::from_utf8_lossy(&buf);
                let target = head.split_whitespace().nth(1).unwrap_or("/");
                let page = target
                    .split(['?', '&'])
                    .find_map(|kv| kv.strip_prefix("page="))
                    .and_then(|v| v.parse().ok())
                    .unwrap_or(1);
                let text = body(page);
                let reply = format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{text}",
                    text.len()
                );
                let _ = sock.write_all(reply.as_bytes()).await;
                let _ = sock.shutdown().await;
            });
        }
    });
    Ok((format!("http://127.0.0.1:{port}"), hits, task))
}

fn page_json(page: u32, ids: &[String], total_results: u64) -> String {
    let data: Vec<_> = ids
        .iter()
        .map(|id| serde_json::json!({"_id": id, "status": "ready", "index_id": "i"}))
        .collect();
    serde_json::json!({
        "data": data,
        "page_info": {
            "limit_per_page": 10,
            "page": page,
            "total_page": 4294967295u64,
            "total_results": total_results
        }
    })
    .to_string()
}

pub(super) async fn s11_pagination() -> Checks {
    type Variant = (&'static str, fn(u32) -> String);
    let variants: [Variant; 7] = [
        ("fresh_id_per_page", |p| page_json(p, &[format!("t{p}")], 3)),
        ("same_3_ids", |p| {
            page_json(p, &["a".into(), "b".into(), "c".into()], 3)
        }),
        ("one_repeated_id", |p| page_json(p, &["a".into()], 3)),
        ("one_old_one_fresh", |p| {
            page_json(p, &["a".into(), format!("t{p}")], 3)
        }),
        ("empty_pages", |p| page_json(p, &[], 3)),
        ("stuck_page_number", |p| page_json(1, &[format!("t{p}")], 3)),
        ("total_results_growing", |p| {
            page_json(p, &[format!("a{p}"), format!("b{p}")], 3 + 2 * u64::from(p))
        }),
    ];
    let mut worst = 0usize;
    let mut all_ended = true;
    for (name, body) in variants {
        let (base, hits, task) = paging(body).await?;
        let c = client_for(&base, "tlk_paging")?;
        let items = tokio::time::timeout(
            Duration::from_secs(20),
            c.task()
                .list()
                .with_retry(RetryPolicy::none())
                .into_stream()
                .collect::<Vec<_>>(),
        )
        .await;
        task.abort();
        let requests = hits.load(Ordering::SeqCst);
        worst = worst.max(requests);
        let outcome = match &items {
            Err(_) => {
                all_ended = false;
                "did not end within 20 s".to_owned()
            }
            Ok(items) => {
                let tasks = items.iter().filter(|r| r.is_ok()).count();
                match items.iter().find_map(|r| r.as_ref().err()) {
                    Some(e @ Error::InconsistentPagination { .. }) => {
                        format!("{tasks} tasks, then {e}")
                    }
                    Some(e) => {
                        all_ended = false;
                        format!("{tasks} tasks, then unexpected {}", describe(e))
                    }
                    None => format!("{tasks} tasks"),
                }
            }
        };
        eprintln!("  s11 {name}: {requests} requests; {outcome}");
    }
    Ok(vec![
        check("pagination_hostile_requests", worst, "≤ 10", worst <= 10),
        check(
            "s11_all_variants_ended",
            all_ended,
            "true (end, or InconsistentPagination)",
            all_ended,
        ),
    ])
}
