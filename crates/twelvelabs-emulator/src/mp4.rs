//! A streaming sniffer for uploaded video files.
//!
//! Bytes are fed chunk by chunk as they arrive; the sniffer keeps a few header
//! bytes, tracks top-level ISO-BMFF box boundaries across chunks, and buffers
//! only the `moov` box (when it is smaller than [`MAX_MOOV`]) to read the
//! duration (`mvhd`) and the first video track's size (`tkhd`). Memory use is
//! constant whatever the file size.

/// The largest `moov` box that is buffered and parsed.
pub const MAX_MOOV: u64 = 8 * 1024 * 1024;

/// What was learned about a file.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct VideoInfo {
    /// Duration in seconds (`mvhd` duration / timescale).
    pub duration: Option<f64>,
    /// Width of the first video track, in pixels.
    pub width: Option<u32>,
    /// Height of the first video track, in pixels.
    pub height: Option<u32>,
}

#[derive(Debug)]
enum State {
    /// Collecting a box header (8 bytes, or 16 with a 64-bit size).
    Header { buf: [u8; 16], have: usize },
    /// Skipping the rest of a box body.
    Skip { remaining: u64 },
    /// Buffering a `moov` body.
    Moov { remaining: u64, buf: Vec<u8> },
    /// Nothing more to learn.
    Done,
}

/// Incremental sniffer; see the module documentation.
#[derive(Debug)]
pub struct VideoSniffer {
    head: [u8; 16],
    head_len: usize,
    total: u64,
    state: State,
    info: VideoInfo,
}

impl Default for VideoSniffer {
    fn default() -> Self {
        Self::new()
    }
}

impl VideoSniffer {
    /// A sniffer that has seen no bytes.
    pub fn new() -> Self {
        VideoSniffer {
            head: [0; 16],
            head_len: 0,
            total: 0,
            state: State::Header {
                buf: [0; 16],
                have: 0,
            },
            info: VideoInfo::default(),
        }
    }

    /// Total bytes fed so far.
    #[cfg(test)]
    pub fn fed(&self) -> u64 {
        self.total
    }

    /// Feeds the next chunk of the file.
    pub fn feed(&mut self, mut data: &[u8]) {
        if self.head_len < self.head.len() {
            let n = (self.head.len() - self.head_len).min(data.len());
            self.head[self.head_len..self.head_len + n].copy_from_slice(&data[..n]);
            self.head_len += n;
        }
        self.total += data.len() as u64;
        while !data.is_empty() {
            match &mut self.state {
                State::Done => return,
                State::Skip { remaining } => {
                    let n = (*remaining).min(data.len() as u64) as usize;
                    *remaining -= n as u64;
                    data = &data[n..];
                    if *remaining == 0 {
                        self.state = State::Header {
                            buf: [0; 16],
                            have: 0,
                        };
                    }
                }
                State::Moov { remaining, buf } => {
                    let n = (*remaining).min(data.len() as u64) as usize;
                    buf.extend_from_slice(&data[..n]);
                    *remaining -= n as u64;
                    data = &data[n..];
                    if *remaining == 0 {
                        let body = std::mem::take(buf);
                        parse_moov(&body, &mut self.info);
                        self.state = State::Done;
                    }
                }
                State::Header { buf, have } => {
                    let need = if *have >= 8 && be32(&buf[0..4]) == 1 {
                        16
                    } else {
                        8
                    };
                    let n = (need - *have).min(data.len());
                    buf[*have..*have + n].copy_from_slice(&data[..n]);
                    *have += n;
                    data = &data[n..];
                    if *have < 8 {
                        continue;
                    }
                    let size32 = be32(&buf[0..4]);
                    if size32 == 1 && *have < 16 {
                        continue;
                    }
                    let (size, header_len) = match size32 {
                        // Box extends to the end of the file: nothing after it.
                        0 => {
                            self.state = State::Done;
                            continue;
                        }
                        1 => (be64(&buf[8..16]), 16u64),
                        s => (u64::from(s), 8u64),
                    };
                    if size < header_len {
                        self.state = State::Done;
                        continue;
                    }
                    let body = size - header_len;
                    let is_moov = &buf[4..8] == b"moov";
                    self.state = if body == 0 {
                        State::Header {
                            buf: [0; 16],
                            have: 0,
                        }
                    } else if is_moov && body <= MAX_MOOV {
                        State::Moov {
                            remaining: body,
                            buf: Vec::with_capacity(body as usize),
                        }
                    } else {
                        State::Skip { remaining: body }
                    };
                }
            }
        }
    }

    /// True if the first bytes carry a known video container signature:
    /// an ISO-BMFF/QuickTime box type at offset 4 (`ftyp`, or a bare
    /// QuickTime `moov`/`mdat`/`wide`/`free`), WebM/Matroska (`1A 45 DF A3`),
    /// AVI (`RIFF....AVI `) or MPEG-TS (`0x47` sync byte).
    pub fn is_video(&self) -> bool {
        let h = &self.head[..self.head_len];
        if h.len() >= 8 && matches!(&h[4..8], b"ftyp" | b"moov" | b"mdat" | b"wide" | b"free") {
            return true;
        }
        if h.starts_with(&[0x1A, 0x45, 0xDF, 0xA3]) {
            return true;
        }
        if h.len() >= 12 && &h[0..4] == b"RIFF" && &h[8..12] == b"AVI " {
            return true;
        }
        // MPEG transport stream: sync byte, and a plausible packet header.
        h.len() >= 4 && h[0] == 0x47 && self.total >= 188
    }

    /// What the `moov` box said (all `None` if it was not seen).
    pub fn info(&self) -> VideoInfo {
        self.info
    }
}

fn be16(b: &[u8]) -> u16 {
    u16::from_be_bytes([b[0], b[1]])
}

fn be32(b: &[u8]) -> u32 {
    u32::from_be_bytes([b[0], b[1], b[2], b[3]])
}

fn be64(b: &[u8]) -> u64 {
    let mut a = [0u8; 8];
    a.copy_from_slice(&b[..8]);
    u64::from_be_bytes(a)
}

/// Iterates the child boxes of a box body: `(type, body)`.
fn children(mut data: &[u8]) -> impl Iterator<Item = (&[u8], &[u8])> {
    std::iter::from_fn(move || {
        if data.len() < 8 {
            return None;
        }
        let size32 = be32(&data[0..4]) as u64;
        let (size, hl) = match size32 {
            0 => (data.len() as u64, 8usize),
            1 if data.len() >= 16 => (be64(&data[8..16]), 16usize),
            1 => return None,
            s => (s, 8usize),
        };
        if size < hl as u64 || size > data.len() as u64 {
            return None;
        }
        let kind = &data[4..8];
        let body = &data[hl..size as usize];
        data = &data[size as usize..];
        Some((kind, body))
    })
}

fn parse_moov(moov: &[u8], info: &mut VideoInfo) {
    let mut first_any_track: Option<(u32, u32)> = None;
    for (kind, body) in children(moov) {
        match kind {
            b"mvhd" => {
                if let Some(d) = parse_mvhd(body) {
                    info.duration = Some(d);
                }
            }
            b"trak" if info.width.is_none() => {
                let mut dims = None;
                let mut is_video = false;
                for (k, b) in children(body) {
                    match k {
                        b"tkhd" => dims = parse_tkhd(b),
                        b"mdia" => {
                            for (k2, b2) in children(b) {
                                if k2 == b"hdlr" && b2.len() >= 12 && &b2[8..12] == b"vide" {
                                    is_video = true;
                                }
                            }
                        }
                        _ => {}
                    }
                }
                if let Some((w, h)) = dims {
                    if is_video {
                        info.width = Some(w);
                        info.height = Some(h);
                    } else if first_any_track.is_none() && w > 0 && h > 0 {
                        first_any_track = Some((w, h));
                    }
                }
            }
            _ => {}
        }
    }
    if info.width.is_none() {
        if let Some((w, h)) = first_any_track {
            info.width = Some(w);
            info.height = Some(h);
        }
    }
}

fn parse_mvhd(b: &[u8]) -> Option<f64> {
    let version = *b.first()?;
    let (timescale, duration) = if version == 1 {
        if b.len() < 32 {
            return None;
        }
        (be32(&b[20..24]), be64(&b[24..32]))
    } else {
        if b.len() < 20 {
            return None;
        }
        (be32(&b[12..16]), u64::from(be32(&b[16..20])))
    };
    if timescale == 0 || duration == 0 || duration == u64::from(u32::MAX) || duration == u64::MAX {
        return None;
    }
    Some(duration as f64 / f64::from(timescale))
}

fn parse_tkhd(b: &[u8]) -> Option<(u32, u32)> {
    let version = *b.first()?;
    let off = if version == 1 { 88 } else { 76 };
    if b.len() < off + 8 {
        return None;
    }
    let w = u32::from(be16(&b[off..off + 2]));
    let h = u32::from(be16(&b[off + 4..off + 6]));
    Some((w, h))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bx(kind: &[u8; 4], body: &[u8]) -> Vec<u8> {
        let mut v = ((body.len() + 8) as u32).to_be_bytes().to_vec();
        v.extend_from_slice(kind);
        v.extend_from_slice(body);
        v
    }

    fn mvhd(timescale: u32, duration: u32) -> Vec<u8> {
        let mut b = vec![0u8; 100];
        b[12..16].copy_from_slice(&timescale.to_be_bytes());
        b[16..20].copy_from_slice(&duration.to_be_bytes());
        bx(b"mvhd", &b)
    }

    fn tkhd(w: u16, h: u16) -> Vec<u8> {
        let mut b = vec![0u8; 84];
        b[76..78].copy_from_slice(&w.to_be_bytes());
        b[80..82].copy_from_slice(&h.to_be_bytes());
        bx(b"tkhd", &b)
    }

    fn trak(w: u16, h: u16, handler: &[u8; 4]) -> Vec<u8> {
        let mut hdlr = vec![0u8; 24];
        hdlr[8..12].copy_from_slice(handler);
        let mdia = bx(b"mdia", &bx(b"hdlr", &hdlr));
        let mut body = tkhd(w, h);
        body.extend(mdia);
        bx(b"trak", &body)
    }

    fn file(moov_last: bool) -> Vec<u8> {
        let ftyp = bx(b"ftyp", b"isom\0\0\x02\0isomiso2mp41");
        let mut moov_body = mvhd(1000, 12_500);
        moov_body.extend(trak(0, 0, b"soun"));
        moov_body.extend(trak(1280, 720, b"vide"));
        let moov = bx(b"moov", &moov_body);
        let mdat = bx(b"mdat", &vec![7u8; 5000]);
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

    #[test]
    fn parses_in_any_chunking() {
        for moov_last in [false, true] {
            let f = file(moov_last);
            for chunk in [1usize, 3, 7, 64, 4096, f.len()] {
                let mut s = VideoSniffer::new();
                for c in f.chunks(chunk) {
                    s.feed(c);
                }
                assert!(s.is_video());
                assert_eq!(s.fed(), f.len() as u64);
                let i = s.info();
                assert_eq!(i.duration, Some(12.5), "chunk {chunk}");
                assert_eq!((i.width, i.height), (Some(1280), Some(720)));
            }
        }
    }

    #[test]
    fn sample_asset() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../examples/assets/sample.mp4"
        );
        let data = std::fs::read(path).expect("sample.mp4");
        assert!(data.len() < 1024 * 1024);
        let mut s = VideoSniffer::new();
        for c in data.chunks(1000) {
            s.feed(c);
        }
        let i = s.info();
        assert!(s.is_video());
        assert!((i.duration.unwrap() - 10.0).abs() < 0.1, "{i:?}");
        assert_eq!((i.width, i.height), (Some(640), Some(360)));
    }

    #[test]
    fn magic() {
        let mut s = VideoSniffer::new();
        s.feed(b"hello, this is not a video at all");
        assert!(!s.is_video());
        assert_eq!(s.info(), VideoInfo::default());
        let mut s = VideoSniffer::new();
        s.feed(&[0x1A, 0x45, 0xDF, 0xA3, 0, 0, 0, 0]);
        assert!(s.is_video());
        let mut s = VideoSniffer::new();
        s.feed(b"RIFF\0\0\0\0AVI LIST");
        assert!(s.is_video());
    }
}
