//! Lenient RFC 3339 timestamp helpers.
//!
//! The API sends timestamps as RFC 3339 strings in several forms:
//! `2022-06-09T04:50:00.879Z` (milliseconds), `2024-03-01T00:00:00Z` (no
//! fraction) and `2022-08-01T17:22:18.372553+09:00` (microseconds and an
//! offset). All of them parse to a [`DateTime<Utc>`] (offsets are converted to
//! UTC). The model types use these helpers for every timestamp field; they are
//! public so other crates (and users) can apply the same rules with
//! `#[serde(with = "twelvelabs_models::time::rfc3339")]`.
//!
//! ```
//! use twelvelabs_models::time::{format_timestamp, parse_timestamp};
//!
//! let t = parse_timestamp("2022-08-01T17:22:18.372553+09:00").unwrap();
//! assert_eq!(format_timestamp(&t), "2022-08-01T08:22:18.372553Z");
//! assert_eq!(
//!     format_timestamp(&parse_timestamp("2024-03-01T00:00:00Z").unwrap()),
//!     "2024-03-01T00:00:00Z"
//! );
//! ```

use chrono::{DateTime, FixedOffset, NaiveDateTime, SecondsFormat, Utc};

/// Parses a timestamp leniently, in this order:
///
/// 1. strict RFC 3339 (`2024-03-01T00:00:00Z`, `…00.879Z`, `…+09:00`);
/// 2. chrono's relaxed RFC 3339 (a space instead of `T`, for example);
/// 3. a date-time without any offset (`2024-03-01T00:00:00`), taken as UTC.
///
/// Leading and trailing whitespace is ignored. On failure the error of the
/// strict RFC 3339 parse is returned.
pub fn parse_timestamp(s: &str) -> Result<DateTime<Utc>, chrono::ParseError> {
    let s = s.trim();
    let strict = match DateTime::parse_from_rfc3339(s) {
        Ok(dt) => return Ok(dt.with_timezone(&Utc)),
        Err(e) => e,
    };
    if let Ok(dt) = s.parse::<DateTime<FixedOffset>>() {
        return Ok(dt.with_timezone(&Utc));
    }
    for format in ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M:%S%.f"] {
        if let Ok(naive) = NaiveDateTime::parse_from_str(s, format) {
            return Ok(naive.and_utc());
        }
    }
    Err(strict)
}

/// Formats a timestamp the way the API does: RFC 3339 in UTC with a `Z`
/// suffix and only as many fraction digits as needed (none, 3, 6 or 9).
pub fn format_timestamp(dt: &DateTime<Utc>) -> String {
    dt.to_rfc3339_opts(SecondsFormat::AutoSi, true)
}

/// `#[serde(with = "twelvelabs_models::time::rfc3339")]` for a `DateTime<Utc>`
/// field: writes [`format_timestamp`], reads with [`parse_timestamp`].
pub mod rfc3339 {
    use chrono::{DateTime, Utc};
    use serde::{Deserialize, Deserializer, Serializer};

    /// Serialises with [`format_timestamp`](super::format_timestamp).
    pub fn serialize<S: Serializer>(dt: &DateTime<Utc>, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&super::format_timestamp(dt))
    }

    /// Deserialises a string with [`parse_timestamp`](super::parse_timestamp).
    pub fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<DateTime<Utc>, D::Error> {
        let s = String::deserialize(deserializer)?;
        super::parse_timestamp(&s).map_err(|e| {
            serde::de::Error::custom(format_args!("invalid RFC 3339 timestamp {s:?}: {e}"))
        })
    }
}

/// `#[serde(with = "twelvelabs_models::time::rfc3339_option")]` for an
/// `Option<DateTime<Utc>>` field: `null` reads as `None`. Combine with
/// `#[serde(default, skip_serializing_if = "Option::is_none")]` to also accept
/// a missing key and to omit `None`.
pub mod rfc3339_option {
    use chrono::{DateTime, Utc};
    use serde::{Deserialize, Deserializer, Serializer};

    /// Serialises `Some` with [`format_timestamp`](super::format_timestamp) and
    /// `None` as `null`.
    pub fn serialize<S: Serializer>(
        dt: &Option<DateTime<Utc>>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        match dt {
            Some(dt) => super::rfc3339::serialize(dt, serializer),
            None => serializer.serialize_none(),
        }
    }

    /// Deserialises `null` as `None` and a string with
    /// [`parse_timestamp`](super::parse_timestamp).
    pub fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<DateTime<Utc>>, D::Error> {
        match Option::<String>::deserialize(deserializer)? {
            None => Ok(None),
            Some(s) => super::parse_timestamp(&s).map(Some).map_err(|e| {
                serde::de::Error::custom(format_args!("invalid RFC 3339 timestamp {s:?}: {e}"))
            }),
        }
    }
}
