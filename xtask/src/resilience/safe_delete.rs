//! Scenario 16: deleting what a listing finds (issue 10 §2). The loop a user
//! naturally writes, deleting each task of `list().into_stream()` as it comes,
//! skips tasks: pages are offsets, and every deletion pulls a later task onto
//! a page already read. The figure is what the documented safe pattern,
//! `list().collect_ids()` then delete, leaves behind: nothing. The naive
//! loop's count is reported beside it, to show the trap is real.

use super::*;

/// Creates `n` tasks in `index` (ready at once: `Pace::Instant`).
async fn seed(c: &TwelveLabs, index: &str, n: usize) -> Result<(), String> {
    for i in 0..n {
        c.task()
            .create(index)
            .url(format!("https://videos.example.com/del{i}.mp4"))
            .send()
            .await
            .map_err(|e| format!("create: {e}"))?;
    }
    Ok(())
}

/// How many tasks `index` still has.
async fn left(c: &TwelveLabs, index: &str) -> Result<u64, String> {
    let page = c
        .task()
        .list()
        .index_id(index)
        .send_page()
        .await
        .map_err(|e| format!("list: {e}"))?;
    Ok(page.page_info.total_results)
}

pub(super) async fn s16_safe_delete(quick: bool) -> Checks {
    let n = if quick { 12 } else { 23 };
    let per_page = 5;
    let emu = start(instant()).await?;
    let c = client(&emu)?;

    // The naive loop: delete while streaming.
    seed(&c, "resdelnaive", n).await?;
    let mut stream = c
        .task()
        .list()
        .index_id("resdelnaive")
        .page_limit(per_page)
        .into_stream();
    let mut naive_deleted = 0usize;
    while let Some(task) = stream.next().await {
        let task = task.map_err(|e| format!("naive stream: {}", describe(&e)))?;
        c.task()
            .delete(&task.id)
            .with_video()
            .await
            .map_err(|e| format!("naive delete: {}", describe(&e)))?;
        naive_deleted += 1;
    }
    let naive_left = left(&c, "resdelnaive").await?;

    // The safe pattern: collect the ids, then delete.
    seed(&c, "resdelsafe", n).await?;
    let ids = c
        .task()
        .list()
        .index_id("resdelsafe")
        .page_limit(per_page)
        .collect_ids()
        .await
        .map_err(|e| format!("collect_ids: {}", describe(&e)))?;
    let collected = ids.len();
    for id in ids {
        c.task()
            .delete(id)
            .with_video()
            .await
            .map_err(|e| format!("safe delete: {}", describe(&e)))?;
    }
    let safe_left = left(&c, "resdelsafe").await?;
    emu.shutdown().await;
    eprintln!(
        "  s16 {n} tasks, {per_page} a page: streaming-while-deleting deleted {naive_deleted}, \
         skipped {naive_left}; collect_ids found {collected}, left {safe_left}"
    );
    Ok(vec![
        check(
            "safe_delete_skipped",
            safe_left,
            "= 0 (collect_ids, then delete)",
            safe_left == 0 && collected == n,
        ),
        note(
            "s16_naive_stream_delete_skipped",
            format!("{naive_left} of {n}"),
        ),
    ])
}
