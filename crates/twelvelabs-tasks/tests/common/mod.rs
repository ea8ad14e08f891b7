//! Shared helpers for the integration tests: a client against a local server, a
//! scripted responder, fixtures, and a hand-written multipart parser.

#![allow(dead_code)]

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use serde_json::Value;
use twelvelabs_tasks::Tasks;
use twelvelabs_transport::{
    ApiKey, ApiVersion, ClientConfig, Executor, ManualClock, ReqwestTransport,
};
use wiremock::{MockServer, Request, Respond, ResponseTemplate};

/// The API key every test client sends.
pub const API_KEY: &str = "tlk_test";

/// A `Tasks` talking to `server` with this API version, and its manual clock.
pub fn client(server: &MockServer, version: ApiVersion) -> (Tasks, ManualClock) {
    client_for_uri(&server.uri(), version)
}

/// A `Tasks` talking to a base URI (for servers other than wiremock).
pub fn client_for_uri(uri: &str, version: ApiVersion) -> (Tasks, ManualClock) {
    let (url, _) = ClientConfig::parse_base_url(uri).expect("base url");
    let mut cfg = ClientConfig::new(ApiKey::new(API_KEY).expect("key"));
    cfg.base_url = url;
    cfg.api_version = version;
    let clock = ManualClock::new();
    cfg.clock = Arc::new(clock.clone());
    let transport = ReqwestTransport::new().expect("transport");
    (Tasks::new(Executor::new(Arc::new(transport), cfg)), clock)
}

/// The text of a fixture of the workspace's one set (`crates/twelvelabs-models/tests/fixtures`).
pub fn fixture(name: &str) -> String {
    // One fixture set for the workspace: the models crate's, where every file is
    // also decoded, snapshotted and round-tripped.
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../twelvelabs-models/tests/fixtures")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A fixture parsed as JSON.
pub fn fixture_json(name: &str) -> Value {
    serde_json::from_str(&fixture(name)).expect("fixture is JSON")
}

/// A 200 JSON response with a fixture as its body.
pub fn json_fixture(status: u16, name: &str) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_raw(fixture(name), "application/json")
}

/// A JSON response from a value.
pub fn json(status: u16, body: Value) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_raw(body.to_string(), "application/json")
}

/// The flat error body of the task endpoints.
pub fn api_error(status: u16, code: &str, message: &str) -> ResponseTemplate {
    json(
        status,
        serde_json::json!({
            "code": code,
            "message": message,
            "docs_url": "https://docs.twelvelabs.io/v1.2/reference/error-codes"
        }),
    )
}

/// A minimal task object.
pub fn task_json(id: &str, status: &str) -> Value {
    serde_json::json!({
        "_id": id,
        "index_id": "6734f0aa9e2a3a33a92c00b1",
        "status": status,
        "created_at": "2024-11-13T09:12:34.567Z",
        "updated_at": "2024-11-13T09:13:40.001Z",
        "metadata": { "filename": format!("{id}.mp4"), "duration": 12.5, "width": 854, "height": 480 }
    })
}

/// A `GET /tasks` page with tasks `ids`.
pub fn page_json(page: u32, total_page: u32, ids: &[String]) -> Value {
    serde_json::json!({
        "data": ids.iter().map(|id| task_json(id, "ready")).collect::<Vec<_>>(),
        "page_info": {
            "limit_per_page": 2,
            "page": page,
            "total_page": total_page,
            "total_results": u64::from(total_page) * 2
        }
    })
}

/// Answers with each response in turn, then repeats the last one forever.
pub struct Sequence {
    responses: Vec<ResponseTemplate>,
    next: AtomicUsize,
}

impl Sequence {
    /// The responses, in order.
    pub fn new(responses: Vec<ResponseTemplate>) -> Self {
        assert!(!responses.is_empty());
        Sequence {
            responses,
            next: AtomicUsize::new(0),
        }
    }
}

impl Respond for Sequence {
    fn respond(&self, _request: &Request) -> ResponseTemplate {
        let i = self.next.fetch_add(1, Ordering::SeqCst);
        self.responses[i.min(self.responses.len() - 1)].clone()
    }
}

/// Every request the server received.
pub async fn received(server: &MockServer) -> Vec<Request> {
    server.received_requests().await.expect("recording on")
}

/// The query pairs of a request, decoded, in order.
pub fn query_pairs(request: &Request) -> Vec<(String, String)> {
    request
        .url
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

/// A header of a request as a string.
pub fn header<'a>(request: &'a Request, name: &str) -> Option<&'a str> {
    request.headers.get(name).and_then(|v| v.to_str().ok())
}

/// One part of a multipart body, parsed by hand.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormPart {
    /// The raw header lines of the part.
    pub headers: Vec<String>,
    /// The `name` of the Content-Disposition.
    pub name: String,
    /// The `filename`, for file parts.
    pub filename: Option<String>,
    /// The part's Content-Type.
    pub content_type: Option<String>,
    /// The content.
    pub body: Vec<u8>,
}

impl FormPart {
    /// The content as text.
    pub fn text(&self) -> &str {
        std::str::from_utf8(&self.body).expect("utf-8 part")
    }

    /// Whether this is a plain text field (no filename, no content type).
    pub fn is_text(&self) -> bool {
        self.filename.is_none() && self.content_type.is_none()
    }
}

fn find(haystack: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    if needle.is_empty() || haystack.len() < needle.len() {
        return None;
    }
    (from..=haystack.len() - needle.len()).find(|&i| &haystack[i..i + needle.len()] == needle)
}

fn quoted_param(disposition: &str, key: &str) -> Option<String> {
    let pattern = format!("; {key}=\"");
    let start = disposition.find(&pattern)? + pattern.len();
    let end = disposition[start..].find('"')? + start;
    Some(disposition[start..end].to_owned())
}

/// The boundary of a `multipart/form-data` Content-Type.
pub fn boundary_of(content_type: &str) -> String {
    let (mime, rest) = content_type
        .split_once(';')
        .expect("content type has parameters");
    assert_eq!(mime.trim(), "multipart/form-data");
    let boundary = rest
        .trim()
        .strip_prefix("boundary=")
        .expect("boundary parameter");
    boundary.trim_matches('"').to_owned()
}

/// Parses a multipart body strictly: no preamble, CRLF everywhere, one closing
/// delimiter followed by CRLF and nothing else.
pub fn parse_multipart(content_type: &str, body: &[u8]) -> Vec<FormPart> {
    let boundary = boundary_of(content_type);
    let delimiter = format!("--{boundary}").into_bytes();
    assert!(
        body.starts_with(&delimiter),
        "body must start with the delimiter"
    );
    let mut parts = Vec::new();
    let mut pos = delimiter.len();
    loop {
        if body[pos..].starts_with(b"--") {
            assert_eq!(
                &body[pos..],
                b"--\r\n",
                "closing delimiter then CRLF, nothing else"
            );
            break;
        }
        assert!(body[pos..].starts_with(b"\r\n"), "CRLF after delimiter");
        pos += 2;
        let mut next_delim = b"\r\n".to_vec();
        next_delim.extend_from_slice(&delimiter);
        let end = find(body, &next_delim, pos).expect("next delimiter");
        let raw = &body[pos..end];
        let split = find(raw, b"\r\n\r\n", 0).expect("blank line after part headers");
        let head = std::str::from_utf8(&raw[..split]).expect("ascii headers");
        let headers: Vec<String> = head.split("\r\n").map(str::to_owned).collect();
        let disposition = headers
            .iter()
            .find_map(|h| h.strip_prefix("Content-Disposition: "))
            .expect("Content-Disposition")
            .to_owned();
        assert!(disposition.starts_with("form-data; name=\""));
        let content_type = headers
            .iter()
            .find_map(|h| h.strip_prefix("Content-Type: "))
            .map(str::to_owned);
        parts.push(FormPart {
            name: quoted_param(&disposition, "name").expect("name"),
            filename: quoted_param(&disposition, "filename"),
            content_type,
            headers,
            body: raw[split + 4..].to_vec(),
        });
        pos = end + next_delim.len();
    }
    parts
}

/// The multipart parts of a received request.
pub fn form_of(request: &Request) -> Vec<FormPart> {
    let ct = header(request, "content-type").expect("content-type");
    parse_multipart(ct, &request.body)
}

/// `(name, text)` of every text part, and `(name, filename, content type)` of every
/// file part, in order, for compact assertions.
pub fn summary(parts: &[FormPart]) -> Vec<String> {
    parts
        .iter()
        .map(|p| match (&p.filename, &p.content_type) {
            (None, None) => format!("{}={}", p.name, p.text()),
            (f, ct) => format!(
                "{}; filename={}; {} ({} bytes)",
                p.name,
                f.as_deref().unwrap_or("-"),
                ct.as_deref().unwrap_or("-"),
                p.body.len()
            ),
        })
        .collect()
}

/// A temporary file that is deleted when dropped.
pub struct TempFile {
    pub path: PathBuf,
}

impl TempFile {
    /// Writes `data` to a fresh file with this name in its own temp directory.
    pub fn new(name: &str, data: &[u8]) -> Self {
        let dir = unique_dir();
        let path = dir.join(name);
        std::fs::write(&path, data).expect("write temp file");
        TempFile { path }
    }

    /// A path that does not exist (nor does its directory; nothing is created).
    pub fn missing(name: &str) -> PathBuf {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        std::env::temp_dir()
            .join(format!(
                "twelvelabs-tasks-missing-{}-{}-{}",
                std::process::id(),
                COUNTER.fetch_add(1, Ordering::SeqCst),
                fastish_nanos()
            ))
            .join(name)
    }
}

fn unique_dir() -> PathBuf {
    static COUNTER: AtomicUsize = AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!(
        "twelvelabs-tasks-test-{}-{}-{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::SeqCst),
        fastish_nanos()
    ));
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

fn fastish_nanos() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0)
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
        if let Some(dir) = self.path.parent() {
            let _ = std::fs::remove_dir(dir);
        }
    }
}

/// 64-bit FNV-1a.
pub struct Fnv(pub u64);

impl Default for Fnv {
    fn default() -> Self {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}

impl Fnv {
    /// Feeds bytes.
    pub fn update(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 ^= u64::from(b);
            self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
}

/// A deterministic byte pattern (not all zeros, not periodic on small scales).
pub fn pattern(len: usize) -> Vec<u8> {
    let mut x: u32 = 0x1234_5678;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            (x >> 24) as u8
        })
        .collect()
}
