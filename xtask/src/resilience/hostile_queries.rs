//! Scenario 13: generated hostile queries (extreme and malformed dates and
//! numbers, repeated and unknown keys) against every list and lookup
//! endpoint. Every answer must be 200, 400 or 404 with a body, and no handler
//! may panic (`Stats::handler_panics`, counted by the emulator's panic net).

use super::*;

const DATES: [&str; 12] = [
    "+262142-12-31",
    "-262143-01-01",
    "+262143-01-01",
    "9999-12-31T23:59:59.999Z",
    "0000-01-01T00:00:00Z",
    "2024-02-30",
    "2024-01-01T25:00:00Z",
    "2024-01-01T00:00:00+99:99",
    "2024-01-01T00:00:00 09:00",
    "%FF%FE",
    "",
    "yesterday",
];

const NUMBERS: [&str; 10] = [
    "18446744073709551616",
    "18446744073709551615",
    "-1",
    "0",
    "1e309",
    "-1e309",
    "NaN",
    "inf",
    "4.9e-324",
    "%00",
];

const DATE_KEYS: [&str; 4] = ["created_at", "updated_at", "estimated_time", "indexed_at"];
const NUM_KEYS: [&str; 8] = [
    "page",
    "page_limit",
    "duration",
    "width",
    "height",
    "fps",
    "size",
    "video_count",
];
const OPS: [&str; 5] = ["", "[gte]", "[lte]", "%5Bgte%5D", "[gt]"];

fn queries() -> Vec<String> {
    let mut out = Vec::new();
    for k in DATE_KEYS {
        for op in OPS {
            for v in DATES {
                out.push(format!("{k}{op}={v}&{k}{op}={v}"));
            }
        }
    }
    for k in NUM_KEYS {
        for op in OPS {
            for v in NUMBERS {
                out.push(format!("{k}{op}={v}&{k}={v}"));
            }
        }
    }
    for extra in [
        "status=ready&status=&status=,,&status=READY",
        "sort_by=&sort_option=&sort_by=updated_at&sort_by=x",
        "index_id=&index_id=%00&_id=&_id[gte]=x",
        "engine_options=,,,&engine_family=&model_family=x",
        "unknown=1&unknown[x]=2&[]=3&=4&&&=",
        "metadata=%7B%27a%27%3A%201%7D&user_metadata=%7B",
        "page=1&page=999999999999&page_limit=50",
        "a%ZZ=b%ZZ&%=%",
    ] {
        out.push(extra.to_owned());
    }
    out
}

pub(super) async fn s13_hostile_queries(quick: bool) -> Checks {
    let emu = start(instant()).await?;
    let index = twelvelabs_emulator::DEMO_INDEX_ID;
    emu.seed_tasks(index, 5, "ready");
    let http = reqwest::Client::builder()
        .no_proxy()
        .build()
        .map_err(|e| format!("http client: {e}"))?;
    let mut paths = vec![
        "/v1.2/tasks".to_owned(),
        "/v1.3/tasks".to_owned(),
        "/v1.2/indexes".to_owned(),
        format!("/v1.3/indexes/{index}/videos"),
        format!("/v1.2/tasks/status?index_id={index}&x=1"),
        "/v1.3/tasks/transfers/import/demo-integration/status".to_owned(),
    ];
    if quick {
        paths.truncate(3);
    }
    let qs = queries();
    let mut sent = 0u64;
    let mut bad = Vec::new();
    for path in &paths {
        for q in &qs {
            let sep = if path.contains('?') { '&' } else { '?' };
            let r = http
                .get(format!("{}{path}{sep}{q}", emu.base_url()))
                .header("x-api-key", emu.api_key())
                .send()
                .await;
            sent += 1;
            match r {
                Ok(r) if matches!(r.status().as_u16(), 200 | 400 | 404) => {}
                Ok(r) => bad.push(format!("{path}?{q}: {}", r.status())),
                Err(e) => bad.push(format!("{path}?{q}: {e}")),
            }
        }
    }
    let panics = emu.stats().handler_panics;
    emu.shutdown().await;
    if let Some(first) = bad.first() {
        eprintln!(
            "  hostile queries: {} bad answers, first: {first}",
            bad.len()
        );
    }
    Ok(vec![
        check("emulator_handler_panics", panics, "= 0", panics == 0),
        check(
            "emulator_hostile_query_bad_answers",
            bad.len(),
            &format!("= 0 (of {sent} queries; 200/400/404 only)"),
            bad.is_empty(),
        ),
    ])
}
