//! The blocking resources: thin wrappers that hand each async builder to a [`Call`].

use std::sync::Arc;

use super::{Call, Runtime};

/// The Task resource of the blocking client.
#[derive(Debug, Clone)]
pub struct Tasks {
    inner: twelvelabs_tasks::Tasks,
    rt: Arc<Runtime>,
}

impl Tasks {
    pub(super) fn new(inner: twelvelabs_tasks::Tasks, rt: Arc<Runtime>) -> Self {
        Tasks { inner, rt }
    }

    fn call<B>(&self, builder: B) -> Call<B> {
        Call::new(builder, self.rt.clone())
    }

    /// Creates a video indexing task (`POST /tasks`); `.send()` returns its handle.
    pub fn create(&self, index_id: impl AsRef<str>) -> Call<twelvelabs_tasks::CreateTask> {
        self.call(self.inner.create(index_id.as_ref()))
    }

    /// Creates many tasks, a bounded number at a time; `.send()` returns one
    /// result per source, in order.
    pub fn create_bulk(&self, index_id: impl AsRef<str>) -> Call<twelvelabs_tasks::CreateBulk> {
        self.call(self.inner.create_bulk(index_id.as_ref()))
    }

    /// Retrieves a task (`GET /tasks/{id}`).
    pub fn retrieve(&self, id: impl AsRef<str>) -> Call<twelvelabs_tasks::RetrieveTask> {
        self.call(self.inner.retrieve(id.as_ref()))
    }

    /// Lists one page of tasks (`.send()`), or every task (`.iter()`).
    pub fn list(&self) -> Call<twelvelabs_tasks::ListTasks> {
        self.call(self.inner.list())
    }

    /// Deletes a task (`DELETE /tasks/{id}`); `.with(|d| d.with_video())` deletes
    /// a `ready` task's video first.
    pub fn delete(&self, id: impl AsRef<str>) -> Call<twelvelabs_tasks::DeleteTask> {
        self.call(self.inner.delete(id.as_ref()))
    }

    /// Waits for a task to be `ready` or `failed`.
    pub fn wait_for_done(&self, id: impl AsRef<str>) -> Call<twelvelabs_tasks::WaitForDone> {
        self.call(self.inner.wait_for_done(id.as_ref()))
    }

    /// The task counts of an index (v1.2).
    pub fn status(&self, index_id: impl AsRef<str>) -> Call<twelvelabs_tasks::GetIndexStatus> {
        self.call(self.inner.status(index_id.as_ref()))
    }

    /// The cloud-to-cloud import endpoints.
    pub fn transfers(&self) -> Transfers {
        Transfers {
            inner: self.inner.transfers(),
            rt: self.rt.clone(),
        }
    }
}

/// The import endpoints of the blocking client.
#[derive(Debug, Clone)]
pub struct Transfers {
    inner: twelvelabs_tasks::Transfers,
    rt: Arc<Runtime>,
}

impl Transfers {
    /// Imports the videos of an integration into an index.
    pub fn import_videos(
        &self,
        integration_id: impl AsRef<str>,
        index_id: impl AsRef<str>,
    ) -> Call<twelvelabs_tasks::ImportVideos> {
        let b = self
            .inner
            .import_videos(integration_id.as_ref(), index_id.as_ref());
        Call::new(b, self.rt.clone())
    }

    /// The status of every video of an integration in an index.
    pub fn import_status(
        &self,
        integration_id: impl AsRef<str>,
        index_id: impl AsRef<str>,
    ) -> Call<twelvelabs_tasks::GetImportStatus> {
        let b = self
            .inner
            .import_status(integration_id.as_ref(), index_id.as_ref());
        Call::new(b, self.rt.clone())
    }

    /// The imports of an integration, oldest first.
    pub fn import_logs(
        &self,
        integration_id: impl AsRef<str>,
    ) -> Call<twelvelabs_tasks::GetImportLogs> {
        Call::new(
            self.inner.import_logs(integration_id.as_ref()),
            self.rt.clone(),
        )
    }
}

/// The Index resource of the blocking client.
#[derive(Debug, Clone)]
pub struct Indexes {
    inner: twelvelabs_indexes::Indexes,
    rt: Arc<Runtime>,
}

impl Indexes {
    pub(super) fn new(inner: twelvelabs_indexes::Indexes, rt: Arc<Runtime>) -> Self {
        Indexes { inner, rt }
    }

    fn call<B>(&self, builder: B) -> Call<B> {
        Call::new(builder, self.rt.clone())
    }

    /// Creates an index (`POST /indexes`).
    pub fn create(&self, name: impl Into<String>) -> Call<twelvelabs_indexes::CreateIndex> {
        self.call(self.inner.create(name))
    }

    /// Retrieves an index.
    pub fn retrieve(&self, id: impl AsRef<str>) -> Call<twelvelabs_indexes::RetrieveIndex> {
        self.call(self.inner.retrieve(id.as_ref()))
    }

    /// Lists one page of indexes (`.send()`), or every index (`.iter()`).
    pub fn list(&self) -> Call<twelvelabs_indexes::ListIndexes> {
        self.call(self.inner.list())
    }

    /// Renames an index.
    pub fn update(
        &self,
        id: impl AsRef<str>,
        name: impl Into<String>,
    ) -> Call<twelvelabs_indexes::UpdateIndex> {
        self.call(self.inner.update(id.as_ref(), name))
    }

    /// Deletes an index and its videos.
    pub fn delete(&self, id: impl AsRef<str>) -> Call<twelvelabs_indexes::DeleteIndex> {
        self.call(self.inner.delete(id.as_ref()))
    }

    /// The videos of the indexes.
    pub fn video(&self) -> Videos {
        Videos {
            inner: self.inner.video(),
            rt: self.rt.clone(),
        }
    }
}

/// The Video resource of the blocking client.
#[derive(Debug, Clone)]
pub struct Videos {
    inner: twelvelabs_indexes::Videos,
    rt: Arc<Runtime>,
}

impl Videos {
    fn call<B>(&self, builder: B) -> Call<B> {
        Call::new(builder, self.rt.clone())
    }

    /// Lists one page of an index's videos (`.send()`), or every video (`.iter()`).
    pub fn list(&self, index_id: impl AsRef<str>) -> Call<twelvelabs_indexes::ListVideos> {
        self.call(self.inner.list(index_id.as_ref()))
    }

    /// Retrieves a video.
    pub fn retrieve(
        &self,
        index_id: impl AsRef<str>,
        id: impl AsRef<str>,
    ) -> Call<twelvelabs_indexes::RetrieveVideo> {
        self.call(self.inner.retrieve(index_id.as_ref(), id.as_ref()))
    }

    /// Updates a video's title or metadata.
    pub fn update(
        &self,
        index_id: impl AsRef<str>,
        id: impl AsRef<str>,
    ) -> Call<twelvelabs_indexes::UpdateVideo> {
        self.call(self.inner.update(index_id.as_ref(), id.as_ref()))
    }

    /// Deletes a video.
    pub fn delete(
        &self,
        index_id: impl AsRef<str>,
        id: impl AsRef<str>,
    ) -> Call<twelvelabs_indexes::DeleteVideo> {
        self.call(self.inner.delete(index_id.as_ref(), id.as_ref()))
    }
}
