//! Helpers shared by `cargo xtask bench` and `cargo xtask resilience`: emulators,
//! temporary files, peak-RSS readings and small statistics.

use std::path::{Path, PathBuf};

use twelvelabs::TwelveLabs;
use twelvelabs_emulator::{Emulator, EmulatorConfig};

/// One mebibyte.
pub(crate) const MIB: u64 = 1024 * 1024;

/// Starts an in-process emulator, with the error as a string. Scenarios and
/// benchmarks name their own indexes, so unknown indexes are created on
/// first use (`auto_create_indexes`).
pub(crate) async fn start(config: EmulatorConfig) -> Result<Emulator, String> {
    Emulator::start(EmulatorConfig {
        auto_create_indexes: true,
        ..config
    })
    .await
    .map_err(|e| format!("emulator: {e}"))
}

/// A file removed when dropped.
pub(crate) struct TempFile(pub(crate) PathBuf);

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// A path in the temp directory, unique to this process.
pub(crate) fn temp_path(name: &str) -> PathBuf {
    std::env::temp_dir().join(format!("xtask-{}-{name}", std::process::id()))
}

/// Median of a sample (NaN for an empty one).
pub(crate) fn median(xs: &[f64]) -> f64 {
    percentile(xs, 50.0)
}

/// Nearest-rank percentile.
pub(crate) fn percentile(xs: &[f64], p: f64) -> f64 {
    if xs.is_empty() {
        return f64::NAN;
    }
    let mut v = xs.to_vec();
    v.sort_by(|a, b| a.total_cmp(b));
    let rank = ((p / 100.0) * v.len() as f64).ceil() as usize;
    v[rank.clamp(1, v.len()) - 1]
}

/// A `/proc/self/status` field in KiB (`VmRSS`, `VmHWM`).
pub(crate) fn proc_status_kib(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status.lines().find_map(|l| {
        let rest = l.strip_prefix(field)?.strip_prefix(':')?;
        rest.split_whitespace().next()?.parse().ok()
    })
}

/// Resets `VmHWM` to the current RSS (Linux `clear_refs` 5); best effort.
pub(crate) fn reset_peak_rss() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

/// The workspace root (the parent of `xtask/`).
pub(crate) fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}

/// A client for an emulator.
pub(crate) fn sdk_client(emu: &Emulator) -> Result<TwelveLabs, String> {
    TwelveLabs::builder()
        .api_key(emu.api_key())
        .base_url(emu.base_url())
        .build()
        .map_err(|e| format!("client: {e}"))
}

/// Writes a file of `size` bytes (a non-constant pattern) with std I/O.
pub(crate) fn write_file(path: &Path, size: u64) -> Result<(), String> {
    use std::io::Write;
    let mut f = std::io::BufWriter::with_capacity(
        MIB as usize,
        std::fs::File::create(path).map_err(|e| format!("create {}: {e}", path.display()))?,
    );
    let mut chunk = vec![0u8; MIB as usize];
    for (i, b) in chunk.iter_mut().enumerate() {
        *b = (i.wrapping_mul(31) % 251) as u8;
    }
    let mut left = size;
    while left > 0 {
        let n = left.min(MIB) as usize;
        f.write_all(&chunk[..n])
            .map_err(|e| format!("write: {e}"))?;
        left -= n as u64;
    }
    f.flush().map_err(|e| format!("flush: {e}"))
}
