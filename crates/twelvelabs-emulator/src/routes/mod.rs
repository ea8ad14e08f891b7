//! The router: `/v1.2/...` and `/v1.3/...`, authentication, the
//! `X-Api-Version` header, request accounting and the 404/405 fallbacks.

use std::sync::Arc;

use axum::body::Body;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::{HeaderName, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use futures_util::{FutureExt, StreamExt};

use crate::error::ApiError;
use crate::faults::{self, drain_body, DRAIN_CAP};
use crate::store::{Counters, Shared};
use crate::version::Version;
use crate::wire::RenderOpts;

mod create;
mod imports;
mod indexes;
mod tasks;
mod transfers;

/// Per-version handler state.
#[derive(Clone)]
pub(crate) struct Ctx {
    pub shared: Arc<Shared>,
    pub version: Version,
}

impl Ctx {
    pub fn render_opts(&self, view: crate::wire::View) -> RenderOpts<'_> {
        RenderOpts {
            version: self.version,
            view,
            base_url: &self.shared.base_url,
            video_id_at_creation: self.shared.config.video_id_at_creation,
        }
    }
}

/// Builds the whole application.
pub(crate) fn router(shared: Arc<Shared>) -> Router {
    let hls = Router::new()
        .route("/hls/{video_id}/stream/{file}", get(indexes::hls_playlist))
        .with_state(shared.clone());
    Router::new()
        .nest("/v1.2", version_router(Version::V12, shared.clone()))
        .merge(hls)
        .nest("/v1.3", version_router(Version::V13, shared.clone()))
        .fallback(fallback)
        .layer(middleware::from_fn_with_state(shared.clone(), auth))
        .layer(middleware::from_fn_with_state(
            shared.clone(),
            faults::fault_layer,
        ))
        .layer(middleware::from_fn_with_state(shared.clone(), catch_panic))
        .layer(middleware::from_fn_with_state(shared, outer))
}

fn version_router(version: Version, shared: Arc<Shared>) -> Router {
    let ctx = Ctx { shared, version };
    let mut r = Router::new()
        .route(
            "/tasks",
            get(tasks::list_tasks)
                .post(create::create_task)
                .layer(DefaultBodyLimit::disable()),
        )
        .route(
            "/tasks/{task_id}",
            get(tasks::retrieve_task).delete(tasks::delete_task),
        )
        .route(
            "/tasks/transfers/import/{integration_id}",
            post(imports::import_videos),
        )
        .route(
            "/tasks/transfers/import/{integration_id}/status",
            get(imports::import_status),
        )
        .route(
            "/tasks/transfers/import/{integration_id}/logs",
            get(imports::import_logs),
        )
        .route(
            "/indexes",
            get(indexes::list_indexes).post(indexes::create_index),
        )
        .route(
            "/indexes/{index_id}",
            get(indexes::retrieve_index)
                .put(indexes::update_index)
                .delete(indexes::delete_index),
        )
        .route("/indexes/{index_id}/videos", get(indexes::list_videos));
    let video = get(indexes::retrieve_video)
        .put(indexes::update_video)
        .delete(indexes::delete_video);
    r = r.route(
        "/indexes/{index_id}/videos/{video_id}",
        match version {
            Version::V12 => video,
            Version::V13 => video.patch(indexes::update_video),
        },
    );
    r = match version {
        Version::V12 => r.route("/tasks/status", get(tasks::index_status)).route(
            "/tasks/transfers",
            post(transfers::transfer).layer(DefaultBodyLimit::disable()),
        ),
        Version::V13 => r
            .route("/tasks/transfers", post(fallback))
            .route("/tasks/status", get(fallback)),
    };
    r.method_not_allowed_fallback(method_not_allowed)
        .with_state(ctx)
}

async fn fallback(request: Request) -> Response {
    let version = Version::from_path(request.uri().path());
    drain_body(request.into_body(), DRAIN_CAP).await;
    ApiError::no_route(version).into_response()
}

async fn method_not_allowed(request: Request) -> Response {
    let version = Version::from_path(request.uri().path());
    let method = request.method().clone();
    drain_body(request.into_body(), DRAIN_CAP).await;
    ApiError::new(
        version,
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        format!("The {method} method is not allowed on this endpoint."),
    )
    .into_response()
}

/// Checks `x-api-key` (HLS playlists are public, as players fetch them
/// directly).
async fn auth(State(shared): State<Arc<Shared>>, request: Request, next: Next) -> Response {
    if request.method() == axum::http::Method::GET && request.uri().path().starts_with("/hls/") {
        return next.run(request).await;
    }
    let version = Version::from_path(request.uri().path());
    let verdict = match request.headers().get("x-api-key") {
        None => Some(true),
        Some(v) if v.as_bytes() == shared.config.api_key.as_bytes() => None,
        Some(_) => Some(false),
    };
    match verdict {
        None => next.run(request).await,
        Some(missing) => {
            drain_body(request.into_body(), DRAIN_CAP).await;
            ApiError::unauthorized(version, missing).into_response()
        }
    }
}

/// Turns a panic in a handler into `500` with the API's error body (instead
/// of a dropped connection) and counts it in `Stats::handler_panics`. Handlers
/// are meant to be total; this is the net under them.
async fn catch_panic(State(shared): State<Arc<Shared>>, request: Request, next: Next) -> Response {
    let version = Version::from_path(request.uri().path());
    match std::panic::AssertUnwindSafe(next.run(request))
        .catch_unwind()
        .await
    {
        Ok(response) => response,
        Err(_) => {
            Counters::add(&shared.counters.handler_panics, 1);
            tracing::error!("emulator handler panicked");
            ApiError::new(
                version,
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal_error",
                "The emulator failed to handle this request.".to_owned(),
            )
            .into_response()
        }
    }
}

/// Counts requests and body bytes; stamps `X-Api-Version` on every response.
async fn outer(State(shared): State<Arc<Shared>>, request: Request, next: Next) -> Response {
    Counters::add(&shared.counters.requests, 1);
    let version = Version::from_path(request.uri().path());
    let counting = shared.clone();
    let request = request.map(|body| {
        Body::from_stream(body.into_data_stream().map(move |chunk| {
            if let Ok(bytes) = &chunk {
                Counters::add(&counting.counters.bytes_received, bytes.len() as u64);
            }
            chunk
        }))
    });
    let mut response = next.run(request).await;
    response.headers_mut().insert(
        HeaderName::from_static("x-api-version"),
        HeaderValue::from_static(version.as_str()),
    );
    response
}
