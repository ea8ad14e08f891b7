//! Fault injection: errors before the handler, 429 with `Retry-After`, 503
//! after a create was stored, latency, stalls and connections dropped in the
//! middle of a response body.
//!
//! Faults come from the `x-emulator-fault` request header (comma-separated
//! tokens: `503`, `500`, any other 4xx/5xx code, `429`, `429:<secs>`,
//! `503-after-commit`, `drop`, `stall:<ms>`, `latency:<ms>`) or, when the
//! header is absent, from the configured rates, drawn from a generator seeded
//! with [`FaultConfig::seed`](crate::FaultConfig::seed): the same seed and the
//! same request order give the same faults.
//!
//! With [`FaultConfig::max_consecutive_faults`](crate::FaultConfig::max_consecutive_faults)
//! set, rate-driven faults come in bounded bursts: requests are keyed by method
//! and path (`GET /v1.2/tasks/<id>`), and after `n` injected faults in a row on
//! a key the next request with that key is served normally. The generator is
//! drawn from for every request either way, so the seed gives the same
//! sequence with and without the cap.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use futures_util::{FutureExt, StreamExt};

use crate::error::ApiError;
use crate::store::{Counters, Shared};
use crate::version::Version;

/// Request header that forces faults.
pub const FAULT_HEADER: &str = "x-emulator-fault";

/// Most request-body bytes read (and discarded) before answering with an
/// injected error, so that the client sees the response instead of a reset.
pub(crate) const DRAIN_CAP: u64 = 64 * 1024 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum PreFault {
    Status(u16),
    RateLimit(u64),
}

#[derive(Debug, Default)]
struct Plan {
    latency: Duration,
    stall: Option<Duration>,
    pre: Option<PreFault>,
    after_commit: bool,
    drop: bool,
}

fn parse_ms(s: &str) -> Option<Duration> {
    s.trim().parse::<u64>().ok().map(Duration::from_millis)
}

fn plan_from_header(value: &str, default_retry: u64) -> Plan {
    let mut plan = Plan::default();
    for token in value.split(',').map(str::trim).filter(|t| !t.is_empty()) {
        let lower = token.to_ascii_lowercase();
        match lower.as_str() {
            "drop" => plan.drop = true,
            "503-after-commit" | "after-commit" => plan.after_commit = true,
            "429" => plan.pre = Some(PreFault::RateLimit(default_retry)),
            t => {
                if let Some(ms) = t.strip_prefix("stall:") {
                    plan.stall = parse_ms(ms);
                } else if let Some(ms) = t.strip_prefix("latency:") {
                    plan.latency = parse_ms(ms).unwrap_or_default();
                } else if let Some(secs) = t.strip_prefix("429:") {
                    let secs = secs.trim().parse().unwrap_or(default_retry);
                    plan.pre = Some(PreFault::RateLimit(secs));
                } else if let Ok(code) = t.parse::<u16>() {
                    if (400..600).contains(&code) {
                        plan.pre = Some(PreFault::Status(code));
                    }
                } else {
                    tracing::warn!(token, "unknown {FAULT_HEADER} token ignored");
                }
            }
        }
    }
    plan
}

fn plan_from_rates(shared: &Shared, is_create: bool) -> Plan {
    let f = &shared.config.faults;
    let (e, r, c, d) = {
        let mut rng = shared.fault_rng.lock().unwrap_or_else(|p| p.into_inner());
        (rng.f64(), rng.f64(), rng.f64(), rng.f64())
    };
    let pre = if e < f.error_rate {
        Some(PreFault::Status(f.error_status))
    } else if r < f.rate_limit_rate {
        Some(PreFault::RateLimit(f.retry_after_secs))
    } else {
        None
    };
    Plan {
        latency: f.latency,
        stall: f.stall,
        pre,
        after_commit: is_create && pre.is_none() && c < f.error_after_commit_rate,
        drop: pre.is_none() && d < f.drop_rate,
    }
}

/// Most request keys [`Streaks`] tracks at once. Keys whose count is back to 0
/// are removed, so only keys in the middle of a burst are held; when the map is
/// full, a key that is not tracked gets no rate-driven fault (so the cap holds
/// and the map stays bounded).
const MAX_STREAK_KEYS: usize = 4096;

/// Rate-driven faults injected in a row, per request key (`"<METHOD> <path>"`).
/// Lives in [`Shared`] behind a `std::sync::Mutex`, never held across `.await`.
#[derive(Debug, Default)]
pub(crate) struct Streaks {
    counts: HashMap<String, u32>,
}

impl Streaks {
    /// Whether a fault drawn for `key` may be injected under a cap of `max` in
    /// a row, recording the outcome: an injected fault extends the key's
    /// streak, a normally served request (drawn without a fault, or forced
    /// normal by the cap) ends it.
    fn admit(&mut self, key: &str, drawn_fault: bool, max: u32) -> bool {
        if !drawn_fault {
            self.counts.remove(key);
            return false;
        }
        let tracked = self.counts.len();
        match self.counts.get_mut(key) {
            Some(n) if *n >= max => {
                self.counts.remove(key);
                false
            }
            Some(n) => {
                *n += 1;
                true
            }
            None if max == 0 || tracked >= MAX_STREAK_KEYS => false,
            None => {
                self.counts.insert(key.to_owned(), 1);
                true
            }
        }
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.counts.len()
    }
}

/// Applies [`FaultConfig::max_consecutive_faults`](crate::FaultConfig::max_consecutive_faults)
/// to a plan drawn from the rates.
fn cap_streak(shared: &Shared, method: &Method, path: &str, plan: &mut Plan) {
    let Some(max) = shared.config.faults.max_consecutive_faults else {
        return;
    };
    let drawn = plan.pre.is_some() || plan.after_commit || plan.drop;
    let key = format!("{method} {path}");
    let admitted = shared
        .fault_streaks
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .admit(&key, drawn, max);
    if drawn && !admitted {
        tracing::debug!(%key, max, "fault burst capped: serving normally");
        plan.pre = None;
        plan.after_commit = false;
        plan.drop = false;
    }
}

fn plan_for(shared: &Shared, request: &Request, is_create: bool) -> Plan {
    let headers = request.headers();
    // Always draw, so the rate sequence does not depend on which requests
    // carried the header.
    let mut from_rates = plan_from_rates(shared, is_create);
    match headers.get(FAULT_HEADER).and_then(|v| v.to_str().ok()) {
        Some(v) => {
            let mut p = plan_from_header(v, shared.config.faults.retry_after_secs);
            p.latency += shared.config.faults.latency;
            if p.stall.is_none() {
                p.stall = shared.config.faults.stall;
            }
            p
        }
        None => {
            cap_streak(
                shared,
                request.method(),
                request.uri().path(),
                &mut from_rates,
            );
            from_rates
        }
    }
}

fn status_code_name(status: u16) -> &'static str {
    match status {
        500 => "internal_server_error",
        502 => "bad_gateway",
        503 => "service_unavailable",
        504 => "gateway_timeout",
        408 => "request_timeout",
        409 => "conflict",
        _ => "emulated_fault",
    }
}

/// An injected error response.
pub(crate) fn error_response(version: Version, status: u16) -> Response {
    let code = StatusCode::from_u16(status).unwrap_or(StatusCode::SERVICE_UNAVAILABLE);
    ApiError::new(
        version,
        code,
        status_code_name(code.as_u16()),
        format!(
            "The service answered {} (fault injected by the emulator).",
            code.as_u16()
        ),
    )
    .into_response()
}

/// Reads and discards up to `cap` bytes of a request body.
pub(crate) async fn drain_body(body: Body, cap: u64) {
    let mut stream = body.into_data_stream();
    let mut seen = 0u64;
    while let Some(Ok(chunk)) = stream.next().await {
        seen += chunk.len() as u64;
        if seen > cap {
            break;
        }
    }
}

/// Replaces the body with one that sends about half of the bytes, then fails,
/// which makes hyper abort the connection mid-response.
async fn drop_mid_body(response: Response) -> Response {
    let (mut parts, body) = response.into_parts();
    let bytes = axum::body::to_bytes(body, usize::MAX)
        .await
        .unwrap_or_default();
    if parts.status == StatusCode::NO_CONTENT || parts.status == StatusCode::NOT_MODIFIED {
        parts.status = StatusCode::OK;
    }
    let promised = bytes.len().max(16);
    parts
        .headers
        .insert(header::CONTENT_LENGTH, HeaderValue::from(promised));
    let half: Bytes = bytes.slice(..bytes.len() / 2);
    let first = futures_util::stream::iter([Ok::<Bytes, std::io::Error>(half)]);
    let fail = async {
        // Let the first half reach the socket before the abort.
        tokio::time::sleep(Duration::from_millis(25)).await;
        Err::<Bytes, std::io::Error>(std::io::Error::new(
            std::io::ErrorKind::ConnectionAborted,
            "connection dropped by the emulator (fault injection)",
        ))
    }
    .into_stream();
    Response::from_parts(parts, Body::from_stream(first.chain(fail)))
}

fn is_create(method: &Method, path: &str) -> bool {
    method == Method::POST && matches!(path, "/v1.2/tasks" | "/v1.3/tasks")
}

/// The fault middleware.
pub(crate) async fn fault_layer(
    State(shared): State<Arc<Shared>>,
    request: Request,
    next: Next,
) -> Response {
    let version = Version::from_path(request.uri().path());
    let create = is_create(request.method(), request.uri().path());
    let plan = plan_for(&shared, &request, create);
    if !plan.latency.is_zero() {
        tokio::time::sleep(plan.latency).await;
    }
    let mut response = match plan.pre {
        Some(fault) => {
            Counters::add(&shared.counters.faults_injected, 1);
            tracing::debug!(?fault, path = %request.uri().path(), "injecting fault");
            drain_body(request.into_body(), DRAIN_CAP).await;
            match fault {
                PreFault::Status(429) | PreFault::RateLimit(_) => {
                    let secs = match fault {
                        PreFault::RateLimit(s) => s,
                        _ => shared.config.faults.retry_after_secs,
                    };
                    let c = &shared.config;
                    let limit = c.daily_create_limit.unwrap_or(c.reported_daily_limit);
                    let mut r = ApiError::too_many_requests(
                        version,
                        &format!("{limit} requests per day"),
                        secs,
                        c.retry_after_header,
                    )
                    .into_response();
                    crate::ratelimit::RateInfo::exhausted(limit, chrono::Utc::now(), secs)
                        .apply(r.headers_mut());
                    r
                }
                PreFault::Status(s) => error_response(version, s),
            }
        }
        None => next.run(request).await,
    };
    if plan.after_commit {
        Counters::add(&shared.counters.faults_injected, 1);
        tracing::debug!("injecting 503 after commit");
        response = error_response(version, 503);
    }
    if let Some(stall) = plan.stall {
        tokio::time::sleep(stall).await;
    }
    if plan.drop {
        Counters::add(&shared.counters.faults_injected, 1);
        tracing::debug!("dropping the connection mid-response");
        response = drop_mid_body(response).await;
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_tokens() {
        let p = plan_from_header("latency:20, 429:7", 1);
        assert_eq!(p.latency, Duration::from_millis(20));
        assert_eq!(p.pre, Some(PreFault::RateLimit(7)));
        let p = plan_from_header("503-after-commit", 1);
        assert!(p.after_commit && p.pre.is_none());
        let p = plan_from_header("drop,stall:5", 1);
        assert!(p.drop);
        assert_eq!(p.stall, Some(Duration::from_millis(5)));
        assert_eq!(plan_from_header("500", 1).pre, Some(PreFault::Status(500)));
        assert_eq!(plan_from_header("429", 3).pre, Some(PreFault::RateLimit(3)));
    }

    #[test]
    fn streaks_cap_bursts_and_forget_reset_keys() {
        let mut s = Streaks::default();
        let run: Vec<bool> = (0..8).map(|_| s.admit("GET /a", true, 3)).collect();
        assert_eq!(run, [true, true, true, false, true, true, true, false]);
        assert_eq!(s.len(), 0, "a key served normally is forgotten");
        assert!(s.admit("GET /a", true, 3));
        assert!(!s.admit("GET /a", false, 3));
        assert_eq!(s.len(), 0);
        assert!(!s.admit("GET /b", true, 0), "a cap of 0 injects nothing");
        for i in 0..MAX_STREAK_KEYS {
            assert!(s.admit(&format!("GET /k{i}"), true, 3));
        }
        assert!(
            !s.admit("GET /one-too-many", true, 3),
            "a full map injects no new burst"
        );
        assert_eq!(s.len(), MAX_STREAK_KEYS);
        assert!(s.admit("GET /k0", true, 3), "tracked keys go on");
    }
}
