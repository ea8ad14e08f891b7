//! Flat `{code, message, docs_url}` error bodies with the documented codes.

use axum::http::{HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use crate::version::Version;

/// An API error ready to be rendered as the flat Task-API error body.
#[derive(Debug, Clone)]
pub(crate) struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    pub version: Version,
    pub headers: Vec<(HeaderName, HeaderValue)>,
}

#[derive(Serialize)]
struct ErrorBody<'a> {
    code: &'a str,
    message: &'a str,
    docs_url: &'a str,
}

impl ApiError {
    pub fn new(version: Version, status: StatusCode, code: &'static str, message: String) -> Self {
        ApiError {
            status,
            code,
            message,
            version,
            headers: Vec::new(),
        }
    }

    /// 400 `parameter_invalid`: "The {parameter} parameter is invalid."
    pub fn invalid(version: Version, parameter: &str) -> Self {
        Self::invalid_msg(version, format!("The {parameter} parameter is invalid."))
    }

    /// 400 `parameter_invalid` with a custom message.
    pub fn invalid_msg(version: Version, message: String) -> Self {
        Self::new(
            version,
            StatusCode::BAD_REQUEST,
            "parameter_invalid",
            message,
        )
    }

    /// 400 `parameter_not_provided`: "The {parameter} parameter is required."
    pub fn not_provided(version: Version, parameter: &str) -> Self {
        Self::not_provided_msg(version, format!("The {parameter} parameter is required."))
    }

    /// 400 `parameter_not_provided` with a custom message.
    pub fn not_provided_msg(version: Version, message: String) -> Self {
        Self::new(
            version,
            StatusCode::BAD_REQUEST,
            "parameter_not_provided",
            message,
        )
    }

    /// 404 `resource_not_exist`.
    pub fn not_exist(version: Version, id: &str, collection: &str) -> Self {
        Self::new(
            version,
            StatusCode::NOT_FOUND,
            "resource_not_exist",
            format!("Resource with id {id} does not exist in {collection}."),
        )
    }

    /// 404 for a path (or version) the emulator does not serve.
    pub fn no_route(version: Version) -> Self {
        Self::new(
            version,
            StatusCode::NOT_FOUND,
            "not_found",
            "The specified resource does not exist.".to_owned(),
        )
    }

    /// 401 `api_key_invalid`.
    pub fn unauthorized(version: Version, missing: bool) -> Self {
        let message = if missing {
            "No API key was provided. Pass your API key in the x-api-key header."
        } else {
            "The API key you provided is not valid or has expired. Please check it and try again."
        };
        Self::new(
            version,
            StatusCode::UNAUTHORIZED,
            "api_key_invalid",
            message.to_owned(),
        )
    }

    /// 429 `too_many_requests`, with `Retry-After` when `retry_after_header`.
    pub fn too_many_requests(
        version: Version,
        rate_limit: &str,
        retry_after_secs: u64,
        retry_after_header: bool,
    ) -> Self {
        let mut e = Self::new(
            version,
            StatusCode::TOO_MANY_REQUESTS,
            "too_many_requests",
            format!(
                "You have exceeded the rate limit ({rate_limit}). Please try again later after {retry_after_secs} seconds."
            ),
        );
        if retry_after_header {
            e.headers.push((
                axum::http::header::RETRY_AFTER,
                HeaderValue::from(retry_after_secs),
            ));
        }
        e
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ErrorBody {
            code: self.code,
            message: &self.message,
            docs_url: self.version.docs_url(),
        };
        let mut response = (self.status, axum::Json(body)).into_response();
        for (name, value) in self.headers {
            response.headers_mut().append(name, value);
        }
        response
    }
}
