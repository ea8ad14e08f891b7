//! Exit codes and the error a command ends with.

use std::fmt;
use std::process::ExitCode;

/// Success.
pub const OK: u8 = 0;
/// An API, transport or file error.
pub const API: u8 = 1;
/// Bad usage: clap's own code for a bad command line, and ours for a missing
/// key or an invalid argument.
pub const USAGE: u8 = 2;
/// Some tasks ended `failed`.
pub const TASKS_FAILED: u8 = 3;
/// A deadline passed before the tasks were done.
pub const DEADLINE: u8 = 4;
/// Interrupted by Ctrl-C (128 + SIGINT, as shells report it).
pub const INTERRUPTED: u8 = 130;

/// Why a command did not succeed.
#[derive(Debug)]
pub enum CliError {
    /// An error of the SDK.
    Sdk(twelvelabs::Error),
    /// A bad argument the SDK never saw.
    Usage(String),
    /// Some of many operations failed; each was reported as it happened.
    Partial {
        /// How many failed.
        failed: usize,
        /// The exit code that describes the worst of them.
        code: u8,
    },
    /// Tasks ended `failed`.
    TasksFailed(usize),
    /// Ctrl-C.
    Interrupted(String),
    /// Stdout was closed (`| head`): stop quietly.
    Closed,
}

impl CliError {
    /// The process exit code.
    pub fn code(&self) -> u8 {
        match self {
            CliError::Sdk(e) => sdk_code(e),
            CliError::Usage(_) => USAGE,
            CliError::Partial { code, .. } => *code,
            CliError::TasksFailed(_) => TASKS_FAILED,
            CliError::Interrupted(_) => INTERRUPTED,
            CliError::Closed => OK,
        }
    }

    /// The exit code of the process.
    pub fn exit_code(&self) -> ExitCode {
        ExitCode::from(self.code())
    }
}

/// The exit code an SDK error maps to.
pub fn sdk_code(e: &twelvelabs::Error) -> u8 {
    use twelvelabs::Error as E;
    match e {
        E::Config(_) | E::InvalidInput { .. } => USAGE,
        E::WaitTimeout { .. } | E::DeadlineExceeded { .. } => DEADLINE,
        _ => API,
    }
}

impl From<twelvelabs::Error> for CliError {
    fn from(e: twelvelabs::Error) -> Self {
        CliError::Sdk(e)
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CliError::Sdk(e) => write!(f, "{}", describe(e)),
            CliError::Usage(m) => write!(f, "{m}"),
            CliError::Partial { failed, .. } => write!(f, "{failed} operation(s) failed"),
            CliError::TasksFailed(n) => write!(f, "{n} task(s) ended `failed`"),
            CliError::Interrupted(m) => write!(f, "interrupted: {m}"),
            CliError::Closed => Ok(()),
        }
    }
}

/// An SDK error with its causes, on one line. The SDK never puts the key in an
/// error, so this cannot print it.
pub fn describe(e: &twelvelabs::Error) -> String {
    let mut text = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        let more = s.to_string();
        // thiserror messages often already include their source.
        if !text.contains(&more) {
            text.push_str(": ");
            text.push_str(&more);
        }
        source = s.source();
    }
    text
}
