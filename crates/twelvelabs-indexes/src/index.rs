//! `POST /indexes`, `GET`/`PUT`/`DELETE /indexes/{index-id}`.

use twelvelabs_models::{
    CreateIndexRequest, CreateIndexResponse, Engine, Index, IndexId, Model, UpdateIndexRequest,
};
use twelvelabs_transport::builder::check_id;
use twelvelabs_transport::{
    http::Method, impl_into_future, impl_request_options, ApiRequest, ApiVersion, Body, Error,
    RequestOptions,
};

use crate::{new_options, Indexes};

/// Builder for [`Indexes::create`]; `.send().await` it.
///
/// ```no_run
/// # async fn demo(indexes: twelvelabs_indexes::Indexes) -> Result<(), twelvelabs_transport::Error> {
/// // v1.2
/// let index = indexes
///     .create("my-index")
///     .engine("marengo2.6", ["visual", "conversation", "text_in_video", "logo"])
///     .engine("pegasus1.1", ["visual", "conversation"])
///     .addons(["thumbnail"])
///     .send()
///     .await?;
/// println!("{} {}", index.id, index.name);
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
#[must_use = "a builder does nothing until it is awaited"]
pub struct CreateIndex {
    indexes: Indexes,
    body: CreateIndexRequest,
    options: RequestOptions,
}

impl_request_options!(CreateIndex);
impl_into_future!(CreateIndex => Index);

impl CreateIndex {
    pub(crate) fn new(indexes: Indexes, name: String) -> Self {
        CreateIndex {
            indexes,
            body: CreateIndexRequest::new(name),
            options: new_options(),
        }
    }

    /// Adds an engine (v1.2): `marengo2.6` with any of `visual`, `conversation`,
    /// `text_in_video`, `logo`; `pegasus1.1` with `visual`, `conversation`.
    pub fn engine<I, S>(mut self, name: impl Into<String>, options: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.body.engines.push(Engine::new(name, options));
        self
    }

    /// Adds a model (v1.3): `marengo2.7` or `pegasus1.2`, with `visual` and/or
    /// `audio`.
    pub fn model<I, S>(mut self, name: impl Into<String>, options: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.body.models.push(Model::new(name, options));
        self
    }

    /// The add-ons (`thumbnail`, Marengo only; cannot be disabled later).
    pub fn addons<I, S>(mut self, addons: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.body.addons = Some(addons.into_iter().map(Into::into).collect());
        self
    }

    /// The request body as it will be sent.
    pub fn body(&self) -> &CreateIndexRequest {
        &self.body
    }

    fn check(&self, version: ApiVersion) -> Result<(), Error> {
        let body = &self.body;
        if body.index_name.trim().is_empty() {
            return Err(Error::invalid_input("name", "must not be empty"));
        }
        // v1.2 describes an index by engines, v1.3 by models: never both.
        let (field, given, other, wrong) = match version {
            ApiVersion::V1_2 => ("engines", body.engines.len(), "models", body.models.len()),
            _ => ("models", body.models.len(), "engines", body.engines.len()),
        };
        if wrong > 0 {
            return Err(Error::invalid_input(
                other,
                format!("`{other}` does not exist in {version}; use `{field}`"),
            ));
        }
        if given == 0 {
            return Err(Error::invalid_input(
                field,
                format!("{version} needs at least one of `{field}`"),
            ));
        }
        let names = body
            .engines
            .iter()
            .map(|e| (&e.name, &e.options))
            .chain(body.models.iter().map(|m| (&m.name, &m.options)));
        for (name, options) in names {
            if name.trim().is_empty() {
                return Err(Error::invalid_input(field, "a name must not be empty"));
            }
            if options.is_empty() || options.iter().any(|o| o.trim().is_empty()) {
                return Err(Error::invalid_input(
                    field,
                    format!("`{name}` needs at least one option, none empty"),
                ));
            }
        }
        if let Some(addons) = &body.addons {
            if addons.iter().any(|a| a.trim().is_empty()) {
                return Err(Error::invalid_input("addons", "must not be empty"));
            }
        }
        Ok(())
    }

    /// Creates the index and returns its id only (one request).
    pub async fn send_id(self) -> Result<IndexId, Error> {
        let executor = self.indexes.executor();
        self.check(executor.api_version())?;
        let body = Body::json(&self.body)
            .map_err(|e| Error::invalid_input("body", format!("cannot encode: {e}")))?;
        let created: CreateIndexResponse = executor
            .send_json(ApiRequest::post(["indexes"], body), &self.options)
            .await?;
        Ok(created.id)
    }

    /// Creates the index, then retrieves it (as the Python SDK does).
    ///
    /// If the follow-up retrieve fails, the index exists all the same: rather
    /// than lose its id, this returns an [`Index`] built from the id and what
    /// was sent (name, engines or models, add-ons), with the server-computed
    /// fields unset, and logs the retrieve error at `warn`.
    pub async fn send(self) -> Result<Index, Error> {
        let options = self.options.clone();
        let indexes = self.indexes.clone();
        let body = self.body.clone();
        let id = self.send_id().await?;
        match indexes.retrieve(id.clone()).with_options(options).await {
            Ok(index) => Ok(index),
            Err(error) => {
                tracing::warn!(index_id = %id, %error, "index created, but retrieving it failed");
                let mut index = Index::new(id, body.index_name);
                index.engines = body.engines;
                index.models = body.models;
                index.addons = body.addons.unwrap_or_default();
                Ok(index)
            }
        }
    }
}

/// Builder for [`Indexes::retrieve`]; `.await` it.
#[derive(Debug, Clone)]
#[must_use = "a builder does nothing until it is awaited"]
pub struct RetrieveIndex {
    indexes: Indexes,
    id: IndexId,
    options: RequestOptions,
}

impl_request_options!(RetrieveIndex);
impl_into_future!(RetrieveIndex => Index);

impl RetrieveIndex {
    pub(crate) fn new(indexes: Indexes, id: IndexId) -> Self {
        RetrieveIndex {
            indexes,
            id,
            options: new_options(),
        }
    }

    /// Fetches the index.
    pub async fn send(self) -> Result<Index, Error> {
        check_id("id", &self.id)?;
        self.indexes
            .executor()
            .send_json(
                ApiRequest::get(["indexes", self.id.as_str()]),
                &self.options,
            )
            .await
    }
}

/// Builder for [`Indexes::update`]; `.await` it.
#[derive(Debug, Clone)]
#[must_use = "a builder does nothing until it is awaited"]
pub struct UpdateIndex {
    indexes: Indexes,
    id: IndexId,
    name: String,
    options: RequestOptions,
}

impl_request_options!(UpdateIndex);
impl_into_future!(UpdateIndex => ());

impl UpdateIndex {
    pub(crate) fn new(indexes: Indexes, id: IndexId, name: String) -> Self {
        UpdateIndex {
            indexes,
            id,
            name,
            options: new_options(),
        }
    }

    /// Renames the index. Any 2xx is success, with or without a body.
    pub async fn send(self) -> Result<(), Error> {
        check_id("id", &self.id)?;
        if self.name.trim().is_empty() {
            return Err(Error::invalid_input("name", "must not be empty"));
        }
        let body = Body::json(&UpdateIndexRequest::new(self.name))
            .map_err(|e| Error::invalid_input("name", format!("cannot encode: {e}")))?;
        let request = ApiRequest::new(Method::PUT, ["indexes", self.id.as_str()]).body(body);
        self.indexes.executor().send(request, &self.options).await?;
        Ok(())
    }
}

/// Builder for [`Indexes::delete`]; `.await` it.
#[derive(Debug, Clone)]
#[must_use = "a builder does nothing until it is awaited"]
pub struct DeleteIndex {
    indexes: Indexes,
    id: IndexId,
    options: RequestOptions,
}

impl_request_options!(DeleteIndex);
impl_into_future!(DeleteIndex => ());

impl DeleteIndex {
    pub(crate) fn new(indexes: Indexes, id: IndexId) -> Self {
        DeleteIndex {
            indexes,
            id,
            options: new_options(),
        }
    }

    /// Deletes the index and its videos. Any 2xx is success.
    pub async fn send(self) -> Result<(), Error> {
        check_id("id", &self.id)?;
        self.indexes
            .executor()
            .send(
                ApiRequest::delete(["indexes", self.id.as_str()]),
                &self.options,
            )
            .await?;
        Ok(())
    }
}
