//! Shared helpers of the integration tests: a started emulator with a plain
//! reqwest client, a hand-written multipart body builder and an MP4 maker.
#![allow(dead_code)]

use reqwest::StatusCode;
use serde_json::Value;
use twelvelabs_emulator::{Emulator, EmulatorConfig, IndexSeed, Pace};

pub const BOUNDARY: &str = "emulator-test-boundary-7MA4YWxkTrZu0gW";

/// An emulator plus a client that sends its key.
pub struct Env {
    pub emu: Emulator,
    pub client: reqwest::Client,
    pub base: String,
    pub key: String,
}

pub async fn start(config: EmulatorConfig) -> Env {
    let emu = Emulator::start(config).await.expect("emulator starts");
    let client = reqwest::Client::builder()
        .no_proxy()
        .build()
        .expect("client");
    Env {
        base: emu.base_url(),
        key: emu.api_key().to_owned(),
        emu,
        client,
    }
}

/// A second index present in the test emulators, besides the demo index.
pub const SECOND_INDEX: &str = "6298d673f1090f1100476d4d";

/// The default configuration plus [`SECOND_INDEX`].
pub fn config() -> EmulatorConfig {
    EmulatorConfig {
        indexes: vec![
            IndexSeed::demo(),
            IndexSeed::new(SECOND_INDEX, "second-index"),
        ],
        ..EmulatorConfig::default()
    }
}

pub async fn start_default() -> Env {
    start(config()).await
}

pub async fn start_instant() -> Env {
    start(EmulatorConfig {
        pace: Pace::Instant,
        ..config()
    })
    .await
}

impl Env {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    pub fn get(&self, path: &str) -> reqwest::RequestBuilder {
        self.client
            .get(self.url(path))
            .header("x-api-key", &self.key)
    }

    pub fn delete(&self, path: &str) -> reqwest::RequestBuilder {
        self.client
            .delete(self.url(path))
            .header("x-api-key", &self.key)
    }

    pub fn post(&self, path: &str) -> reqwest::RequestBuilder {
        self.client
            .post(self.url(path))
            .header("x-api-key", &self.key)
    }

    pub async fn get_json(&self, path: &str) -> (StatusCode, Value) {
        let r = self.get(path).send().await.expect("request");
        let status = r.status();
        (status, r.json().await.expect("json body"))
    }

    pub async fn post_form(&self, path: &str, form: Form) -> (StatusCode, Value) {
        let r = form.send(self.post(path)).await;
        let status = r.status();
        let text = r.text().await.expect("body");
        let v = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).expect("json body")
        };
        (status, v)
    }

    /// Creates a task from a URL and returns its id.
    pub async fn create_url(&self, version: &str, index: &str, url: &str) -> String {
        let (s, v) = self
            .post_form(
                &format!("/{version}/tasks"),
                Form::new().text("index_id", index).text("video_url", url),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        v["_id"].as_str().expect("_id").to_owned()
    }

    /// Creates a task from file bytes and returns its id.
    pub async fn create_file(
        &self,
        version: &str,
        index: &str,
        filename: &str,
        bytes: &[u8],
    ) -> String {
        let (s, v) = self
            .post_form(
                &format!("/{version}/tasks"),
                Form::new().text("index_id", index).file(
                    "video_file",
                    filename,
                    "video/mp4",
                    bytes,
                ),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        v["_id"].as_str().expect("_id").to_owned()
    }

    pub async fn task(&self, version: &str, id: &str) -> Value {
        let (s, v) = self.get_json(&format!("/{version}/tasks/{id}")).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        v
    }

    /// Retrieves a task until it is terminal (per-retrieve pace).
    pub async fn finish(&self, version: &str, id: &str) -> Value {
        for _ in 0..10 {
            let t = self.task(version, id).await;
            if t["status"] == "ready" || t["status"] == "failed" {
                return t;
            }
        }
        panic!("task {id} did not finish");
    }
}

/// A hand-written `multipart/form-data` body.
#[derive(Default)]
pub struct Form {
    body: Vec<u8>,
}

impl Form {
    pub fn new() -> Form {
        Form::default()
    }

    pub fn text(mut self, name: &str, value: &str) -> Form {
        self.body.extend_from_slice(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
        self
    }

    pub fn file(mut self, name: &str, filename: &str, content_type: &str, bytes: &[u8]) -> Form {
        self.body.extend_from_slice(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{filename}\"\r\nContent-Type: {content_type}\r\n\r\n"
            )
            .as_bytes(),
        );
        self.body.extend_from_slice(bytes);
        self.body.extend_from_slice(b"\r\n");
        self
    }

    pub fn content_type() -> String {
        format!("multipart/form-data; boundary={BOUNDARY}")
    }

    pub fn into_body(mut self) -> Vec<u8> {
        self.body
            .extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
        self.body
    }

    pub async fn send(self, rb: reqwest::RequestBuilder) -> reqwest::Response {
        rb.header("content-type", Form::content_type())
            .body(self.into_body())
            .send()
            .await
            .expect("request")
    }
}

/// The sample clip shipped in `examples/assets/sample.mp4` (10 s, 640x360).
pub fn sample_mp4() -> Vec<u8> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../examples/assets/sample.mp4"
    );
    std::fs::read(path).expect("examples/assets/sample.mp4")
}

fn bx(kind: &[u8; 4], body: &[u8]) -> Vec<u8> {
    let mut v = ((body.len() + 8) as u32).to_be_bytes().to_vec();
    v.extend_from_slice(kind);
    v.extend_from_slice(body);
    v
}

/// A minimal MP4 (ftyp, moov with mvhd + one video trak, mdat) of the given
/// duration and size; `moov_last` puts `moov` after `mdat`.
pub fn make_mp4(
    duration_ms: u32,
    width: u16,
    height: u16,
    mdat_len: usize,
    moov_last: bool,
) -> Vec<u8> {
    let ftyp = bx(b"ftyp", b"isom\0\0\x02\0isomiso2avc1mp41");
    let mut mvhd = vec![0u8; 100];
    mvhd[12..16].copy_from_slice(&1000u32.to_be_bytes());
    mvhd[16..20].copy_from_slice(&duration_ms.to_be_bytes());
    let mut tkhd = vec![0u8; 84];
    tkhd[76..78].copy_from_slice(&width.to_be_bytes());
    tkhd[80..82].copy_from_slice(&height.to_be_bytes());
    let mut hdlr = vec![0u8; 24];
    hdlr[8..12].copy_from_slice(b"vide");
    let mut trak = bx(b"tkhd", &tkhd);
    trak.extend(bx(b"mdia", &bx(b"hdlr", &hdlr)));
    let mut moov = bx(b"mvhd", &mvhd);
    moov.extend(bx(b"trak", &trak));
    let moov = bx(b"moov", &moov);
    let mdat = bx(b"mdat", &vec![0x42; mdat_len]);
    let mut f = ftyp;
    if moov_last {
        f.extend(mdat);
        f.extend(moov);
    } else {
        f.extend(moov);
        f.extend(mdat);
    }
    f
}

/// Asserts the flat error body.
pub fn assert_error(v: &Value, code: &str) {
    assert_eq!(v["code"], code, "{v}");
    assert!(v["message"].as_str().is_some_and(|m| !m.is_empty()), "{v}");
    assert!(
        v["docs_url"]
            .as_str()
            .is_some_and(|m| m.starts_with("https://")),
        "{v}"
    );
}
