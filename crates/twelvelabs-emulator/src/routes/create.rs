//! `POST /{ver}/tasks`: streamed multipart intake.
//!
//! Parts are read one at a time; `video_file` is consumed chunk by chunk into
//! a size counter and the [`VideoSniffer`] (constant memory). Validation errors
//! found while reading are remembered and the rest of the body is still read,
//! so the client always receives the error response instead of a reset.

use axum::extract::multipart::{Field, MultipartError};
use axum::extract::{Request, State};
use axum::http::header::CONTENT_TYPE;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::Utc;
use serde_json::{json, Map, Value};

use super::Ctx;
use crate::error::ApiError;
use crate::faults::{drain_body, DRAIN_CAP};
use crate::mp4::{VideoInfo, VideoSniffer};
use crate::source;
use crate::store::{Counters, NewTask};
use crate::version::Version;

use crate::intake::{self, MAX_TEXT_PART};

#[derive(Debug)]
struct Upload {
    filename: Option<String>,
    size: u64,
    is_video: bool,
    info: VideoInfo,
}

#[derive(Debug, Default)]
struct Form {
    index_id: Option<String>,
    video_url: Option<String>,
    transcription_url: Option<String>,
    upload: Option<Upload>,
    too_large: Option<u64>,
    disable_video_stream: Option<bool>,
    enable_video_stream: Option<bool>,
    user_metadata: Option<Map<String, Value>>,
    /// First validation error seen while reading.
    error: Option<ApiError>,
}

impl Form {
    fn fail(&mut self, e: ApiError) {
        if self.error.is_none() {
            self.error = Some(e);
        }
    }
}

/// Reads a text part, up to [`MAX_TEXT_PART`] bytes. `Ok(None)` if longer.
async fn read_text(field: &mut Field<'_>) -> Result<Option<String>, MultipartError> {
    let mut buf = Vec::new();
    let mut too_long = false;
    while let Some(chunk) = field.chunk().await? {
        if buf.len() + chunk.len() > MAX_TEXT_PART {
            too_long = true;
            continue;
        }
        buf.extend_from_slice(&chunk);
    }
    if too_long {
        return Ok(None);
    }
    Ok(Some(String::from_utf8_lossy(&buf).into_owned()))
}

fn parse_bool(version: Version, name: &str, value: &str) -> Result<bool, ApiError> {
    match value {
        "true" => Ok(true),
        "false" => Ok(false),
        _ => Err(ApiError::invalid_msg(
            version,
            format!("The {name} parameter is invalid. It must be either true or false."),
        )),
    }
}

fn is_text_part(version: Version, name: &str) -> bool {
    match version {
        Version::V12 => matches!(
            name,
            "index_id"
                | "video_url"
                | "transcription_url"
                | "language"
                | "provide_transcription"
                | "disable_video_stream"
        ),
        Version::V13 => matches!(
            name,
            "index_id" | "video_url" | "enable_video_stream" | "user_metadata"
        ),
    }
}

/// Keeps the first non-empty value (the Python SDK sends URLs twice).
fn set_once(slot: &mut Option<String>, value: &str) {
    if slot.is_none() && !value.is_empty() {
        *slot = Some(value.to_owned());
    }
}

fn apply_text(form: &mut Form, version: Version, name: &str, text: String) {
    let trimmed = text.trim();
    match name {
        "index_id" => set_once(&mut form.index_id, trimmed),
        "video_url" => set_once(&mut form.video_url, trimmed),
        "transcription_url" => set_once(&mut form.transcription_url, trimmed),
        "provide_transcription" => {
            if let Err(e) = parse_bool(version, name, &text) {
                form.fail(e);
            }
        }
        "disable_video_stream" => match parse_bool(version, name, &text) {
            Ok(b) => form.disable_video_stream = Some(b),
            Err(e) => form.fail(e),
        },
        "enable_video_stream" => match parse_bool(version, name, &text) {
            Ok(b) => form.enable_video_stream = Some(b),
            Err(e) => form.fail(e),
        },
        "user_metadata" => match serde_json::from_str::<Value>(&text) {
            Ok(Value::Object(map)) => form.user_metadata = Some(map),
            Ok(Value::Null) => {}
            _ => form.fail(ApiError::invalid_msg(
                version,
                "The user_metadata parameter is invalid. It must be a JSON-encoded object."
                    .to_owned(),
            )),
        },
        // `language` is accepted and not used.
        _ => {}
    }
}

/// Reads every part of the body.
async fn read_form(ctx: &Ctx, request: Request) -> Result<Form, ApiError> {
    let version = ctx.version;
    let max = ctx.shared.config.max_upload_bytes;
    let (mut multipart, slot) = intake::guarded_multipart(version, request).await?;
    let bad_multipart = |_: Version, e: &MultipartError| intake::multipart_error(version, &slot, e);
    let mut form = Form::default();
    while let Some(mut field) = multipart
        .next_field()
        .await
        .map_err(|e| bad_multipart(version, &e))?
    {
        let name = field.name().unwrap_or_default().to_owned();
        if name == "video_file" {
            let filename = field.file_name().map(str::to_owned);
            let mut sniffer = VideoSniffer::new();
            let mut size = 0u64;
            while let Some(chunk) = field
                .chunk()
                .await
                .map_err(|e| bad_multipart(version, &e))?
            {
                size += chunk.len() as u64;
                if size <= max {
                    sniffer.feed(&chunk);
                }
            }
            if size > max {
                form.too_large = Some(form.too_large.unwrap_or(0).max(size));
            }
            form.upload = Some(Upload {
                filename,
                size,
                is_video: sniffer.is_video(),
                info: sniffer.info(),
            });
        } else if is_text_part(version, &name) {
            match read_text(&mut field)
                .await
                .map_err(|e| bad_multipart(version, &e))?
            {
                Some(text) => apply_text(&mut form, version, &name, text),
                None => form.fail(ApiError::invalid(version, &name)),
            }
        } else {
            // `transcription_file` and unknown parts (e.g. `dummy`): read and discard.
            while field
                .chunk()
                .await
                .map_err(|e| bad_multipart(version, &e))?
                .is_some()
            {}
        }
    }
    Ok(form)
}

fn human_size(bytes: u64) -> String {
    if bytes >= 1_000_000_000 {
        format!("{:.1}GB", bytes as f64 / 1e9)
    } else {
        format!("{:.1}MB", bytes as f64 / 1e6)
    }
}

/// Validates the form and stores the task; returns the response body.
fn commit(ctx: &Ctx, form: Form) -> Result<Value, ApiError> {
    let version = ctx.version;
    let shared = &ctx.shared;
    let Some(index_id) = form.index_id else {
        return Err(ApiError::not_provided(version, "index_id"));
    };
    if let Some(size) = form.too_large {
        let max = shared.config.max_upload_bytes;
        return Err(ApiError::new(
            version,
            StatusCode::BAD_REQUEST,
            "video_filesize_too_large",
            format!(
                "The video is too big. Please use a video with a size less than {}. The current size is {}.",
                human_size(max),
                human_size(size)
            ),
        ));
    }
    if let Some(e) = form.error {
        return Err(e);
    }
    if form.upload.is_none() && form.video_url.is_none() {
        return Err(ApiError::not_provided_msg(
            version,
            "The video_file or video_url parameter is required.".to_owned(),
        ));
    }
    if let Some(url) = &form.video_url {
        source::check_url(version, "video_url", url)?;
    }
    if let Some(url) = &form.transcription_url {
        source::check_url(version, "transcription_url", url)?;
    }
    let known = shared.index_exists(&index_id);
    let pegasus = match shared.store().indexes.get(&index_id).filter(|_| known) {
        Some(index) => index.has_pegasus(),
        None => return Err(ApiError::not_exist(version, &index_id, "indexes")),
    };
    if let (None, Some(u), true) = (
        &form.video_url,
        &form.upload,
        shared.config.check_prerequisites,
    ) {
        if u.is_video {
            source::check_prerequisites(version, pegasus, &u.info)?;
        }
    }
    // DOC10: when both are given, the URL wins.
    let (meta, outcome) = match (&form.video_url, form.upload) {
        (Some(url), _) => source::from_url(url),
        (None, Some(u)) => source::from_upload(u.filename, u.size, u.is_video, u.info),
        (None, None) => unreachable!("checked above"),
    };
    let stream = match version {
        Version::V12 => form.disable_video_stream != Some(true),
        Version::V13 => form.enable_video_stream != Some(false),
    };
    let now = Utc::now();
    let (id, video_id) = shared.store().create_task(
        shared.config.pace,
        now,
        NewTask {
            index_id,
            meta,
            outcome,
            stream,
            user_metadata: form.user_metadata,
            id_is_video_id: false,
        },
    );
    Counters::add(&shared.counters.tasks_created, 1);
    tracing::debug!(task_id = %id, version = version.as_str(), "task created");
    Ok(
        if version == Version::V13 || shared.config.video_id_at_creation {
            json!({ "_id": id, "video_id": video_id })
        } else {
            json!({ "_id": id })
        },
    )
}

/// The handler.
pub(crate) async fn create_task(State(ctx): State<Ctx>, request: Request) -> Response {
    let shared = ctx.shared.clone();
    let limit = shared.config.daily_create_limit;
    let reported = shared.config.reported_daily_limit;
    let reserved = {
        let mut store = shared.store();
        let now = Utc::now();
        if store.daily.try_reserve(limit, now) {
            Ok(())
        } else {
            Err(store.daily.info(limit, reported, now))
        }
    };
    if let Err(info) = reserved {
        drain_body(request.into_body(), DRAIN_CAP).await;
        let rate = format!("{} video indexing tasks per day", info.limit);
        let mut response = ApiError::too_many_requests(
            ctx.version,
            &rate,
            info.retry_after,
            shared.config.retry_after_header,
        )
        .into_response();
        info.apply(response.headers_mut());
        return response;
    }

    let is_multipart = request
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.trim_start()
                .to_ascii_lowercase()
                .starts_with("multipart/form-data")
        });
    let result = if is_multipart {
        match read_form(&ctx, request).await {
            Ok(form) => commit(&ctx, form),
            Err(e) => Err(e),
        }
    } else {
        drain_body(request.into_body(), DRAIN_CAP).await;
        Err(ApiError::invalid_msg(
            ctx.version,
            "The request body must be multipart/form-data (Content-Type: multipart/form-data; boundary=...)."
                .to_owned(),
        ))
    };

    let info = {
        let mut store = shared.store();
        let now = Utc::now();
        if result.is_err() {
            store.daily.release(now);
        }
        store.daily.info(limit, reported, now)
    };
    let mut response = match result {
        Ok(body) => Json(body).into_response(),
        Err(e) => e.into_response(),
    };
    info.apply(response.headers_mut());
    response
}
