//! Shared test helpers: executor builders over the crate's own
//! `testing::FakeTransport` (feature `test-util`), which the tests use as a
//! user would.
#![allow(dead_code)]

use std::sync::Arc;

pub use twelvelabs_transport::testing::{FakeTransport, Scripted};
use twelvelabs_transport::{ApiKey, ClientConfig, Executor, HttpTransport, ManualClock};

/// The secret used by every test; it must never show up in any output.
pub const SECRET: &str = "tlk_TOPSECRET_9f8e7d6c5b4a";

/// A config with the test key, a manual clock and a local base URL.
pub fn config() -> (ClientConfig, ManualClock) {
    let clock = ManualClock::new();
    let mut config = ClientConfig::new(ApiKey::new(SECRET).unwrap());
    config.base_url = url::Url::parse("http://api.test").unwrap();
    config.clock = Arc::new(clock.clone());
    (config, clock)
}

/// An executor over the fake, with the manual clock.
pub fn executor(fake: &Arc<FakeTransport>) -> (Executor, ManualClock) {
    executor_with(fake, |_| {})
}

/// An executor over the fake, after `tweak` edits the config.
pub fn executor_with(
    fake: &Arc<FakeTransport>,
    tweak: impl FnOnce(&mut ClientConfig),
) -> (Executor, ManualClock) {
    let (mut config, clock) = config();
    tweak(&mut config);
    let transport: Arc<dyn HttpTransport> = fake.clone();
    (Executor::new(transport, config), clock)
}
