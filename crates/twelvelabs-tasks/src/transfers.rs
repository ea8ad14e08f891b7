//! Cloud imports (`/tasks/transfers/import/...`) and the legacy cloud-to-cloud
//! transfer (`POST /tasks/transfers`, v1.2).

use twelvelabs_models::{
    ImportLog, ImportLogs, ImportStatus, ImportVideosRequest, ImportVideosResponse, IndexId,
    TransferFileEntry, UserMetadata,
};
use twelvelabs_transport::{ApiRequest, ApiVersion, Body, Error, Multipart, Part, RequestOptions};

use crate::options::{check_id, impl_into_future, impl_request_options};
use crate::source::{content_type_for, Upload};
use crate::Tasks;

/// The import endpoints: `client.task().transfers()`.
#[derive(Debug, Clone)]
pub struct Transfers {
    tasks: Tasks,
}

impl Transfers {
    pub(crate) fn new(tasks: Tasks) -> Self {
        Transfers { tasks }
    }

    /// Starts importing every video of an integration into an index.
    ///
    /// ```no_run
    /// # async fn demo(client: twelvelabs_tasks::Tasks) -> Result<(), twelvelabs_transport::Error> {
    /// let res = client.transfers().import_videos("<YOUR_INTEGRATION_ID>", "<YOUR_INDEX_ID>").send().await?;
    /// for video in &res.videos {
    ///     println!("video: {} {}", video.video_id, video.filename);
    /// }
    /// for failed in &res.failed_files {
    ///     println!("failed_file: {} {}", failed.filename, failed.error_message);
    /// }
    /// # Ok(()) }
    /// ```
    pub fn import_videos(
        &self,
        integration_id: impl AsRef<str>,
        index_id: impl Into<IndexId>,
    ) -> ImportVideos {
        ImportVideos {
            tasks: self.tasks.clone(),
            integration_id: integration_id.as_ref().to_owned(),
            request: ImportVideosRequest::new(index_id.into()),
            options: RequestOptions::new(),
        }
    }

    /// The status of every video of an integration in an index.
    pub fn import_status(
        &self,
        integration_id: impl AsRef<str>,
        index_id: impl Into<IndexId>,
    ) -> GetImportStatus {
        GetImportStatus {
            tasks: self.tasks.clone(),
            integration_id: integration_id.as_ref().to_owned(),
            index_id: index_id.into().into_inner(),
            options: RequestOptions::new(),
        }
    }

    /// The imports of an integration, oldest first.
    pub fn import_logs(&self, integration_id: impl AsRef<str>) -> GetImportLogs {
        GetImportLogs {
            tasks: self.tasks.clone(),
            integration_id: integration_id.as_ref().to_owned(),
            options: RequestOptions::new(),
        }
    }
}

fn import_path(integration_id: &str) -> Vec<String> {
    vec![
        "tasks".into(),
        "transfers".into(),
        "import".into(),
        integration_id.to_owned(),
    ]
}

/// Builder for [`Transfers::import_videos`]. Options left unset are omitted from
/// the JSON body (never sent as `null`).
#[derive(Debug, Clone)]
#[must_use = "a builder does nothing until it is awaited"]
pub struct ImportVideos {
    tasks: Tasks,
    integration_id: String,
    request: ImportVideosRequest,
    options: RequestOptions,
}

impl_request_options!(ImportVideos);
impl_into_future!(ImportVideos => ImportVideosResponse);

impl ImportVideos {
    /// Metadata applied to every imported video (keys never rewritten).
    pub fn user_metadata(mut self, metadata: UserMetadata) -> Self {
        self.request.user_metadata = Some(metadata);
        self
    }

    /// Whether only new files are imported (the server's default is true).
    pub fn incremental_import(mut self, yes: bool) -> Self {
        self.request.incremental_import = Some(yes);
        self
    }

    /// Whether files that failed before are tried again (the server's default is false).
    pub fn retry_failed(mut self, yes: bool) -> Self {
        self.request.retry_failed = Some(yes);
        self
    }

    /// Starts the import.
    pub async fn send(self) -> Result<ImportVideosResponse, Error> {
        check_id("integration_id", &self.integration_id)?;
        check_id("index_id", self.request.index_id.as_str())?;
        let body = Body::json(&self.request)
            .map_err(|e| Error::invalid_input("user_metadata", e.to_string()))?;
        let request = ApiRequest::post(import_path(&self.integration_id), body);
        self.tasks
            .executor()
            .send_json(request, &self.options)
            .await
    }
}

/// Builder for [`Transfers::import_status`].
#[derive(Debug, Clone)]
#[must_use = "a builder does nothing until it is awaited"]
pub struct GetImportStatus {
    tasks: Tasks,
    integration_id: String,
    index_id: String,
    options: RequestOptions,
}

impl_request_options!(GetImportStatus);
impl_into_future!(GetImportStatus => ImportStatus);

impl GetImportStatus {
    /// Fetches the status.
    pub async fn send(self) -> Result<ImportStatus, Error> {
        check_id("integration_id", &self.integration_id)?;
        check_id("index_id", &self.index_id)?;
        let mut path = import_path(&self.integration_id);
        path.push("status".into());
        let request = ApiRequest::get(path).query("index_id", self.index_id);
        self.tasks
            .executor()
            .send_json(request, &self.options)
            .await
    }
}

/// Builder for [`Transfers::import_logs`].
#[derive(Debug, Clone)]
#[must_use = "a builder does nothing until it is awaited"]
pub struct GetImportLogs {
    tasks: Tasks,
    integration_id: String,
    options: RequestOptions,
}

impl_request_options!(GetImportLogs);
impl_into_future!(GetImportLogs => Vec<ImportLog>);

impl GetImportLogs {
    /// Fetches the logs, oldest import first.
    pub async fn send(self) -> Result<Vec<ImportLog>, Error> {
        check_id("integration_id", &self.integration_id)?;
        let mut path = import_path(&self.integration_id);
        path.push("logs".into());
        let logs: ImportLogs = self
            .tasks
            .executor()
            .send_json(ApiRequest::get(path), &self.options)
            .await?;
        Ok(logs.data)
    }
}

/// The JSON file of a legacy cloud-to-cloud transfer.
#[derive(Debug)]
pub enum TransferSource {
    /// A file (a path, bytes or a reader), sent as is.
    Upload(Upload),
    /// Entries, serialised to the JSON array the API expects.
    Entries(Vec<TransferFileEntry>),
}

impl From<Upload> for TransferSource {
    fn from(u: Upload) -> Self {
        TransferSource::Upload(u)
    }
}

impl From<&std::path::Path> for TransferSource {
    fn from(p: &std::path::Path) -> Self {
        TransferSource::Upload(Upload::path(p))
    }
}

impl From<std::path::PathBuf> for TransferSource {
    fn from(p: std::path::PathBuf) -> Self {
        TransferSource::Upload(Upload::Path(p))
    }
}

impl From<Vec<TransferFileEntry>> for TransferSource {
    fn from(e: Vec<TransferFileEntry>) -> Self {
        TransferSource::Entries(e)
    }
}

/// Builder for the legacy [`Tasks::transfer`].
#[derive(Debug)]
#[must_use = "a builder does nothing until it is awaited"]
pub struct TransferFile {
    tasks: Tasks,
    file: TransferSource,
    options: RequestOptions,
}

impl_request_options!(TransferFile);
impl_into_future!(TransferFile => ());

impl TransferFile {
    pub(crate) fn new(tasks: Tasks, file: TransferSource) -> Self {
        TransferFile {
            tasks,
            file,
            options: RequestOptions::new(),
        }
    }

    /// Sends the transfer list.
    pub async fn send(self) -> Result<(), Error> {
        if self.tasks.executor().api_version() != ApiVersion::V1_2 {
            return Err(Error::invalid_input(
                "transfer",
                "cloud-to-cloud transfer is v1.2 only; use transfers().import_videos(..)",
            ));
        }
        let (content, filename) = match self.file {
            TransferSource::Upload(upload) => upload.into_part("file").await?,
            TransferSource::Entries(entries) => {
                if entries.is_empty() {
                    return Err(Error::invalid_input("file", "the transfer list is empty"));
                }
                let json = serde_json::to_vec(&entries)
                    .map_err(|e| Error::invalid_input("file", e.to_string()))?;
                (
                    twelvelabs_transport::PartContent::Bytes(json.into()),
                    "transfer.json".to_owned(),
                )
            }
        };
        let ct = content_type_for(&filename);
        let form = Multipart::new().part(Part::file("file", filename, ct, content));
        let request = ApiRequest::post(["tasks", "transfers"], Body::Multipart(form));
        self.tasks.executor().send(request, &self.options).await?;
        Ok(())
    }
}
