//! `task create`: upload files or URLs, then optionally wait for the tasks.

use twelvelabs::tasks::VideoSource;
use twelvelabs::Upload;

use crate::cli::CreateArgs;
use crate::commands::{report_finished, task_row, wait_all, TASK_HEADER};
use crate::exit::{describe, CliError};
use crate::Session;

/// A source argument: an http(s) URL, else a file path.
fn source(arg: &str) -> VideoSource {
    let lower = arg.to_ascii_lowercase();
    if lower.starts_with("http://") || lower.starts_with("https://") {
        VideoSource::Url(arg.to_owned())
    } else {
        VideoSource::Upload(Upload::path(arg))
    }
}

/// Creates the tasks, then waits for them with `--wait`.
// TODO(ingest): switch to the ingest pipeline of `twelvelabs-tasks` (journal,
// resume, create-then-wait stream) once it lands; until then `--journal` is
// refused, and creation runs through `create_bulk`.
pub async fn create(s: &Session, args: CreateArgs) -> Result<(), CliError> {
    if args.journal.is_some() {
        return Err(CliError::Usage(
            "--journal is not available yet in this build".to_owned(),
        ));
    }
    let mut bulk = s
        .client
        .task()
        .create_bulk(args.index.as_str())
        .videos(args.sources.iter().map(|a| source(a)))
        .concurrency(usize::from(args.concurrency));
    if let Some(language) = &args.language {
        bulk = bulk.language(language.clone());
    }
    if args.disable_video_stream {
        bulk = bulk.disable_video_stream(true);
    }
    let bar = s.out.progress(args.sources.len() as u64, "uploading");
    bar.enable_steady_tick(std::time::Duration::from_millis(200));
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

    if !args.wait {
        s.out.items(&created, TASK_HEADER, task_row)?;
    } else {
        let ids: Vec<String> = created.iter().map(|t| t.id.to_string()).collect();
        let bar = s.out.progress(ids.len() as u64, "indexing");
        let finished = wait_all(s, &ids, &args.wait_args, &bar).await;
        bar.finish_and_clear();
        let waited = report_finished(s, finished);
        if errors == 0 || matches!(waited, Err(CliError::Closed)) {
            return waited;
        }
    }
    if errors > 0 {
        return Err(CliError::Partial {
            failed: errors,
            code: crate::exit::API,
        });
    }
    Ok(())
}
