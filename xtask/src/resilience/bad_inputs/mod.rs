//! Scenario 7: bad inputs (refused before any request) and bad responses (typed
//! errors, bounded memory).

use super::*;

mod extremes;
mod requests;
mod responses;

/// A row of the table: the case's name and its running check.
type Case = (String, tokio::task::JoinHandle<CaseResult>);

/// Rows plus what must outlive them (temporary files, canned servers).
#[derive(Default)]
struct Table {
    rows: Vec<Case>,
    files: Vec<TempFile>,
    servers: Vec<Canned>,
}

type CaseResult = Result<String, String>;

/// Ok(description) when `r` is an error accepted by `accept`.
fn want_err<T: std::fmt::Debug>(
    r: Result<T, Error>,
    accept: impl Fn(&Error) -> bool,
) -> CaseResult {
    match r {
        Err(e) if accept(&e) => Ok(describe(&e)),
        Err(e) => Err(format!("unexpected {}: {e}", describe(&e))),
        Ok(v) => {
            let s = format!("{v:?}");
            Err(format!("unexpected success: {}", &s[..s.len().min(120)]))
        }
    }
}

fn is_invalid(e: &Error) -> bool {
    matches!(e, Error::InvalidInput { .. })
}

fn is_4xx_or_invalid(e: &Error) -> bool {
    is_invalid(e) || e.status().is_some_and(|s| s.is_client_error())
}

fn is_decode(e: &Error) -> bool {
    matches!(e, Error::Decode { .. })
}

pub(super) async fn s7_bad_inputs() -> Checks {
    let emu = start(EmulatorConfig {
        pace: Pace::Instant,
        ..EmulatorConfig::default()
    })
    .await?;
    let slow = start(EmulatorConfig {
        faults: FaultConfig {
            latency: Duration::from_millis(1000),
            ..FaultConfig::default()
        },
        ..instant()
    })
    .await?;
    let c = client(&emu)?;
    let cs = client(&slow)?;
    let seeded = emu.seed_tasks("resbadindex", 1, "ready").remove(0);
    let huge_chunked = canned(Reply::Huge {
        size: 1 << 30,
        chunked: true,
    })
    .await?;
    let huge_len = canned(Reply::Huge {
        size: 1 << 30,
        chunked: false,
    })
    .await?;
    let canned_client = |s: &Canned| client_for(&s.base(), "tlk_canned");
    let requests = requests::cases(&c, &cs)?;
    let responses = responses::cases().await?;
    let extremes = extremes::cases(&c, &seeded)?;
    let cases = requests
        .rows
        .into_iter()
        .chain(responses.rows)
        .chain(extremes.rows);

    // Run the cases one at a time (the RSS figure below must not see the others).
    let mut out = Vec::new();
    let (mut ok, mut total, mut failed_names) = (0usize, 0usize, Vec::new());
    for (name, handle) in cases {
        total += 1;
        let verdict = match tokio::time::timeout(Duration::from_secs(30), handle).await {
            Ok(Ok(Ok(desc))) => Ok(desc),
            Ok(Ok(Err(why))) => Err(why),
            Ok(Err(join)) if join.is_panic() => Err("PANIC".to_owned()),
            Ok(Err(join)) => Err(format!("join error: {join}")),
            Err(_) => Err("no answer within 30 s".to_owned()),
        };
        match verdict {
            Ok(desc) => {
                ok += 1;
                eprintln!("  s7 ok   {name}: {desc}");
            }
            Err(why) => {
                eprintln!("  s7 MISS {name}: {why}");
                failed_names.push(name);
            }
        }
    }

    // 1 GiB response bodies: ResponseTooLarge, memory stays bounded.
    let mut huge_ok = 0;
    let mut rss_growth_mib: f64 = 0.0;
    for (label, server) in [("chunked", &huge_chunked), ("content-length", &huge_len)] {
        total += 1;
        crate::support::reset_peak_rss();
        let before = proc_status_kib("VmRSS").unwrap_or(0) as f64 / 1024.0;
        let r = canned_client(server)?
            .task()
            .retrieve("abc")
            .with_retry(RetryPolicy::none());
        let res = tokio::time::timeout(Duration::from_secs(60), tokio::spawn(r.send())).await;
        let peak = proc_status_kib("VmHWM").unwrap_or(0) as f64 / 1024.0;
        let after = proc_status_kib("VmRSS").unwrap_or(0) as f64 / 1024.0;
        rss_growth_mib = rss_growth_mib.max(peak - before).max(after - before);
        match res {
            Ok(Ok(Err(Error::ResponseTooLarge { .. }))) => {
                huge_ok += 1;
                ok += 1;
                eprintln!(
                    "  s7 ok   1 GiB body ({label}): ResponseTooLarge; RSS {before:.0} → peak {peak:.0} → {after:.0} MiB"
                );
            }
            other => {
                let d = match other {
                    Ok(Ok(Err(e))) => describe(&e),
                    Ok(Ok(Ok(_))) => "Ok".into(),
                    Ok(Err(_)) => "PANIC".into(),
                    Err(_) => "timeout".into(),
                };
                eprintln!("  s7 MISS 1 GiB body ({label}): {d}");
                failed_names.push(format!("1 GiB body ({label})"));
            }
        }
    }
    emu.shutdown().await;
    drop(slow);
    out.push(check(
        "s7_cases_typed",
        format!("{ok}/{total}"),
        "all, ≥ 30 cases, no panic",
        ok == total && total >= 30,
    ));
    if !failed_names.is_empty() {
        out.push(check(
            "s7_missed",
            failed_names.join(";").replace(' ', "_"),
            "none",
            false,
        ));
    }
    out.push(check(
        "s7_huge_body_too_large",
        format!("{huge_ok}/2"),
        "2/2 ResponseTooLarge",
        huge_ok == 2,
    ));
    out.push(check(
        "s7_huge_body_rss_growth_mib",
        format!("{rss_growth_mib:.1}"),
        "≤ 64 MiB (limit 16 MiB)",
        rss_growth_mib <= 64.0,
    ));
    let _ = seeded;
    Ok(out)
}
