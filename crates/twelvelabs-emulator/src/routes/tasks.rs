//! `GET /tasks/{id}`, `DELETE /tasks/{id}`, `GET /tasks` and the v1.2
//! `GET /tasks/status` summary.

use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::{json, Value};

use super::Ctx;
use crate::error::ApiError;
use crate::lifecycle::{self, Snapshot, Status};
use crate::query::{self, ListQuery, SortBy};
use crate::store::TaskRecord;
use crate::wire::{task_json, TaskView, View};

/// `GET /{ver}/tasks/{task_id}`. Under `Pace::PerRetrieve` the task advances
/// one step *after* its current state was rendered.
pub(crate) async fn retrieve_task(
    State(ctx): State<Ctx>,
    Path(task_id): Path<String>,
) -> Result<Json<TaskView>, ApiError> {
    let now = Utc::now();
    let opts = ctx.render_opts(View::Retrieve);
    let mut store = ctx.shared.store();
    let task = store
        .get_mut(&task_id)
        .ok_or_else(|| ApiError::not_exist(ctx.version, &task_id, "tasks"))?;
    let snap = task.snapshot(now);
    let body = task_json(task, &snap, opts);
    lifecycle::advance(&mut task.progress, &task.outcome, now);
    Ok(Json(body))
}

/// `DELETE /{ver}/tasks/{task_id}`: 204 for `ready`/`failed` tasks only.
pub(crate) async fn delete_task(
    State(ctx): State<Ctx>,
    Path(task_id): Path<String>,
) -> Result<Response, ApiError> {
    let now = Utc::now();
    let mut store = ctx.shared.store();
    let task = store
        .get(&task_id)
        .ok_or_else(|| ApiError::not_exist(ctx.version, &task_id, "tasks"))?;
    let snap = task.snapshot(now);
    if !snap.status.is_terminal() {
        return Err(ApiError::new(
            ctx.version,
            StatusCode::BAD_REQUEST,
            "task_cannot_be_deleted",
            format!(
                "The video indexing task {task_id} cannot be deleted because its status is {}. \
                 Only tasks whose status is ready or failed can be deleted.",
                snap.status.as_str()
            ),
        ));
    }
    if snap.status == Status::Ready {
        let video_id = task.video_id.clone();
        store.sync_videos(now);
        if store.videos.contains_key(&video_id) {
            return Err(ApiError::new(
                ctx.version,
                StatusCode::BAD_REQUEST,
                "task_cannot_be_deleted",
                format!(
                    "The video indexing task {task_id} cannot be deleted because its video \
                     {video_id} still exists. Delete the video first."
                ),
            ));
        }
    }
    let Some(task) = store.get(&task_id) else {
        return Err(ApiError::not_exist(ctx.version, &task_id, "tasks"));
    };
    let error = task.error_message().map(str::to_owned);
    store.remove(&task_id);
    store.unindexed.remove(&task_id);
    // Imports keep reporting a deleted task in its final state.
    for job in &mut store.imports {
        for entry in &mut job.entries {
            if entry.task_id == task_id {
                entry.tombstone = Some((snap.status, snap.updated_at, error.clone()));
            }
        }
    }
    tracing::debug!(%task_id, "task deleted");
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// `GET /{ver}/tasks`: filters, sorting (ties broken by id) and page-number
/// pagination over one pass of the store.
pub(crate) async fn list_tasks(
    State(ctx): State<Ctx>,
    RawQuery(raw): RawQuery,
) -> Result<Json<ListResponse>, ApiError> {
    let q = ListQuery::parse(ctx.version, raw.as_deref())?;
    let now = Utc::now();
    let opts = ctx.render_opts(View::List);
    let limit = q.page_limit as usize;
    let start = usize::try_from((q.page - 1).saturating_mul(q.page_limit)).unwrap_or(usize::MAX);
    let store = ctx.shared.store();
    let mut total = 0usize;
    let mut data = Vec::with_capacity(limit);
    match q.sort_by {
        SortBy::CreatedAt => {
            // The store is ordered by (created_at, id): no sort needed.
            let iter: Box<dyn Iterator<Item = &TaskRecord>> = if q.desc {
                Box::new(store.iter().rev())
            } else {
                Box::new(store.iter())
            };
            for task in iter {
                let snap = task.snapshot(now);
                if !q.matches(task, &snap) {
                    continue;
                }
                if total >= start && data.len() < limit {
                    data.push(task_json(task, &snap, opts));
                }
                total += 1;
            }
        }
        SortBy::UpdatedAt => {
            let mut hits: Vec<(DateTime<Utc>, &TaskRecord, Snapshot)> = store
                .iter()
                .filter_map(|task| {
                    let snap = task.snapshot(now);
                    q.matches(task, &snap)
                        .then_some((snap.updated_at, task, snap))
                })
                .collect();
            hits.sort_unstable_by(|a, b| {
                let ord = (a.0, a.1.id.as_str()).cmp(&(b.0, b.1.id.as_str()));
                if q.desc {
                    ord.reverse()
                } else {
                    ord
                }
            });
            total = hits.len();
            data.extend(
                hits.iter()
                    .skip(start)
                    .take(limit)
                    .map(|(_, task, snap)| task_json(task, snap, opts)),
            );
        }
    }
    drop(store);
    Ok(Json(ListResponse {
        data,
        page_info: PageInfo {
            limit_per_page: q.page_limit,
            page: q.page,
            total_page: total.div_ceil(limit) as u64,
            total_results: total as u64,
        },
    }))
}

#[derive(Serialize)]
pub(crate) struct ListResponse {
    data: Vec<TaskView>,
    page_info: PageInfo,
}

#[derive(Serialize)]
struct PageInfo {
    limit_per_page: u64,
    page: u64,
    total_page: u64,
    total_results: u64,
}

/// `GET /v1.2/tasks/status?index_id=`: counts per status for one index.
pub(crate) async fn index_status(
    State(ctx): State<Ctx>,
    RawQuery(raw): RawQuery,
) -> Result<Json<Value>, ApiError> {
    let pairs = query::parse_pairs(raw.as_deref());
    let index_id = query::get(&pairs, "index_id")
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .ok_or_else(|| ApiError::not_provided(ctx.version, "index_id"))?
        .to_owned();
    if !ctx.shared.index_exists(&index_id) {
        return Err(ApiError::not_exist(ctx.version, &index_id, "indexes"));
    }
    let now = Utc::now();
    let (mut ready, mut validating, mut pending, mut failed, mut total) =
        (0u64, 0u64, 0u64, 0u64, 0u64);
    for task in ctx.shared.store().iter().filter(|t| t.index_id == index_id) {
        total += 1;
        match task.snapshot(now).status {
            Status::Ready => ready += 1,
            Status::Validating | Status::Uploading => validating += 1,
            Status::Pending => pending += 1,
            Status::Failed => failed += 1,
            Status::Queued | Status::Indexing => {}
        }
    }
    Ok(Json(json!({
        "index_id": index_id,
        "ready": ready,
        "validating": validating,
        "pending": pending,
        "failed": failed,
        "total_result": total,
    })))
}
