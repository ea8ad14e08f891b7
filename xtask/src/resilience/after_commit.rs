//! Scenario 2: creates under 20 % 503-after-commit: the task id is never lost.

use super::*;

pub(super) async fn s2_after_commit(quick: bool) -> Checks {
    let n = if quick { 60 } else { 200 };
    let emu = start(EmulatorConfig {
        faults: FaultConfig {
            seed: 7,
            error_after_commit_rate: 0.2,
            ..FaultConfig::default()
        },
        ..instant()
    })
    .await?;
    let c = client(&emu)?;
    let index = "resaftercommitindex";
    let (mut ok_ids, mut fail503, mut other) = (Vec::new(), 0usize, Vec::new());
    for i in 0..n {
        match c
            .task()
            .create(index)
            .url(format!("https://videos.example.com/ac/{i}.mp4"))
            .send()
            .await
        {
            Ok(t) => ok_ids.push(t.id.to_string()),
            Err(Error::Api(a)) if a.status.as_u16() == 503 => fail503 += 1,
            Err(e) => other.push(describe(&e)),
        }
    }
    let stats = emu.stats();
    let mut listed = Vec::new();
    let mut stream = c.task().list().index_id(index).page_limit(50).into_stream();
    while let Some(t) = stream.next().await {
        listed.push(t.map_err(|e| e.to_string())?.id.to_string());
    }
    listed.sort();
    let before = listed.len();
    listed.dedup();
    let unique_listed = listed.len() == before;
    let all_ok_listed = ok_ids.iter().all(|id| listed.binary_search(id).is_ok());
    emu.shutdown().await;
    let expected = ok_ids.len() + fail503;
    Ok(vec![
        check("s2_successes", ok_ids.len(), "informational", true),
        check(
            "s2_failures_api_503",
            fail503,
            "every failure is Error::Api 503",
            other.is_empty() && fail503 > 0,
        ),
        check("s2_failures_other", other.len(), "0", other.is_empty()),
        check(
            "s2_server_tasks",
            listed.len(),
            &format!("= successes + 503s = {expected}"),
            listed.len() == expected && stats.tasks_created as usize == expected,
        ),
        check(
            "s2_duplicates",
            stats.tasks_created as usize - expected.min(stats.tasks_created as usize),
            "0 (each create reached the server once)",
            stats.tasks_created as usize == n && unique_listed && all_ok_listed,
        ),
    ])
}
