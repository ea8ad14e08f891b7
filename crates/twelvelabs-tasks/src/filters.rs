//! List filters: values and typed date ranges, rendered the way the API reads them
//! (`created_at=...`, `created_at[gte]=...`, repeated `status=...`).

use twelvelabs_models::{SortBy, SortOption, TaskStatus};
use twelvelabs_transport::{ApiVersion, Error};

// The date filters are shared with the other resource crates.
pub use twelvelabs_transport::query::{DateFilter, DateValue};

/// The filters, sort and page of `GET /tasks`.
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct TaskFilters {
    /// `_id` (v1.2 only).
    pub id: Option<String>,
    /// `index_id`.
    pub index_id: Option<String>,
    /// `filename`.
    pub filename: Option<String>,
    /// `duration` in seconds.
    pub duration: Option<f64>,
    /// `width`.
    pub width: Option<u32>,
    /// `height`.
    pub height: Option<u32>,
    /// `created_at`.
    pub created_at: Option<DateFilter>,
    /// `updated_at`.
    pub updated_at: Option<DateFilter>,
    /// `estimated_time` (v1.2 only).
    pub estimated_time: Option<DateFilter>,
    /// `status`, repeated.
    pub status: Vec<TaskStatus>,
    /// `page`, from 1.
    pub page: Option<u32>,
    /// `page_limit`, 1 to 50.
    pub page_limit: Option<u32>,
    /// `sort_by`.
    pub sort_by: Option<SortBy>,
    /// `sort_option`.
    pub sort_option: Option<SortOption>,
}

/// The largest `page_limit` the API accepts.
pub const MAX_PAGE_LIMIT: u32 = 50;

impl TaskFilters {
    /// Checks the filters and renders them as query pairs, plain keys first, then
    /// ranges (the order the Python SDK sends).
    pub fn to_query(&self, version: ApiVersion) -> Result<Vec<(String, String)>, Error> {
        if version == ApiVersion::V1_3 {
            if self.id.is_some() {
                return Err(Error::invalid_input(
                    "id",
                    "the `_id` filter is v1.2 only; v1.3 does not accept it",
                ));
            }
            if self.estimated_time.is_some() {
                return Err(Error::invalid_input(
                    "estimated_time",
                    "the `estimated_time` filter is v1.2 only; v1.3 does not accept it",
                ));
            }
        }
        if let Some(p) = self.page {
            if p == 0 {
                return Err(Error::invalid_input("page", "pages are numbered from 1"));
            }
        }
        if let Some(l) = self.page_limit {
            if !(1..=MAX_PAGE_LIMIT).contains(&l) {
                return Err(Error::invalid_input(
                    "page_limit",
                    format!("must be between 1 and {MAX_PAGE_LIMIT}, got {l}"),
                ));
            }
        }
        if let Some(d) = self.duration {
            if !d.is_finite() || d < 0.0 {
                return Err(Error::invalid_input(
                    "duration",
                    format!("must be a finite, non-negative number of seconds, got {d}"),
                ));
            }
        }
        for (field, value) in [
            ("id", &self.id),
            ("index_id", &self.index_id),
            ("filename", &self.filename),
        ] {
            if let Some(v) = value {
                if v.trim().is_empty() {
                    return Err(Error::invalid_input(field, "must not be empty"));
                }
            }
        }
        let mut q: Vec<(String, String)> = Vec::new();
        fn push(q: &mut Vec<(String, String)>, k: &str, v: Option<String>) {
            if let Some(v) = v {
                q.push((k.to_owned(), v));
            }
        }
        push(&mut q, "_id", self.id.clone());
        push(&mut q, "index_id", self.index_id.clone());
        push(&mut q, "filename", self.filename.clone());
        push(&mut q, "duration", self.duration.map(|d| d.to_string()));
        push(&mut q, "width", self.width.map(|w| w.to_string()));
        push(&mut q, "height", self.height.map(|h| h.to_string()));
        // Exact dates are plain keys, before paging (the order the Python SDK
        // sends); ranges come last.
        let dates = [
            ("created_at", &self.created_at),
            ("updated_at", &self.updated_at),
            ("estimated_time", &self.estimated_time),
        ];
        for (field, filter) in dates {
            if let Some(f @ DateFilter::On(_)) = filter {
                f.push_query(field, &mut q);
            }
        }
        for s in &self.status {
            q.push(("status".to_owned(), s.as_str().to_owned()));
        }
        push(&mut q, "page", self.page.map(|p| p.to_string()));
        push(&mut q, "page_limit", self.page_limit.map(|p| p.to_string()));
        push(
            &mut q,
            "sort_by",
            self.sort_by.as_ref().map(|s| s.as_str().to_owned()),
        );
        push(
            &mut q,
            "sort_option",
            self.sort_option.as_ref().map(|s| s.as_str().to_owned()),
        );
        for (field, filter) in dates {
            if let Some(f @ DateFilter::Range { .. }) = filter {
                f.check(field)?;
                f.push_query(field, &mut q);
            }
        }
        Ok(q)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{NaiveDate, TimeZone, Utc};

    #[test]
    fn renders_like_the_python_sdk() {
        let f = TaskFilters {
            id: Some("T1".into()),
            index_id: Some("IDX".into()),
            duration: Some(20.0),
            updated_at: Some(DateFilter::parse("2024-03-01T00:00:00Z").unwrap()),
            page: Some(2),
            page_limit: Some(5),
            sort_by: Some(SortBy::UpdatedAt),
            sort_option: Some(SortOption::Asc),
            created_at: Some(DateFilter::between(
                Utc.with_ymd_and_hms(2024, 1, 1, 0, 0, 0).unwrap(),
                Utc.with_ymd_and_hms(2024, 2, 1, 0, 0, 0).unwrap(),
            )),
            ..Default::default()
        };
        let q = f.to_query(ApiVersion::V1_2).unwrap();
        let keys: Vec<&str> = q.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(
            keys,
            [
                "_id",
                "index_id",
                "duration",
                "updated_at",
                "page",
                "page_limit",
                "sort_by",
                "sort_option",
                "created_at[gte]",
                "created_at[lte]"
            ]
        );
        assert_eq!(q[2].1, "20");
        assert_eq!(q[8].1, "2024-01-01T00:00:00.000Z");
        assert_eq!(q[3].1, "2024-03-01T00:00:00.000Z");
        assert!(f.to_query(ApiVersion::V1_3).is_err());
    }

    #[test]
    fn rejects_bad_values() {
        let bad = |f: TaskFilters| f.to_query(ApiVersion::V1_2).unwrap_err();
        for limit in [0, 51] {
            let e = bad(TaskFilters {
                page_limit: Some(limit),
                ..Default::default()
            });
            assert!(matches!(e, Error::InvalidInput { ref field, .. } if field == "page_limit"));
        }
        let e = bad(TaskFilters {
            created_at: Some(DateFilter::between(
                Utc.with_ymd_and_hms(2024, 2, 1, 0, 0, 0).unwrap(),
                Utc.with_ymd_and_hms(2024, 1, 1, 0, 0, 0).unwrap(),
            )),
            ..Default::default()
        });
        assert!(e.to_string().contains("inverted"));
        assert!(DateFilter::parse("yesterday").is_err());
        assert_eq!(
            DateFilter::parse("2024-05-17").unwrap(),
            DateFilter::On(DateValue::Day(
                NaiveDate::from_ymd_opt(2024, 5, 17).unwrap()
            ))
        );
    }
}
