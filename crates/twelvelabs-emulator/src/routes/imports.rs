//! Cloud-to-cloud imports (both versions):
//! `POST /tasks/transfers/import/{integration-id}`, `GET .../status`, `GET .../logs`.
//!
//! An import job is "running" while any task it created is not terminal; a
//! second import for the same integration is then rejected with
//! `400 import_in_progress` (the real code is undocumented).

use std::collections::HashMap;

use axum::extract::{Path, RawQuery, Request, State};
use axum::http::StatusCode;
use axum::Json;
use chrono::{DateTime, Utc};
use serde_json::{json, Map, Value};

use super::Ctx;
use crate::config::Integration;
use crate::error::ApiError;
use crate::lifecycle::{Outcome, Status};
use crate::query;
use crate::source;
use crate::store::{Counters, ImportEntry, ImportJob, NewTask, Store};
use crate::version::Version;
use crate::wire::ts;

fn find_integration<'a>(ctx: &'a Ctx, integration_id: &str) -> Result<&'a Integration, ApiError> {
    ctx.shared
        .config
        .integrations
        .iter()
        .find(|i| i.id == integration_id)
        .ok_or_else(|| ApiError::not_exist(ctx.version, integration_id, "integrations"))
}

/// Current `(status, updated_at, error_message)` of an imported task.
fn entry_state(
    store: &Store,
    entry: &ImportEntry,
    now: DateTime<Utc>,
) -> Option<(Status, DateTime<Utc>, Option<String>)> {
    match store.get(&entry.task_id) {
        Some(task) => {
            let snap = task.snapshot(now);
            Some((
                snap.status,
                snap.updated_at,
                task.error_message().map(str::to_owned),
            ))
        }
        None => entry.tombstone.clone(),
    }
}

fn job_running(store: &Store, job: &ImportJob, now: DateTime<Utc>) -> bool {
    job.entries
        .iter()
        .any(|e| entry_state(store, e, now).is_some_and(|(status, _, _)| !status.is_terminal()))
}

/// The latest attempt of one file into one index.
enum Attempt<'a> {
    Task(&'a ImportEntry),
    Rejected {
        message: &'a str,
        created_at: DateTime<Utc>,
    },
}

fn latest_attempts<'a>(
    jobs: &'a [ImportJob],
    integration_id: &str,
    index_id: &str,
) -> HashMap<&'a str, Attempt<'a>> {
    let mut latest = HashMap::new();
    for job in jobs
        .iter()
        .filter(|j| j.integration_id == integration_id && j.index_id == index_id)
    {
        for entry in &job.entries {
            latest.insert(entry.filename.as_str(), Attempt::Task(entry));
        }
        for (filename, message) in &job.rejected {
            latest.insert(
                filename.as_str(),
                Attempt::Rejected {
                    message,
                    created_at: job.created_at,
                },
            );
        }
    }
    latest
}

fn optional_bool(
    version: Version,
    body: &Map<String, Value>,
    key: &str,
) -> Result<Option<bool>, ApiError> {
    match body.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Bool(b)) => Ok(Some(*b)),
        Some(_) => Err(ApiError::invalid(version, key)),
    }
}

/// `POST /{ver}/tasks/transfers/import/{integration-id}` → 201.
pub(crate) async fn import_videos(
    State(ctx): State<Ctx>,
    Path(integration_id): Path<String>,
    request: Request,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let version = ctx.version;
    let integration = find_integration(&ctx, &integration_id)?;
    let body = crate::intake::read_json_object(version, request.into_body())
        .await?
        .unwrap_or_default();
    let index_id = match body.get("index_id") {
        None | Some(Value::Null) => return Err(ApiError::not_provided(version, "index_id")),
        Some(Value::String(s)) if !s.trim().is_empty() => s.trim().to_owned(),
        Some(Value::String(_)) => return Err(ApiError::not_provided(version, "index_id")),
        Some(_) => return Err(ApiError::invalid(version, "index_id")),
    };
    let user_metadata = match body.get("user_metadata") {
        None | Some(Value::Null) => None,
        Some(Value::Object(m)) => Some(m.clone()),
        Some(_) => return Err(ApiError::invalid(version, "user_metadata")),
    };
    let incremental = optional_bool(version, &body, "incremental_import")?.unwrap_or(true);
    let retry_failed = optional_bool(version, &body, "retry_failed")?.unwrap_or(false);
    if !ctx.shared.index_exists(&index_id) {
        return Err(ApiError::not_exist(version, &index_id, "indexes"));
    }

    let now = Utc::now();
    let mut store = ctx.shared.store();
    if store
        .imports
        .iter()
        .filter(|j| j.integration_id == integration_id)
        .any(|j| job_running(&store, j, now))
    {
        return Err(ApiError::new(
            version,
            StatusCode::BAD_REQUEST,
            "import_in_progress",
            format!(
                "An import is already running for integration {integration_id}. Only one import \
                 job can run at a time; wait for it to complete (see GET \
                 /tasks/transfers/import/{integration_id}/logs)."
            ),
        ));
    }

    // Decide which files to (re)import.
    let selected: Vec<_> = {
        let latest = latest_attempts(&store.imports, &integration_id, &index_id);
        integration
            .files
            .iter()
            .filter(|file| {
                if !incremental {
                    return true;
                }
                let failed_before = match latest.get(file.filename.as_str()) {
                    None => return true,
                    Some(Attempt::Rejected { .. }) => true,
                    Some(Attempt::Task(entry)) => entry_state(&store, entry, now)
                        .is_none_or(|(status, _, _)| status == Status::Failed),
                };
                failed_before && retry_failed
            })
            .collect()
    };

    let mut job = ImportJob {
        integration_id: integration_id.clone(),
        index_id: index_id.clone(),
        created_at: crate::lifecycle::trunc_ms(now),
        entries: Vec::new(),
        rejected: Vec::new(),
    };
    let mut videos = Vec::new();
    let mut failed_files = Vec::new();
    for file in selected {
        if let Some(message) = &file.fails_prerequisites {
            failed_files.push(json!({ "filename": file.filename, "error_message": message }));
            job.rejected.push((file.filename.clone(), message.clone()));
            continue;
        }
        let (task_id, _) = store.create_task(
            ctx.shared.config.pace,
            now,
            NewTask {
                index_id: index_id.clone(),
                meta: source::from_integration(&file.filename, file.size_bytes),
                outcome: Outcome::Ready,
                stream: true,
                user_metadata: user_metadata.clone(),
                id_is_video_id: true,
            },
        );
        videos.push(json!({ "video_id": task_id, "filename": file.filename }));
        job.entries.push(ImportEntry {
            task_id,
            filename: file.filename.clone(),
            created_at: job.created_at,
            tombstone: None,
        });
    }
    store.imports.push(job);
    drop(store);
    Counters::add(&ctx.shared.counters.tasks_created, videos.len() as u64);
    tracing::debug!(%integration_id, %index_id, videos = videos.len(), "import started");
    Ok((
        StatusCode::CREATED,
        Json(json!({ "videos": videos, "failed_files": failed_files })),
    ))
}

/// `GET /{ver}/tasks/transfers/import/{integration-id}/status?index_id=`.
pub(crate) async fn import_status(
    State(ctx): State<Ctx>,
    Path(integration_id): Path<String>,
    RawQuery(raw): RawQuery,
) -> Result<Json<Value>, ApiError> {
    let version = ctx.version;
    let pairs = query::parse_pairs(raw.as_deref());
    let index_id = query::get(&pairs, "index_id")
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .ok_or_else(|| ApiError::not_provided(version, "index_id"))?
        .to_owned();
    let integration = find_integration(&ctx, &integration_id)?;
    let now = Utc::now();
    let store = ctx.shared.store();
    let latest = latest_attempts(&store.imports, &integration_id, &index_id);
    let mut not_imported = Vec::new();
    let mut groups: [(Status, Vec<Value>); 5] = [
        (Status::Validating, Vec::new()),
        (Status::Pending, Vec::new()),
        (Status::Queued, Vec::new()),
        (Status::Indexing, Vec::new()),
        (Status::Ready, Vec::new()),
    ];
    let mut failed = Vec::new();
    for file in &integration.files {
        match latest.get(file.filename.as_str()) {
            None => not_imported.push(Value::String(file.filename.clone())),
            Some(Attempt::Rejected {
                message,
                created_at,
            }) => failed.push(json!({
                "filename": file.filename,
                "created_at": ts(*created_at),
                "error_message": message,
            })),
            Some(Attempt::Task(entry)) => {
                let Some((status, _, error)) = entry_state(&store, entry, now) else {
                    continue;
                };
                if status == Status::Failed {
                    failed.push(json!({
                        "filename": entry.filename,
                        "created_at": ts(entry.created_at),
                        "error_message": error.unwrap_or_else(|| source::NOT_A_VIDEO.to_owned()),
                    }));
                    continue;
                }
                let status = if status == Status::Uploading {
                    Status::Validating
                } else {
                    status
                };
                if let Some((_, items)) = groups.iter_mut().find(|(s, _)| *s == status) {
                    items.push(json!({
                        "video_id": entry.task_id,
                        "filename": entry.filename,
                        "created_at": ts(entry.created_at),
                    }));
                }
            }
        }
    }
    drop(store);
    let mut out = Map::new();
    out.insert("not_imported".to_owned(), Value::Array(not_imported));
    for (status, items) in groups {
        out.insert(status.as_str().to_owned(), Value::Array(items));
    }
    out.insert("failed".to_owned(), Value::Array(failed));
    Ok(Json(Value::Object(out)))
}

/// `GET /{ver}/tasks/transfers/import/{integration-id}/logs`, oldest first.
pub(crate) async fn import_logs(
    State(ctx): State<Ctx>,
    Path(integration_id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    find_integration(&ctx, &integration_id)?;
    let now = Utc::now();
    let store = ctx.shared.store();
    let mut data = Vec::new();
    for job in store
        .imports
        .iter()
        .filter(|j| j.integration_id == integration_id)
    {
        let mut counts: HashMap<Status, u64> = HashMap::new();
        let mut failed_files = Vec::new();
        let mut running = false;
        let mut ended = job.created_at;
        for (filename, message) in &job.rejected {
            *counts.entry(Status::Failed).or_default() += 1;
            failed_files.push(json!({ "filename": filename, "error_message": message }));
        }
        for entry in &job.entries {
            let Some((status, updated_at, error)) = entry_state(&store, entry, now) else {
                continue;
            };
            let status = if status == Status::Uploading {
                Status::Validating
            } else {
                status
            };
            *counts.entry(status).or_default() += 1;
            if status.is_terminal() {
                ended = ended.max(updated_at);
            } else {
                running = true;
            }
            if status == Status::Failed {
                failed_files.push(json!({
                    "filename": entry.filename,
                    "error_message": error.unwrap_or_else(|| source::NOT_A_VIDEO.to_owned()),
                }));
            }
        }
        let count = |s: Status| counts.get(&s).copied().unwrap_or(0);
        data.push(json!({
            "index_id": job.index_id,
            // The index's current name (its id once the index is deleted).
            "index_name": store
                .indexes
                .get(&job.index_id)
                .map_or(job.index_id.as_str(), |i| i.name.as_str()),
            "created_at": ts(job.created_at),
            "ended_at": if running { Value::Null } else { Value::String(ts(ended)) },
            "video_status": {
                "ready": count(Status::Ready),
                "validating": count(Status::Validating),
                "pending": count(Status::Pending),
                "indexing": count(Status::Indexing),
                "failed": count(Status::Failed),
                "queued": count(Status::Queued),
            },
            "failed_files": failed_files,
        }));
    }
    Ok(Json(json!({ "data": data })))
}
