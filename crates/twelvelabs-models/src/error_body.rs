//! The JSON body of an API error response.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Map, Value};

/// An API error body, whatever shape the server used.
///
/// [`ApiErrorBody::parse`] understands:
///
/// * the flat shape of the task endpoints:
///   `{"code": "parameter_invalid", "message": "…", "docs_url": "…"}`;
/// * the wrapped shape of newer endpoints:
///   `{"error": {"code": "…", "message": "…", "details": {…}}}`;
/// * the search shape with a numeric code: `{"error_code": 104, "message": "…"}`
///   (the code becomes the string `"104"`).
///
/// It returns `None` for an empty body (429s are often empty), for anything
/// that is not a JSON object (an HTML error page from a proxy) and for JSON
/// with neither a code nor a message. Serialising writes the flat shape.
///
/// ```
/// # use twelvelabs_models::ApiErrorBody;
/// let body = ApiErrorBody::parse(br#"{"error":{"code":"too_many_requests","message":"Slow down"}}"#).unwrap();
/// assert_eq!(body.code.as_deref(), Some("too_many_requests"));
/// assert_eq!(body.to_string(), "too_many_requests: Slow down");
/// assert!(ApiErrorBody::parse(b"").is_none());
/// assert!(ApiErrorBody::parse(b"<html><body>502 Bad Gateway</body></html>").is_none());
/// ```
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct ApiErrorBody {
    /// The machine-readable code, e.g. `parameter_invalid`.
    pub code: Option<String>,
    /// The human-readable message.
    pub message: Option<String>,
    /// A link to the error-code documentation.
    pub docs_url: Option<String>,
    /// Extra details (wrapped shape only).
    pub details: Option<Value>,
}

impl ApiErrorBody {
    /// A body with a code and a message.
    pub fn new(code: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            code: Some(code.into()),
            message: Some(message.into()),
            docs_url: None,
            details: None,
        }
    }

    /// Sets `docs_url`.
    pub fn with_docs_url(mut self, docs_url: impl Into<String>) -> Self {
        self.docs_url = Some(docs_url.into());
        self
    }

    /// Parses a raw response body; see the type docs for the shapes accepted.
    /// Never panics.
    pub fn parse(body: &[u8]) -> Option<Self> {
        if body.iter().all(u8::is_ascii_whitespace) {
            return None;
        }
        Self::from_value(serde_json::from_slice(body).ok()?)
    }

    /// Like [`ApiErrorBody::parse`], from an already-parsed JSON value.
    pub fn from_value(value: Value) -> Option<Self> {
        let body = Self::from_value_lossy(value)?;
        (body.code.is_some() || body.message.is_some()).then_some(body)
    }

    /// Reads every known key from an object; `None` only for a non-object.
    fn from_value_lossy(value: Value) -> Option<Self> {
        let Value::Object(mut outer) = value else {
            return None;
        };
        let mut inner = match outer.remove("error") {
            Some(Value::Object(inner)) => inner,
            // `{"error": "text"}`: treat the string as the message.
            Some(Value::String(message)) if !outer.contains_key("message") => {
                let mut inner = Map::new();
                inner.insert("message".into(), Value::String(message));
                inner
            }
            _ => Map::new(),
        };
        let mut field = |key: &str| inner.remove(key).or_else(|| outer.remove(key));
        let code = text(field("code")).or_else(|| text(field("error_code")));
        let message = text(field("message"));
        let docs_url = text(field("docs_url"));
        let details = field("details").filter(|v| !v.is_null());
        Some(Self {
            code,
            message,
            docs_url,
            details,
        })
    }
}

/// A string as is; a number, boolean or structure as its JSON text; `null`
/// and empty strings as `None`.
fn text(value: Option<Value>) -> Option<String> {
    match value? {
        Value::Null => None,
        Value::String(s) if s.is_empty() => None,
        Value::String(s) => Some(s),
        other => Some(other.to_string()),
    }
}

impl<'de> Deserialize<'de> for ApiErrorBody {
    /// Accepts every shape [`ApiErrorBody::parse`] does. An object with
    /// neither code nor message yields a body with every field `None`.
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = Value::deserialize(deserializer)?;
        if !value.is_object() {
            let message = crate::lenient::invalid_type(&value, "an error object");
            return Err(serde::de::Error::custom(message));
        }
        Ok(Self::from_value_lossy(value).unwrap_or_default())
    }
}

impl fmt::Display for ApiErrorBody {
    /// `code: message`, or whichever of the two is present.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.code, &self.message) {
            (Some(code), Some(message)) => write!(f, "{code}: {message}"),
            (Some(only), None) | (None, Some(only)) => f.write_str(only),
            (None, None) => f.write_str("unknown error"),
        }
    }
}
