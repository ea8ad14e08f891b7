//! Video sources (uploaded file, URL, integration file): metadata, failure
//! rules and URL checks.

use std::hash::{Hash, Hasher};

use percent_encoding::percent_decode_str;

use crate::error::ApiError;
use crate::lifecycle::Outcome;
use crate::mp4::VideoInfo;
use crate::store::VideoMeta;
use crate::version::Version;

/// Message of a task whose source is not a video.
pub(crate) const NOT_A_VIDEO: &str = "The file is not a valid video file.";

const DEFAULT_WIDTH: u32 = 1280;
const DEFAULT_HEIGHT: u32 = 720;

fn hash_of(s: &str) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    s.hash(&mut h);
    h.finish()
}

/// A deterministic, plausible duration (30 s – 10 min, ms precision) for a source
/// whose bytes the emulator never sees.
fn plausible_duration(key: &str) -> f64 {
    let ms = 30_000 + hash_of(key) % 570_000;
    ms as f64 / 1000.0
}

/// Host of an `http(s)` URL, lower-cased, without user info or port.
fn url_host(url: &str) -> Option<String> {
    let lower = url.trim().to_ascii_lowercase();
    let rest = lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"))?;
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host_port = authority.rsplit('@').next().unwrap_or("");
    let host = if let Some(v6) = host_port.strip_prefix('[') {
        v6.split(']').next().unwrap_or("")
    } else {
        host_port.split(':').next().unwrap_or("")
    };
    (!host.is_empty()).then(|| host.to_owned())
}

/// The path part of a URL (`s3://bucket/key` → `/key`, `https://h/a/b?x` → `/a/b`).
fn url_path(url: &str) -> &str {
    let no_query = url.split(['?', '#']).next().unwrap_or("");
    match no_query.split_once("://") {
        Some((_, rest)) => rest.find('/').map(|i| &rest[i..]).unwrap_or(""),
        None => no_query,
    }
}

/// The last non-empty path segment, percent-decoded (`"video"` if none).
pub(crate) fn filename_from_url(url: &str) -> String {
    url_path(url)
        .rsplit('/')
        .find(|s| !s.is_empty())
        .map(|s| percent_decode_str(s).decode_utf8_lossy().into_owned())
        .unwrap_or_else(|| "video".to_owned())
}

/// Checks a `video_url`/`transcription_url`: direct `http(s)` links only, no
/// hosting pages such as YouTube.
pub(crate) fn check_url(version: Version, param: &str, url: &str) -> Result<(), ApiError> {
    let Some(host) = url_host(url) else {
        return Err(ApiError::invalid_msg(
            version,
            format!("The {param} parameter is invalid. It must be an http or https URL."),
        ));
    };
    let hosting = ["youtube.com", "youtu.be", "youtube-nocookie.com"]
        .iter()
        .any(|h| host == *h || host.ends_with(&format!(".{h}")));
    if hosting {
        return Err(ApiError::invalid_msg(
            version,
            format!(
                "The {param} parameter is invalid. Links to video hosting pages such as YouTube \
                 are not supported; provide a direct link to the raw media file."
            ),
        ));
    }
    Ok(())
}

/// Metadata and outcome of a task created from a URL (`object` of a transfer too).
/// A URL whose path contains `fail` ends `failed`.
pub(crate) fn from_url(url: &str) -> (VideoMeta, Outcome) {
    let filename = filename_from_url(url);
    if url_path(url).to_ascii_lowercase().contains("fail") {
        let meta = VideoMeta {
            filename: Some(filename),
            ..VideoMeta::default()
        };
        return (meta, Outcome::Failed(NOT_A_VIDEO.to_owned()));
    }
    let meta = VideoMeta {
        filename: Some(filename),
        duration: Some(plausible_duration(url)),
        width: Some(DEFAULT_WIDTH),
        height: Some(DEFAULT_HEIGHT),
        size: None,
    };
    (meta, Outcome::Ready)
}

/// Metadata and outcome of an uploaded file.
pub(crate) fn from_upload(
    filename: Option<String>,
    size: u64,
    is_video: bool,
    info: VideoInfo,
) -> (VideoMeta, Outcome) {
    let filename = Some(
        filename
            .filter(|f| !f.is_empty())
            .unwrap_or_else(|| "video".to_owned()),
    );
    if !is_video {
        let meta = VideoMeta {
            filename,
            size: Some(size),
            ..VideoMeta::default()
        };
        return (meta, Outcome::Failed(NOT_A_VIDEO.to_owned()));
    }
    // Unknown duration: assume about 2 Mbit/s.
    let estimated = ((size as f64 / 250_000.0).clamp(4.0, 7200.0) * 1000.0).round() / 1000.0;
    let meta = VideoMeta {
        filename,
        duration: Some(info.duration.unwrap_or(estimated)),
        width: Some(info.width.filter(|w| *w > 0).unwrap_or(DEFAULT_WIDTH)),
        height: Some(info.height.filter(|h| *h > 0).unwrap_or(DEFAULT_HEIGHT)),
        size: Some(size),
    };
    (meta, Outcome::Ready)
}

fn prereq_error(version: Version, code: &'static str, message: String) -> ApiError {
    ApiError::new(version, axum::http::StatusCode::BAD_REQUEST, code, message)
}

/// Checks the video prerequisites of an upload whose MP4 header was read
/// (only the values actually read are checked). Limits follow the version
/// and the index's engines: duration 4 s to 2 h (Pegasus: 30 min in v1.2,
/// 60 min in v1.3); resolution at least 480x360 / 360x480 (v1.2) or 360x360
/// (v1.3), at most 3840x2160 either way round; aspect ratio between 1:1 and
/// 16:9 in v1.3 (v1.2 states none).
pub(crate) fn check_prerequisites(
    version: Version,
    pegasus: bool,
    info: &VideoInfo,
) -> Result<(), ApiError> {
    if let Some(d) = info.duration.filter(|d| d.is_finite()) {
        let max = match (version, pegasus) {
            (_, false) => 7200.0,
            (Version::V12, true) => 1800.0,
            (Version::V13, true) => 3600.0,
        };
        if d < 4.0 {
            return Err(prereq_error(
                version,
                "video_duration_too_short",
                format!("The video is too short. Please use a video with a duration of at least 4 seconds. The current duration is {d:.3} seconds."),
            ));
        }
        if d > max {
            return Err(prereq_error(
                version,
                "video_duration_too_long",
                format!("The video is too long. Please use a video with a duration of at most {max:.0} seconds. The current duration is {d:.3} seconds."),
            ));
        }
    }
    if let (Some(w), Some(h)) = (info.width, info.height) {
        let (long, short) = (w.max(h), w.min(h));
        let too_low = match version {
            Version::V12 => short < 360 || long < 480,
            Version::V13 => short < 360,
        };
        if too_low {
            let min = match version {
                Version::V12 => "480x360 (or 360x480)",
                Version::V13 => "360x360",
            };
            return Err(prereq_error(
                version,
                "video_resolution_too_low",
                format!("The resolution of the video is too low. Please use a video with a resolution of at least {min}. The current resolution is {w}x{h}."),
            ));
        }
        if long > 3840 || short > 2160 {
            return Err(prereq_error(
                version,
                "video_resolution_too_high",
                format!("The resolution of the video is too high. Please use a video with a resolution of at most 3840x2160. The current resolution is {w}x{h}."),
            ));
        }
        if version == Version::V13 && f64::from(long) / f64::from(short.max(1)) > 16.0 / 9.0 + 0.01
        {
            return Err(prereq_error(
                version,
                "video_resolution_invalid_aspect_ratio",
                format!("The aspect ratio of the video is not supported. Please use a video with an aspect ratio between 1:1 and 16:9. The current resolution is {w}x{h}."),
            ));
        }
    }
    Ok(())
}

/// Metadata of a file imported from an integration.
pub(crate) fn from_integration(filename: &str, size: u64) -> VideoMeta {
    VideoMeta {
        filename: Some(filename.to_owned()),
        duration: Some(plausible_duration(filename)),
        width: Some(DEFAULT_WIDTH),
        height: Some(DEFAULT_HEIGHT),
        size: Some(size),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        assert_eq!(
            filename_from_url("https://h.com/a/My%20Clip.mp4?x=1"),
            "My Clip.mp4"
        );
        assert_eq!(filename_from_url("s3://bucket/dir/02.mp4"), "02.mp4");
        assert_eq!(filename_from_url("https://h.com/"), "video");
        let v = Version::V12;
        assert!(check_url(v, "video_url", "https://www.youtube.com/watch?v=x").is_err());
        assert!(check_url(v, "video_url", "https://youtu.be/x").is_err());
        assert!(check_url(v, "video_url", "ftp://h/x.mp4").is_err());
        assert!(check_url(v, "video_url", "https://cdn.example.com/v.mp4").is_ok());
        assert!(matches!(
            from_url("https://h/fail.mp4").1,
            Outcome::Failed(_)
        ));
        assert!(matches!(
            from_url("https://h/ok.mp4?fail=1").1,
            Outcome::Ready
        ));
    }

    #[test]
    fn prerequisites() {
        let info = |d: f64, w: u32, h: u32| VideoInfo {
            duration: Some(d),
            width: Some(w),
            height: Some(h),
        };
        let code = |v, p, i: VideoInfo| check_prerequisites(v, p, &i).err().map(|e| e.code);
        let (v12, v13) = (Version::V12, Version::V13);
        assert_eq!(code(v12, false, info(10.0, 640, 360)), None);
        assert_eq!(
            code(v12, false, info(2.0, 640, 360)),
            Some("video_duration_too_short")
        );
        assert_eq!(
            code(v13, false, info(7201.0, 640, 360)),
            Some("video_duration_too_long")
        );
        assert_eq!(
            code(v12, true, info(1801.0, 640, 360)),
            Some("video_duration_too_long")
        );
        assert_eq!(code(v13, true, info(1801.0, 640, 360)), None);
        assert_eq!(
            code(v12, false, info(10.0, 200, 200)),
            Some("video_resolution_too_low")
        );
        assert_eq!(
            code(v12, false, info(10.0, 360, 360)),
            Some("video_resolution_too_low")
        );
        assert_eq!(code(v13, false, info(10.0, 360, 360)), None);
        assert_eq!(
            code(v13, false, info(10.0, 7680, 4320)),
            Some("video_resolution_too_high")
        );
        assert_eq!(
            code(v13, false, info(10.0, 2000, 400)),
            Some("video_resolution_invalid_aspect_ratio")
        );
        assert_eq!(code(v12, false, info(10.0, 2000, 400)), None);
        assert_eq!(code(v12, false, VideoInfo::default()), None);
    }
}
