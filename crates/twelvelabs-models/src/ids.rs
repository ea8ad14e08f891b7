//! Identifier newtypes.
//!
//! Task ids, video ids and index ids are all 24-hex-digit strings on the wire
//! (`6298d673f1090f1100476d4c`), and in v1.2 a task id is *not* a video id.
//! Distinct types make mixing them up a compile error. Each one serialises as a
//! bare JSON string.
//!
//! ```
//! use twelvelabs_models::{TaskId, VideoId};
//!
//! let task = TaskId::from("6734f1c2a1b2c3d4e5f60718");
//! assert_eq!(task, "6734f1c2a1b2c3d4e5f60718");
//! assert_eq!(task.len(), 24); // `Deref<Target = str>`
//! let video: VideoId = serde_json::from_str("\"6734f25ea1b2c3d4e5f60720\"").unwrap();
//! assert_eq!(video.to_string(), "6734f25ea1b2c3d4e5f60720");
//! ```

use std::borrow::Borrow;
use std::fmt;
use std::ops::Deref;

use serde::{Deserialize, Serialize};

macro_rules! id_type {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            /// Wraps an id string. No validation: the server is the authority.
            pub fn new(id: impl Into<String>) -> Self {
                Self(id.into())
            }

            /// The id as a string slice.
            pub fn as_str(&self) -> &str {
                &self.0
            }

            /// Unwraps the id string.
            pub fn into_inner(self) -> String {
                self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.pad(&self.0)
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl Borrow<str> for $name {
            fn borrow(&self) -> &str {
                &self.0
            }
        }

        impl Deref for $name {
            type Target = str;

            fn deref(&self) -> &str {
                &self.0
            }
        }

        impl From<String> for $name {
            fn from(id: String) -> Self {
                Self(id)
            }
        }

        impl From<&str> for $name {
            fn from(id: &str) -> Self {
                Self(id.to_owned())
            }
        }

        impl From<&String> for $name {
            fn from(id: &String) -> Self {
                Self(id.clone())
            }
        }

        impl From<&$name> for $name {
            fn from(id: &$name) -> Self {
                id.clone()
            }
        }

        impl From<$name> for String {
            fn from(id: $name) -> String {
                id.0
            }
        }

        impl PartialEq<str> for $name {
            fn eq(&self, other: &str) -> bool {
                self.0 == other
            }
        }

        impl PartialEq<&str> for $name {
            fn eq(&self, other: &&str) -> bool {
                self.0 == *other
            }
        }

        impl PartialEq<String> for $name {
            fn eq(&self, other: &String) -> bool {
                &self.0 == other
            }
        }
    };
}

id_type! {
    /// A video indexing task id (the task object's `_id`).
    TaskId
}

id_type! {
    /// A video id (`video_id`). In v1.2 it is distinct from the task id and
    /// only known once the task is `ready`; in v1.3 it is returned at creation.
    VideoId
}

id_type! {
    /// An index id (`index_id`).
    IndexId
}
