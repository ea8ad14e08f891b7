//! Scenario 8, three more paths: a server that echoes the key in its error body,
//! a base URL with user info, and sensitive per-call headers. None of the secrets
//! may show in any `Debug` or `Display` (errors, their causes, clients, builders).

use super::*;

const PASSWORD: &str = "pw_DO_NOT_LEAK_55e1";
const HEADER_SECRETS: [&str; 4] = [
    "hdr_apikey_LEAK_1",
    "hdr_bearer_LEAK_2",
    "hdr_cookie_LEAK_3",
    "hdr_marked_LEAK_4",
];

fn error_texts(e: &Error, texts: &mut Vec<String>) {
    texts.push(format!("{e}"));
    texts.push(format!("{e:?}"));
    if let Some(api) = e.api() {
        texts.push(api.body_text());
        texts.push(format!("{:?} {:?}", api.message, api.headers));
    }
    let mut src: Option<&dyn std::error::Error> = std::error::Error::source(e);
    while let Some(s) = src {
        texts.push(format!("{s} {s:?}"));
        src = s.source();
    }
}

/// The three paths, with `key` as the API key; returns the checks.
pub(super) async fn s8_paths(key: &str) -> Checks {
    let mut texts = Vec::new();
    let mut errors = 0usize;

    // 1. The key echoed in an error body, a message and a header.
    let body = format!(r#"{{"code":"api_key_invalid","message":"the key {key} is not valid"}}"#);
    let echo = canned(http_response(
        "401 Unauthorized",
        &[("Content-Type", "application/json"), ("X-Echo", key)],
        body.as_bytes(),
    ))
    .await?;
    let c = client_for(&echo.base(), key)?;
    for r in [
        c.task().retrieve("abc").await.err(),
        c.task()
            .wait_for_done("abc")
            .max_wait(Duration::from_secs(2))
            .await
            .err(),
        c.task()
            .retrieve("abc")
            .with_deadline(Duration::from_secs(2))
            .await
            .err(),
    ]
    .into_iter()
    .flatten()
    {
        errors += 1;
        error_texts(&r, &mut texts);
    }

    // 2. A base URL with user info: configuration, client, builder, and the error
    //    of a connection refused (whose cause names the URL).
    let closed = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").map_err(|e| e.to_string())?;
        l.local_addr().map_err(|e| e.to_string())?.port()
    };
    let url = format!("http://user:{PASSWORD}@127.0.0.1:{closed}");
    let builder = TwelveLabs::builder().api_key(key).base_url(url.as_str());
    texts.push(format!("{builder:?}"));
    let c = builder.build().map_err(|e| e.to_string())?;
    texts.push(format!("{c:?} {:?}", c.executor().config()));
    if let Some(e) = c
        .task()
        .retrieve("abc")
        .with_retry(RetryPolicy::none())
        .await
        .err()
    {
        errors += 1;
        error_texts(&e, &mut texts);
    }
    let bad = TwelveLabs::builder()
        .api_key(key)
        .base_url(format!("ftp://user:{PASSWORD}@host"))
        .build();
    if let Err(e) = bad {
        errors += 1;
        error_texts(&e, &mut texts);
    }

    // 3. Sensitive per-call headers in every builder's Debug.
    let [k, bearer, cookie, marked] = HEADER_SECRETS;
    let mut value = twelvelabs::transport::http::HeaderValue::from_static(marked);
    value.set_sensitive(true);
    let options = twelvelabs::RequestOptions::new()
        .with_header("x-api-key", k)
        .with_header("Authorization", format!("Bearer {bearer}"))
        .with_header("cookie", cookie)
        .with_header_value("x-marked", value);
    let t = c.task();
    texts.push(format!("{options:?}"));
    texts.push(format!(
        "{:?}",
        t.retrieve("abc").with_options(options.clone())
    ));
    texts.push(format!(
        "{:?}",
        t.list().with_header("authorization", bearer)
    ));
    texts.push(format!(
        "{:?}",
        t.wait_for_done("abc")
            .with_sensitive_header("x-token", marked)
    ));
    texts.push(format!(
        "{:?}",
        t.create("idx")
            .url("https://x.example/v.mp4")
            .with_options(options.clone())
    ));

    let secrets: Vec<&str> = [key, PASSWORD].into_iter().chain(HEADER_SECRETS).collect();
    let leaks = texts
        .iter()
        .filter(|t| secrets.iter().any(|s| t.contains(s)))
        .count();
    Ok(vec![
        check(
            "s8_paths_texts_checked",
            format!("{}texts/{errors}errors", texts.len()),
            "≥ 20 strings, 5 errors",
            texts.len() >= 20 && errors == 5,
        ),
        check("s8_paths_secret_leaks", leaks, "0", leaks == 0),
    ])
}
