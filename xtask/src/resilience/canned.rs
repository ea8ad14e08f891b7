//! Tiny canned HTTP/1.1 servers on 127.0.0.1 that answer every request the same way:
//! the hostile servers of the bad-response, deadline and pagination scenarios.

use super::*;

// ---------------------------------------------------------------- canned servers

/// What a canned server answers to every request.
#[derive(Clone)]
pub(super) enum Reply {
    /// A complete HTTP/1.1 response.
    Raw(Vec<u8>),
    /// A 200 whose body is `size` bytes of JSON-ish filler (chunked or with length).
    Huge { size: u64, chunked: bool },
}

/// A tiny HTTP/1.1 server on 127.0.0.1: counts hits and whether any request carried
/// an `x-api-key` header.
pub(super) struct Canned {
    pub(super) port: u16,
    pub(super) hits: Arc<AtomicUsize>,
    pub(super) saw_key: Arc<AtomicBool>,
    pub(super) task: tokio::task::JoinHandle<()>,
}

impl Drop for Canned {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl Canned {
    pub(super) fn base(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }
}

pub(super) fn http_response(status: &str, headers: &[(&str, &str)], body: &[u8]) -> Reply {
    let mut s = format!("HTTP/1.1 {status}\r\n");
    for (k, v) in headers {
        s.push_str(&format!("{k}: {v}\r\n"));
    }
    s.push_str(&format!(
        "Content-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    ));
    let mut out = s.into_bytes();
    out.extend_from_slice(body);
    Reply::Raw(out)
}

pub(super) fn json_200(body: &str) -> Reply {
    http_response(
        "200 OK",
        &[("Content-Type", "application/json")],
        body.as_bytes(),
    )
}

pub(super) async fn canned(reply: Reply) -> Result<Canned, String> {
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .map_err(|e| e.to_string())?;
    let port = listener.local_addr().map_err(|e| e.to_string())?.port();
    let hits = Arc::new(AtomicUsize::new(0));
    let saw_key = Arc::new(AtomicBool::new(false));
    let (h, k) = (Arc::clone(&hits), Arc::clone(&saw_key));
    let task = tokio::spawn(async move {
        while let Ok((mut sock, _)) = listener.accept().await {
            let (h, k, reply) = (Arc::clone(&h), Arc::clone(&k), reply.clone());
            tokio::spawn(async move {
                let mut buf = Vec::new();
                let mut chunk = [0u8; 4096];
                while !buf.windows(4).any(|w| w == b"\r\n\r\n") && buf.len() < 64 * 1024 {
                    match sock.read(&mut chunk).await {
                        Ok(0) | Err(_) => break,
                        Ok(n) => buf.extend_from_slice(&chunk[..n]),
                    }
                }
                h.fetch_add(1, Ordering::SeqCst);
                if String::from_utf8_lossy(&buf)
                    .to_ascii_lowercase()
                    .contains("\r\nx-api-key:")
                {
                    k.store(true, Ordering::SeqCst);
                }
                match reply {
                    Reply::Raw(bytes) => {
                        let _ = sock.write_all(&bytes).await;
                    }
                    Reply::Huge { size, chunked } => {
                        let head = if chunked {
                            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n".to_owned()
                        } else {
                            format!("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {size}\r\n\r\n")
                        };
                        if sock.write_all(head.as_bytes()).await.is_err() {
                            return;
                        }
                        let mut block = vec![b'a'; 64 * 1024];
                        block[..8].copy_from_slice(b"{\"_id\":\"");
                        let mut sent = 0u64;
                        while sent < size {
                            let n = (size - sent).min(block.len() as u64) as usize;
                            let r = if chunked {
                                let mut framed = format!("{n:x}\r\n").into_bytes();
                                framed.extend_from_slice(&block[..n]);
                                framed.extend_from_slice(b"\r\n");
                                sock.write_all(&framed).await
                            } else {
                                sock.write_all(&block[..n]).await
                            };
                            if r.is_err() {
                                return;
                            }
                            sent += n as u64;
                            block[..8].copy_from_slice(b"aaaaaaaa");
                        }
                        if chunked {
                            let _ = sock.write_all(b"0\r\n\r\n").await;
                        }
                    }
                }
                let _ = sock.shutdown().await;
            });
        }
    });
    Ok(Canned {
        port,
        hits,
        saw_key,
        task,
    })
}
