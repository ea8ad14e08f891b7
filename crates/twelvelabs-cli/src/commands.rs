//! The commands, each over the SDK's resources.

use futures_util::{stream, StreamExt, TryStreamExt};
use twelvelabs::models::{ImportStatus, Index, Task, Video};
use twelvelabs::{DateFilter, Error, TaskStatus};

use crate::cli::{
    Command, ImportCommand, IndexCommand, ListArgs, TaskCommand, VideoCommand, WaitArgs,
};
use crate::exit::{self, describe, CliError};
use crate::output::cell;
use crate::Session;

/// Runs one command.
pub async fn run(s: &Session, command: Command) -> Result<(), CliError> {
    match command {
        Command::Index(c) => index(s, c).await,
        Command::Video(c) => video(s, c).await,
        Command::Task(c) => task(s, c).await,
        Command::Import(c) => import(s, c).await,
        // Handled before a client exists.
        Command::Completions { .. } => Ok(()),
    }
}

const INDEX_HEADER: &[&str] = &["ID", "NAME", "MODELS", "VIDEOS", "CREATED"];

fn index_row(i: &Index) -> Vec<String> {
    vec![
        i.id.to_string(),
        i.name.clone(),
        i.model_names().collect::<Vec<_>>().join(","),
        cell(i.video_count),
        cell(i.created_at.map(|t| t.format("%Y-%m-%d %H:%M"))),
    ]
}

/// `NAME[:OPTION,OPTION]` of `--engine` and `--model`.
fn name_and_options(spec: &str) -> (String, Vec<String>) {
    match spec.split_once(':') {
        Some((name, options)) => (
            name.trim().to_owned(),
            options
                .split(',')
                .map(str::trim)
                .filter(|o| !o.is_empty())
                .map(str::to_owned)
                .collect(),
        ),
        None => (spec.trim().to_owned(), Vec::new()),
    }
}

async fn index(s: &Session, c: IndexCommand) -> Result<(), CliError> {
    let indexes = s.client.index();
    match c {
        IndexCommand::Create {
            name,
            engine,
            model,
            addons,
        } => {
            let mut create = indexes.create(name);
            for spec in &engine {
                let (name, options) = name_and_options(spec);
                create = create.engine(name, options);
            }
            for spec in &model {
                let (name, options) = name_and_options(spec);
                create = create.model(name, options);
            }
            if !addons.is_empty() {
                create = create.addons(addons);
            }
            let created = create.send().await?;
            s.out.items(&[created], INDEX_HEADER, index_row)
        }
        IndexCommand::List { name, limit } => {
            let mut list = indexes.list();
            if let Some(name) = name {
                list = list.name(name);
            }
            let items: Vec<Index> = list
                .into_stream()
                .take(limit.unwrap_or(usize::MAX))
                .try_collect()
                .await?;
            s.out.items(&items, INDEX_HEADER, index_row)
        }
        IndexCommand::Get { ids } => {
            each(s, &ids, |id| {
                let indexes = indexes.clone();
                async move {
                    let i = indexes.retrieve(id.as_str()).await?;
                    s.out.items(&[i], INDEX_HEADER, index_row)
                }
            })
            .await
        }
        IndexCommand::Rename { id, name } => {
            indexes.update(id.as_str(), name.clone()).await?;
            done(s, "renamed", &id)
        }
        IndexCommand::Delete { ids } => {
            each(s, &ids, |id| {
                let indexes = indexes.clone();
                async move {
                    indexes.delete(id.as_str()).await?;
                    done(s, "deleted", &id)
                }
            })
            .await
        }
    }
}

const VIDEO_HEADER: &[&str] = &["ID", "FILENAME", "DURATION", "CREATED"];

fn video_row(v: &Video) -> Vec<String> {
    let meta = v.metadata.as_ref();
    vec![
        v.id.to_string(),
        cell(meta.and_then(|m| m.filename.clone())),
        cell(meta.and_then(|m| m.duration).map(|d| format!("{d:.1}s"))),
        cell(v.created_at.map(|t| t.format("%Y-%m-%d %H:%M"))),
    ]
}

async fn video(s: &Session, c: VideoCommand) -> Result<(), CliError> {
    let videos = s.client.index().video();
    match c {
        VideoCommand::List { index, limit } => {
            let items: Vec<Video> = videos
                .list(index.as_str())
                .into_stream()
                .take(limit.unwrap_or(usize::MAX))
                .try_collect()
                .await?;
            s.out.items(&items, VIDEO_HEADER, video_row)
        }
        VideoCommand::Get { index, ids } => {
            each(s, &ids, |id| {
                let (videos, index) = (videos.clone(), index.clone());
                async move {
                    let v = videos.retrieve(index.as_str(), id.as_str()).await?;
                    s.out.items(&[v], VIDEO_HEADER, video_row)
                }
            })
            .await
        }
        VideoCommand::Update {
            index,
            id,
            title,
            set,
            unset,
        } => {
            let mut update = videos.update(index.as_str(), id.as_str());
            if let Some(title) = title {
                update = update.title(title);
            }
            let mut metadata = twelvelabs::UserMetadata::new();
            for pair in &set {
                let Some((key, value)) = pair.split_once('=') else {
                    return Err(CliError::Usage(format!("--set {pair}: expected KEY=VALUE")));
                };
                // A JSON value (number, true...) when it is one, else a string.
                let value = serde_json::from_str(value)
                    .unwrap_or_else(|_| serde_json::Value::String(value.to_owned()));
                metadata.insert(key.to_owned(), value);
            }
            // v1.2 stores `metadata`; v1.3 merges `user_metadata`, where `null`
            // deletes a key (the SDK refuses --unset on v1.2).
            if s.client.api_version() == twelvelabs::ApiVersion::V1_2 && unset.is_empty() {
                if !metadata.is_empty() {
                    update = update.metadata(metadata);
                }
            } else {
                for (key, value) in metadata {
                    update = update.set(key, value);
                }
                for key in unset {
                    update = update.unset(key);
                }
            }
            update.await?;
            done(s, "updated", &id)
        }
        VideoCommand::Delete { index, ids } => {
            each(s, &ids, |id| {
                let (videos, index) = (videos.clone(), index.clone());
                async move {
                    videos.delete(index.as_str(), id.as_str()).await?;
                    done(s, "deleted", &id)
                }
            })
            .await
        }
    }
}

/// The columns of a task.
pub const TASK_HEADER: &[&str] = &["ID", "STATUS", "INDEX", "VIDEO", "FILENAME", "CREATED"];

/// A task as a table row.
pub fn task_row(t: &Task) -> Vec<String> {
    vec![
        t.id.to_string(),
        t.status.to_string(),
        cell(t.index_id.as_ref()),
        cell(t.video_id.as_ref()),
        cell(t.metadata.as_ref().and_then(|m| m.filename.clone())),
        cell(t.created_at.map(|c| c.format("%Y-%m-%d %H:%M"))),
    ]
}

async fn task(s: &Session, c: TaskCommand) -> Result<(), CliError> {
    let tasks = s.client.task();
    match c {
        TaskCommand::Create(args) => crate::ingest::create(s, args).await,
        TaskCommand::Get { ids } => {
            each(s, &ids, |id| {
                let tasks = tasks.clone();
                async move {
                    let t = tasks.retrieve(id.as_str()).await?;
                    s.out.items(&[t], TASK_HEADER, task_row)
                }
            })
            .await
        }
        TaskCommand::List(args) => list_tasks(s, args).await,
        TaskCommand::Delete { ids, with_video } => {
            each(s, &ids, |id| {
                let tasks = tasks.clone();
                async move {
                    let mut delete = tasks.delete(id.as_str());
                    if with_video {
                        delete = delete.with_video();
                    }
                    delete.await?;
                    done(s, "deleted", &id)
                }
            })
            .await
        }
        TaskCommand::Wait { ids, wait } => {
            let bar = s.out.progress(ids.len() as u64, "indexing");
            let finished = wait_all(s, &ids, &wait, &bar).await;
            bar.finish_and_clear();
            report_finished(s, finished)
        }
    }
}

/// Waits for every task, `concurrency` polls in flight; results in input order.
pub async fn wait_all(
    s: &Session,
    ids: &[String],
    wait: &WaitArgs,
    bar: &indicatif::ProgressBar,
) -> Vec<(String, Result<Task, Error>)> {
    let interval = wait.interval.unwrap_or(s.default_interval);
    stream::iter(ids.iter().cloned())
        .map(|id| {
            let tasks = s.client.task();
            async move {
                let r = tasks
                    .wait_for_done(id.as_str())
                    .sleep_interval(interval)
                    .max_wait(wait.timeout)
                    .await;
                bar.inc(1);
                (id, r)
            }
        })
        .buffered(16)
        .collect()
        .await
}

/// Prints finished tasks and errors; the exit code says the worst outcome:
/// a deadline (4) over an error (1) over a failed task (3).
pub fn report_finished(
    s: &Session,
    finished: Vec<(String, Result<Task, Error>)>,
) -> Result<(), CliError> {
    let mut done = Vec::new();
    let mut worst: Option<u8> = None;
    let mut errors = 0;
    for (id, r) in finished {
        match r {
            Ok(t) => done.push(t),
            Err(e) => {
                errors += 1;
                let code = exit::sdk_code(&e);
                worst = Some(worst.map_or(code, |w| severity_max(w, code)));
                s.out.note(&format!("error: task {id}: {}", describe(&e)));
            }
        }
    }
    if !done.is_empty() {
        s.out.items(&done, TASK_HEADER, task_row)?;
    }
    let failed = done
        .iter()
        .filter(|t| t.status == TaskStatus::Failed)
        .count();
    match worst {
        Some(code) => Err(CliError::Partial {
            failed: errors,
            code,
        }),
        None if failed > 0 => Err(CliError::TasksFailed(failed)),
        None => Ok(()),
    }
}

/// The more telling of two exit codes: a deadline, then an error, then usage.
fn severity_max(a: u8, b: u8) -> u8 {
    let rank = |c: u8| match c {
        exit::DEADLINE => 3,
        exit::API => 2,
        _ => 1,
    };
    if rank(a) >= rank(b) {
        a
    } else {
        b
    }
}

fn date_filter(field: &str, value: &str) -> Result<DateFilter, CliError> {
    let parse = |v: &str| {
        twelvelabs::tasks::DateValue::parse(v.trim())
            .map_err(|e| CliError::Usage(format!("--{field} {value}: {}", describe(&e))))
    };
    Ok(match value.split_once("..") {
        None => DateFilter::on(parse(value)?),
        Some((from, "")) => DateFilter::since(parse(from)?),
        Some(("", to)) => DateFilter::until(parse(to)?),
        Some((from, to)) => DateFilter::between(parse(from)?, parse(to)?),
    })
}

async fn list_tasks(s: &Session, a: ListArgs) -> Result<(), CliError> {
    let mut list = s.client.task().list();
    if let Some(v) = a.index {
        list = list.index_id(v);
    }
    if let Some(v) = a.id {
        list = list.id(v);
    }
    for status in &a.status {
        list = list.status(TaskStatus::from(status.as_str()));
    }
    if let Some(v) = a.filename {
        list = list.filename(v);
    }
    if let Some(v) = a.duration {
        list = list.duration(v);
    }
    if let Some(v) = a.width {
        list = list.width(v);
    }
    if let Some(v) = a.height {
        list = list.height(v);
    }
    if let Some(v) = a.created_at {
        list = list.created_at(date_filter("created-at", &v)?);
    }
    if let Some(v) = a.updated_at {
        list = list.updated_at(date_filter("updated-at", &v)?);
    }
    if let Some(v) = a.estimated_time {
        list = list.estimated_time(date_filter("estimated-time", &v)?);
    }
    if let Some(v) = a.sort_by {
        list = list.sort_by(v.as_str().into());
    }
    if let Some(v) = a.sort_option {
        list = list.sort_option(v.as_str().into());
    }
    if let Some(v) = a.page_limit {
        list = list.page_limit(v);
    }
    let mut stream = list.into_stream().take(a.limit.unwrap_or(usize::MAX));
    if s.out.json {
        // Streamed, so `| jq` sees tasks as the pages arrive.
        while let Some(t) = stream.next().await {
            s.out.json_line(&t?)?;
        }
        return Ok(());
    }
    let items: Vec<Task> = stream.try_collect().await?;
    s.out.items(&items, TASK_HEADER, task_row)
}

async fn import(s: &Session, c: ImportCommand) -> Result<(), CliError> {
    let transfers = s.client.task().transfers();
    match c {
        ImportCommand::Start {
            integration,
            index,
            incremental,
            retry_failed,
        } => {
            let r = transfers
                .import_videos(integration.as_str(), index.as_str())
                .incremental_import(incremental)
                .retry_failed(retry_failed)
                .await?;
            if s.out.json {
                return s.out.json_line(&r);
            }
            let mut rows: Vec<Vec<String>> = r
                .videos
                .iter()
                .map(|v| {
                    vec![
                        v.filename.clone(),
                        "imported".into(),
                        v.video_id.to_string(),
                    ]
                })
                .collect();
            rows.extend(
                r.failed_files
                    .iter()
                    .map(|f| vec![f.filename.clone(), "failed".into(), f.error_message.clone()]),
            );
            lines(s, &["FILENAME", "RESULT", "VIDEO / ERROR"], &rows)
        }
        ImportCommand::Status { integration, index } => {
            let r = transfers
                .import_status(integration.as_str(), index.as_str())
                .await?;
            if s.out.json {
                return s.out.json_line(&r);
            }
            lines(
                s,
                &["STATUS", "FILENAME", "VIDEO / ERROR"],
                &status_rows(&r),
            )
        }
        ImportCommand::Logs { integration } => {
            let logs = transfers.import_logs(integration.as_str()).await?;
            if s.out.json {
                return logs.iter().try_for_each(|l| s.out.json_line(l));
            }
            let rows: Vec<Vec<String>> = logs
                .iter()
                .map(|l| {
                    vec![
                        l.index_id.to_string(),
                        l.index_name.clone(),
                        l.created_at.format("%Y-%m-%d %H:%M").to_string(),
                        cell(l.ended_at.map(|t| t.format("%Y-%m-%d %H:%M"))),
                        l.failed_files.len().to_string(),
                    ]
                })
                .collect();
            lines(
                s,
                &["INDEX", "INDEX NAME", "STARTED", "ENDED", "FAILED FILES"],
                &rows,
            )
        }
    }
}

fn status_rows(r: &ImportStatus) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    for (status, items) in [
        ("validating", &r.validating),
        ("pending", &r.pending),
        ("queued", &r.queued),
        ("indexing", &r.indexing),
        ("ready", &r.ready),
    ] {
        rows.extend(
            items
                .iter()
                .map(|v| vec![status.into(), v.filename.clone(), v.video_id.to_string()]),
        );
    }
    rows.extend(
        r.failed
            .iter()
            .map(|f| vec!["failed".into(), f.filename.clone(), f.error_message.clone()]),
    );
    rows.extend(
        r.not_imported
            .iter()
            .map(|f| vec!["not_imported".into(), f.clone(), "-".into()]),
    );
    rows
}

fn lines(s: &Session, header: &[&str], rows: &[Vec<String>]) -> Result<(), CliError> {
    crate::output::table(header, rows)
        .iter()
        .try_for_each(|l| s.out.line(l))
}

/// Reports an operation without a result object: `{"_id": …, "status": …}` in JSON.
fn done(s: &Session, what: &str, id: &str) -> Result<(), CliError> {
    if s.out.json {
        return s
            .out
            .json_line(&serde_json::json!({ "_id": id, "result": what }));
    }
    s.out.line(&format!("{what} {id}"))
}

/// Runs `op` for each id in turn; a failure is reported and the others still run.
async fn each<'a, F, Fut>(s: &'a Session, ids: &[String], op: F) -> Result<(), CliError>
where
    F: Fn(String) -> Fut,
    Fut: std::future::Future<Output = Result<(), CliError>> + 'a,
{
    let mut failed = 0;
    let mut worst = exit::USAGE;
    for id in ids {
        match op(id.clone()).await {
            Ok(()) => {}
            Err(CliError::Closed) => return Err(CliError::Closed),
            Err(e) if ids.len() == 1 => return Err(e),
            Err(e) => {
                failed += 1;
                worst = severity_max(worst, e.code());
                s.out.note(&format!("error: {id}: {e}"));
            }
        }
    }
    if failed > 0 {
        return Err(CliError::Partial {
            failed,
            code: worst,
        });
    }
    Ok(())
}
