//! `task create`: upload files or URLs; with `--wait`, the SDK's ingest pipeline
//! (create with bounded concurrency, wait through one rate-bounded scheduler,
//! optional journal so a rerun resumes without creating any task twice).

use futures_util::StreamExt;
use twelvelabs::tasks::{IngestInput, VideoSource};
use twelvelabs::{Error, Task, TaskStatus, Upload};

use crate::cli::CreateArgs;
use crate::commands::{report_finished, task_row, TASK_HEADER};
use crate::exit::{describe, CliError};
use crate::Session;

/// Whether an argument is an http(s) URL (else it is a file path).
fn is_url(arg: &str) -> bool {
    let lower = arg.to_ascii_lowercase();
    lower.starts_with("http://") || lower.starts_with("https://")
}

/// A source argument for `create_bulk`.
fn source(arg: &str) -> VideoSource {
    if is_url(arg) {
        VideoSource::Url(arg.to_owned())
    } else {
        VideoSource::Upload(Upload::path(arg))
    }
}

/// Creates the tasks; with `--wait`, waits for them through the ingest pipeline.
pub async fn create(s: &Session, args: CreateArgs) -> Result<(), CliError> {
    if args.wait {
        return ingest(s, args).await;
    }
    let mut bulk = s
        .client
        .task()
        .create_bulk(args.index.as_str())
        .videos(args.sources.iter().map(|a| source(a)))
        .with_concurrency(usize::from(args.concurrency));
    if let Some(language) = &args.language {
        bulk = bulk.language(language.clone());
    }
    if args.disable_video_stream {
        bulk = bulk.disable_video_stream(true);
    }
    let bar = s.out.progress(args.sources.len() as u64, "uploading");
    let shown = bar.clone();
    let bulk = bulk.with_progress(move |p| shown.set_position(p.files_done));
    let results = bulk.send().await;
    bar.finish_and_clear();

    let mut created = Vec::new();
    let mut errors = 0;
    for (arg, r) in args.sources.iter().zip(results) {
        match r {
            Ok(handle) => created.push(handle.into_inner()),
            Err(e) => {
                errors += 1;
                s.out.note(&format!("error: {arg}: {}", describe(&e)));
            }
        }
    }
    if let Ok(mut ids) = s.created.lock() {
        ids.extend(created.iter().map(|t| t.id.to_string()));
    }
    s.out.items(&created, TASK_HEADER, task_row)?;
    if errors > 0 {
        return Err(CliError::Partial {
            failed: errors,
            code: crate::exit::API,
        });
    }
    Ok(())
}

/// `--wait`: the ingest pipeline, one outcome per input as it finishes.
async fn ingest(s: &Session, args: CreateArgs) -> Result<(), CliError> {
    let inputs = args.sources.iter().map(|a| {
        if is_url(a) {
            IngestInput::Url(a.clone())
        } else {
            IngestInput::Path(a.into())
        }
    });
    let interval = args.wait_args.interval.unwrap_or(s.default_interval);
    let mut ingest = s
        .client
        .task()
        .ingest(args.index.as_str())
        .inputs(inputs)
        .with_concurrency(usize::from(args.concurrency))
        .sleep_interval(interval)
        .max_wait(args.wait_args.timeout);
    if let Some(language) = &args.language {
        ingest = ingest.language(language.clone());
    }
    if args.disable_video_stream {
        ingest = ingest.disable_video_stream(true);
    }
    if let Some(journal) = &args.journal {
        ingest = ingest
            .with_journal(journal.clone())
            .with_retry_failed(args.retry_failed);
        if let Ok(mut resume) = s.resume.lock() {
            *resume = Some(format!(
                "stopped; every task created so far is recorded in {}. Run the same \
                 command again to resume: nothing already created is created twice",
                journal.display()
            ));
        }
    }
    let bar = s.out.progress(args.sources.len() as u64, "indexing");
    let shown = bar.clone();
    let created = s.created.clone();
    ingest = ingest
        .with_progress(move |p| {
            shown.set_message(format!("{} of {} uploaded", p.files_done, p.files_total));
        })
        // Every polled state: the ids to name after Ctrl-C, as soon as known.
        .callback(move |t: &Task| {
            if let Ok(mut ids) = created.lock() {
                let id = t.id.to_string();
                if !ids.contains(&id) {
                    ids.push(id);
                }
            }
        });
    let mut outcomes = ingest.start().await.map_err(CliError::from)?;
    let mut finished: Vec<(usize, String, Result<Task, Error>)> = Vec::new();
    while let Some(o) = outcomes.next().await {
        bar.inc(1);
        let label = o.task_id.clone().unwrap_or_else(|| o.key.clone());
        let result = match (o.result, o.task) {
            (Ok(_), Some(task)) => Ok(task),
            (Ok(status), None) => {
                // A journaled rerun reports finished inputs without a request.
                let id = o.task_id.clone().unwrap_or_default();
                Ok(Task::new(id, status))
            }
            (Err(e), _) => Err(e),
        };
        if let Err(e) = &result {
            bar.suspend(|| s.out.note(&format!("error: {}: {}", o.key, describe(e))));
        }
        finished.push((o.index, label, result));
    }
    bar.finish_and_clear();
    // Outcomes arrive as tasks finish; print them in the order they were given.
    finished.sort_by_key(|(index, _, _)| *index);
    let finished: Vec<(String, Result<Task, Error>)> =
        finished.into_iter().map(|(_, l, r)| (l, r)).collect();
    let failed = finished
        .iter()
        .filter(|(_, r)| matches!(r, Ok(t) if t.status == TaskStatus::Failed))
        .count();
    if failed > 0 && args.journal.is_some() && !args.retry_failed {
        s.out
            .note("some tasks failed: rerun with --retry-failed to create them again");
    }
    report_finished(s, finished)
}
