//! Query-string encodings shared by the resource crates: typed date filters
//! ([`DateFilter`]) and number filters ([`NumberFilter`]), each either one
//! value (`field=…`) or an inclusive range (`field[gte]=…&field[lte]=…`), the
//! way every Twelve Labs list endpoint reads them.

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};

use crate::Error;

/// One end of a date filter.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum DateValue {
    /// An instant.
    At(DateTime<Utc>),
    /// A whole UTC day (`2024-05-17`).
    Day(NaiveDate),
}

impl DateValue {
    /// The wire form: RFC 3339 with milliseconds, or `YYYY-MM-DD`.
    pub fn render(&self) -> String {
        match self {
            DateValue::At(t) => t.to_rfc3339_opts(SecondsFormat::Millis, true),
            DateValue::Day(d) => d.format("%Y-%m-%d").to_string(),
        }
    }

    fn start(&self) -> DateTime<Utc> {
        match self {
            DateValue::At(t) => *t,
            DateValue::Day(d) => d.and_hms_opt(0, 0, 0).expect("midnight").and_utc(),
        }
    }

    /// Parses an RFC 3339 timestamp or a `YYYY-MM-DD` date.
    pub fn parse(s: &str) -> Result<Self, Error> {
        let s = s.trim();
        if let Ok(t) = DateTime::parse_from_rfc3339(s) {
            return Ok(DateValue::At(t.with_timezone(&Utc)));
        }
        if let Ok(d) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
            return Ok(DateValue::Day(d));
        }
        Err(Error::invalid_input(
            "date",
            format!("`{s}` is neither an RFC 3339 timestamp nor a YYYY-MM-DD date"),
        ))
    }
}

impl From<DateTime<Utc>> for DateValue {
    fn from(t: DateTime<Utc>) -> Self {
        DateValue::At(t)
    }
}

impl From<NaiveDate> for DateValue {
    fn from(d: NaiveDate) -> Self {
        DateValue::Day(d)
    }
}

/// A filter on `created_at`, `updated_at` or `estimated_time`: one value, or an
/// inclusive range (`[gte]`, `[lte]`).
///
/// ```
/// use chrono::{TimeZone, Utc};
/// use twelvelabs_transport::query::DateFilter;
///
/// let january = DateFilter::between(
///     Utc.with_ymd_and_hms(2024, 1, 1, 0, 0, 0).unwrap(),
///     Utc.with_ymd_and_hms(2024, 2, 1, 0, 0, 0).unwrap(),
/// );
/// let since = DateFilter::since(Utc.with_ymd_and_hms(2024, 1, 1, 0, 0, 0).unwrap());
/// let exact = DateFilter::parse("2024-09-17T07:53:46.365Z").unwrap();
/// # let _ = (january, since, exact);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DateFilter {
    /// `field=value` (a date alone matches the whole UTC day).
    On(DateValue),
    /// `field[gte]=from&field[lte]=to`; either end may be open.
    Range {
        /// Inclusive lower bound.
        gte: Option<DateValue>,
        /// Inclusive upper bound.
        lte: Option<DateValue>,
    },
}

impl DateFilter {
    /// Exactly this value.
    pub fn on(value: impl Into<DateValue>) -> Self {
        DateFilter::On(value.into())
    }

    /// From `from` to `to`, both inclusive.
    pub fn between(from: impl Into<DateValue>, to: impl Into<DateValue>) -> Self {
        DateFilter::Range {
            gte: Some(from.into()),
            lte: Some(to.into()),
        }
    }

    /// At or after `from`.
    pub fn since(from: impl Into<DateValue>) -> Self {
        DateFilter::Range {
            gte: Some(from.into()),
            lte: None,
        }
    }

    /// At or before `to`.
    pub fn until(to: impl Into<DateValue>) -> Self {
        DateFilter::Range {
            gte: None,
            lte: Some(to.into()),
        }
    }

    /// Parses the seed's string form: one RFC 3339 timestamp or date.
    pub fn parse(value: &str) -> Result<Self, Error> {
        DateValue::parse(value).map(DateFilter::On)
    }

    /// Refuses an inverted range or one with neither end, naming `field`.
    pub fn check(&self, field: &str) -> Result<(), Error> {
        match self {
            DateFilter::Range {
                gte: Some(a),
                lte: Some(b),
            } if a.start() > b.start() => Err(Error::invalid_input(
                field,
                format!(
                    "the range is inverted: {} is after {}",
                    a.render(),
                    b.render()
                ),
            )),
            DateFilter::Range {
                gte: None,
                lte: None,
            } => Err(Error::invalid_input(
                field,
                "a range needs at least one end",
            )),
            _ => Ok(()),
        }
    }

    /// Appends the filter's query pairs for `field` (`field=…`, or
    /// `field[gte]=…` then `field[lte]=…`).
    pub fn push_query(&self, field: &str, query: &mut Vec<(String, String)>) {
        match self {
            DateFilter::On(v) => query.push((field.to_owned(), v.render())),
            DateFilter::Range { gte, lte } => {
                if let Some(v) = gte {
                    query.push((format!("{field}[gte]"), v.render()));
                }
                if let Some(v) = lte {
                    query.push((format!("{field}[lte]"), v.render()));
                }
            }
        }
    }
}

impl From<DateTime<Utc>> for DateFilter {
    fn from(t: DateTime<Utc>) -> Self {
        DateFilter::on(t)
    }
}

impl From<NaiveDate> for DateFilter {
    fn from(d: NaiveDate) -> Self {
        DateFilter::on(d)
    }
}

/// A filter on a number (`duration`, `fps`, `size`, `width`, `height`): one
/// value, or an inclusive range (`[gte]`, `[lte]`).
///
/// ```
/// use twelvelabs_transport::query::NumberFilter;
///
/// let mut query = Vec::new();
/// NumberFilter::between(10, 20).push_query("duration", &mut query);
/// NumberFilter::from(854).push_query("width", &mut query);
/// assert_eq!(query[0], ("duration[gte]".to_owned(), "10".to_owned()));
/// assert_eq!(query[2], ("width".to_owned(), "854".to_owned()));
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum NumberFilter {
    /// `field=value`.
    Eq(f64),
    /// `field[gte]=from&field[lte]=to`; either end may be open.
    Range {
        /// Inclusive lower bound.
        gte: Option<f64>,
        /// Inclusive upper bound.
        lte: Option<f64>,
    },
}

impl NumberFilter {
    /// Exactly this value.
    pub fn eq(value: impl Into<f64>) -> Self {
        NumberFilter::Eq(value.into())
    }

    /// From `from` to `to`, both inclusive.
    pub fn between(from: impl Into<f64>, to: impl Into<f64>) -> Self {
        NumberFilter::Range {
            gte: Some(from.into()),
            lte: Some(to.into()),
        }
    }

    /// At least `from`.
    pub fn at_least(from: impl Into<f64>) -> Self {
        NumberFilter::Range {
            gte: Some(from.into()),
            lte: None,
        }
    }

    /// At most `to`.
    pub fn at_most(to: impl Into<f64>) -> Self {
        NumberFilter::Range {
            gte: None,
            lte: Some(to.into()),
        }
    }

    /// Refuses non-finite or negative bounds, an inverted range and a range
    /// with neither end, naming `field`.
    pub fn check(&self, field: &str) -> Result<(), Error> {
        let bad = |v: f64| !v.is_finite() || v < 0.0;
        match *self {
            NumberFilter::Eq(v) | NumberFilter::Range { gte: Some(v), .. } if bad(v) => {
                Err(Error::invalid_input(
                    field,
                    format!("must be a finite, non-negative number, got {v}"),
                ))
            }
            NumberFilter::Range { lte: Some(v), .. } if bad(v) => Err(Error::invalid_input(
                field,
                format!("must be a finite, non-negative number, got {v}"),
            )),
            NumberFilter::Range {
                gte: Some(a),
                lte: Some(b),
            } if a > b => Err(Error::invalid_input(
                field,
                format!("the range is inverted: {a} is above {b}"),
            )),
            NumberFilter::Range {
                gte: None,
                lte: None,
            } => Err(Error::invalid_input(
                field,
                "a range needs at least one end",
            )),
            _ => Ok(()),
        }
    }

    /// Whether this is a range (rendered with `[gte]`/`[lte]` keys).
    pub fn is_range(&self) -> bool {
        matches!(self, NumberFilter::Range { .. })
    }

    /// Appends the filter's query pairs for `field`.
    pub fn push_query(&self, field: &str, query: &mut Vec<(String, String)>) {
        match *self {
            NumberFilter::Eq(v) => query.push((field.to_owned(), v.to_string())),
            NumberFilter::Range { gte, lte } => {
                if let Some(v) = gte {
                    query.push((format!("{field}[gte]"), v.to_string()));
                }
                if let Some(v) = lte {
                    query.push((format!("{field}[lte]"), v.to_string()));
                }
            }
        }
    }
}

impl From<f64> for NumberFilter {
    fn from(v: f64) -> Self {
        NumberFilter::Eq(v)
    }
}

impl From<u32> for NumberFilter {
    fn from(v: u32) -> Self {
        NumberFilter::Eq(v.into())
    }
}

impl From<i32> for NumberFilter {
    fn from(v: i32) -> Self {
        NumberFilter::Eq(v.into())
    }
}

impl From<std::ops::RangeInclusive<f64>> for NumberFilter {
    fn from(r: std::ops::RangeInclusive<f64>) -> Self {
        NumberFilter::between(*r.start(), *r.end())
    }
}

impl DateFilter {
    /// Whether this is a range (rendered with `[gte]`/`[lte]` keys).
    pub fn is_range(&self) -> bool {
        matches!(self, DateFilter::Range { .. })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn number_filters_render_and_check() {
        let mut q = Vec::new();
        NumberFilter::eq(531.998133).push_query("duration", &mut q);
        NumberFilter::at_least(1000).push_query("size", &mut q);
        NumberFilter::at_most(30).push_query("fps", &mut q);
        assert_eq!(
            q,
            [
                ("duration".to_owned(), "531.998133".to_owned()),
                ("size[gte]".to_owned(), "1000".to_owned()),
                ("fps[lte]".to_owned(), "30".to_owned()),
            ]
        );
        assert!(NumberFilter::between(2, 1).check("size").is_err());
        assert!(NumberFilter::eq(f64::NAN).check("fps").is_err());
        assert!(NumberFilter::at_most(-1).check("fps").is_err());
        assert!(NumberFilter::Range {
            gte: None,
            lte: None
        }
        .check("fps")
        .is_err());
        assert!(NumberFilter::from(1.0..=2.0).check("fps").is_ok());
    }
}
