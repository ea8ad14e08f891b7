//! Crate-private streaming decoders: lenient numbers and timestamps, unknown
//! keys kept compactly, and errors that name the field path that failed.
//!
//! # How an object is decoded
//!
//! Every object of this crate is read by a serde `Visitor` (`visit_map`) that
//! walks the keys once, in wire order, without building a `serde_json::Value`
//! of the object:
//!
//! * a known key's value is converted straight from the deserializer into its
//!   Rust type by a *slot* ([`Required`], [`Optional`], [`List`], …);
//! * an unknown key's value is re-written as compact JSON text into the
//!   object's [`Extra`] (bounded: see [`crate::extra`]), or skipped without
//!   allocating when the type has no `extra` field;
//! * list items are decoded one at a time into their type (no intermediate
//!   `Vec<Value>`); [`Page`] refuses more than
//!   [`MAX_PAGE_ITEMS`](crate::list::MAX_PAGE_ITEMS) items.
//!
//! Errors carry the field path twice: in the message (``field
//! `data[1].status`: invalid type: …``, for plain `serde_json::from_str`
//! users) and in structure, because every value is read through the
//! deserializer's own `MapAccess`/`SeqAccess`, so `serde_path_to_error` (and
//! with it the SDK's `Error::Decode { path, .. }`) sees the real path.
//!
//! # Writing a model
//!
//! Declare the struct as usual (deriving `Serialize`, with an `extra: Extra`
//! field when unknown keys are to be kept), then list its fields with
//! `lenient_object!`, one line per field, `name: Slot "wire"`, and `..extra`
//! last when the struct keeps unknown keys:
//!
//! | slot                         | missing / `null`         |
//! |------------------------------|--------------------------|
//! | `Required "k"`               | error / error            |
//! | `Optional "k"`               | `None`                   |
//! | `List "k"`                   | empty                    |
//! | `Page "k"` (a page's `data`) | empty; > 50 items: error |
//! | `RequiredUint "k"`           | error / error            |
//! | `OptionalUint "k"`           | `None`                   |
//! | `Count "k"`                  | `0`                      |
//! | `RequiredTime "k"`           | error / error            |
//! | `OptionalTime "k"`           | `None`                   |
//!
//! ```ignore
//! lenient_object! {
//!     Process expecting "a process object" {
//!         percentage: Optional "percentage",
//!         remain_seconds: Optional "remain_seconds",
//!         ..extra
//!     }
//! }
//! ```
//!
//! A model with rules the table cannot express (the task's `_id`/`id`
//! fallback, `metadata` vs `system_metadata`, an `estimated_time` that is not
//! a timestamp) writes its `visit_map` by hand from the same pieces: see
//! `Task`'s `Deserialize` in `task.rs`.
//!
//! # Differences from a `serde_json::Value` round trip
//!
//! An unknown value is re-written from the tokens serde_json reports, so its
//! kept text can differ from the wire bytes where serde_json itself
//! normalises: whitespace is dropped, `1E5` is kept as `100000.0`, an integer
//! beyond `u64`/`i64` as a float, `-0` as `0`, and `\u00e9`-style escapes
//! are kept as the character. These are the same values a `serde_json::Value`
//! would have held before.
//!
//! A syntax error inside a value is reported with the field path prefixed,
//! so it is classified as a data error (`serde_json::Error::is_data`); an
//! unexpected end of input keeps its EOF classification.

use std::fmt;
use std::io;
use std::marker::PhantomData;

use chrono::{DateTime, Utc};
use serde::de::{
    self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Unexpected, Visitor,
};
use serde::Deserialize;
use serde_json::Value;

use crate::list::MAX_PAGE_ITEMS;
use crate::Extra;

// ------------------------------------------------------------------ errors

/// Prefixes `msg` with the field path `key`, merging with a path the inner
/// message already carries (`field `width`` inside `metadata` becomes
/// `field `metadata.width``; `[3]` inside `data` becomes `data[3]`).
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

/// Re-raises an error that came out of the value at `key` with `key` in its
/// message. serde_json appends ` at line L column C` to an error once it has
/// left the deserializer; that suffix is removed so the re-raised error
/// carries one position only (serde_json adds it back). An unexpected end of
/// input is passed through untouched so it stays an EOF error.
pub(crate) fn nest_error<E: de::Error>(key: &str, err: E) -> E {
    let msg = err.to_string();
    if msg.starts_with("EOF while parsing") {
        return err;
    }
    E::custom(nest(key, strip_position(&msg)))
}

/// `msg` without a trailing ` at line L column C`.
fn strip_position(msg: &str) -> &str {
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    match msg.rsplit_once(" at line ") {
        Some((head, tail))
            if tail
                .split_once(" column ")
                .is_some_and(|(l, c)| digits(l) && digits(c)) =>
        {
            head
        }
        _ => msg,
    }
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

// ------------------------------------------------------------------ keys

/// A key of an object: one the model knows (`F`, usually a field enum) or an
/// unknown one (`None` when the key alone is longer than the `extra` bound,
/// so it is not even copied).
pub(crate) enum Key<F> {
    Known(F),
    Unknown(Option<Box<str>>),
}

/// Reads a key, matching it against the model's known keys without
/// allocating.
pub(crate) struct KeySeed<F>(pub(crate) fn(&str) -> Option<F>);

impl<'de, F> DeserializeSeed<'de> for KeySeed<F> {
    type Value = Key<F>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Key<F>, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<F> Visitor<'_> for KeySeed<F> {
    type Value = Key<F>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string key")
    }

    fn visit_str<E: de::Error>(self, key: &str) -> Result<Key<F>, E> {
        Ok(match (self.0)(key) {
            Some(field) => Key::Known(field),
            None if key.len() <= crate::extra::EXTRA_LIMIT_BYTES => Key::Unknown(Some(key.into())),
            None => Key::Unknown(None),
        })
    }
}

// ------------------------------------------------------------------ capture

/// A byte sink that keeps what it is given up to `limit` bytes, then only
/// counts.
pub(crate) struct Sink {
    buf: Vec<u8>,
    limit: usize,
    total: u64,
    over: bool,
}

impl Sink {
    pub(crate) fn new(limit: usize) -> Self {
        Self {
            buf: Vec::new(),
            limit,
            total: 0,
            over: false,
        }
    }

    fn put(&mut self, bytes: &[u8]) {
        self.total = self.total.saturating_add(bytes.len() as u64);
        if self.over {
            return;
        }
        if self.buf.len() + bytes.len() <= self.limit {
            self.buf.extend_from_slice(bytes);
        } else {
            self.over = true;
            self.buf = Vec::new();
        }
    }

    /// The text written when it fit, else `Err(total bytes)`.
    pub(crate) fn into_text(self) -> Result<Box<str>, u64> {
        if self.over {
            return Err(self.total);
        }
        // Only serde_json's writer and ASCII punctuation ever write here.
        String::from_utf8(self.buf)
            .map(String::into_boxed_str)
            .map_err(|_| self.total)
    }

    fn json<T: serde::Serialize + ?Sized>(&mut self, value: &T) {
        // Writing to a `Sink` cannot fail, and a value serde_json cannot
        // write (none reach here from JSON input) would only shorten the
        // kept text.
        let _ = serde_json::to_writer(&mut *self, value);
    }
}

impl io::Write for Sink {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.put(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Re-writes any value as compact JSON into a [`Sink`], walking it once
/// (nothing but the sink's bounded buffer is allocated). The flag asks for a
/// `,` first (an array element after the first one): written only once the
/// element is known to exist.
pub(crate) struct Capture<'s>(pub(crate) &'s mut Sink, pub(crate) bool);

impl<'de> DeserializeSeed<'de> for Capture<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        if self.1 {
            self.0.put(b",");
        }
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Capture<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<(), E> {
        self.0.put(if v { b"true" } else { b"false" });
        Ok(())
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<(), E> {
        self.0.json(&v);
        Ok(())
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<(), E> {
        self.0.json(&v);
        Ok(())
    }

    fn visit_i128<E: de::Error>(self, v: i128) -> Result<(), E> {
        self.0.json(&v);
        Ok(())
    }

    fn visit_u128<E: de::Error>(self, v: u128) -> Result<(), E> {
        self.0.json(&v);
        Ok(())
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<(), E> {
        self.0.json(&v);
        Ok(())
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<(), E> {
        self.0.json(v);
        Ok(())
    }

    fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<(), E> {
        self.0.json(v);
        Ok(())
    }

    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        self.0.put(b"null");
        Ok(())
    }

    fn visit_none<E: de::Error>(self) -> Result<(), E> {
        self.visit_unit()
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(Capture(self.0, false))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        self.0.put(b"[");
        let mut comma = false;
        while seq
            .next_element_seed(Capture(&mut *self.0, comma))?
            .is_some()
        {
            comma = true;
        }
        self.0.put(b"]");
        Ok(())
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        self.0.put(b"{");
        let mut comma = false;
        while map
            .next_key_seed(CaptureKey(&mut *self.0, comma))?
            .is_some()
        {
            self.0.put(b":");
            map.next_value_seed(Capture(&mut *self.0, false))?;
            comma = true;
        }
        self.0.put(b"}");
        Ok(())
    }
}

/// Writes an object key (preceded by `,` when the flag says so).
struct CaptureKey<'s>(&'s mut Sink, bool);

impl<'de> DeserializeSeed<'de> for CaptureKey<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl Visitor<'_> for CaptureKey<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string key")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<(), E> {
        if self.1 {
            self.0.put(b",");
        }
        self.0.json(v);
        Ok(())
    }
}

/// The value of an unknown key, captured within what is left of the bound.
pub(crate) enum Captured {
    Kept(Box<str>),
    /// Too large; the total size is counted.
    Omitted(u64),
}

/// Reads the current value as compact JSON, within `room` bytes.
pub(crate) fn capture<'de, A: MapAccess<'de>>(
    map: &mut A,
    room: usize,
) -> Result<Captured, A::Error> {
    let mut sink = Sink::new(room);
    map.next_value_seed(Capture(&mut sink, false))?;
    Ok(match sink.into_text() {
        Ok(text) => Captured::Kept(text),
        Err(total) => Captured::Omitted(total),
    })
}

/// Stores `key`'s captured value in `extra` (or records it as omitted).
pub(crate) fn keep(extra: &mut Extra, key: Option<Box<str>>, captured: Captured) {
    match (key, captured) {
        (Some(key), Captured::Kept(raw)) => extra.push_raw(key, raw),
        (key, Captured::Kept(raw)) => extra.omit(key, raw.len() as u64),
        (key, Captured::Omitted(bytes)) => {
            let key_len = key.as_ref().map_or(0, |k| k.len() as u64);
            extra.omit(key, bytes.saturating_add(key_len));
        }
    }
}

/// Reads the value of an unknown key into `extra`, or skips it without
/// allocating when the model keeps no extra (`extra` is `None`).
pub(crate) fn unknown<'de, A: MapAccess<'de>>(
    extra: Option<&mut Extra>,
    key: Option<Box<str>>,
    map: &mut A,
) -> Result<(), A::Error> {
    let name = key.as_deref().unwrap_or("<long key>");
    let Some(extra) = extra else {
        return map
            .next_value::<IgnoredAny>()
            .map(drop)
            .map_err(|e| nest_error(name, e));
    };
    let room = key
        .as_ref()
        .and_then(|k| extra.room_for(k.len()))
        .unwrap_or(0);
    let captured = capture(map, room).map_err(|e| nest_error(name, e))?;
    keep(extra, key, captured);
    Ok(())
}

// ------------------------------------------------------------------ slots

/// Where one known field's value lands while an object is read.
pub(crate) trait Slot<'de>: Default {
    /// The field's type in the model.
    type Out;

    /// Reads the field's value (a later duplicate key overwrites).
    fn read<A: MapAccess<'de>>(&mut self, map: &mut A) -> Result<(), A::Error>;

    /// The field once the object ended (`key` for a "missing field" error).
    fn finish<E: de::Error>(self, key: &'static str) -> Result<Self::Out, E>;
}

macro_rules! slot_default {
    ($($name:ident<$($t:ident)?> $init:expr;)+) => {$(
        impl<$($t)?> Default for $name<$($t)?> {
            fn default() -> Self {
                $name($init)
            }
        }
    )+};
}

/// Required: missing → "missing field", `null` → "invalid type: null".
pub(crate) struct Required<T>(Option<T>);
/// Optional: missing or `null` → `None`.
pub(crate) struct Optional<T>(Option<T>);
/// A list: missing or `null` → empty; items decoded one at a time and named
/// by index in errors (``field `data[3].status` ``).
pub(crate) struct List<T>(Vec<T>);
/// A list page's `data`: like [`List`], refusing more than
/// [`MAX_PAGE_ITEMS`] items.
pub(crate) struct Page<T>(Vec<T>);
/// A required unsigned integer that may arrive as an integral float (`2.0`).
pub(crate) struct RequiredUint<T>(Option<T>);
/// An optional unsigned integer (lenient about `2.0`).
pub(crate) struct OptionalUint<T>(Option<T>);
/// A counter: an optional unsigned integer where missing/`null` → `0`.
pub(crate) struct Count(Option<u64>);
/// A required RFC 3339 timestamp.
pub(crate) struct RequiredTime(Option<DateTime<Utc>>);
/// An optional RFC 3339 timestamp.
pub(crate) struct OptionalTime(Option<DateTime<Utc>>);

slot_default! {
    Required<T> None;
    Optional<T> None;
    List<T> Vec::new();
    Page<T> Vec::new();
    RequiredUint<T> None;
    OptionalUint<T> None;
    Count<> None;
    RequiredTime<> None;
    OptionalTime<> None;
}

impl<'de, T: Deserialize<'de>> Slot<'de> for Required<T> {
    type Out = T;

    fn read<A: MapAccess<'de>>(&mut self, map: &mut A) -> Result<(), A::Error> {
        self.0 = Some(map.next_value()?);
        Ok(())
    }

    fn finish<E: de::Error>(self, key: &'static str) -> Result<T, E> {
        self.0.ok_or_else(|| E::missing_field(key))
    }
}

impl<'de, T: Deserialize<'de>> Slot<'de> for Optional<T> {
    type Out = Option<T>;

    fn read<A: MapAccess<'de>>(&mut self, map: &mut A) -> Result<(), A::Error> {
        self.0 = map.next_value()?;
        Ok(())
    }

    fn finish<E: de::Error>(self, _: &'static str) -> Result<Option<T>, E> {
        Ok(self.0)
    }
}

impl<'de, T: Deserialize<'de>> Slot<'de> for List<T> {
    type Out = Vec<T>;

    fn read<A: MapAccess<'de>>(&mut self, map: &mut A) -> Result<(), A::Error> {
        self.0 = map.next_value_seed(ListSeed::new(usize::MAX))?;
        Ok(())
    }

    fn finish<E: de::Error>(self, _: &'static str) -> Result<Vec<T>, E> {
        Ok(self.0)
    }
}

impl<'de, T: Deserialize<'de>> Slot<'de> for Page<T> {
    type Out = Vec<T>;

    fn read<A: MapAccess<'de>>(&mut self, map: &mut A) -> Result<(), A::Error> {
        self.0 = map.next_value_seed(ListSeed::new(MAX_PAGE_ITEMS))?;
        Ok(())
    }

    fn finish<E: de::Error>(self, _: &'static str) -> Result<Vec<T>, E> {
        Ok(self.0)
    }
}

impl<'de, T: TryFrom<u64>> Slot<'de> for RequiredUint<T> {
    type Out = T;

    fn read<A: MapAccess<'de>>(&mut self, map: &mut A) -> Result<(), A::Error> {
        self.0 = map.next_value_seed(UintSeed::<T>::new(true))?;
        Ok(())
    }

    fn finish<E: de::Error>(self, key: &'static str) -> Result<T, E> {
        self.0.ok_or_else(|| E::missing_field(key))
    }
}

impl<'de, T: TryFrom<u64>> Slot<'de> for OptionalUint<T> {
    type Out = Option<T>;

    fn read<A: MapAccess<'de>>(&mut self, map: &mut A) -> Result<(), A::Error> {
        self.0 = map.next_value_seed(UintSeed::<T>::new(false))?;
        Ok(())
    }

    fn finish<E: de::Error>(self, _: &'static str) -> Result<Option<T>, E> {
        Ok(self.0)
    }
}

impl<'de> Slot<'de> for Count {
    type Out = u64;

    fn read<A: MapAccess<'de>>(&mut self, map: &mut A) -> Result<(), A::Error> {
        self.0 = map.next_value_seed(UintSeed::<u64>::new(false))?;
        Ok(())
    }

    fn finish<E: de::Error>(self, _: &'static str) -> Result<u64, E> {
        Ok(self.0.unwrap_or(0))
    }
}

impl<'de> Slot<'de> for RequiredTime {
    type Out = DateTime<Utc>;

    fn read<A: MapAccess<'de>>(&mut self, map: &mut A) -> Result<(), A::Error> {
        self.0 = map.next_value_seed(TimeSeed(true))?;
        Ok(())
    }

    fn finish<E: de::Error>(self, key: &'static str) -> Result<DateTime<Utc>, E> {
        self.0.ok_or_else(|| E::missing_field(key))
    }
}

impl<'de> Slot<'de> for OptionalTime {
    type Out = Option<DateTime<Utc>>;

    fn read<A: MapAccess<'de>>(&mut self, map: &mut A) -> Result<(), A::Error> {
        self.0 = map.next_value_seed(TimeSeed(false))?;
        Ok(())
    }

    fn finish<E: de::Error>(self, _: &'static str) -> Result<Option<DateTime<Utc>>, E> {
        Ok(self.0)
    }
}

// ------------------------------------------------------------------ lists

/// A list decoded item by item, at most `max` items; `null` → empty.
pub(crate) struct ListSeed<T> {
    max: usize,
    _item: PhantomData<T>,
}

impl<T> ListSeed<T> {
    pub(crate) fn new(max: usize) -> Self {
        Self {
            max,
            _item: PhantomData,
        }
    }
}

impl<'de, T: Deserialize<'de>> DeserializeSeed<'de> for ListSeed<T> {
    type Value = Vec<T>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Vec<T>, D::Error> {
        deserializer.deserialize_option(self)
    }
}

impl<'de, T: Deserialize<'de>> Visitor<'de> for ListSeed<T> {
    type Value = Vec<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array")
    }

    fn visit_none<E: de::Error>(self) -> Result<Vec<T>, E> {
        Ok(Vec::new())
    }

    fn visit_unit<E: de::Error>(self) -> Result<Vec<T>, E> {
        Ok(Vec::new())
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Vec<T>, D::Error> {
        deserializer.deserialize_seq(self)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<T>, A::Error> {
        // A size hint is the sender's claim: trust it only up to a few items.
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(self.max).min(64));
        loop {
            if items.len() == self.max {
                // Look at what follows without decoding it into anything.
                return match seq.next_element::<IgnoredAny>()? {
                    None => Ok(items),
                    Some(_) => Err(de::Error::custom(format_args!(
                        "more than {} items, the most a page holds",
                        self.max
                    ))),
                };
            }
            let index = items.len();
            match seq
                .next_element()
                .map_err(|e| nest_error(&format!("[{index}]"), e))?
            {
                Some(item) => items.push(item),
                None => return Ok(items),
            }
        }
    }
}

// ------------------------------------------------------------------ numbers

const UINT_EXPECTED: &str = "a non-negative integer";

/// The one lenient unsigned-integer conversion of the crate: accepts `854`
/// and `854.0`; rejects `854.5`, negatives, strings and out-of-range values.
/// Yields `None` for `null` unless `required`.
pub(crate) struct UintSeed<T> {
    required: bool,
    _out: PhantomData<T>,
}

impl<T> UintSeed<T> {
    pub(crate) fn new(required: bool) -> Self {
        Self {
            required,
            _out: PhantomData,
        }
    }
}

impl<'de, T: TryFrom<u64>> DeserializeSeed<'de> for UintSeed<T> {
    type Value = Option<T>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Option<T>, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de, T: TryFrom<u64>> Visitor<'de> for UintSeed<T> {
    type Value = Option<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(UINT_EXPECTED)
    }

    fn visit_u64<E: de::Error>(self, n: u64) -> Result<Option<T>, E> {
        T::try_from(n).map(Some).map_err(|_| {
            E::custom(format_args!(
                "invalid value: {n} is out of range for {}",
                std::any::type_name::<T>()
            ))
        })
    }

    fn visit_i64<E: de::Error>(self, n: i64) -> Result<Option<T>, E> {
        match u64::try_from(n) {
            Ok(n) => self.visit_u64(n),
            Err(_) => Err(E::custom(format_args!(
                "invalid value: {n}, expected {UINT_EXPECTED}"
            ))),
        }
    }

    fn visit_f64<E: de::Error>(self, f: f64) -> Result<Option<T>, E> {
        // 2^64 as f64; every integral float below it fits in a u64.
        if f.fract() == 0.0 && (0.0..18_446_744_073_709_551_616.0).contains(&f) {
            self.visit_u64(f as u64)
        } else {
            Err(E::custom(format_args!(
                "invalid value: {f}, expected {UINT_EXPECTED}"
            )))
        }
    }

    fn visit_unit<E: de::Error>(self) -> Result<Option<T>, E> {
        if self.required {
            Err(E::invalid_type(Unexpected::Unit, &self))
        } else {
            Ok(None)
        }
    }

    fn visit_none<E: de::Error>(self) -> Result<Option<T>, E> {
        self.visit_unit()
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Option<T>, D::Error> {
        deserializer.deserialize_any(self)
    }
}

// ------------------------------------------------------------------ timestamps

const TIME_EXPECTED: &str = "an RFC 3339 timestamp string";

/// The lenient timestamp conversion used by every timestamp field
/// ([`crate::time::parse_timestamp`]); `null` → `None` unless required (`.0`).
pub(crate) struct TimeSeed(pub(crate) bool);

impl<'de> DeserializeSeed<'de> for TimeSeed {
    type Value = Option<DateTime<Utc>>;

    fn deserialize<D: Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> Result<Option<DateTime<Utc>>, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for TimeSeed {
    type Value = Option<DateTime<Utc>>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(TIME_EXPECTED)
    }

    fn visit_str<E: de::Error>(self, s: &str) -> Result<Self::Value, E> {
        crate::time::parse_timestamp(s)
            .map(Some)
            .map_err(|e| E::custom(format_args!("invalid RFC 3339 timestamp {s:?}: {e}")))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        if self.0 {
            Err(E::invalid_type(Unexpected::Unit, &self))
        } else {
            Ok(None)
        }
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        self.visit_unit()
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

/// A timestamp whose wire type is disputed (`estimated_time`: RFC 3339 in the
/// API reference, "seconds" in the seed docs): a value that is not a
/// timestamp is not an error but is captured, to be kept in `extra`.
pub(crate) enum TimeOrKept {
    Null,
    Time(DateTime<Utc>),
    Kept(Captured),
}

/// Reads a [`TimeOrKept`] within `room` bytes of capture.
pub(crate) struct TimeOrKeep(pub(crate) usize);

impl<'de> DeserializeSeed<'de> for TimeOrKeep {
    type Value = TimeOrKept;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<TimeOrKept, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl TimeOrKeep {
    fn kept<E>(self, write: impl FnOnce(Capture<'_>) -> Result<(), E>) -> Result<TimeOrKept, E> {
        let mut sink = Sink::new(self.0);
        write(Capture(&mut sink, false))?;
        Ok(TimeOrKept::Kept(match sink.into_text() {
            Ok(text) => Captured::Kept(text),
            Err(total) => Captured::Omitted(total),
        }))
    }
}

impl<'de> Visitor<'de> for TimeOrKeep {
    type Value = TimeOrKept;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_str<E: de::Error>(self, s: &str) -> Result<TimeOrKept, E> {
        match crate::time::parse_timestamp(s) {
            Ok(t) => Ok(TimeOrKept::Time(t)),
            Err(_) => self.kept(|c| c.visit_str(s)),
        }
    }

    fn visit_unit<E: de::Error>(self) -> Result<TimeOrKept, E> {
        Ok(TimeOrKept::Null)
    }

    fn visit_none<E: de::Error>(self) -> Result<TimeOrKept, E> {
        Ok(TimeOrKept::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<TimeOrKept, D::Error> {
        deserializer.deserialize_any(self)
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<TimeOrKept, E> {
        self.kept(|c| c.visit_bool(v))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<TimeOrKept, E> {
        self.kept(|c| c.visit_i64(v))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<TimeOrKept, E> {
        self.kept(|c| c.visit_u64(v))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<TimeOrKept, E> {
        self.kept(|c| c.visit_f64(v))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<TimeOrKept, A::Error> {
        self.kept(|c| c.visit_seq(seq))
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<TimeOrKept, A::Error> {
        self.kept(|c| c.visit_map(map))
    }
}

// ------------------------------------------------------------------ the macro

/// Implements `Deserialize` for a model struct from its field list; see the
/// module docs for the slots and a porting example.
macro_rules! lenient_object {
    (
        $ty:ident expecting $expecting:literal {
            $( $field:ident: $slot:ident $wire:literal, )*
            $( ..$extra:ident )?
        }
    ) => {
        impl<'de> ::serde::Deserialize<'de> for $ty {
            fn deserialize<D: ::serde::Deserializer<'de>>(
                deserializer: D,
            ) -> ::std::result::Result<Self, D::Error> {
                #[allow(non_camel_case_types)]
                enum Field {
                    $( $field, )*
                }

                fn known(key: &str) -> ::std::option::Option<Field> {
                    match key {
                        $( $wire => ::std::option::Option::Some(Field::$field), )*
                        _ => ::std::option::Option::None,
                    }
                }

                struct ObjectVisitor;

                impl<'de> ::serde::de::Visitor<'de> for ObjectVisitor {
                    type Value = $ty;

                    fn expecting(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        f.write_str($expecting)
                    }

                    fn visit_map<A: ::serde::de::MapAccess<'de>>(
                        self,
                        mut map: A,
                    ) -> ::std::result::Result<$ty, A::Error> {
                        use $crate::lenient::{Key, KeySeed, Slot as _};
                        $( let mut $field = $crate::lenient::$slot::default(); )*
                        #[allow(unused_mut)]
                        let mut extra = $crate::Extra::new();
                        let keep_extra = $crate::lenient::lenient_object!(@keep $($extra)?);
                        while let ::std::option::Option::Some(key) =
                            map.next_key_seed(KeySeed(known))?
                        {
                            match key {
                                $( Key::Known(Field::$field) => $field
                                    .read(&mut map)
                                    .map_err(|e| $crate::lenient::nest_error($wire, e))?, )*
                                Key::Unknown(key) => $crate::lenient::unknown(
                                    keep_extra.then_some(&mut extra),
                                    key,
                                    &mut map,
                                )?,
                            }
                        }
                        ::std::result::Result::Ok($ty {
                            $( $field: $field.finish::<A::Error>($wire)?, )*
                            $( $extra: extra.finish(), )?
                        })
                    }
                }

                deserializer.deserialize_map(ObjectVisitor)
            }
        }
    };
    (@keep) => { false };
    (@keep $extra:ident) => { true };
}

pub(crate) use lenient_object;
