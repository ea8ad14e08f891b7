//! The bad-response half of scenario 7: hostile or broken servers, each ending in
//! a typed error (or a documented lenient read), never a panic or a hang.

use super::*;

/// The response-side rows, each against its own canned server.
pub(super) async fn cases() -> Result<Table, String> {
    let mut table = Table::default();
    macro_rules! case {
        ($name:expr, $body:expr) => {
            table.rows.push(($name.to_string(), tokio::spawn($body)));
        };
    }
    let html = canned(http_response(
        "502 Bad Gateway",
        &[("Content-Type", "text/html")],
        b"<html><body><h1>502 Bad Gateway</h1></body></html>",
    ))
    .await?;
    let truncated = canned(json_200(r#"{"_id":"abc","status":"rea"#)).await?;
    let empty_200 = canned(json_200("")).await?;
    let unknown_status = canned(json_200(r#"{"_id":"abc","status":"archiving"}"#)).await?;
    let unknown_fields = canned(json_200(
        r#"{"_id":"abc","status":"ready","brand_new":{"x":[1,2]},"another":7}"#,
    ))
    .await?;
    let nulls = canned(json_200(
        r#"{"_id":"abc","status":"ready","index_id":null,"video_id":null,"created_at":null,"metadata":null,"hls":null,"process":null,"estimated_time":null}"#,
    ))
    .await?;
    let array = canned(json_200("[1,2,3]")).await?;
    let bad_utf8 = canned(http_response(
        "200 OK",
        &[("Content-Type", "application/json")],
        b"{\"_id\":\"\xff\xfe\",\"status\":\"ready\"}",
    ))
    .await?;
    let not_found_text = canned(http_response(
        "404 Not Found",
        &[("Content-Type", "text/plain")],
        b"not found",
    ))
    .await?;
    let weird_429 = canned(http_response(
        "429 Too Many Requests",
        &[("Retry-After", "soon")],
        b"{}",
    ))
    .await?;
    let redirect_no_loc = canned(http_response("302 Found", &[], b"")).await?;
    let no_page_info = canned(json_200(r#"{"data":[]}"#)).await?;
    let stuck_pages = canned(json_200(
        r#"{"data":[{"_id":"a","status":"ready"}],"page_info":{"limit_per_page":1,"page":1,"total_page":5,"total_results":5}}"#,
    ))
    .await?;
    let canned_client = |s: &Canned| client_for(&s.base(), "tlk_canned");
    // Bad server responses.
    let retrieve_from = |s: &Canned| -> Result<twelvelabs::tasks::RetrieveTask, String> {
        Ok(canned_client(s)?
            .task()
            .retrieve("abc")
            .with_retry(RetryPolicy::none()))
    };
    let r = retrieve_from(&html)?;
    case!("HTML 502 page", async move {
        want_err(r.await, |e| e.status().map(|s| s.as_u16()) == Some(502))
    });
    let r = retrieve_from(&truncated)?;
    case!(
        "truncated JSON",
        async move { want_err(r.await, is_decode) }
    );
    let r = retrieve_from(&empty_200)?;
    case!("200 with empty body", async move {
        want_err(r.await, is_decode)
    });
    let r = retrieve_from(&array)?;
    case!(
        "200 JSON array",
        async move { want_err(r.await, is_decode) }
    );
    let r = retrieve_from(&bad_utf8)?;
    case!(
        "200 non-UTF-8 JSON",
        async move { want_err(r.await, is_decode) }
    );
    let r = retrieve_from(&unknown_status)?;
    case!("unknown status value", async move {
        match r.await {
            Ok(t) if t.status == "archiving" && !t.is_done() => {
                Ok("Ok(status archiving, not terminal)".into())
            }
            Ok(t) => Err(format!("status {}", t.status)),
            Err(e) => Err(describe(&e)),
        }
    });
    let r = retrieve_from(&unknown_fields)?;
    case!("unknown fields", async move {
        match r.await {
            Ok(t) if t.extra.contains_key("brand_new") => Ok("Ok(kept in extra)".into()),
            Ok(_) => Err("unknown field lost".into()),
            Err(e) => Err(describe(&e)),
        }
    });
    let r = retrieve_from(&nulls)?;
    case!("nulls", async move {
        match r.await {
            Ok(t) if t.index_id.is_none() && t.metadata.is_none() => Ok("Ok(None fields)".into()),
            Ok(t) => Err(format!("{t:?}")),
            Err(e) => Err(describe(&e)),
        }
    });
    let r = retrieve_from(&not_found_text)?;
    case!("404 text body", async move {
        want_err(r.await, |e| {
            e.api().map(|a| a.kind) == Some(ApiErrorKind::NotFound)
        })
    });
    let r = retrieve_from(&weird_429)?;
    case!("429 with Retry-After: soon", async move {
        want_err(r.await, |e| {
            e.api().map(|a| a.kind) == Some(ApiErrorKind::RateLimit)
        })
    });
    let r = retrieve_from(&redirect_no_loc)?;
    case!("302 without Location", async move {
        want_err(r.await, |e| e.status().is_some_and(|s| s.is_redirection()))
    });
    let l = canned_client(&no_page_info)?
        .task()
        .list()
        .with_retry(RetryPolicy::none());
    case!("list without page_info", async move {
        want_err(l.send().await, is_decode)
    });
    let l = canned_client(&stuck_pages)?
        .task()
        .list()
        .with_retry(RetryPolicy::none());
    let stuck_hits = Arc::clone(&stuck_pages.hits);
    case!("list server never advances page", async move {
        let mut s = l.into_stream();
        let mut n = 0;
        let mut ended_by = String::from("the end");
        while let Some(item) = s.next().await {
            match item {
                Ok(_) => n += 1,
                // An inconsistent server ends the stream with a typed error.
                Err(e @ Error::InconsistentPagination { .. }) => ended_by = describe(&e),
                Err(e) => return Err(describe(&e)),
            }
            if n > 100 {
                return Err("stream does not end".into());
            }
        }
        Ok(format!(
            "ended by {ended_by} after {n} task(s), {} request(s)",
            stuck_hits.load(Ordering::SeqCst)
        ))
    });
    table.servers.extend([
        html,
        truncated,
        empty_200,
        unknown_status,
        unknown_fields,
        nulls,
        array,
        bad_utf8,
        not_found_text,
        weird_429,
        redirect_no_loc,
        no_page_info,
        stuck_pages,
    ]);
    Ok(table)
}
