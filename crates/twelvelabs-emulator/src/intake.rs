//! Bounded request intake: multipart framing limits and JSON bodies.
//!
//! axum's `Multipart` runs on multer, which buffers a part's header block and
//! the preamble until it finds their end, with no limit: a 64 MiB header line
//! cost 128 MiB of memory and quadratic time. The body stream is therefore
//! wrapped in a [`Scanner`] that follows the multipart framing itself and
//! stops the stream as soon as the preamble, one part's headers or the number
//! of parts exceeds its bound. Part *contents* are not limited here: the file
//! part is streamed (and bounded by `max_upload_bytes` in the handler), text
//! parts are capped by the handlers.

use std::sync::{Arc, Mutex};

use axum::body::{Body, Bytes};
use axum::extract::{FromRequest, Multipart, Request};
use axum::http::header::CONTENT_TYPE;
use axum::http::StatusCode;
use futures_util::StreamExt;
use memchr::memmem;

use crate::error::ApiError;
use crate::faults::DRAIN_CAP;
use crate::version::Version;

/// Most bytes before the first boundary.
pub(crate) const MAX_PREAMBLE: usize = 64 * 1024;
/// Most bytes of one part's header block.
pub(crate) const MAX_PART_HEADERS: usize = 64 * 1024;
/// Most parts in one multipart body.
pub(crate) const MAX_PARTS: usize = 64;
/// Longest accepted text part (URLs, ids, `user_metadata`).
pub(crate) const MAX_TEXT_PART: usize = 1024 * 1024;
/// Largest accepted JSON request body.
pub(crate) const MAX_JSON_BODY: usize = 1024 * 1024;

/// Which framing bound a body broke.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Violation {
    Preamble,
    Headers,
    Parts,
}

impl Violation {
    fn message(self) -> String {
        match self {
            Violation::Preamble => format!(
                "The request body is not a valid multipart/form-data body: no boundary within the first {MAX_PREAMBLE} bytes."
            ),
            Violation::Headers => format!(
                "The request body is not a valid multipart/form-data body: the headers of a part exceed {MAX_PART_HEADERS} bytes."
            ),
            Violation::Parts => format!(
                "The request body is not a valid multipart/form-data body: more than {MAX_PARTS} parts."
            ),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Preamble,
    Headers,
    Body,
    Epilogue,
}

/// Follows the multipart framing over a stream of chunks with O(boundary)
/// memory: only the last `needle.len() - 1` bytes are carried between chunks.
#[derive(Debug)]
pub(crate) struct Scanner {
    /// `\r\n--<boundary>`; the first delimiter may omit the leading CRLF.
    delim: Vec<u8>,
    state: State,
    carry: Vec<u8>,
    /// Bytes counted in the current state (preamble or header block).
    in_state: usize,
    /// Whether the start of the current header block was checked for `--`.
    close_checked: bool,
    parts: usize,
}

impl Scanner {
    pub(crate) fn new(boundary: &str) -> Scanner {
        let mut delim = b"\r\n--".to_vec();
        delim.extend_from_slice(boundary.as_bytes());
        Scanner {
            delim,
            state: State::Preamble,
            carry: Vec::new(),
            in_state: 0,
            close_checked: false,
            parts: 0,
        }
    }

    /// Feeds the next chunk of the body.
    pub(crate) fn feed(&mut self, chunk: &[u8]) -> Result<(), Violation> {
        // The stream is `carry ++ rest`; only the carry (shorter than the
        // needle) is ever copied, never the chunk, so large uploads pay for
        // the search alone.
        let mut carry = std::mem::take(&mut self.carry);
        let mut rest = chunk;
        loop {
            let (needle, limit): (&[u8], Option<(usize, Violation)>) = match self.state {
                State::Epilogue => return Ok(()),
                State::Preamble => (&self.delim[2..], Some((MAX_PREAMBLE, Violation::Preamble))),
                State::Headers => (b"\r\n\r\n", Some((MAX_PART_HEADERS, Violation::Headers))),
                State::Body => (&self.delim, None),
            };
            let total = carry.len() + rest.len();
            if self.state == State::Headers && !self.close_checked {
                if total < 2 {
                    carry.extend_from_slice(rest);
                    self.carry = carry;
                    return Ok(());
                }
                self.close_checked = true;
                let at = |i: usize| {
                    carry
                        .get(i)
                        .copied()
                        .unwrap_or_else(|| rest[i - carry.len()])
                };
                if at(0) == b'-' && at(1) == b'-' {
                    self.state = State::Epilogue;
                    return Ok(());
                }
            }
            match find_joined(&carry, rest, needle) {
                Some(p) => {
                    let consumed = p + needle.len();
                    if let Some((max, v)) = limit {
                        if self.in_state + consumed > max + needle.len() {
                            return Err(v);
                        }
                    }
                    self.state = match self.state {
                        State::Preamble | State::Body => {
                            self.close_checked = false;
                            State::Headers
                        }
                        State::Headers => {
                            self.parts += 1;
                            if self.parts > MAX_PARTS {
                                return Err(Violation::Parts);
                            }
                            State::Body
                        }
                        State::Epilogue => State::Epilogue,
                    };
                    self.in_state = 0;
                    // The match ends past the carry (the carry is shorter
                    // than the needle).
                    rest = &rest[consumed.saturating_sub(carry.len()).min(rest.len())..];
                    carry.clear();
                }
                None => {
                    let keep = total.min(needle.len() - 1);
                    self.in_state += total - keep;
                    if let Some((max, v)) = limit {
                        if self.in_state > max {
                            return Err(v);
                        }
                    }
                    self.carry = if keep <= rest.len() {
                        rest[rest.len() - keep..].to_vec()
                    } else {
                        let mut c = carry[carry.len() - (keep - rest.len())..].to_vec();
                        c.extend_from_slice(rest);
                        c
                    };
                    return Ok(());
                }
            }
        }
    }
}

/// The position of `needle` in `carry ++ rest`, copying only the carry and
/// the first `needle.len() - 1` bytes of `rest`.
fn find_joined(carry: &[u8], rest: &[u8], needle: &[u8]) -> Option<usize> {
    if !carry.is_empty() {
        let mut seam = carry.to_vec();
        seam.extend_from_slice(&rest[..rest.len().min(needle.len().saturating_sub(1))]);
        if let Some(p) = memmem::find(&seam, needle) {
            return Some(p);
        }
    }
    memmem::find(rest, needle).map(|p| p + carry.len())
}

/// The `boundary` parameter of a `multipart/form-data` content type.
fn boundary_of(request: &Request) -> Option<String> {
    let ct = request.headers().get(CONTENT_TYPE)?.to_str().ok()?;
    ct.split(';').skip(1).find_map(|param| {
        let (k, v) = param.split_once('=')?;
        k.trim()
            .eq_ignore_ascii_case("boundary")
            .then(|| v.trim().trim_matches('"').to_owned())
            .filter(|b| !b.is_empty() && b.len() <= 200)
    })
}

/// Where a guarded body records the bound it broke.
pub(crate) type ViolationSlot = Arc<Mutex<Option<Violation>>>;

/// A `Multipart` over the request body, with the framing bounds enforced.
/// When a bound is broken the rest of the body (up to [`DRAIN_CAP`]) is read
/// and discarded so that the client sees the answer, and the multipart stream
/// then fails; [`multipart_error`] turns that into `413`.
pub(crate) async fn guarded_multipart(
    version: Version,
    request: Request,
) -> Result<(Multipart, ViolationSlot), ApiError> {
    let slot: ViolationSlot = Arc::new(Mutex::new(None));
    let Some(boundary) = boundary_of(&request) else {
        crate::faults::drain_body(request.into_body(), DRAIN_CAP).await;
        return Err(ApiError::invalid_msg(
            version,
            "The request body is not a valid multipart/form-data body: the Content-Type has no boundary."
                .to_owned(),
        ));
    };
    let (parts, body) = request.into_parts();
    let scanner = Scanner::new(&boundary);
    let inner = body.into_data_stream();
    let record = slot.clone();
    let guarded = futures_util::stream::unfold(
        (inner, scanner, record, false),
        |(mut inner, mut scanner, record, done)| async move {
            if done {
                return None;
            }
            match inner.next().await? {
                Err(e) => Some((Err(axum::Error::new(e)), (inner, scanner, record, true))),
                Ok(chunk) => match scanner.feed(&chunk) {
                    Ok(()) => Some((
                        Ok::<Bytes, axum::Error>(chunk),
                        (inner, scanner, record, false),
                    )),
                    Err(v) => {
                        *record.lock().unwrap_or_else(|p| p.into_inner()) = Some(v);
                        let mut drained = 0u64;
                        while let Some(Ok(c)) = inner.next().await {
                            drained += c.len() as u64;
                            if drained > DRAIN_CAP {
                                break;
                            }
                        }
                        let e = axum::Error::new(std::io::Error::other("multipart bound exceeded"));
                        Some((Err(e), (inner, scanner, record, true)))
                    }
                },
            }
        },
    );
    let request = Request::from_parts(parts, Body::from_stream(guarded));
    let multipart = Multipart::from_request(request, &()).await.map_err(|e| {
        ApiError::invalid_msg(
            version,
            format!("The request body is not a valid multipart/form-data body: {e}"),
        )
    })?;
    Ok((multipart, slot))
}

/// The API error for a multipart failure: `413` when a framing bound was
/// broken, `400 parameter_invalid` otherwise.
pub(crate) fn multipart_error(
    version: Version,
    slot: &ViolationSlot,
    e: &dyn std::fmt::Display,
) -> ApiError {
    match *slot.lock().unwrap_or_else(|p| p.into_inner()) {
        Some(v) => too_large(version, v.message()),
        None => ApiError::invalid_msg(
            version,
            format!("The request body is not a valid multipart/form-data body: {e}"),
        ),
    }
}

/// 413 `request_too_large` (not a documented code: the API documents no
/// answer for oversized bodies).
pub(crate) fn too_large(version: Version, message: String) -> ApiError {
    ApiError::new(
        version,
        StatusCode::PAYLOAD_TOO_LARGE,
        "request_too_large",
        message,
    )
}

/// Reads a JSON body of at most [`MAX_JSON_BODY`] bytes. An empty body is
/// `Ok(None)`; anything but a JSON object is `400`; an oversized body `413`.
pub(crate) async fn read_json_object(
    version: Version,
    body: Body,
) -> Result<Option<serde_json::Map<String, serde_json::Value>>, ApiError> {
    let mut stream = body.into_data_stream();
    let mut buf = Vec::new();
    let mut over = false;
    while let Some(chunk) = stream.next().await {
        let Ok(chunk) = chunk else {
            return Err(ApiError::invalid_msg(
                version,
                "The request body could not be read.".to_owned(),
            ));
        };
        if over {
            continue;
        }
        if buf.len() + chunk.len() > MAX_JSON_BODY {
            over = true;
            buf = Vec::new();
            // Keep reading (bounded) so the client sees the answer.
            continue;
        }
        buf.extend_from_slice(&chunk);
    }
    if over {
        return Err(too_large(
            version,
            format!("The request body is too large (the limit is {MAX_JSON_BODY} bytes)."),
        ));
    }
    if buf.iter().all(u8::is_ascii_whitespace) {
        return Ok(None);
    }
    match serde_json::from_slice::<serde_json::Value>(&buf) {
        Ok(serde_json::Value::Object(map)) => Ok(Some(map)),
        _ => Err(ApiError::invalid_msg(
            version,
            "The request body must be a JSON object.".to_owned(),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn feed_all(s: &mut Scanner, body: &[u8], chunk: usize) -> Result<(), Violation> {
        for c in body.chunks(chunk.max(1)) {
            s.feed(c)?;
        }
        Ok(())
    }

    fn body(parts: usize, header_pad: usize) -> Vec<u8> {
        let mut b = Vec::new();
        for i in 0..parts {
            b.extend_from_slice(b"--XyZ\r\nContent-Disposition: form-data; name=\"p");
            b.extend_from_slice(i.to_string().as_bytes());
            b.extend_from_slice(b"\"\r\nX-Pad: ");
            b.extend(std::iter::repeat_n(b'a', header_pad));
            b.extend_from_slice(b"\r\n\r\nvalue\r\n");
        }
        b.extend_from_slice(b"--XyZ--\r\nepilogue");
        b
    }

    #[test]
    fn accepts_normal_bodies_in_any_chunking() {
        for chunk in [1, 2, 3, 7, 64, 100_000] {
            let mut s = Scanner::new("XyZ");
            assert_eq!(
                feed_all(&mut s, &body(3, 10), chunk),
                Ok(()),
                "chunk {chunk}"
            );
            assert_eq!(s.state, State::Epilogue);
            assert_eq!(s.parts, 3);
        }
    }

    #[test]
    fn bounds_headers_preamble_and_parts() {
        let mut s = Scanner::new("XyZ");
        assert_eq!(
            feed_all(&mut s, &body(1, MAX_PART_HEADERS + 10), 4096),
            Err(Violation::Headers)
        );
        let mut s = Scanner::new("XyZ");
        assert_eq!(
            feed_all(&mut s, &vec![b'x'; MAX_PREAMBLE + 10], 4096),
            Err(Violation::Preamble)
        );
        let mut s = Scanner::new("XyZ");
        assert_eq!(
            feed_all(&mut s, &body(MAX_PARTS + 1, 1), 4096),
            Err(Violation::Parts)
        );
        let mut s = Scanner::new("XyZ");
        assert_eq!(feed_all(&mut s, &body(MAX_PARTS, 1), 4096), Ok(()));
    }
}
