//! `/indexes` and `/indexes/{index-id}/videos`: create, list, retrieve,
//! rename and delete indexes; list, retrieve, update and delete videos.

use axum::extract::{Path, RawQuery, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::{DateTime, Utc};
use serde_json::{json, Map, Value};

use super::Ctx;
use crate::error::ApiError;
use crate::indexes::{IndexRecord, ModelSpec, VideoRecord, VideoView};
use crate::intake;
use crate::lifecycle::trunc_ms;
use crate::query::{self, DateFilter, NumFilter};
use crate::store::{Shared, Store};
use crate::version::Version;

fn no_index(version: Version, id: &str) -> ApiError {
    ApiError::not_exist(version, id, "indexes")
}

fn no_video(version: Version) -> ApiError {
    ApiError::no_route(version)
}

fn name_taken(version: Version, name: &str) -> ApiError {
    ApiError::new(
        version,
        StatusCode::BAD_REQUEST,
        "index_name_already_exists",
        format!("Index name {name} already exists. Please use another unique name and try again."),
    )
}

/// `index_name`: a non-empty string.
fn index_name(version: Version, body: &Map<String, Value>) -> Result<String, ApiError> {
    match body.get("index_name") {
        None | Some(Value::Null) => Err(ApiError::not_provided(version, "index_name")),
        Some(Value::String(s)) if !s.trim().is_empty() && s.len() <= 1024 => Ok(s.clone()),
        Some(Value::String(s)) if s.trim().is_empty() => {
            Err(ApiError::not_provided(version, "index_name"))
        }
        Some(_) => Err(ApiError::invalid(version, "index_name")),
    }
}

/// Allowed options of a model family, per version.
fn allowed_options(version: Version, family: &str) -> &'static [&'static str] {
    match (version, family) {
        (Version::V12, "marengo") => &["visual", "conversation", "text_in_video", "logo"],
        (Version::V12, _) => &["visual", "conversation"],
        (Version::V13, _) => &["visual", "audio"],
    }
}

fn allowed_model(version: Version, name: &str) -> bool {
    match version {
        Version::V12 => matches!(name, "marengo2.6" | "pegasus1.1"),
        Version::V13 => matches!(name, "marengo2.7" | "marengo3.0" | "pegasus1.2"),
    }
}

/// `engines` (v1.2) or `models` (v1.3).
fn models(version: Version, body: &Map<String, Value>) -> Result<Vec<ModelSpec>, ApiError> {
    let (key, name_key, options_key) = match version {
        Version::V12 => ("engines", "engine_name", "engine_options"),
        Version::V13 => ("models", "model_name", "model_options"),
    };
    let items = match body.get(key) {
        None | Some(Value::Null) => return Err(ApiError::not_provided(version, key)),
        Some(Value::Array(a)) if !a.is_empty() && a.len() <= 2 => a,
        Some(_) => return Err(ApiError::invalid(version, key)),
    };
    let mut out: Vec<ModelSpec> = Vec::new();
    for item in items {
        let invalid = || ApiError::invalid(version, key);
        let obj = item.as_object().ok_or_else(invalid)?;
        let name = match obj.get(name_key) {
            Some(Value::String(n)) if allowed_model(version, n) => n.clone(),
            None | Some(Value::Null) => return Err(ApiError::not_provided(version, name_key)),
            Some(_) => return Err(ApiError::invalid(version, name_key)),
        };
        let spec = ModelSpec {
            name,
            options: Vec::new(),
        };
        let allowed = allowed_options(version, spec.family());
        let options = match obj.get(options_key) {
            Some(Value::Array(o)) if !o.is_empty() => o,
            None | Some(Value::Null) => return Err(ApiError::not_provided(version, options_key)),
            Some(_) => return Err(ApiError::invalid(version, options_key)),
        };
        let mut opts: Vec<String> = Vec::new();
        for o in options {
            match o.as_str() {
                Some(o) if allowed.contains(&o) => {
                    if !opts.iter().any(|x| x == o) {
                        opts.push(o.to_owned());
                    }
                }
                _ => return Err(ApiError::invalid(version, options_key)),
            }
        }
        if out.iter().any(|m| m.family() == spec.family()) {
            return Err(invalid());
        }
        out.push(ModelSpec {
            options: opts,
            ..spec
        });
    }
    Ok(out)
}

fn addons(version: Version, body: &Map<String, Value>) -> Result<Vec<String>, ApiError> {
    match body.get("addons") {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Array(a)) if a.len() <= 1 => a
            .iter()
            .map(|v| match v.as_str() {
                Some("thumbnail") => Ok("thumbnail".to_owned()),
                _ => Err(ApiError::invalid(version, "addons")),
            })
            .collect(),
        Some(_) => Err(ApiError::invalid(version, "addons")),
    }
}

/// `POST /{ver}/indexes` → `201 {"_id"}`.
pub(crate) async fn create_index(
    State(ctx): State<Ctx>,
    request: Request,
) -> Result<Response, ApiError> {
    let version = ctx.version;
    let body = intake::read_json_object(version, request.into_body())
        .await?
        .unwrap_or_default();
    let name = index_name(version, &body)?;
    let models = models(version, &body)?;
    let addons = addons(version, &body)?;
    if !addons.is_empty() && !models.iter().any(|m| m.family() == "marengo") {
        return Err(ApiError::invalid(version, "addons"));
    }
    let now = trunc_ms(Utc::now());
    let mut store = ctx.shared.store();
    if store.index_by_name(&name).is_some() {
        return Err(name_taken(version, &name));
    }
    let id = store.new_id(now);
    store.indexes.insert(
        id.clone(),
        IndexRecord {
            id: id.clone(),
            name,
            models,
            addons,
            created_at: now,
            updated_at: now,
        },
    );
    tracing::debug!(index_id = %id, "index created");
    Ok((StatusCode::CREATED, Json(json!({ "_id": id }))).into_response())
}

/// `GET /{ver}/indexes/{index-id}`.
pub(crate) async fn retrieve_index(
    State(ctx): State<Ctx>,
    Path(index_id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let mut store = ctx.shared.store();
    store.sync_videos(Utc::now());
    let index = store
        .indexes
        .get(&index_id)
        .ok_or_else(|| no_index(ctx.version, &index_id))?;
    Ok(Json(
        index.render(ctx.version, store.index_totals(&index_id)),
    ))
}

/// `PUT /{ver}/indexes/{index-id}` (rename) → 204.
pub(crate) async fn update_index(
    State(ctx): State<Ctx>,
    Path(index_id): Path<String>,
    request: Request,
) -> Result<Response, ApiError> {
    let version = ctx.version;
    let body = intake::read_json_object(version, request.into_body())
        .await?
        .unwrap_or_default();
    let mut store = ctx.shared.store();
    if !store.indexes.contains_key(&index_id) {
        return Err(no_index(version, &index_id));
    }
    let name = index_name(version, &body)?;
    if store.index_by_name(&name).is_some_and(|i| i.id != index_id) {
        return Err(name_taken(version, &name));
    }
    if let Some(index) = store.indexes.get_mut(&index_id) {
        index.name = name;
        index.updated_at = Store::bump(index.updated_at, Utc::now());
    }
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// `DELETE /{ver}/indexes/{index-id}` → 204; removes its videos and tasks.
pub(crate) async fn delete_index(
    State(ctx): State<Ctx>,
    Path(index_id): Path<String>,
) -> Result<Response, ApiError> {
    if !ctx.shared.store().delete_index(&index_id) {
        return Err(no_index(ctx.version, &index_id));
    }
    tracing::debug!(%index_id, "index deleted");
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// Paging and sorting shared by the two lists.
struct Paging {
    page: u64,
    page_limit: u64,
    by_updated: bool,
    desc: bool,
}

impl Paging {
    /// Consumes a paging key; `Ok(false)` if `key` is not one.
    fn take(&mut self, version: Version, key: &str, value: &str) -> Result<bool, ApiError> {
        let invalid = || ApiError::invalid(version, key);
        match key {
            "page" => self.page = query::parse_page(value).ok_or_else(invalid)?,
            "page_limit" => self.page_limit = query::parse_page_limit(value).ok_or_else(invalid)?,
            "sort_by" => {
                self.by_updated = match value {
                    "created_at" => false,
                    "updated_at" => true,
                    _ => return Err(invalid()),
                }
            }
            "sort_option" => {
                self.desc = match value {
                    "desc" => true,
                    "asc" => false,
                    _ => return Err(invalid()),
                }
            }
            _ => return Ok(false),
        }
        Ok(true)
    }

    /// Sorts `(created, updated, id, item)` and cuts the page.
    fn page<T>(&self, mut hits: Vec<(DateTime<Utc>, DateTime<Utc>, String, T)>) -> Value
    where
        T: Into<Value>,
    {
        hits.sort_by(|a, b| {
            let ka = if self.by_updated { a.1 } else { a.0 };
            let kb = if self.by_updated { b.1 } else { b.0 };
            let ord = (ka, &a.2).cmp(&(kb, &b.2));
            if self.desc {
                ord.reverse()
            } else {
                ord
            }
        });
        let total = hits.len() as u64;
        let start =
            usize::try_from((self.page - 1).saturating_mul(self.page_limit)).unwrap_or(usize::MAX);
        let data: Vec<Value> = hits
            .into_iter()
            .skip(start)
            .take(self.page_limit as usize)
            .map(|h| h.3.into())
            .collect();
        json!({
            "data": data,
            "page_info": {
                "limit_per_page": self.page_limit,
                "page": self.page,
                "total_page": total.div_ceil(self.page_limit),
                "total_results": total,
            }
        })
    }
}

impl Default for Paging {
    fn default() -> Self {
        Paging {
            page: 1,
            page_limit: 10,
            by_updated: false,
            desc: true,
        }
    }
}

/// Values of a list filter: repeated keys and comma-separated values, united.
fn push_list(out: &mut Vec<String>, value: &str) {
    out.extend(
        value
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned),
    );
}

/// `GET /{ver}/indexes`.
pub(crate) async fn list_indexes(
    State(ctx): State<Ctx>,
    RawQuery(raw): RawQuery,
) -> Result<Json<Value>, ApiError> {
    let version = ctx.version;
    let mut paging = Paging::default();
    let (mut id, mut name, mut family) = (None, None, None);
    let mut options = Vec::new();
    let (mut created, mut updated) = (DateFilter::default(), DateFilter::default());
    for (key, value) in query::parse_pairs(raw.as_deref()) {
        if paging.take(version, &key, &value)? {
            continue;
        }
        let invalid = || ApiError::invalid(version, &key);
        let (base, op) = query::split_key(&key);
        match (base, op) {
            ("_id", None) => id = Some(value).filter(|v| !v.is_empty()),
            ("index_name", None) => name = Some(value).filter(|v| !v.is_empty()),
            ("engine_options" | "index_options" | "model_options", None) => {
                push_list(&mut options, &value)
            }
            ("engine_family" | "model_family", None) => {
                family = match value.as_str() {
                    "" => None,
                    "marengo" | "pegasus" => Some(value),
                    _ => return Err(invalid()),
                }
            }
            ("created_at", op) => created.set(op, &value).map_err(|()| invalid())?,
            ("updated_at", op) => updated.set(op, &value).map_err(|()| invalid())?,
            _ => {}
        }
    }
    let mut store = ctx.shared.store();
    store.sync_videos(Utc::now());
    let hits: Vec<_> = store
        .indexes
        .values()
        .filter(|i| {
            id.as_deref().is_none_or(|v| v == i.id)
                && name.as_deref().is_none_or(|v| v == i.name)
                && family
                    .as_deref()
                    .is_none_or(|f| i.models.iter().any(|m| m.family() == f))
                && i.has_options(&options)
                && created.matches(i.created_at)
                && updated.matches(i.updated_at)
        })
        .map(|i| {
            let totals = store.index_totals(&i.id);
            (
                i.created_at,
                i.updated_at,
                i.id.clone(),
                i.render(version, totals),
            )
        })
        .collect();
    Ok(Json(paging.page(hits)))
}

/// Checks the index exists; returns the locked store.
fn index_store<'a>(
    shared: &'a Shared,
    version: Version,
    index_id: &str,
) -> Result<std::sync::MutexGuard<'a, Store>, ApiError> {
    let mut store = shared.store();
    if !store.indexes.contains_key(index_id) {
        return Err(no_index(version, index_id));
    }
    store.sync_videos(Utc::now());
    Ok(store)
}

/// `GET /{ver}/indexes/{index-id}/videos`.
pub(crate) async fn list_videos(
    State(ctx): State<Ctx>,
    Path(index_id): Path<String>,
    RawQuery(raw): RawQuery,
) -> Result<Json<Value>, ApiError> {
    let version = ctx.version;
    let mut paging = Paging::default();
    let (mut id, mut filename) = (None, None);
    let mut nums: [(&str, NumFilter); 5] = [
        ("duration", NumFilter::default()),
        ("fps", NumFilter::default()),
        ("width", NumFilter::default()),
        ("height", NumFilter::default()),
        ("size", NumFilter::default()),
    ];
    let mut dates: [(&str, DateFilter); 3] = [
        ("created_at", DateFilter::default()),
        ("updated_at", DateFilter::default()),
        ("indexed_at", DateFilter::default()),
    ];
    for (key, value) in query::parse_pairs(raw.as_deref()) {
        if paging.take(version, &key, &value)? {
            continue;
        }
        let invalid = || ApiError::invalid(version, &key);
        let (base, op) = query::split_key(&key);
        if let Some((_, f)) = nums.iter_mut().find(|(n, _)| *n == base) {
            f.set(op, &value).map_err(|()| invalid())?;
        } else if let Some((_, f)) = dates.iter_mut().find(|(n, _)| *n == base) {
            f.set(op, &value).map_err(|()| invalid())?;
        } else {
            match (base, op) {
                ("_id", None) => id = Some(value).filter(|v| !v.is_empty()),
                ("filename", None) => filename = Some(value).filter(|v| !v.is_empty()),
                // `metadata` / `user_metadata` (the Python SDKs send a Python
                // repr) and custom keys are accepted and not applied.
                _ => {}
            }
        }
    }
    let store = index_store(&ctx.shared, version, &index_id)?;
    let base_url = &ctx.shared.base_url;
    let hits: Vec<_> = store
        .videos
        .values()
        .filter(|v| v.index_id == index_id)
        .filter(|v| {
            let vals = [
                v.meta.duration,
                Some(v.fps),
                v.meta.width.map(f64::from),
                v.meta.height.map(f64::from),
                Some(v.size() as f64),
            ];
            id.as_deref().is_none_or(|x| x == v.id)
                && filename
                    .as_deref()
                    .is_none_or(|x| v.meta.filename.as_deref() == Some(x))
                && nums.iter().zip(vals).all(|((_, f), x)| f.matches(x))
                && dates[0].1.matches(v.created_at)
                && dates[1].1.matches(v.updated_at)
                && dates[2].1.matches(v.indexed_at)
        })
        .map(|v| {
            (
                v.created_at,
                v.updated_at,
                v.id.clone(),
                v.render(version, VideoView::List, base_url),
            )
        })
        .collect();
    Ok(Json(paging.page(hits)))
}

fn find_video<'a>(
    store: &'a mut Store,
    version: Version,
    index_id: &str,
    video_id: &str,
) -> Result<&'a mut VideoRecord, ApiError> {
    store
        .videos
        .get_mut(video_id)
        .filter(|v| v.index_id == index_id)
        .ok_or_else(|| no_video(version))
}

/// `GET /{ver}/indexes/{index-id}/videos/{video-id}`. `embed`,
/// `embedding_option` and `transcription` are accepted and not applied.
pub(crate) async fn retrieve_video(
    State(ctx): State<Ctx>,
    Path((index_id, video_id)): Path<(String, String)>,
) -> Result<Json<Value>, ApiError> {
    let mut store = index_store(&ctx.shared, ctx.version, &index_id)?;
    let video = find_video(&mut store, ctx.version, &index_id, &video_id)?;
    Ok(Json(video.render(
        ctx.version,
        VideoView::Retrieve,
        &ctx.shared.base_url,
    )))
}

/// Keys of `metadata` that cannot be set (DOC12 metadata guide; v1.3 adds
/// `model_names`).
const RESERVED_KEYS: [&str; 8] = [
    "duration",
    "filename",
    "fps",
    "height",
    "size",
    "video_title",
    "width",
    "model_names",
];

fn metadata_patch(
    version: Version,
    key: &str,
    value: Option<&Value>,
) -> Result<Option<Map<String, Value>>, ApiError> {
    let map = match value {
        None | Some(Value::Null) => return Ok(None),
        Some(Value::Object(m)) => m,
        Some(_) => return Err(ApiError::invalid(version, key)),
    };
    for (k, v) in map {
        if RESERVED_KEYS.contains(&k.as_str()) {
            return Err(ApiError::invalid_msg(
                version,
                format!(
                    "The {key} parameter is invalid. The key {k} is reserved and cannot be set."
                ),
            ));
        }
        if !matches!(
            v,
            Value::String(_) | Value::Number(_) | Value::Bool(_) | Value::Null
        ) {
            return Err(ApiError::invalid_msg(
                version,
                format!(
                    "The {key} parameter is invalid. Values must be strings, numbers or booleans."
                ),
            ));
        }
    }
    Ok(Some(map.clone()))
}

/// `PUT` (v1.2, v1.3) and `PATCH` (v1.3) `/indexes/{index-id}/videos/{video-id}`
/// → 204. Both merge: a key set to `null` is removed.
pub(crate) async fn update_video(
    State(ctx): State<Ctx>,
    Path((index_id, video_id)): Path<(String, String)>,
    request: Request,
) -> Result<Response, ApiError> {
    let version = ctx.version;
    let body = intake::read_json_object(version, request.into_body())
        .await?
        .unwrap_or_default();
    let title = match body.get("video_title") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(_) => return Err(ApiError::invalid(version, "video_title")),
    };
    let key = match version {
        Version::V12 => "metadata",
        Version::V13 => "user_metadata",
    };
    let patch = metadata_patch(version, key, body.get(key))?;
    let mut store = index_store(&ctx.shared, version, &index_id)?;
    let video = find_video(&mut store, version, &index_id, &video_id)?;
    if let Some(t) = title {
        video.title = Some(t);
    }
    for (k, v) in patch.unwrap_or_default() {
        if v.is_null() {
            video.user_metadata.remove(&k);
        } else {
            video.user_metadata.insert(k, v);
        }
    }
    video.updated_at = Store::bump(video.updated_at, Utc::now());
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// `DELETE /{ver}/indexes/{index-id}/videos/{video-id}` → 204. The task keeps
/// its `video_id` and can then be deleted.
pub(crate) async fn delete_video(
    State(ctx): State<Ctx>,
    Path((index_id, video_id)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let mut store = index_store(&ctx.shared, ctx.version, &index_id)?;
    find_video(&mut store, ctx.version, &index_id, &video_id)?;
    store.videos.remove(&video_id);
    tracing::debug!(%video_id, "video deleted");
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// `GET /hls/{video-id}/stream/{file}`: a minimal VOD playlist, without a key
/// (players fetch it directly). Unknown videos: 404.
pub(crate) async fn hls_playlist(
    State(shared): State<std::sync::Arc<Shared>>,
    Path((video_id, _file)): Path<(String, String)>,
) -> Response {
    let duration = {
        let mut store = shared.store();
        store.sync_videos(Utc::now());
        store
            .videos
            .get(&video_id)
            .map(|v| v.meta.duration.unwrap_or(0.0))
    };
    match duration {
        Some(d) => (
            [(
                axum::http::header::CONTENT_TYPE,
                "application/vnd.apple.mpegurl",
            )],
            crate::indexes::playlist(d),
        )
            .into_response(),
        None => ApiError::no_route(Version::V13).into_response(),
    }
}
