//! Query-string parsing for `GET /tasks` (and the `index_id` of the status
//! endpoints), done on the raw query so that repeated keys and bracketed
//! range keys (`created_at[gte]`, raw or percent-encoded) are kept.
//!
//! Date filters: a date-only value (`2024-03-01`) matches the whole UTC day; a
//! full RFC 3339 timestamp matches what happened on that UTC date at or after
//! the given time (the spec's reading). Ranges
//! (`[gte]`, `[lte]`) are inclusive; a date-only `lte` includes that whole day.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use percent_encoding::percent_decode_str;

use crate::error::ApiError;
use crate::lifecycle::{trunc_ms, Snapshot, Status};
use crate::store::TaskRecord;
use crate::version::Version;

/// Decodes `a=1&b=2&b=3` into ordered pairs (`+` means space).
pub(crate) fn parse_pairs(raw: Option<&str>) -> Vec<(String, String)> {
    let decode = |s: &str| {
        let s = s.replace('+', " ");
        percent_decode_str(&s).decode_utf8_lossy().into_owned()
    };
    raw.unwrap_or("")
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| match p.split_once('=') {
            Some((k, v)) => (decode(k), decode(v)),
            None => (decode(p), String::new()),
        })
        .collect()
}

/// The last value of `key`, if any.
pub(crate) fn get<'a>(pairs: &'a [(String, String)], key: &str) -> Option<&'a str> {
    pairs
        .iter()
        .rev()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
}

/// A `page` value (≥ 1).
pub(crate) fn parse_page(value: &str) -> Option<u64> {
    value.trim().parse::<u64>().ok().filter(|p| *p >= 1)
}

/// A `page_limit` value (1..=50).
pub(crate) fn parse_page_limit(value: &str) -> Option<u64> {
    value
        .trim()
        .parse::<u64>()
        .ok()
        .filter(|p| (1..=50).contains(p))
}

/// `field[op]` → `(field, Some(op))`.
pub(crate) fn split_key(key: &str) -> (&str, Option<&str>) {
    if let Some(stripped) = key.strip_suffix(']') {
        if let Some((base, op)) = stripped.split_once('[') {
            return (base, Some(op));
        }
    }
    (key, None)
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum DateValue {
    Day(NaiveDate),
    At(DateTime<Utc>),
}

fn parse_date(s: &str) -> Option<DateValue> {
    let s = s.trim();
    if let Ok(d) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        return Some(DateValue::Day(d));
    }
    // A `+` offset sent unencoded arrives as a space.
    let fixed = s.replace(' ', "+");
    for candidate in [s, fixed.as_str()] {
        if let Ok(t) = DateTime::parse_from_rfc3339(candidate) {
            return Some(DateValue::At(trunc_ms(t.with_timezone(&Utc))));
        }
    }
    for fmt in ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M:%S%.f"] {
        if let Ok(t) = NaiveDateTime::parse_from_str(s, fmt) {
            return Some(DateValue::At(trunc_ms(t.and_utc())));
        }
    }
    None
}

fn day_start(d: NaiveDate) -> DateTime<Utc> {
    d.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc()
}

/// The last millisecond of a UTC day; saturates on the last representable
/// day instead of overflowing (`created_at[lte]=+262142-12-31`).
fn day_end(d: NaiveDate) -> DateTime<Utc> {
    d.and_hms_milli_opt(23, 59, 59, 999)
        .map(|t| t.and_utc())
        .unwrap_or(DateTime::<Utc>::MAX_UTC)
}

/// Exact-or-range filter on a timestamp.
#[derive(Debug, Clone, Default)]
pub(crate) struct DateFilter {
    eq: Option<DateValue>,
    gte: Option<DateTime<Utc>>,
    lte: Option<DateTime<Utc>>,
}

impl DateFilter {
    /// Applies `key[op]=value`; `Err` for an invalid date or operator.
    pub(crate) fn set(&mut self, op: Option<&str>, value: &str) -> Result<(), ()> {
        let v = parse_date(value).ok_or(())?;
        match (op, v) {
            (None, v) => self.eq = Some(v),
            (Some("gte"), DateValue::Day(d)) => self.gte = Some(day_start(d)),
            (Some("gte"), DateValue::At(t)) => self.gte = Some(t),
            (Some("lte"), DateValue::Day(d)) => self.lte = Some(day_end(d)),
            (Some("lte"), DateValue::At(t)) => self.lte = Some(t),
            (Some(_), _) => return Err(()),
        }
        Ok(())
    }

    pub(crate) fn matches(&self, t: DateTime<Utc>) -> bool {
        let t = trunc_ms(t);
        let eq_ok = match self.eq {
            None => true,
            Some(DateValue::Day(d)) => t.date_naive() == d,
            // The spec: "on that date, at or after the given time".
            Some(DateValue::At(x)) => t.date_naive() == x.date_naive() && t >= x,
        };
        eq_ok && self.gte.is_none_or(|g| t >= g) && self.lte.is_none_or(|l| t <= l)
    }
}

/// Exact-or-range filter on a number.
#[derive(Debug, Clone, Default)]
pub(crate) struct NumFilter {
    eq: Option<f64>,
    gte: Option<f64>,
    lte: Option<f64>,
}

impl NumFilter {
    /// Applies `key[op]=value`; `Err` for a non-finite number or bad operator.
    pub(crate) fn set(&mut self, op: Option<&str>, value: &str) -> Result<(), ()> {
        let v: f64 = value
            .trim()
            .parse()
            .ok()
            .filter(|v: &f64| v.is_finite())
            .ok_or(())?;
        match op {
            None => self.eq = Some(v),
            Some("gte") => self.gte = Some(v),
            Some("lte") => self.lte = Some(v),
            Some(_) => return Err(()),
        }
        Ok(())
    }

    fn is_set(&self) -> bool {
        self.eq.is_some() || self.gte.is_some() || self.lte.is_some()
    }

    pub(crate) fn matches(&self, v: Option<f64>) -> bool {
        if !self.is_set() {
            return true;
        }
        let Some(v) = v else { return false };
        self.eq.is_none_or(|e| (v - e).abs() < 1e-6)
            && self.gte.is_none_or(|g| v >= g - 1e-9)
            && self.lte.is_none_or(|l| v <= l + 1e-9)
    }
}

/// The sort key of a listing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SortBy {
    CreatedAt,
    UpdatedAt,
}

/// A parsed `GET /tasks` query.
#[derive(Debug, Clone)]
pub(crate) struct ListQuery {
    pub page: u64,
    pub page_limit: u64,
    pub sort_by: SortBy,
    pub desc: bool,
    id: Option<String>,
    index_id: Option<String>,
    filename: Option<String>,
    statuses: Vec<Status>,
    duration: NumFilter,
    width: NumFilter,
    height: NumFilter,
    created_at: DateFilter,
    updated_at: DateFilter,
    estimated_time: DateFilter,
}

impl ListQuery {
    /// Parses and validates a raw query string.
    pub fn parse(version: Version, raw: Option<&str>) -> Result<ListQuery, ApiError> {
        let mut q = ListQuery {
            page: 1,
            page_limit: 10,
            sort_by: SortBy::CreatedAt,
            desc: true,
            id: None,
            index_id: None,
            filename: None,
            statuses: Vec::new(),
            duration: NumFilter::default(),
            width: NumFilter::default(),
            height: NumFilter::default(),
            created_at: DateFilter::default(),
            updated_at: DateFilter::default(),
            estimated_time: DateFilter::default(),
        };
        for (key, value) in parse_pairs(raw) {
            let invalid = || ApiError::invalid(version, &key);
            let (base, op) = split_key(&key);
            match (base, op) {
                ("page", None) => q.page = parse_page(&value).ok_or_else(invalid)?,
                ("page_limit", None) => {
                    q.page_limit = parse_page_limit(&value).ok_or_else(invalid)?
                }
                ("sort_by", None) => {
                    q.sort_by = match value.as_str() {
                        "created_at" => SortBy::CreatedAt,
                        "updated_at" => SortBy::UpdatedAt,
                        _ => return Err(invalid()),
                    }
                }
                ("sort_option", None) => {
                    q.desc = match value.as_str() {
                        "desc" => true,
                        "asc" => false,
                        _ => return Err(invalid()),
                    }
                }
                ("_id", None) => q.id = Some(value).filter(|v| !v.is_empty()),
                ("index_id", None) => q.index_id = Some(value).filter(|v| !v.is_empty()),
                ("filename", None) => q.filename = Some(value).filter(|v| !v.is_empty()),
                ("status", None) => {
                    for s in value.split(',').map(str::trim).filter(|s| !s.is_empty()) {
                        q.statuses.push(Status::parse(s).ok_or_else(invalid)?);
                    }
                }
                ("duration" | "width" | "height", op) => {
                    let f = match base {
                        "duration" => &mut q.duration,
                        "width" => &mut q.width,
                        _ => &mut q.height,
                    };
                    f.set(op, &value).map_err(|()| invalid())?;
                }
                ("created_at" | "updated_at" | "estimated_time", op) => {
                    let f = match base {
                        "created_at" => &mut q.created_at,
                        "updated_at" => &mut q.updated_at,
                        _ => &mut q.estimated_time,
                    };
                    f.set(op, &value).map_err(|()| invalid())?;
                }
                (_, Some(_)) if matches!(base, "_id" | "index_id" | "filename" | "status") => {
                    return Err(invalid());
                }
                // Unknown parameters are ignored.
                _ => {}
            }
        }
        Ok(q)
    }

    /// Whether a task (in the given state) passes every filter.
    pub fn matches(&self, rec: &TaskRecord, snap: &Snapshot) -> bool {
        self.id.as_deref().is_none_or(|v| v == rec.id)
            && self.index_id.as_deref().is_none_or(|v| v == rec.index_id)
            && self
                .filename
                .as_deref()
                .is_none_or(|v| rec.meta.filename.as_deref() == Some(v))
            && (self.statuses.is_empty() || self.statuses.contains(&snap.status))
            && self.duration.matches(rec.meta.duration)
            && self.width.matches(rec.meta.width.map(f64::from))
            && self.height.matches(rec.meta.height.map(f64::from))
            && self.created_at.matches(rec.created_at)
            && self.updated_at.matches(snap.updated_at)
            && self.estimated_time.matches(snap.estimated_time)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairs_decode_brackets_and_plus() {
        let p = parse_pairs(Some("created_at%5Bgte%5D=2024-01-01T00%3A00%3A00Z&a[lte]=x&f=a+b&status=ready&status=failed&flag"));
        assert_eq!(
            p[0],
            ("created_at[gte]".into(), "2024-01-01T00:00:00Z".into())
        );
        assert_eq!(p[1], ("a[lte]".into(), "x".into()));
        assert_eq!(p[2], ("f".into(), "a b".into()));
        assert_eq!(p.len(), 6);
        assert_eq!(p[5], ("flag".into(), String::new()));
    }

    #[test]
    fn dates() {
        assert!(matches!(parse_date("2024-03-01"), Some(DateValue::Day(_))));
        assert!(matches!(
            parse_date("2024-03-01T10:00:00Z"),
            Some(DateValue::At(_))
        ));
        assert!(matches!(
            parse_date("2024-03-01T10:00:00 09:00"),
            Some(DateValue::At(_))
        ));
        assert!(matches!(
            parse_date("2024-03-01T10:00:00.123"),
            Some(DateValue::At(_))
        ));
        assert!(parse_date("yesterday").is_none());
    }

    #[test]
    fn validation() {
        let v = Version::V12;
        assert!(ListQuery::parse(v, Some("page_limit=0")).is_err());
        assert!(ListQuery::parse(v, Some("page_limit=51")).is_err());
        assert!(ListQuery::parse(v, Some("page_limit=50")).is_ok());
        assert!(ListQuery::parse(v, Some("page=0")).is_err());
        assert!(ListQuery::parse(v, Some("sort_option=up")).is_err());
        assert!(ListQuery::parse(v, Some("sort_by=name")).is_err());
        assert!(ListQuery::parse(v, Some("status=done")).is_err());
        assert!(ListQuery::parse(v, Some("created_at[gt]=2024-01-01")).is_err());
        assert!(ListQuery::parse(v, Some("unknown=1")).is_ok());
        // Extreme dates parse without overflowing.
        for q in [
            "created_at[lte]=+262142-12-31",
            "created_at[gte]=+262142-12-31",
            "created_at=+262142-12-31",
            "created_at[lte]=-262143-01-01",
            "updated_at[lte]=9999-12-31T23:59:59.999Z",
        ] {
            let parsed = ListQuery::parse(v, Some(q));
            if let Ok(q) = parsed {
                let _ = q.created_at.matches(Utc::now());
            }
        }
    }
}
