//! Per-call options on every builder: `with_header`, `with_sensitive_header`,
//! `with_query`, `with_attempt_timeout`, `with_deadline`, `with_retry`,
//! `with_options` — the `**kwargs` of the Python SDK, named so they can
//! never collide with API fields.

// The builder machinery is shared with the other resource crates.
pub(crate) use twelvelabs_transport::builder::check_id;
pub(crate) use twelvelabs_transport::{impl_into_future, impl_request_options};
