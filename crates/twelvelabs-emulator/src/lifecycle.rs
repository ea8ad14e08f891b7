//! Task lifecycle: `validating → pending → queued → indexing → ready`, or
//! `validating → failed`, advanced lazily according to the [`Pace`].

use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};

use crate::config::Pace;

/// A task status as it appears on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Status {
    Uploading,
    Validating,
    Pending,
    Queued,
    Indexing,
    Ready,
    Failed,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Uploading => "uploading",
            Status::Validating => "validating",
            Status::Pending => "pending",
            Status::Queued => "queued",
            Status::Indexing => "indexing",
            Status::Ready => "ready",
            Status::Failed => "failed",
        }
    }

    pub fn parse(s: &str) -> Option<Status> {
        Some(match s {
            "uploading" => Status::Uploading,
            "validating" => Status::Validating,
            "pending" => Status::Pending,
            "queued" => Status::Queued,
            "indexing" => Status::Indexing,
            "ready" => Status::Ready,
            "failed" => Status::Failed,
            _ => return None,
        })
    }

    pub fn is_terminal(self) -> bool {
        matches!(self, Status::Ready | Status::Failed)
    }
}

const READY_PATH: [Status; 5] = [
    Status::Validating,
    Status::Pending,
    Status::Queued,
    Status::Indexing,
    Status::Ready,
];
const FAILED_PATH: [Status; 2] = [Status::Validating, Status::Failed];

/// Nominal duration of one step when the pace has no wall-clock steps
/// (used for `estimated_time` and `process.remain_seconds`).
const NOMINAL_STEP: Duration = Duration::from_secs(5);

/// How a task will end.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Outcome {
    Ready,
    Failed(String),
}

impl Outcome {
    fn path(&self) -> &'static [Status] {
        match self {
            Outcome::Ready => &READY_PATH,
            Outcome::Failed(_) => &FAILED_PATH,
        }
    }
}

/// Where a task is in its path.
#[derive(Debug, Clone)]
pub(crate) enum Progress {
    /// Fixed status (instant pace, seeded tasks).
    Frozen {
        status: Status,
        updated_at: DateTime<Utc>,
    },
    /// Advanced one step per retrieve.
    Stepped {
        step: usize,
        updated_at: DateTime<Utc>,
    },
    /// One step per `step` of wall time since creation.
    Timed { step: Duration },
}

impl Progress {
    /// The initial progress of a task created now under `pace`.
    pub fn start(pace: Pace, outcome: &Outcome, created_at: DateTime<Utc>) -> Progress {
        match pace {
            Pace::Instant => Progress::Frozen {
                status: *outcome.path().last().expect("non-empty path"),
                updated_at: created_at,
            },
            Pace::PerRetrieve => Progress::Stepped {
                step: 0,
                updated_at: created_at,
            },
            Pace::Every(step) if step.is_zero() => Progress::Frozen {
                status: *outcome.path().last().expect("non-empty path"),
                updated_at: created_at,
            },
            // Clamped so that timestamp arithmetic cannot overflow.
            Pace::Every(step) => Progress::Timed {
                step: step.min(Duration::from_secs(365 * 86_400)),
            },
        }
    }
}

/// The state of a task at one instant.
#[derive(Debug, Clone)]
pub(crate) struct Snapshot {
    pub status: Status,
    pub updated_at: DateTime<Utc>,
    pub estimated_time: DateTime<Utc>,
    /// `(percentage, remain_seconds)` while not terminal.
    pub process: Option<(f64, f64)>,
}

fn delta(d: Duration) -> TimeDelta {
    TimeDelta::from_std(d).unwrap_or(TimeDelta::MAX)
}

/// Truncates a timestamp to whole milliseconds (the wire precision).
pub(crate) fn trunc_ms(t: DateTime<Utc>) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(t.timestamp_millis()).unwrap_or(t)
}

/// Computes the current state of a task.
pub(crate) fn snapshot(
    progress: &Progress,
    outcome: &Outcome,
    created_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Snapshot {
    let path = outcome.path();
    let last = path.len() - 1;
    let ready_steps = (READY_PATH.len() - 1) as i32;
    match progress {
        Progress::Frozen { status, updated_at } => {
            let (process, estimated_time) = if status.is_terminal() {
                (None, *updated_at)
            } else {
                let idx = READY_PATH.iter().position(|s| s == status).unwrap_or(0) as i32;
                let est = created_at + delta(NOMINAL_STEP) * ready_steps;
                let remain = ((ready_steps - idx) as f64) * NOMINAL_STEP.as_secs_f64();
                (
                    Some((f64::from(idx) * 100.0 / f64::from(ready_steps), remain)),
                    est,
                )
            };
            Snapshot {
                status: *status,
                updated_at: *updated_at,
                estimated_time,
                process,
            }
        }
        Progress::Stepped { step, updated_at } => {
            let step = (*step).min(last);
            let status = path[step];
            let est = created_at + delta(NOMINAL_STEP) * ready_steps;
            let process = (!status.is_terminal()).then(|| {
                let remain = (last - step) as f64 * NOMINAL_STEP.as_secs_f64();
                (step as f64 * 100.0 / last as f64, remain)
            });
            Snapshot {
                status,
                updated_at: *updated_at,
                estimated_time: est,
                process,
            }
        }
        Progress::Timed { step: d } => {
            let elapsed = (now - created_at).to_std().unwrap_or(Duration::ZERO);
            let k = (elapsed.as_nanos() / d.as_nanos().max(1)).min(last as u128) as usize;
            let status = path[k];
            let updated_at = trunc_ms(created_at + delta(*d) * k as i32);
            let total = *d * (last as u32);
            let est = trunc_ms(created_at + delta(*d) * ready_steps);
            let process = (!status.is_terminal()).then(|| {
                let pct = (elapsed.as_secs_f64() / total.as_secs_f64() * 100.0).min(99.0);
                let remain = total.saturating_sub(elapsed).as_secs_f64();
                ((pct * 10.0).round() / 10.0, (remain * 10.0).round() / 10.0)
            });
            Snapshot {
                status,
                updated_at,
                estimated_time: est,
                process,
            }
        }
    }
}

/// Advances a per-retrieve task by one step (no-op otherwise or when terminal).
pub(crate) fn advance(progress: &mut Progress, outcome: &Outcome, now: DateTime<Utc>) {
    if let Progress::Stepped { step, updated_at } = progress {
        if *step < outcome.path().len() - 1 {
            *step += 1;
            let min_next = *updated_at + TimeDelta::milliseconds(1);
            *updated_at = trunc_ms(now).max(min_next);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stepped_walks_the_path() {
        let t0 = trunc_ms(Utc::now());
        let mut p = Progress::start(Pace::PerRetrieve, &Outcome::Ready, t0);
        let mut seen = vec![];
        let mut last_update = None;
        for _ in 0..7 {
            let s = snapshot(&p, &Outcome::Ready, t0, t0);
            if let Some(prev) = last_update {
                assert!(s.updated_at >= prev);
            }
            last_update = Some(s.updated_at);
            seen.push(s.status);
            advance(&mut p, &Outcome::Ready, t0);
        }
        assert_eq!(
            seen,
            vec![
                Status::Validating,
                Status::Pending,
                Status::Queued,
                Status::Indexing,
                Status::Ready,
                Status::Ready,
                Status::Ready
            ]
        );
    }

    #[test]
    fn timed_is_lazy() {
        let t0 = trunc_ms(Utc::now());
        let d = Duration::from_secs(10);
        let p = Progress::start(Pace::Every(d), &Outcome::Ready, t0);
        let at = |s: i64| snapshot(&p, &Outcome::Ready, t0, t0 + TimeDelta::seconds(s));
        assert_eq!(at(0).status, Status::Validating);
        assert_eq!(at(25).status, Status::Queued);
        assert_eq!(at(25).updated_at, t0 + TimeDelta::seconds(20));
        assert!(at(25).process.is_some());
        assert_eq!(at(400).status, Status::Ready);
        assert!(at(400).process.is_none());
        let f = Outcome::Failed("x".into());
        assert_eq!(
            snapshot(&p, &f, t0, t0 + TimeDelta::seconds(400)).status,
            Status::Failed
        );
    }
}
