//! A file larger than 64 MiB through the real reqwest transport to a small local
//! HTTP/1.1 server that streams the body into a checksum (nothing is buffered).

mod common;

use std::io::{Read, Write};
use std::sync::{Arc, Mutex};

use common::*;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use twelvelabs_transport::{ApiVersion, Progress};

const FILE_LEN: usize = 65 * 1024 * 1024;
const CHUNK: usize = 1024 * 1024;

/// What the server saw of one request.
#[derive(Debug)]
struct Seen {
    method: String,
    target: String,
    headers: Vec<(String, String)>,
    body_len: u64,
    hash: u64,
    head: Vec<u8>,
}

impl Seen {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

async fn serve(stream: TcpStream, seen: mpsc::UnboundedSender<Seen>) {
    let mut reader = BufReader::new(stream);
    loop {
        let mut request_line = String::new();
        if reader.read_line(&mut request_line).await.unwrap_or(0) == 0 {
            return;
        }
        let mut words = request_line.split_whitespace();
        let method = words.next().unwrap_or_default().to_owned();
        let target = words.next().unwrap_or_default().to_owned();
        let mut headers = Vec::new();
        loop {
            let mut line = String::new();
            reader.read_line(&mut line).await.expect("header line");
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            let (k, v) = line.split_once(':').expect("header");
            headers.push((k.trim().to_ascii_lowercase(), v.trim().to_owned()));
        }
        let length: u64 = headers
            .iter()
            .find(|(k, _)| k == "content-length")
            .map(|(_, v)| v.parse().unwrap())
            .unwrap_or(0);
        let mut hasher = Fnv::default();
        let mut head = Vec::new();
        let mut remaining = length;
        let mut buf = vec![0u8; 256 * 1024];
        while remaining > 0 {
            let want = remaining.min(buf.len() as u64) as usize;
            let n = reader.read(&mut buf[..want]).await.expect("body");
            assert!(n > 0, "connection closed with {remaining} bytes missing");
            hasher.update(&buf[..n]);
            if head.len() < 4096 {
                head.extend_from_slice(&buf[..n.min(4096 - head.len())]);
            }
            remaining -= n as u64;
        }
        let body = if method == "POST" {
            r#"{"_id":"6734f1c2a1b2c3d4e5f60718"}"#.to_owned()
        } else {
            task_json("6734f1c2a1b2c3d4e5f60718", "validating").to_string()
        };
        seen.send(Seen {
            method,
            target,
            headers,
            body_len: length,
            hash: hasher.0,
            head,
        })
        .unwrap();
        let response = format!(
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        );
        reader
            .get_mut()
            .write_all(response.as_bytes())
            .await
            .expect("respond");
    }
}

/// Writes the file in chunks and returns it (deleted on drop).
fn write_big_file() -> TempFile {
    let file = TempFile::new("big.mp4", b"");
    let mut out = std::io::BufWriter::new(std::fs::File::create(&file.path).unwrap());
    let chunk = pattern(CHUNK);
    for i in 0..FILE_LEN / CHUNK {
        // Vary every chunk so a repeated or dropped chunk changes the checksum.
        let mut c = chunk.clone();
        c[0] = i as u8;
        c[CHUNK - 1] = (i >> 8) as u8;
        out.write_all(&c).unwrap();
    }
    out.flush().unwrap();
    file
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_65_mib_file_arrives_intact_with_content_length() {
    let file = write_big_file();
    assert_eq!(
        std::fs::metadata(&file.path).unwrap().len(),
        FILE_LEN as u64
    );

    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (tx, mut rx) = mpsc::unbounded_channel();
    let server = tokio::spawn(async move {
        loop {
            let (stream, _) = listener.accept().await.unwrap();
            tokio::spawn(serve(stream, tx.clone()));
        }
    });

    let (tasks, _) = client_for_uri(&format!("http://{addr}"), ApiVersion::V1_2);
    let progress: Arc<Mutex<Vec<Progress>>> = Arc::default();
    let sink = Arc::clone(&progress);
    let task = tasks
        .create("IDX")
        .file(&file.path)
        .with_progress(move |p| sink.lock().unwrap().push(p))
        .send()
        .await
        .unwrap();
    assert_eq!(task.id, "6734f1c2a1b2c3d4e5f60718");

    let post = rx.recv().await.unwrap();
    let get = rx.recv().await.unwrap();
    server.abort();
    assert_eq!(
        (post.method.as_str(), post.target.as_str()),
        ("POST", "/v1.2/tasks")
    );
    assert_eq!(
        (get.method.as_str(), get.target.as_str()),
        ("GET", "/v1.2/tasks/6734f1c2a1b2c3d4e5f60718")
    );
    assert!(post.header("transfer-encoding").is_none(), "not chunked");
    assert_eq!(post.header("x-api-key"), Some(API_KEY));

    // The exact body: both parts, the file bytes in between, the closing delimiter.
    let boundary = boundary_of(post.header("content-type").unwrap());
    let prefix = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"index_id\"\r\n\r\nIDX\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"video_file\"; filename=\"big.mp4\"\r\n\
         Content-Type: video/mp4\r\n\r\n"
    );
    let suffix = format!("\r\n--{boundary}--\r\n");
    let expected_len = (prefix.len() + FILE_LEN + suffix.len()) as u64;
    assert_eq!(
        post.header("content-length"),
        Some(expected_len.to_string().as_str())
    );
    assert_eq!(post.body_len, expected_len);
    assert!(post.head.starts_with(prefix.as_bytes()));

    let mut expected = Fnv::default();
    expected.update(prefix.as_bytes());
    let mut reader = std::fs::File::open(&file.path).unwrap();
    let mut buf = vec![0u8; CHUNK];
    loop {
        let n = reader.read(&mut buf).unwrap();
        if n == 0 {
            break;
        }
        expected.update(&buf[..n]);
    }
    expected.update(suffix.as_bytes());
    assert_eq!(post.hash, expected.0, "the bytes changed on the way");

    let progress = progress.lock().unwrap();
    let last = progress.last().unwrap();
    // Progress counts the file's bytes against its size, not the envelope.
    assert_eq!(last.sent, FILE_LEN as u64);
    assert_eq!(last.total, Some(FILE_LEN as u64));

    let path = file.path.clone();
    drop(file);
    assert!(!path.exists(), "temp file deleted");
}
