//! Shared helpers for the wire tests: a client against a wiremock server,
//! fixtures, and accessors for what the server received.

#![allow(dead_code)]

use std::path::PathBuf;
use std::sync::Arc;

use serde_json::Value;
use twelvelabs_indexes::Indexes;
use twelvelabs_transport::{
    ApiKey, ApiVersion, ClientConfig, Executor, ManualClock, ReqwestTransport,
};
use wiremock::{MockServer, Request, ResponseTemplate};

/// The API key every test client sends.
pub const API_KEY: &str = "tlk_test";
/// An index id.
pub const INDEX: &str = "6734f0aa9e2a3a33a92c00b1";
/// A video id of that index.
pub const VIDEO: &str = "6734f25ea1b2c3d4e5f60720";

/// An `Indexes` talking to `server` with this API version (manual clock, so
/// retry backoff takes no time).
pub fn client(server: &MockServer, version: ApiVersion) -> Indexes {
    let (url, _) = ClientConfig::parse_base_url(&server.uri()).expect("base url");
    let mut cfg = ClientConfig::new(ApiKey::new(API_KEY).expect("key"));
    cfg.base_url = url;
    cfg.api_version = version;
    cfg.clock = Arc::new(ManualClock::new());
    let transport = ReqwestTransport::new().expect("transport");
    Indexes::new(Executor::new(Arc::new(transport), cfg))
}

/// The text of a fixture of the workspace's one set for indexes and videos
/// (`crates/twelvelabs-models/tests/index_fixtures`, where each is also decoded).
pub fn fixture(name: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../twelvelabs-models/tests/index_fixtures")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A JSON response with a fixture as its body.
pub fn json_fixture(status: u16, name: &str) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_raw(fixture(name), "application/json")
}

/// A JSON response from a value.
pub fn json(status: u16, body: Value) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_raw(body.to_string(), "application/json")
}

/// Every request the server received.
pub async fn received(server: &MockServer) -> Vec<Request> {
    server.received_requests().await.expect("recording on")
}

/// The raw query string of a request ("" when there is none).
pub fn raw_query(request: &Request) -> &str {
    request.url.query().unwrap_or("")
}

/// A header's value.
pub fn header<'a>(request: &'a Request, name: &str) -> Option<&'a str> {
    request.headers.get(name).and_then(|v| v.to_str().ok())
}

/// The body as JSON.
pub fn body_json(request: &Request) -> Value {
    serde_json::from_slice(&request.body).expect("JSON body")
}

/// A minimal index object.
pub fn index_json(id: &str, version: ApiVersion) -> Value {
    let mut index = serde_json::json!({
        "_id": id, "index_name": format!("index-{id}"), "video_count": 0,
        "total_duration": 0, "created_at": "2024-11-13T09:00:00Z"
    });
    if version == ApiVersion::V1_2 {
        index["engines"] =
            serde_json::json!([{"engine_name": "marengo2.6", "engine_options": ["visual"]}]);
    } else {
        index["models"] =
            serde_json::json!([{"model_name": "marengo2.7", "model_options": ["visual"]}]);
    }
    index
}

/// A minimal video object.
pub fn video_json(id: &str) -> Value {
    serde_json::json!({
        "_id": id, "created_at": "2024-11-13T09:12:34.567Z",
        "metadata": {"filename": "01.mp4", "duration": 12.5, "fps": 25, "width": 854, "height": 480, "size": 1000}
    })
}

/// A list page of these items.
pub fn page_json(items: Vec<Value>, page: u32, total_page: u32) -> Value {
    serde_json::json!({
        "data": items,
        "page_info": {"limit_per_page": 1, "page": page, "total_page": total_page, "total_results": total_page}
    })
}
