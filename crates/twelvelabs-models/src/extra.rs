//! [`Extra`]: the keys of a JSON object that this crate does not know, kept
//! compactly and within a bound.
//!
//! Every model with an `extra` field keeps the object's unknown keys there,
//! so nothing the server adds (a failure reason a newer API version sends,
//! say) is lost, and serialising writes them back.
//!
//! **Storage.** Each unknown value is kept as its compact JSON text (the
//! decoder re-writes it without whitespace as it reads it; no `Value` tree is
//! built). [`Extra::get`] and indexing parse an entry into a
//! [`serde_json::Value`] on first access and cache it.
//!
//! **Bound.** One object keeps at most [`EXTRA_LIMIT_BYTES`] of unknown keys
//! and values (key length plus compact value length, summed). An entry that
//! would go past the bound is not kept: its key (the first
//! [`OMITTED_KEYS_LISTED`] such keys), the number of such entries and their
//! total size are recorded in [`Extra::omitted`], so an over-large unknown
//! field is never silently lost without a trace, and a hostile body cannot
//! make the decoder hold more than the bound per object. Omitted entries are
//! not written back when serialising.
//!
//! **Duplicates.** As with `serde_json::Map`, when a key appears twice the
//! last value wins.
//!
//! ```
//! use serde_json::json;
//! use twelvelabs_models::Task;
//!
//! let task: Task = serde_json::from_str(
//!     r#"{"_id": "t", "status": "ready", "failure_reason": {"code": "video_file_broken"}}"#,
//! )?;
//! assert_eq!(task.extra["failure_reason"]["code"], "video_file_broken");
//! assert_eq!(task.extra.raw("failure_reason"), Some(r#"{"code":"video_file_broken"}"#));
//! assert_eq!(task.extra.get("nope"), None);
//! assert!(task.extra.omitted().is_empty());
//! # Ok::<(), serde_json::Error>(())
//! ```

use std::fmt;
use std::ops::Index;
use std::sync::OnceLock;

use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::{Map, Value};

/// The most bytes of unknown keys and values one object keeps (64 KiB).
pub const EXTRA_LIMIT_BYTES: usize = 64 * 1024;

/// How many omitted keys [`Omitted::keys`] lists; the rest are only counted.
pub const OMITTED_KEYS_LISTED: usize = 16;

/// The unknown keys of a JSON object, in the order received. See the
/// [module docs](self) for the storage, the bound and the rules.
#[derive(Clone, Default)]
pub struct Extra {
    entries: Vec<Entry>,
    /// Key plus compact value bytes of the entries kept by the decoder.
    kept_bytes: usize,
    omitted: Omitted,
}

#[derive(Clone)]
struct Entry {
    key: Box<str>,
    /// Compact JSON text of the value.
    raw: Box<str>,
    /// The parsed value, filled on first access.
    value: OnceLock<Value>,
}

impl Entry {
    fn value(&self) -> &Value {
        // `raw` is always JSON this crate wrote, so the fallback is unreachable
        // in practice; it keeps a corrupt entry from ever panicking.
        self.value
            .get_or_init(|| serde_json::from_str(&self.raw).unwrap_or(Value::Null))
    }
}

/// Unknown entries the decoder did not keep because the object's
/// [`EXTRA_LIMIT_BYTES`] bound was reached.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Omitted {
    count: usize,
    bytes: u64,
    keys: Vec<String>,
}

impl Omitted {
    /// How many entries were omitted.
    pub fn count(&self) -> usize {
        self.count
    }

    /// Their total size in bytes (key plus compact value).
    pub fn bytes(&self) -> u64 {
        self.bytes
    }

    /// The keys of the first [`OMITTED_KEYS_LISTED`] omitted entries (a key
    /// itself longer than the bound is counted but not listed).
    pub fn keys(&self) -> &[String] {
        &self.keys
    }

    /// Whether nothing was omitted.
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }
}

static NULL: Value = Value::Null;

impl Extra {
    /// An empty set of entries.
    pub fn new() -> Self {
        Self::default()
    }

    /// The number of entries kept.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether no entry is kept.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Whether `key` is kept.
    pub fn contains_key(&self, key: &str) -> bool {
        self.position(key).is_some()
    }

    /// The value of `key`, parsed (and cached) on first access.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.position(key).map(|i| self.entries[i].value())
    }

    /// The compact JSON text of `key`'s value, exactly as kept.
    pub fn raw(&self, key: &str) -> Option<&str> {
        self.position(key).map(|i| &*self.entries[i].raw)
    }

    /// The entries, in the order received.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Value)> + '_ {
        self.entries.iter().map(|e| (&*e.key, e.value()))
    }

    /// The keys, in the order received.
    pub fn keys(&self) -> impl Iterator<Item = &str> + '_ {
        self.entries.iter().map(|e| &*e.key)
    }

    /// Sets `key` to `value`, returning the previous value. Values inserted
    /// this way do not count against the decoder's bound.
    pub fn insert(&mut self, key: impl Into<String>, value: Value) -> Option<Value> {
        let key = key.into();
        let raw = value.to_string().into_boxed_str();
        let entry = Entry {
            key: key.into_boxed_str(),
            raw,
            value: OnceLock::from(value),
        };
        match self.position(&entry.key) {
            Some(i) => {
                let old = std::mem::replace(&mut self.entries[i], entry);
                Some(old.value().clone())
            }
            None => {
                self.entries.push(entry);
                None
            }
        }
    }

    /// Removes `key`, returning its value.
    pub fn remove(&mut self, key: &str) -> Option<Value> {
        let i = self.position(key)?;
        let entry = self.entries.remove(i);
        let value = entry.value().clone();
        Some(value)
    }

    /// A copy of every entry as a JSON object.
    pub fn to_map(&self) -> Map<String, Value> {
        self.iter()
            .map(|(k, v)| (k.to_owned(), v.clone()))
            .collect()
    }

    /// What the decoder left out because of the bound.
    pub fn omitted(&self) -> &Omitted {
        &self.omitted
    }

    fn position(&self, key: &str) -> Option<usize> {
        // Last wins, as when the decoder meets a duplicate key.
        self.entries.iter().rposition(|e| &*e.key == key)
    }

    /// Room left under the bound for one more entry with a key of `key_len`
    /// bytes (`None` when even the key does not fit).
    pub(crate) fn room_for(&self, key_len: usize) -> Option<usize> {
        EXTRA_LIMIT_BYTES.checked_sub(self.kept_bytes + key_len)
    }

    /// Keeps an entry the decoder captured (`raw` is compact JSON).
    pub(crate) fn push_raw(&mut self, key: Box<str>, raw: Box<str>) {
        self.kept_bytes += key.len() + raw.len();
        self.entries.push(Entry {
            key,
            raw,
            value: OnceLock::new(),
        });
    }

    /// Records an entry that did not fit (`key` is `None` when the key alone
    /// was too long to keep).
    pub(crate) fn omit(&mut self, key: Option<Box<str>>, bytes: u64) {
        self.omitted.count += 1;
        self.omitted.bytes = self.omitted.bytes.saturating_add(bytes);
        if let Some(key) = key {
            if self.omitted.keys.len() < OMITTED_KEYS_LISTED {
                self.omitted.keys.push(key.into());
            }
        }
    }

    /// Drops earlier duplicates of a key (last wins), once decoding is done.
    pub(crate) fn finish(mut self) -> Self {
        let n = self.entries.len();
        if n < 2 {
            return self;
        }
        let duplicated = if n <= 16 {
            (1..n).any(|i| {
                self.entries[..i]
                    .iter()
                    .any(|e| e.key == self.entries[i].key)
            })
        } else {
            let mut seen = std::collections::HashSet::with_capacity(n);
            !self.entries.iter().all(|e| seen.insert(&*e.key))
        };
        if duplicated {
            let mut seen = std::collections::HashSet::with_capacity(n);
            let mut kept: Vec<Entry> = Vec::with_capacity(n);
            for entry in self.entries.into_iter().rev() {
                if seen.insert(entry.key.clone()) {
                    kept.push(entry);
                }
            }
            kept.reverse();
            self.entries = kept;
        }
        self
    }
}

impl Index<&str> for Extra {
    type Output = Value;

    /// The value of `key`, or `Value::Null` when absent (like indexing a
    /// `Value`; never panics).
    fn index(&self, key: &str) -> &Value {
        self.get(key).unwrap_or(&NULL)
    }
}

impl fmt::Debug for Extra {
    /// Prints like a `serde_json::Map` of the kept entries, plus the omitted
    /// summary when there is one.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.omitted.is_empty() {
            fmt::Debug::fmt(&self.to_map(), f)
        } else {
            f.debug_struct("Extra")
                .field("entries", &self.to_map())
                .field("omitted", &self.omitted)
                .finish()
        }
    }
}

impl PartialEq for Extra {
    /// Equal when the kept entries are equal as JSON values (in any order)
    /// and the same entries were omitted.
    fn eq(&self, other: &Self) -> bool {
        self.len() == other.len()
            && self.omitted == other.omitted
            && self.iter().all(|(k, v)| other.get(k) == Some(v))
    }
}

impl Eq for Extra {}

impl Serialize for Extra {
    /// Writes the kept entries as map entries (with `#[serde(flatten)]`, as
    /// keys of the enclosing object).
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.entries.len()))?;
        for (key, value) in self.iter() {
            map.serialize_entry(key, value)?;
        }
        map.end()
    }
}

impl FromIterator<(String, Value)> for Extra {
    fn from_iter<I: IntoIterator<Item = (String, Value)>>(iter: I) -> Self {
        let mut extra = Extra::new();
        for (key, value) in iter {
            extra.insert(key, value);
        }
        extra
    }
}

impl From<Map<String, Value>> for Extra {
    fn from(map: Map<String, Value>) -> Self {
        map.into_iter().collect()
    }
}

impl<'a> IntoIterator for &'a Extra {
    type Item = (&'a str, &'a Value);
    type IntoIter = Box<dyn Iterator<Item = (&'a str, &'a Value)> + 'a>;

    fn into_iter(self) -> Self::IntoIter {
        Box::new(self.iter())
    }
}
