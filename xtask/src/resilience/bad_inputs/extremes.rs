//! The extremes half of scenario 7: every `Duration`, count and size a builder
//! takes, at `Duration::MAX`, `Duration::ZERO`, 0 and the integer maxima. Each
//! either works (saturating: MAX means "no bound") or is a typed error; none
//! panics or hangs (the runner gives each row 30 s).

use super::*;

/// Ok(description) for any outcome that is not a panic: a success, or an error
/// accepted by `accept`.
fn ok_or<T>(r: Result<T, Error>, accept: impl Fn(&Error) -> bool) -> CaseResult {
    match r {
        Ok(_) => Ok("Ok".to_owned()),
        Err(e) if accept(&e) => Ok(describe(&e)),
        Err(e) => Err(format!("unexpected {}: {e}", describe(&e))),
    }
}

/// Ok when the call succeeded.
fn want_ok<T>(r: Result<T, Error>) -> CaseResult {
    ok_or(r, |_| false)
}

/// The extreme rows. `c` talks to a fast emulator holding the `ready` task `ready`.
pub(super) fn cases(c: &TwelveLabs, ready: &str) -> Result<Table, String> {
    let mut table = Table::default();
    macro_rules! case {
        ($name:expr, $body:expr) => {
            table.rows.push(($name.to_string(), tokio::spawn($body)));
        };
    }
    let config = c.executor().config();
    let base = config.base_url.as_str().to_owned();
    let key = config.api_key.expose().to_owned();
    let builder = move || {
        TwelveLabs::builder()
            .api_key(key.as_str())
            .base_url(base.as_str())
    };
    let t = c.task();
    let id = ready.to_owned();

    // wait_for_done: interval, bound, error budget.
    for (name, interval, max_wait, budget) in [
        ("wait all MAX", Duration::MAX, Duration::MAX, u32::MAX),
        (
            "wait max_wait MAX, budget 0",
            Duration::from_millis(10),
            Duration::MAX,
            0,
        ),
    ] {
        let (tt, id) = (t.clone(), id.clone());
        case!(name, async move {
            want_ok(
                tt.wait_for_done(&id)
                    .sleep_interval(interval)
                    .max_wait(max_wait)
                    .max_consecutive_errors(budget)
                    .await,
            )
        });
    }
    let (tt, i) = (t.clone(), id.clone());
    case!("wait max_wait ZERO", async move {
        want_err(tt.wait_for_done(&i).max_wait(Duration::ZERO).await, |e| {
            matches!(e, Error::WaitTimeout { .. })
        })
    });
    let (tt, i) = (t.clone(), id.clone());
    case!("wait no_max_wait", async move {
        want_ok(tt.wait_for_done(&i).no_max_wait().await)
    });

    // Per-call options, on a retrieve.
    let (tt, i) = (t.clone(), id.clone());
    case!("with_attempt_timeout MAX", async move {
        want_ok(tt.retrieve(&i).with_attempt_timeout(Duration::MAX).await)
    });
    let (tt, i) = (t.clone(), id.clone());
    case!("with_attempt_timeout ZERO", async move {
        want_err(
            tt.retrieve(&i).with_attempt_timeout(Duration::ZERO).await,
            is_invalid,
        )
    });
    let (tt, i) = (t.clone(), id.clone());
    case!("with_deadline MAX", async move {
        want_ok(tt.retrieve(&i).with_deadline(Duration::MAX).await)
    });
    let (tt, i) = (t.clone(), id.clone());
    case!("with_deadline ZERO", async move {
        want_err(tt.retrieve(&i).with_deadline(Duration::ZERO).await, |e| {
            matches!(e, Error::DeadlineExceeded { .. })
        })
    });
    let (tt, i) = (t.clone(), id.clone());
    case!("max_response_bytes 0", async move {
        want_err(
            tt.retrieve(&i)
                .with_options(twelvelabs::RequestOptions::new().with_max_response_bytes(0))
                .await,
            |e| matches!(e, Error::ResponseTooLarge { .. }),
        )
    });
    let (tt, i) = (t.clone(), id.clone());
    case!("max_response_bytes u64::MAX", async move {
        want_ok(
            tt.retrieve(&i)
                .with_options(twelvelabs::RequestOptions::new().with_max_response_bytes(u64::MAX))
                .await,
        )
    });
    for (name, policy) in [
        (
            "retry all MAX",
            RetryPolicy::default()
                .with_max_attempts(u32::MAX)
                .with_backoff(Duration::MAX, Duration::MAX)
                .with_max_retry_after(Duration::MAX),
        ),
        (
            "retry all 0",
            RetryPolicy::default()
                .with_max_attempts(0)
                .with_backoff(Duration::ZERO, Duration::ZERO)
                .with_max_retry_after(Duration::ZERO),
        ),
    ] {
        let (tt, i) = (t.clone(), id.clone());
        case!(name, async move {
            want_ok(tt.retrieve(&i).with_retry(policy).await)
        });
    }
    // A 404 under a huge backoff and a short deadline: no sleep of Duration::MAX.
    let tt = t.clone();
    case!("retry backoff MAX under a deadline", async move {
        want_err(
            tt.retrieve("000000000000000000000000")
                .with_retry(
                    RetryPolicy::default()
                        .with_max_attempts(u32::MAX)
                        .with_backoff(Duration::MAX, Duration::MAX),
                )
                .with_deadline(Duration::from_secs(2))
                .await,
            is_4xx_or_invalid,
        )
    });

    // List filters: page, page_limit, width, height, duration.
    let tt = t.clone();
    case!("page u32::MAX", async move {
        ok_or(tt.list().page(u32::MAX).send().await, is_4xx_or_invalid)
    });
    let tt = t.clone();
    case!("page 0", async move {
        want_err(tt.list().page(0).send().await, is_invalid)
    });
    let tt = t.clone();
    case!("page_limit u32::MAX", async move {
        want_err(tt.list().page_limit(u32::MAX).send().await, is_invalid)
    });
    let tt = t.clone();
    case!("width/height u32::MAX and 0", async move {
        ok_or(
            tt.list().width(u32::MAX).height(0).send().await,
            is_4xx_or_invalid,
        )
    });
    for (name, d) in [
        ("duration f64::MAX", f64::MAX),
        ("duration NaN", f64::NAN),
        ("duration -inf", f64::NEG_INFINITY),
    ] {
        let tt = t.clone();
        case!(name, async move {
            ok_or(tt.list().duration(d).send().await, is_4xx_or_invalid)
        });
    }
    let tt = t.clone();
    case!("stream page_limit 1 from page u32::MAX", async move {
        let items: Vec<_> = tt
            .list()
            .page(u32::MAX)
            .page_limit(1)
            .into_stream()
            .collect()
            .await;
        match items.iter().find_map(|r| r.as_ref().err()) {
            Some(e) if is_4xx_or_invalid(e) => Ok(describe(e)),
            Some(e) => Err(format!("unexpected {}", describe(e))),
            None => Ok(format!("{} tasks", items.len())),
        }
    });

    // Bulk concurrency 0 and usize::MAX.
    for n in [0usize, usize::MAX] {
        let tt = t.clone();
        case!(format!("bulk concurrency {n}"), async move {
            let results = tt
                .create_bulk("resbadindex")
                .urls(["https://videos.example.com/a.mp4"])
                .with_concurrency(n)
                .send()
                .await;
            match results.as_slice() {
                [Ok(_)] => Ok("1 created".to_owned()),
                other => Err(format!("{} results", other.len())),
            }
        });
    }

    // The client builder.
    for (name, b) in [
        (
            "client attempt_timeout ZERO",
            builder().attempt_timeout(Duration::ZERO),
        ),
        (
            "client upload_attempt_timeout ZERO",
            builder().upload_attempt_timeout(Duration::ZERO),
        ),
        (
            "client connect_timeout ZERO",
            builder().connect_timeout(Duration::ZERO),
        ),
    ] {
        case!(name, async move { want_err(b.build(), is_invalid) });
    }
    let (b, i) = (
        builder()
            .attempt_timeout(Duration::MAX)
            .upload_attempt_timeout(Duration::MAX)
            .connect_timeout(Duration::MAX)
            .max_response_bytes(u64::MAX),
        id.clone(),
    );
    case!("client all MAX", async move {
        let client = b.build().map_err(|e| e.to_string())?;
        want_ok(client.task().retrieve(&i).await)
    });
    let (b, i) = (builder().max_response_bytes(0), id.clone());
    case!("client max_response_bytes 0", async move {
        let client = b.build().map_err(|e| e.to_string())?;
        want_err(client.task().retrieve(&i).await, |e| {
            matches!(e, Error::ResponseTooLarge { .. })
        })
    });
    Ok(table)
}
