//! Where a file comes from: a path, bytes, a reader, or a URL. A string is never
//! guessed to be a path or a URL: the caller says which.

use std::fmt;
use std::path::{Path, PathBuf};

use bytes::Bytes;
use tokio::io::AsyncRead;
use twelvelabs_transport::{Error, PartContent, StreamSource};

/// A file to upload: the video, a transcription, a transfer list.
pub enum Upload {
    /// A file on disk, streamed and re-opened for every attempt.
    Path(PathBuf),
    /// Bytes in memory, with the file name to send.
    Bytes {
        /// The content.
        data: Bytes,
        /// The file name sent in the part.
        filename: String,
    },
    /// A single-use reader: a request carrying it is never sent twice.
    Reader {
        /// The reader.
        reader: Box<dyn AsyncRead + Send + Unpin + 'static>,
        /// The file name sent in the part.
        filename: String,
        /// The length, if known (then the request has a `Content-Length`).
        len: Option<u64>,
    },
}

impl fmt::Debug for Upload {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Upload::Path(p) => f.debug_tuple("Path").field(p).finish(),
            Upload::Bytes { data, filename } => f
                .debug_struct("Bytes")
                .field("filename", filename)
                .field("len", &data.len())
                .finish(),
            Upload::Reader { filename, len, .. } => f
                .debug_struct("Reader")
                .field("filename", filename)
                .field("len", len)
                .finish(),
        }
    }
}

impl From<PathBuf> for Upload {
    fn from(p: PathBuf) -> Self {
        Upload::Path(p)
    }
}

impl From<&Path> for Upload {
    fn from(p: &Path) -> Self {
        Upload::Path(p.to_path_buf())
    }
}

impl Upload {
    /// A file on disk.
    pub fn path(path: impl AsRef<Path>) -> Self {
        Upload::Path(path.as_ref().to_path_buf())
    }

    /// Bytes in memory.
    pub fn bytes(data: impl Into<Bytes>, filename: impl Into<String>) -> Self {
        Upload::Bytes {
            data: data.into(),
            filename: filename.into(),
        }
    }

    /// A single-use reader.
    pub fn reader(
        reader: impl AsyncRead + Send + Unpin + 'static,
        filename: impl Into<String>,
        len: Option<u64>,
    ) -> Self {
        Upload::Reader {
            reader: Box::new(reader),
            filename: filename.into(),
            len,
        }
    }

    /// Opens the source as a part's content (reading only metadata for a path),
    /// with its file name and content type.
    pub(crate) async fn into_part(self, field: &str) -> Result<(PartContent, String), Error> {
        match self {
            Upload::Path(path) => {
                let filename = path
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .ok_or_else(|| {
                        Error::invalid_input(field, format!("{} has no file name", path.display()))
                    })?;
                let source = StreamSource::file(&path).await.map_err(|e| Error::Io {
                    path: Some(path.clone()),
                    source: e,
                })?;
                Ok((PartContent::Stream(source), filename))
            }
            Upload::Bytes { data, filename } => Ok((PartContent::Bytes(data), filename)),
            Upload::Reader {
                reader,
                filename,
                len,
            } => Ok((
                PartContent::Stream(StreamSource::reader(reader, len)),
                filename,
            )),
        }
    }

    /// The path, for error messages.
    pub(crate) fn path_ref(&self) -> Option<&Path> {
        match self {
            Upload::Path(p) => Some(p),
            _ => None,
        }
    }
}

/// The content type for a file name, by extension.
pub fn content_type_for(filename: &str) -> &'static str {
    let ext = filename
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "mp4" | "m4v" => "video/mp4",
        "mov" => "video/quicktime",
        "webm" => "video/webm",
        "mkv" => "video/x-matroska",
        "avi" => "video/x-msvideo",
        "mpeg" | "mpg" => "video/mpeg",
        "wmv" => "video/x-ms-wmv",
        "flv" => "video/x-flv",
        "3gp" => "video/3gpp",
        "ts" => "video/mp2t",
        "srt" => "text/plain",
        "vtt" => "text/vtt",
        "json" => "application/json",
        "txt" => "text/plain",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::content_type_for;

    #[test]
    fn content_types() {
        assert_eq!(content_type_for("clip.MP4"), "video/mp4");
        assert_eq!(content_type_for("clip.srt"), "text/plain");
        assert_eq!(content_type_for("noext"), "application/octet-stream");
    }
}
