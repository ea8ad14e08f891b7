//! `POST /v1.2/tasks/transfers` (legacy cloud-to-cloud transfer): a multipart
//! body whose `file` part holds a JSON array of
//! `{index_id, language, object, transcription?}`; one task per entry; 204.

use axum::extract::{Request, State};
use axum::http::header::CONTENT_TYPE;
use axum::http::StatusCode;
use chrono::Utc;
use serde::Deserialize;

use super::Ctx;
use crate::error::ApiError;
use crate::faults::{drain_body, DRAIN_CAP};
use crate::source;
use crate::store::{Counters, NewTask};

/// Largest accepted `file` part (a JSON list of objects), as for JSON bodies.
const MAX_TRANSFER_FILE: usize = crate::intake::MAX_JSON_BODY;

#[derive(Debug, Deserialize)]
struct TransferItem {
    index_id: Option<String>,
    #[allow(dead_code)]
    language: Option<String>,
    object: Option<String>,
    #[allow(dead_code)]
    transcription: Option<String>,
}

/// The handler.
pub(crate) async fn transfer(
    State(ctx): State<Ctx>,
    request: Request,
) -> Result<StatusCode, ApiError> {
    let version = ctx.version;
    let is_multipart = request
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.to_ascii_lowercase().starts_with("multipart/form-data"));
    if !is_multipart {
        drain_body(request.into_body(), DRAIN_CAP).await;
        return Err(ApiError::invalid_msg(
            version,
            "The request body must be multipart/form-data with a file part named file.".to_owned(),
        ));
    }
    let (mut multipart, slot) = crate::intake::guarded_multipart(version, request).await?;
    let bad = |e: &dyn std::fmt::Display| crate::intake::multipart_error(version, &slot, e);
    let mut file: Option<Vec<u8>> = None;
    let mut too_big = false;
    while let Some(mut field) = multipart.next_field().await.map_err(|e| bad(&e))? {
        let is_file = field.name() == Some("file") && file.is_none();
        let mut buf = Vec::new();
        while let Some(chunk) = field.chunk().await.map_err(|e| bad(&e))? {
            if is_file {
                if buf.len() + chunk.len() > MAX_TRANSFER_FILE {
                    too_big = true;
                } else {
                    buf.extend_from_slice(&chunk);
                }
            }
        }
        if is_file {
            file = Some(buf);
        }
    }
    let Some(file) = file else {
        return Err(ApiError::not_provided(version, "file"));
    };
    let invalid = || {
        ApiError::invalid_msg(
            version,
            "The file parameter is invalid. It must be a JSON array of objects with index_id, \
             language and object (and optionally transcription)."
                .to_owned(),
        )
    };
    if too_big {
        return Err(invalid());
    }
    let items: Vec<TransferItem> = serde_json::from_slice(&file).map_err(|_| invalid())?;
    let mut accepted = Vec::with_capacity(items.len());
    for item in items {
        let (Some(index_id), Some(object)) = (
            item.index_id.filter(|s| !s.trim().is_empty()),
            item.object.filter(|s| !s.trim().is_empty()),
        ) else {
            return Err(invalid());
        };
        if !ctx.shared.index_exists(&index_id) {
            return Err(ApiError::not_exist(version, &index_id, "indexes"));
        }
        accepted.push((index_id, object));
    }
    let now = Utc::now();
    let count = accepted.len() as u64;
    {
        let mut store = ctx.shared.store();
        for (index_id, object) in accepted {
            let (meta, outcome) = source::from_url(&object);
            store.create_task(
                ctx.shared.config.pace,
                now,
                NewTask {
                    index_id,
                    meta,
                    outcome,
                    stream: true,
                    user_metadata: None,
                    id_is_video_id: false,
                },
            );
        }
    }
    Counters::add(&ctx.shared.counters.tasks_created, count);
    tracing::debug!(count, "transfer accepted");
    Ok(StatusCode::NO_CONTENT)
}
