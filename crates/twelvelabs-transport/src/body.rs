//! Request bodies, and multipart as a *description* of parts.
//!
//! A [`Multipart`] is not encoded until a transport sends it, so the executor can
//! rebuild the same request for a retry (re-opening a file from disk), and a custom
//! transport can inspect the parts without parsing bytes. [`Multipart::content_length`]
//! is known whenever every part's length is known, so uploads are never chunked.

use std::fmt;
use std::io;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use bytes::{Bytes, BytesMut};
use futures_core::Stream;
use futures_util::{stream, StreamExt, TryStreamExt};
use tokio::io::{AsyncRead, AsyncReadExt};

/// A stream of body chunks.
pub type ByteStream = Pin<Box<dyn Stream<Item = io::Result<Bytes>> + Send + 'static>>;

/// Upload progress: bytes of the request body handed to the connection so far, and
/// the total when it is known. Each attempt of a retried request starts again at 0.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Progress {
    /// Bytes of the request body sent so far in this attempt.
    pub sent: u64,
    /// The whole body's length, when every part's length is known.
    pub total: Option<u64>,
}

/// A progress callback, called from the task that sends the body. Keep it cheap.
pub type ProgressFn = Arc<dyn Fn(Progress) + Send + Sync + 'static>;

/// Chunk size for reading files: large enough for line-rate uploads, small enough to
/// keep memory flat (two or three chunks in flight at most).
const READ_CHUNK: usize = 256 * 1024;

/// The body of an HTTP request.
#[derive(Clone, Default)]
pub enum Body {
    /// No body.
    #[default]
    Empty,
    /// A body held in memory (JSON, for instance).
    Bytes {
        /// The `Content-Type` to send.
        content_type: String,
        /// The bytes.
        data: Bytes,
    },
    /// A `multipart/form-data` body, still a list of parts.
    Multipart(Multipart),
}

impl Body {
    /// A JSON body.
    pub fn json<T: serde::Serialize + ?Sized>(value: &T) -> Result<Body, serde_json::Error> {
        Ok(Body::Bytes {
            content_type: "application/json".to_owned(),
            data: Bytes::from(serde_json::to_vec(value)?),
        })
    }

    /// The body's length in bytes, when it is known in advance.
    pub fn content_length(&self) -> Option<u64> {
        match self {
            Body::Empty => Some(0),
            Body::Bytes { data, .. } => Some(data.len() as u64),
            Body::Multipart(m) => m.content_length(),
        }
    }

    /// The `Content-Type` header value for this body, if any.
    pub fn content_type(&self) -> Option<String> {
        match self {
            Body::Empty => None,
            Body::Bytes { content_type, .. } => Some(content_type.clone()),
            Body::Multipart(m) => Some(m.content_type()),
        }
    }

    /// Whether the body can be sent again (every stream in it can be re-opened).
    pub fn is_replayable(&self) -> bool {
        match self {
            Body::Empty | Body::Bytes { .. } => true,
            Body::Multipart(m) => m.is_replayable(),
        }
    }

    /// Whether a one-shot stream in this body has already been opened, so that
    /// sending the body again is impossible.
    pub fn is_consumed(&self) -> bool {
        match self {
            Body::Multipart(m) => m.parts.iter().any(|p| match &p.content {
                PartContent::Stream(s) => s.is_consumed(),
                _ => false,
            }),
            _ => false,
        }
    }

    /// Whether the body streams data from outside memory (a file or a reader), which
    /// makes the request an upload for timeout purposes.
    pub fn is_upload(&self) -> bool {
        matches!(self, Body::Multipart(m) if m.parts.iter().any(|p| matches!(p.content, PartContent::Stream(_))))
    }
}

impl fmt::Debug for Body {
    // Bodies can hold user data: show their shape, never their content.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Body::Empty => f.write_str("Empty"),
            Body::Bytes { content_type, data } => f
                .debug_struct("Bytes")
                .field("content_type", content_type)
                .field("len", &data.len())
                .finish(),
            Body::Multipart(m) => m.fmt(f),
        }
    }
}

/// Something that can open a fresh stream of the same bytes, once per attempt.
#[async_trait]
pub trait OpenStream: Send + Sync + fmt::Debug + 'static {
    /// Opens the stream from its start.
    async fn open(&self) -> io::Result<ByteStream>;
    /// Whether [`OpenStream::open`] may be called more than once.
    fn is_replayable(&self) -> bool {
        true
    }
    /// Whether a single-use source was already opened.
    fn is_consumed(&self) -> bool {
        false
    }
}

/// The content of a streamed part: a source and its length.
#[derive(Clone)]
pub struct StreamSource {
    source: Arc<dyn OpenStream>,
    len: Option<u64>,
}

impl fmt::Debug for StreamSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StreamSource")
            .field("source", &self.source)
            .field("len", &self.len)
            .finish()
    }
}

impl StreamSource {
    /// A source from any re-openable stream, with its length if known.
    pub fn new(source: impl OpenStream, len: Option<u64>) -> Self {
        Self {
            source: Arc::new(source),
            len,
        }
    }

    /// A file on disk, re-opened for every attempt. Its length is read now; if the
    /// file changes size while it is sent, the upload fails with an I/O error instead
    /// of sending a body that disagrees with its `Content-Length`.
    pub async fn file(path: impl AsRef<Path>) -> io::Result<Self> {
        let path = path.as_ref().to_path_buf();
        let meta = tokio::fs::metadata(&path).await?;
        if !meta.is_file() {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("{} is not a regular file", path.display()),
            ));
        }
        Ok(Self::new(FileSource { path }, Some(meta.len())))
    }

    /// A single-use reader. A request carrying it is never re-sent once the reader
    /// has been opened. With `len`, the request carries `Content-Length`.
    pub fn reader(reader: impl AsyncRead + Send + Unpin + 'static, len: Option<u64>) -> Self {
        Self::new(
            OneShotReader {
                reader: Mutex::new(Some(Box::new(reader))),
                opened: AtomicBool::new(false),
            },
            len,
        )
    }

    /// The length, if known.
    pub fn len(&self) -> Option<u64> {
        self.len
    }

    /// Whether the length is known to be zero.
    pub fn is_empty(&self) -> bool {
        self.len == Some(0)
    }

    /// Whether the source can be opened again.
    pub fn is_replayable(&self) -> bool {
        self.source.is_replayable()
    }

    /// Whether a single-use source was already opened.
    pub fn is_consumed(&self) -> bool {
        self.source.is_consumed()
    }

    /// Opens the stream; when the length is known, the stream fails if the data is
    /// shorter or longer than announced.
    pub async fn open(&self) -> io::Result<ByteStream> {
        let inner = self.source.open().await.map_err(mark_source_error)?;
        let checked = match self.len {
            Some(len) => exact_length(inner, len),
            None => inner,
        };
        Ok(Box::pin(checked.map_err(mark_source_error)))
    }
}

/// Marks an I/O error as one of a body's own source (a file that vanished, shrank
/// or grew; a reader that failed), so that it can be told apart from a network I/O
/// error found in the same cause chain. Kind and message are unchanged.
#[derive(Debug)]
struct SourceError(io::Error);

impl fmt::Display for SourceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl std::error::Error for SourceError {}

fn mark_source_error(error: io::Error) -> io::Error {
    if is_source_error(&error) {
        error
    } else {
        io::Error::new(error.kind(), SourceError(error))
    }
}

/// Whether this I/O error came from a request body's source rather than the network.
pub(crate) fn is_source_error(error: &io::Error) -> bool {
    error.get_ref().is_some_and(|e| e.is::<SourceError>())
}

fn exact_length(inner: ByteStream, expected: u64) -> ByteStream {
    let seen = Arc::new(AtomicU64::new(0));
    let seen_end = Arc::clone(&seen);
    let checked = inner.map(move |chunk| {
        let chunk = chunk?;
        let total = seen.fetch_add(chunk.len() as u64, Ordering::Relaxed) + chunk.len() as u64;
        if total > expected {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                format!("source grew while it was sent: more than the announced {expected} bytes"),
            ));
        }
        Ok(chunk)
    });
    let end = stream::once(async move {
        let got = seen_end.load(Ordering::Relaxed);
        if got < expected {
            Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                format!("source shrank while it was sent: {got} of the announced {expected} bytes"),
            ))
        } else {
            Ok(Bytes::new())
        }
    })
    .try_filter(|b| std::future::ready(!b.is_empty()));
    Box::pin(checked.chain(end))
}

fn read_stream<R: AsyncRead + Send + Unpin + 'static>(reader: R) -> ByteStream {
    Box::pin(stream::try_unfold(reader, |mut reader| async move {
        let mut buf = BytesMut::with_capacity(READ_CHUNK);
        let n = reader.read_buf(&mut buf).await?;
        if n == 0 {
            Ok(None)
        } else {
            Ok(Some((buf.freeze(), reader)))
        }
    }))
}

#[derive(Debug)]
struct FileSource {
    path: PathBuf,
}

#[async_trait]
impl OpenStream for FileSource {
    async fn open(&self) -> io::Result<ByteStream> {
        let file = tokio::fs::File::open(&self.path).await?;
        Ok(read_stream(file))
    }
}

type BoxReader = Box<dyn AsyncRead + Send + Unpin + 'static>;

struct OneShotReader {
    reader: Mutex<Option<BoxReader>>,
    opened: AtomicBool,
}

impl fmt::Debug for OneShotReader {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OneShotReader")
            .field("opened", &self.opened.load(Ordering::Relaxed))
            .finish()
    }
}

#[async_trait]
impl OpenStream for OneShotReader {
    async fn open(&self) -> io::Result<ByteStream> {
        self.opened.store(true, Ordering::Relaxed);
        let reader = self
            .reader
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take()
            .ok_or_else(|| io::Error::other("a single-use reader cannot be sent twice"))?;
        Ok(read_stream(reader))
    }
    fn is_replayable(&self) -> bool {
        false
    }
    fn is_consumed(&self) -> bool {
        self.opened.load(Ordering::Relaxed)
    }
}

/// What a part holds.
#[derive(Clone, Debug)]
pub enum PartContent {
    /// A text field.
    Text(String),
    /// Bytes in memory.
    Bytes(Bytes),
    /// A stream (a file, a reader).
    Stream(StreamSource),
}

impl PartContent {
    fn len(&self) -> Option<u64> {
        match self {
            PartContent::Text(t) => Some(t.len() as u64),
            PartContent::Bytes(b) => Some(b.len() as u64),
            PartContent::Stream(s) => s.len(),
        }
    }
}

/// One part of a multipart body.
#[derive(Clone)]
#[non_exhaustive]
pub struct Part {
    /// The field name.
    pub name: String,
    /// The file name, for file parts.
    pub filename: Option<String>,
    /// The part's `Content-Type`, for file parts.
    pub content_type: Option<String>,
    /// The content.
    pub content: PartContent,
}

impl fmt::Debug for Part {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("Part");
        d.field("name", &self.name);
        if let Some(filename) = &self.filename {
            d.field("filename", filename);
        }
        if let Some(ct) = &self.content_type {
            d.field("content_type", ct);
        }
        match &self.content {
            // Text fields are API parameters (ids, flags, URLs): useful when debugging.
            PartContent::Text(t) => d.field("text", t),
            PartContent::Bytes(b) => d.field("bytes", &b.len()),
            PartContent::Stream(s) => d.field("stream", s),
        };
        d.finish()
    }
}

impl Part {
    /// A text field.
    pub fn text(name: impl Into<String>, value: impl Into<String>) -> Self {
        Part {
            name: name.into(),
            filename: None,
            content_type: None,
            content: PartContent::Text(value.into()),
        }
    }

    /// A file part with the given content.
    pub fn file(
        name: impl Into<String>,
        filename: impl Into<String>,
        content_type: impl Into<String>,
        content: PartContent,
    ) -> Self {
        Part {
            name: name.into(),
            filename: Some(filename.into()),
            content_type: Some(content_type.into()),
            content,
        }
    }

    /// The text of a text part.
    pub fn as_text(&self) -> Option<&str> {
        match &self.content {
            PartContent::Text(t) => Some(t),
            _ => None,
        }
    }

    fn header(&self, boundary: &str) -> String {
        let mut h = format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"{}\"",
            escape_quoted(&self.name)
        );
        if let Some(filename) = &self.filename {
            h.push_str(&format!("; filename=\"{}\"", escape_quoted(filename)));
        }
        h.push_str("\r\n");
        if let Some(ct) = &self.content_type {
            h.push_str(&format!("Content-Type: {}\r\n", strip_newlines(ct)));
        }
        h.push_str("\r\n");
        h
    }
}

/// Quoted-string escaping as browsers do it (WHATWG): a name or file name can never
/// break out of its header.
fn escape_quoted(s: &str) -> String {
    s.replace('\r', "%0D")
        .replace('\n', "%0A")
        .replace('"', "%22")
}

fn strip_newlines(s: &str) -> String {
    s.replace(['\r', '\n'], "")
}

/// A `multipart/form-data` body as a list of parts.
#[derive(Clone)]
pub struct Multipart {
    boundary: String,
    parts: Vec<Part>,
    progress: Option<ProgressFn>,
}

impl fmt::Debug for Multipart {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Multipart")
            .field("parts", &self.parts)
            .field("content_length", &self.content_length())
            .finish()
    }
}

impl Default for Multipart {
    fn default() -> Self {
        Self::new()
    }
}

impl Multipart {
    /// An empty form with a random boundary.
    pub fn new() -> Self {
        let boundary = format!(
            "twelvelabs-{:016x}{:016x}",
            fastrand::u64(..),
            fastrand::u64(..)
        );
        Multipart {
            boundary,
            parts: Vec::new(),
            progress: None,
        }
    }

    /// Adds a part.
    pub fn part(mut self, part: Part) -> Self {
        self.parts.push(part);
        self
    }

    /// Adds a part in place.
    pub fn push(&mut self, part: Part) {
        self.parts.push(part);
    }

    /// Sets the progress callback.
    pub fn on_progress(mut self, progress: ProgressFn) -> Self {
        self.progress = Some(progress);
        self
    }

    /// The parts, in order.
    pub fn parts(&self) -> &[Part] {
        &self.parts
    }

    /// The text of the first text part with this name.
    pub fn text(&self, name: &str) -> Option<&str> {
        self.parts
            .iter()
            .filter(|p| p.name == name)
            .find_map(Part::as_text)
    }

    /// The boundary.
    pub fn boundary(&self) -> &str {
        &self.boundary
    }

    /// The `Content-Type` header value.
    pub fn content_type(&self) -> String {
        format!("multipart/form-data; boundary={}", self.boundary)
    }

    /// Whether every stream can be re-opened.
    pub fn is_replayable(&self) -> bool {
        self.parts.iter().all(|p| match &p.content {
            PartContent::Stream(s) => s.is_replayable(),
            _ => true,
        })
    }

    fn closing(&self) -> String {
        format!("--{}--\r\n", self.boundary)
    }

    /// The encoded length, when every part's length is known.
    pub fn content_length(&self) -> Option<u64> {
        let mut total = self.closing().len() as u64;
        for part in &self.parts {
            total += part.header(&self.boundary).len() as u64 + part.content.len()? + 2;
        }
        Some(total)
    }

    /// Encodes the form as a stream, opening each streamed part when it is reached.
    pub fn encode(&self) -> ByteStream {
        enum Segment {
            Ready(Bytes),
            Open(StreamSource),
        }
        let mut segments = Vec::with_capacity(self.parts.len() * 3 + 1);
        for part in &self.parts {
            segments.push(Segment::Ready(Bytes::from(part.header(&self.boundary))));
            match &part.content {
                PartContent::Text(t) => segments.push(Segment::Ready(Bytes::from(t.clone()))),
                PartContent::Bytes(b) => segments.push(Segment::Ready(b.clone())),
                PartContent::Stream(s) => segments.push(Segment::Open(s.clone())),
            }
            segments.push(Segment::Ready(Bytes::from_static(b"\r\n")));
        }
        segments.push(Segment::Ready(Bytes::from(self.closing())));

        let body = stream::iter(segments)
            .then(|segment| async move {
                match segment {
                    Segment::Ready(bytes) => {
                        Ok(Box::pin(stream::once(async move { Ok(bytes) })) as ByteStream)
                    }
                    Segment::Open(source) => source.open().await,
                }
            })
            .try_flatten();

        match &self.progress {
            None => Box::pin(body),
            Some(progress) => {
                let progress = Arc::clone(progress);
                let total = self.content_length();
                let mut sent = 0u64;
                progress(Progress { sent, total });
                Box::pin(body.inspect_ok(move |chunk| {
                    sent += chunk.len() as u64;
                    progress(Progress { sent, total });
                }))
            }
        }
    }

    /// Encodes the whole form into memory. For tests and small forms only.
    pub async fn to_bytes(&self) -> io::Result<Bytes> {
        let chunks: Vec<Bytes> = self.encode().try_collect().await?;
        Ok(Bytes::from(chunks.concat()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn content_length_matches_encoding() {
        let form = Multipart::new()
            .part(Part::text("index_id", "IDX"))
            .part(Part::text("na\"me", "v"))
            .part(Part::file(
                "video_file",
                "clip.mp4",
                "video/mp4",
                PartContent::Bytes(Bytes::from_static(b"0123456789")),
            ));
        let bytes = form.to_bytes().await.unwrap();
        assert_eq!(Some(bytes.len() as u64), form.content_length());
        let text = String::from_utf8(bytes.to_vec()).unwrap();
        assert!(text.contains("name=\"na%22me\""));
        assert!(
            text.contains("filename=\"clip.mp4\"\r\nContent-Type: video/mp4\r\n\r\n0123456789\r\n")
        );
        assert!(text.ends_with(&format!("--{}--\r\n", form.boundary())));
    }

    #[tokio::test]
    async fn one_shot_reader_cannot_be_opened_twice() {
        let src = StreamSource::reader(&b"abc"[..], Some(3));
        assert!(!src.is_replayable());
        assert!(!src.is_consumed());
        let chunks: Vec<Bytes> = src.open().await.unwrap().try_collect().await.unwrap();
        assert_eq!(chunks.concat(), b"abc");
        assert!(src.is_consumed());
        assert!(src.open().await.is_err());
    }

    #[tokio::test]
    async fn wrong_length_is_an_error() {
        let short = StreamSource::reader(&b"ab"[..], Some(3));
        let err = short
            .open()
            .await
            .unwrap()
            .try_collect::<Vec<_>>()
            .await
            .unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::UnexpectedEof);
        let long = StreamSource::reader(&b"abcd"[..], Some(3));
        let err = long
            .open()
            .await
            .unwrap()
            .try_collect::<Vec<_>>()
            .await
            .unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::InvalidData);
    }

    #[tokio::test]
    async fn progress_reaches_total() {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let sink = Arc::clone(&seen);
        let form = Multipart::new()
            .part(Part::text("a", "b"))
            .on_progress(Arc::new(move |p| sink.lock().unwrap().push(p)));
        let bytes = form.to_bytes().await.unwrap();
        let seen = seen.lock().unwrap();
        assert_eq!(seen.first().unwrap().sent, 0);
        let last = seen.last().unwrap();
        assert_eq!(last.sent, bytes.len() as u64);
        assert_eq!(last.total, Some(bytes.len() as u64));
    }
}
