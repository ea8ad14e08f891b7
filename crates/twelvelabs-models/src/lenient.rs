//! Crate-private deserialisation helpers: lenient numbers and timestamps, and
//! error messages that name the field (with its path) that failed.
//!
//! Every object in this crate is deserialised the same way: the JSON object is
//! read into a [`Map`], each known field is taken out by name and converted on
//! its own (so a failure can say *which* field failed, e.g.
//! ``field `metadata.width`: invalid type: string "854", expected a
//! non-negative integer``), and whatever is left over becomes the `extra` map.

use std::marker::PhantomData;

use chrono::{DateTime, Utc};
use serde::de::{self, DeserializeOwned, Deserializer, Unexpected};
use serde::Deserialize;
use serde_json::{Map, Value};

/// Field names taken out of a JSON object, plus the leftovers.
pub(crate) struct Fields<E> {
    map: Map<String, Value>,
    taken: Vec<&'static str>,
    _error: PhantomData<E>,
}

impl<E: de::Error> Fields<E> {
    /// Reads a JSON object from `deserializer`.
    pub(crate) fn new<'de, D>(deserializer: D) -> Result<Self, E>
    where
        D: Deserializer<'de, Error = E>,
    {
        Ok(Self {
            map: Map::deserialize(deserializer)?,
            taken: Vec::new(),
            _error: PhantomData,
        })
    }

    /// Takes the raw value of `key` (`Some(Value::Null)` for an explicit null).
    fn take(&mut self, key: &'static str) -> Option<Value> {
        let value = self.map.get_mut(key)?;
        self.taken.push(key);
        Some(value.take())
    }

    /// Whether `key` is present with a non-null value.
    pub(crate) fn has(&self, key: &str) -> bool {
        self.map.get(key).is_some_and(|v| !v.is_null())
    }

    /// A required field: missing → "missing field", `null` → "invalid type: null".
    pub(crate) fn required<T: DeserializeOwned>(&mut self, key: &'static str) -> Result<T, E> {
        match self.take(key) {
            None => Err(E::missing_field(key)),
            Some(value) => convert(key, value),
        }
    }

    /// An optional field: missing or `null` → `None`.
    pub(crate) fn optional<T: DeserializeOwned>(
        &mut self,
        key: &'static str,
    ) -> Result<Option<T>, E> {
        match self.take(key) {
            None | Some(Value::Null) => Ok(None),
            Some(value) => convert(key, value).map(Some),
        }
    }

    /// A list field: missing or `null` → empty; every element is named by index
    /// in errors (``field `data[3].status` ``).
    pub(crate) fn list<T: DeserializeOwned>(&mut self, key: &'static str) -> Result<Vec<T>, E> {
        match self.take(key) {
            None | Some(Value::Null) => Ok(Vec::new()),
            Some(Value::Array(items)) => items
                .into_iter()
                .enumerate()
                .map(|(i, item)| {
                    T::deserialize(item)
                        .map_err(|e| E::custom(nest(&format!("{key}[{i}]"), &e.to_string())))
                })
                .collect(),
            Some(other) => Err(E::custom(nest(key, &invalid_type(&other, "an array")))),
        }
    }

    /// A required unsigned integer that may arrive as an integral float (`2.0`).
    pub(crate) fn required_uint<T: TryFrom<u64>>(&mut self, key: &'static str) -> Result<T, E> {
        match self.take(key) {
            None => Err(E::missing_field(key)),
            Some(value) => uint(&value).map_err(|msg| E::custom(nest(key, &msg))),
        }
    }

    /// An optional unsigned integer (lenient about `2.0`); missing/`null` → `None`.
    pub(crate) fn optional_uint<T: TryFrom<u64>>(
        &mut self,
        key: &'static str,
    ) -> Result<Option<T>, E> {
        match self.take(key) {
            None | Some(Value::Null) => Ok(None),
            Some(value) => uint(&value).map(Some).map_err(|m| E::custom(nest(key, &m))),
        }
    }

    /// A counter: like [`Fields::optional_uint`] but missing/`null` → `0`.
    pub(crate) fn count(&mut self, key: &'static str) -> Result<u64, E> {
        Ok(self.optional_uint(key)?.unwrap_or(0))
    }

    /// A required RFC 3339 timestamp.
    pub(crate) fn required_time(&mut self, key: &'static str) -> Result<DateTime<Utc>, E> {
        match self.take(key) {
            None => Err(E::missing_field(key)),
            Some(value) => timestamp(&value).map_err(|m| E::custom(nest(key, &m))),
        }
    }

    /// An optional RFC 3339 timestamp; missing/`null` → `None`.
    pub(crate) fn optional_time(&mut self, key: &'static str) -> Result<Option<DateTime<Utc>>, E> {
        match self.take(key) {
            None | Some(Value::Null) => Ok(None),
            Some(value) => timestamp(&value)
                .map(Some)
                .map_err(|m| E::custom(nest(key, &m))),
        }
    }

    /// An optional timestamp whose wire type is disputed (`estimated_time`:
    /// RFC 3339 in the API reference, "seconds" in the seed docs). A value that
    /// is not a timestamp is not an error: the field is `None` and the raw value
    /// stays in the `extra` map, so nothing is lost and it round-trips.
    pub(crate) fn optional_time_or_keep(&mut self, key: &'static str) -> Option<DateTime<Utc>> {
        let parsed = match self.map.get(key)? {
            Value::Null => None,
            value => Some(timestamp(value).ok()?),
        };
        self.taken.push(key);
        parsed
    }

    /// Everything that was not taken, in the original order.
    pub(crate) fn finish(self) -> Map<String, Value> {
        let taken = self.taken;
        self.map
            .into_iter()
            .filter(|(k, _)| !taken.contains(&k.as_str()))
            .collect()
    }
}

/// Converts one field value, naming the field in the error.
fn convert<T: DeserializeOwned, E: de::Error>(key: &str, value: Value) -> Result<T, E> {
    T::deserialize(value).map_err(|e| E::custom(nest(key, &e.to_string())))
}

/// Prefixes `msg` with the field path `key`, merging with a path the inner
/// message already carries (`field `width`` inside `metadata` becomes
/// `field `metadata.width``).
pub(crate) fn nest(key: &str, msg: &str) -> String {
    for prefix in ["field `", "missing field `"] {
        if let Some((inner, tail)) = msg
            .strip_prefix(prefix)
            .and_then(|rest| rest.split_once('`'))
        {
            let sep = if inner.starts_with('[') { "" } else { "." };
            return format!("{prefix}{key}{sep}{inner}`{tail}");
        }
    }
    format!("field `{key}`: {msg}")
}

/// `invalid type: <what the value is>, expected <expected>`.
pub(crate) fn invalid_type(value: &Value, expected: &str) -> String {
    format!("invalid type: {}, expected {expected}", unexpected(value))
}

fn unexpected(value: &Value) -> Unexpected<'_> {
    match value {
        Value::Null => Unexpected::Unit,
        Value::Bool(b) => Unexpected::Bool(*b),
        Value::Number(n) => {
            if let Some(u) = n.as_u64() {
                Unexpected::Unsigned(u)
            } else if let Some(i) = n.as_i64() {
                Unexpected::Signed(i)
            } else {
                Unexpected::Float(n.as_f64().unwrap_or(f64::NAN))
            }
        }
        Value::String(s) => Unexpected::Str(s),
        Value::Array(_) => Unexpected::Seq,
        Value::Object(_) => Unexpected::Map,
    }
}

/// The one lenient unsigned-integer conversion of the crate: accepts `854`
/// and `854.0`; rejects `854.5`, negatives, strings and out-of-range values.
pub(crate) fn uint<T: TryFrom<u64>>(value: &Value) -> Result<T, String> {
    const EXPECTED: &str = "a non-negative integer";
    let n = match value {
        Value::Number(n) => match (n.as_u64(), n.as_f64()) {
            (Some(u), _) => u,
            // 2^64 as f64; every integral float below it fits in a u64.
            (None, Some(f))
                if f.fract() == 0.0 && (0.0..18_446_744_073_709_551_616.0).contains(&f) =>
            {
                f as u64
            }
            (None, Some(f)) => return Err(format!("invalid value: {f}, expected {EXPECTED}")),
            (None, None) => return Err(invalid_type(value, EXPECTED)),
        },
        other => return Err(invalid_type(other, EXPECTED)),
    };
    T::try_from(n).map_err(|_| {
        format!(
            "invalid value: {n} is out of range for {}",
            std::any::type_name::<T>()
        )
    })
}

/// The lenient timestamp conversion used by every timestamp field.
pub(crate) fn timestamp(value: &Value) -> Result<DateTime<Utc>, String> {
    match value {
        Value::String(s) => crate::time::parse_timestamp(s)
            .map_err(|e| format!("invalid RFC 3339 timestamp {s:?}: {e}")),
        other => Err(invalid_type(other, "an RFC 3339 timestamp string")),
    }
}
