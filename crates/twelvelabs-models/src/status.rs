//! Task and HLS status values.

string_enum! {
    /// The status of a video indexing task (lower-case on the wire).
    ///
    /// Lifecycle: `validating → pending → queued → indexing → ready`, with
    /// `failed` reachable from any non-terminal step; `uploading` only appears
    /// in the v1.3 list filter. A status this crate does not know (say
    /// `"archiving"`) becomes [`TaskStatus::Unknown`] and is written back
    /// unchanged; it is **not** terminal, so a waiter keeps polling until its
    /// deadline.
    ///
    /// ```
    /// use twelvelabs_models::TaskStatus;
    ///
    /// let s: TaskStatus = "archiving".parse().unwrap();
    /// assert_eq!(s, TaskStatus::Unknown("archiving".into()));
    /// assert!(!s.is_terminal());
    /// assert!(TaskStatus::Failed.is_terminal());
    /// assert_eq!(TaskStatus::Ready, "ready");
    /// ```
    pub enum TaskStatus expecting "a task status string" {
        /// `uploading`: the upload has not finished (v1.3 list filter only).
        Uploading = "uploading",
        /// `validating`: the upload finished; prerequisites are being checked.
        Validating = "validating",
        /// `pending`: a worker is being allocated.
        Pending = "pending",
        /// `queued`: a worker is assigned and preparing.
        Queued = "queued",
        /// `indexing`: embeddings are being produced.
        Indexing = "indexing",
        /// `ready`: done (terminal).
        Ready = "ready",
        /// `failed`: the task failed (terminal).
        Failed = "failed",
    }
}

impl TaskStatus {
    /// `true` for the terminal statuses, `ready` and `failed`, only.
    pub fn is_terminal(&self) -> bool {
        matches!(self, TaskStatus::Ready | TaskStatus::Failed)
    }

    /// `true` for `ready`.
    pub fn is_ready(&self) -> bool {
        matches!(self, TaskStatus::Ready)
    }

    /// `true` for `failed`.
    pub fn is_failed(&self) -> bool {
        matches!(self, TaskStatus::Failed)
    }
}

string_enum! {
    /// The status of a task's HLS stream (upper-case on the wire).
    pub enum HlsStatus expecting "an HLS status string" {
        /// `PROCESSING`: the stream is being produced.
        Processing = "PROCESSING",
        /// `COMPLETE`: the stream is available.
        Complete = "COMPLETE",
        /// `CANCELED`: stream production was canceled.
        Canceled = "CANCELED",
        /// `ERROR`: stream production failed.
        Error = "ERROR",
    }
}
