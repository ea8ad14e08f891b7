//! The two API versions the emulator serves.

/// An API version prefix (`/v1.2`, `/v1.3`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Version {
    V12,
    V13,
}

impl Version {
    /// The path prefix and `X-Api-Version` value.
    pub fn as_str(self) -> &'static str {
        match self {
            Version::V12 => "v1.2",
            Version::V13 => "v1.3",
        }
    }

    /// The `docs_url` of error bodies.
    pub fn docs_url(self) -> &'static str {
        match self {
            Version::V12 => "https://docs.twelvelabs.io/v1.2/reference/error-codes",
            Version::V13 => "https://docs.twelvelabs.io/v1.3/api-reference/error-codes",
        }
    }

    /// The version named by a request path; unknown prefixes map to the latest.
    pub fn from_path(path: &str) -> Version {
        if path == "/v1.2" || path.starts_with("/v1.2/") {
            Version::V12
        } else {
            Version::V13
        }
    }
}
