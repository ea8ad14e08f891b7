//! The ingest journal: a JSON Lines file that remembers, per input, the task it
//! became, so a rerun never creates a task twice and never loses one.
//!
//! # Format
//!
//! One JSON object per line, appended, never rewritten. Every record has `event`
//! and `key` (the input's stable key: `file:<path as given>`, `url:<url>`, or the
//! caller's key for bytes and readers):
//!
//! ```text
//! {"event":"attempt","key":"file:clips/a.mp4","filename":"a.mp4","at":"2026-01-01T10:00:00.000Z"}
//! {"event":"created","key":"file:clips/a.mp4","task_id":"6734f1c2a1b2c3d4e5f60718"}
//! {"event":"created","key":"file:clips/b.mp4","task_id":"6734f1c2a1b2c3d4e5f60719","adopted":true}
//! {"event":"done","key":"file:clips/a.mp4","task_id":"6734f1c2a1b2c3d4e5f60718","status":"ready"}
//! ```
//!
//! - `attempt` is written (and fsync'd) **before** each create is sent: a rerun
//!   that finds an attempt with no later `created` knows the outcome is unknown
//!   and reconciles (lists the index) before sending anything again.
//! - `created` is written (and fsync'd) the moment a task id is known: from the
//!   create's answer, from a [`TaskCreated`](twelvelabs_transport::Error::TaskCreated)
//!   error, or from a reconciliation (`"adopted": true`).
//! - `done` records the final status, so a rerun reports finished inputs without
//!   a request (not fsync'd: losing it costs one poll).
//!
//! Unknown fields are ignored; a line that does not parse (the torn last line of a
//! killed process) is skipped with a warning, and the next record starts on a new
//! line.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use tokio::io::AsyncWriteExt;
use tokio::sync::Mutex;
use twelvelabs_transport::Error;

/// One line of the journal.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub(crate) enum Record {
    Attempt {
        key: String,
        filename: String,
        at: DateTime<Utc>,
    },
    Created {
        key: String,
        task_id: String,
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        adopted: bool,
    },
    Done {
        key: String,
        task_id: String,
        status: String,
    },
}

/// What the journal knows about one input.
#[derive(Debug, Clone, Default)]
pub(crate) struct Entry {
    /// The task the input became, last recorded.
    pub(crate) task_id: Option<String>,
    /// Its final status, when recorded for that task.
    pub(crate) status: Option<String>,
    /// An attempt with no `created` after it: the create's outcome is unknown.
    pub(crate) unresolved: Option<(String, DateTime<Utc>)>,
}

/// An open journal: its replayed state, and the file to append to.
pub(crate) struct Journal {
    path: PathBuf,
    file: Mutex<tokio::fs::File>,
}

impl std::fmt::Debug for Journal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Journal").field("path", &self.path).finish()
    }
}

fn io_error(path: &Path, source: std::io::Error) -> Error {
    Error::Io {
        path: Some(path.to_path_buf()),
        source,
    }
}

impl Journal {
    /// Opens (or creates) the journal and replays it.
    pub(crate) async fn open(path: &Path) -> Result<(Journal, HashMap<String, Entry>), Error> {
        let text = match tokio::fs::read(path).await {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
            Err(e) => return Err(io_error(path, e)),
        };
        let mut entries: HashMap<String, Entry> = HashMap::new();
        for (n, line) in text.split(|b| *b == b'\n').enumerate() {
            if line.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            let record: Record = match serde_json::from_slice(line) {
                Ok(r) => r,
                Err(e) => {
                    tracing::warn!(line = n + 1, error = %e, "skipping an unreadable journal line");
                    continue;
                }
            };
            match record {
                Record::Attempt { key, filename, at } => {
                    entries.entry(key).or_default().unresolved = Some((filename, at));
                }
                Record::Created { key, task_id, .. } => {
                    let e = entries.entry(key).or_default();
                    if e.task_id.as_deref() != Some(task_id.as_str()) {
                        e.status = None;
                    }
                    e.task_id = Some(task_id);
                    e.unresolved = None;
                }
                Record::Done {
                    key,
                    task_id,
                    status,
                } => {
                    let e = entries.entry(key).or_default();
                    if e.task_id.as_deref() == Some(task_id.as_str()) {
                        e.status = Some(status);
                    }
                }
            }
        }
        let mut file = tokio::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .await
            .map_err(|e| io_error(path, e))?;
        // A torn last line must not swallow the next record.
        if text.last().is_some_and(|b| *b != b'\n') {
            file.write_all(b"\n").await.map_err(|e| io_error(path, e))?;
        }
        Ok((
            Journal {
                path: path.to_path_buf(),
                file: Mutex::new(file),
            },
            entries,
        ))
    }

    /// Appends a record; with `sync`, returns only once it is on disk.
    pub(crate) async fn append(&self, record: &Record, sync: bool) -> Result<(), Error> {
        let mut line = serde_json::to_vec(record).map_err(|e| {
            io_error(
                &self.path,
                std::io::Error::new(std::io::ErrorKind::InvalidData, e),
            )
        })?;
        line.push(b'\n');
        let mut file = self.file.lock().await;
        file.write_all(&line)
            .await
            .map_err(|e| io_error(&self.path, e))?;
        if sync {
            file.sync_data()
                .await
                .map_err(|e| io_error(&self.path, e))?;
        } else {
            file.flush().await.map_err(|e| io_error(&self.path, e))?;
        }
        Ok(())
    }
}

/// The task ids the journal (and this run) already gave to an input: a
/// reconciliation never adopts one of them for another input.
pub(crate) fn claimed_ids(entries: &HashMap<String, Entry>) -> HashSet<String> {
    entries.values().filter_map(|e| e.task_id.clone()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn replays_and_survives_a_torn_line() {
        let dir = std::env::temp_dir().join(format!("tl-journal-{}", std::process::id()));
        let _ = std::fs::create_dir_all(&dir);
        let path = dir.join("j.jsonl");
        let _ = std::fs::remove_file(&path);
        let at = Utc::now();
        {
            let (j, entries) = Journal::open(&path).await.unwrap();
            assert!(entries.is_empty());
            for r in [
                Record::Attempt {
                    key: "a".into(),
                    filename: "a.mp4".into(),
                    at,
                },
                Record::Created {
                    key: "a".into(),
                    task_id: "T1".into(),
                    adopted: false,
                },
                Record::Done {
                    key: "a".into(),
                    task_id: "T1".into(),
                    status: "ready".into(),
                },
                Record::Attempt {
                    key: "b".into(),
                    filename: "b.mp4".into(),
                    at,
                },
            ] {
                j.append(&r, true).await.unwrap();
            }
        }
        // A process killed mid-write leaves half a line.
        let mut text = std::fs::read(&path).unwrap();
        text.extend_from_slice(br#"{"event":"created","key":"c","#);
        std::fs::write(&path, &text).unwrap();
        let (j, entries) = Journal::open(&path).await.unwrap();
        assert_eq!(entries["a"].task_id.as_deref(), Some("T1"));
        assert_eq!(entries["a"].status.as_deref(), Some("ready"));
        assert!(entries["a"].unresolved.is_none());
        assert_eq!(
            entries["b"].unresolved.as_ref().map(|u| u.0.as_str()),
            Some("b.mp4")
        );
        assert!(!entries.contains_key("c"));
        j.append(
            &Record::Created {
                key: "b".into(),
                task_id: "T2".into(),
                adopted: true,
            },
            true,
        )
        .await
        .unwrap();
        drop(j);
        let (_, entries) = Journal::open(&path).await.unwrap();
        assert_eq!(entries["b"].task_id.as_deref(), Some("T2"));
        assert!(entries["b"].unresolved.is_none());
        assert_eq!(claimed_ids(&entries).len(), 2);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
