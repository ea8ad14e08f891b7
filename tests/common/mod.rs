//! Shared setup for the end-to-end tests: an emulator, clients on a fake clock,
//! the sample video and small helpers.
#![allow(dead_code)]

use std::path::PathBuf;
use std::sync::Arc;

use twelvelabs::transport::ManualClock;
use twelvelabs::{ApiVersion, Error, Task, TwelveLabs};
use twelvelabs_emulator::{Emulator, EmulatorConfig, Pace};

/// Both API versions, for loops.
pub const VERSIONS: [ApiVersion; 2] = [ApiVersion::V1_2, ApiVersion::V1_3];

/// An emulator where tasks advance one step per retrieve. Every test uses
/// its own index ids ([`index_id`]), created on first use.
pub async fn emulator() -> Emulator {
    Emulator::start(EmulatorConfig {
        pace: Pace::PerRetrieve,
        auto_create_indexes: true,
        ..Default::default()
    })
    .await
    .expect("emulator starts")
}

/// A client for `emu` speaking `version`, on a fresh manual clock.
pub fn client(emu: &Emulator, version: ApiVersion) -> TwelveLabs {
    client_with_clock(emu, version).0
}

/// A client for `emu` speaking `version`, and the manual clock it sleeps on.
pub fn client_with_clock(emu: &Emulator, version: ApiVersion) -> (TwelveLabs, ManualClock) {
    let clock = ManualClock::new();
    let client = TwelveLabs::builder()
        .api_key(emu.api_key())
        .base_url(emu.base_url())
        .api_version(version)
        .clock(Arc::new(clock.clone()))
        .build()
        .expect("client builds");
    (client, clock)
}

/// A distinct, 24-hex-character index id per test and version.
pub fn index_id(tag: u32, version: ApiVersion) -> String {
    let v = match version {
        ApiVersion::V1_2 => 2,
        _ => 3,
    };
    format!(
        "{:016x}{:08x}",
        0xabcd_0000_0000_0000u64 + u64::from(tag),
        v
    )
}

/// `examples/assets/sample.mp4` (640x360, 10 s), or a tiny MP4 written to a temp
/// file if the asset is missing.
pub fn sample_mp4() -> PathBuf {
    let asset = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("examples/assets/sample.mp4");
    if asset.exists() {
        return asset;
    }
    let path = std::env::temp_dir().join(format!("twelvelabs-e2e-{}.mp4", std::process::id()));
    let mut bytes = vec![0, 0, 0, 0x18];
    bytes.extend_from_slice(b"ftypisom\0\0\x02\0isomiso2");
    bytes.extend_from_slice(&[0u8; 4096]);
    std::fs::write(&path, bytes).expect("write temp mp4");
    path
}

/// Whether the real asset is present (then its metadata is known).
pub fn has_real_sample() -> bool {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("examples/assets/sample.mp4")
        .exists()
}

/// The number of tasks in `index` according to `GET /tasks`.
pub async fn count_tasks(client: &TwelveLabs, index: &str) -> u64 {
    client
        .task()
        .list()
        .index_id(index)
        .page_limit(50)
        .send_page()
        .await
        .expect("list")
        .page_info
        .total_results
}

/// Every task of `index` (up to 50), newest first.
pub async fn tasks_of(client: &TwelveLabs, index: &str) -> Vec<Task> {
    client
        .task()
        .list()
        .index_id(index)
        .page_limit(50)
        .send()
        .await
        .expect("list")
}

/// The API error's code, or a panic with the error.
pub fn api_code(e: &Error) -> String {
    e.code()
        .unwrap_or_else(|| panic!("expected an API error with a code, got {e:?}"))
        .to_owned()
}
