//! The legacy `Fields` helper: reads a whole object into a `serde_json::Map`
//! first. Kept only so models written against it keep compiling until they
//! are ported to `lenient_object!` (see the `lenient` module docs); nothing
//! in this crate uses it any more.
#![allow(dead_code)]

use std::marker::PhantomData;

use chrono::{DateTime, Utc};
use serde::de::{self, DeserializeOwned, Deserializer};
use serde::Deserialize;
use serde_json::{Map, Value};

use crate::lenient::{invalid_type, nest, timestamp_value as timestamp, uint_value as uint};

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
