//! A blocking client, for a plain `fn main` without an async runtime.
//!
//! [`TwelveLabs`] owns a small Tokio runtime, as `reqwest::blocking` does, and
//! offers the same resources as the async client: `client.task()`,
//! `client.task().transfers()`, `client.index()` and `client.index().video()`.
//! Each method returns a [`Call`] around the async builder; configure it with
//! [`Call::with`] and run it with [`Call::send`] (the blocking `.await`).
//! Listings also iterate over every item, page after page ([`Call::iter`]).
//!
//! ```no_run
//! use twelvelabs::blocking::TwelveLabs;
//!
//! fn main() -> Result<(), twelvelabs::Error> {
//!     let client = TwelveLabs::from_env()?; // TWELVELABS_API_KEY
//!     let task = client
//!         .task()
//!         .create("<YOUR_INDEX_ID>")
//!         .with(|c| c.file("clip.mp4").language("en"))
//!         .send()?;
//!     let task = client.task().wait_for_done(&task.task().id).send()?;
//!     println!("{} is {}", task.id, task.status);
//!     for task in client.task().list().with(|l| l.page_limit(50)).iter() {
//!         println!("{}", task?.id);
//!     }
//!     Ok(())
//! }
//! ```
//!
//! Called from inside an async runtime (`tokio::task::spawn_blocking` threads
//! included), every blocking call returns [`Error::Config`] instead of blocking
//! a runtime thread, which would panic or deadlock: use the async
//! [`crate::TwelveLabs`] there, or a `std::thread` of your own.

mod resources;

use std::future::IntoFuture;
use std::pin::Pin;
use std::sync::Arc;

use futures_util::{Stream, StreamExt};
use twelvelabs_transport::Error;

pub use resources::{Indexes, Tasks, Transfers, Videos};

/// The message of the error returned when a blocking call is made inside a runtime.
// `spawn_blocking` threads are inside the runtime too, so the way out is a
// thread of one's own.
const IN_RUNTIME: &str = "the blocking client was called from inside an async runtime, where \
                          blocking would stall it: use the async `twelvelabs::TwelveLabs` there, \
                          or call the blocking client from a `std::thread` of your own";

/// The runtime a blocking client owns. Shared by every resource and [`Call`].
#[derive(Debug)]
struct Runtime {
    // An `Option` so that `Drop` can take it out and shut it down without blocking.
    rt: Option<tokio::runtime::Runtime>,
}

impl Runtime {
    fn new() -> Result<Arc<Self>, Error> {
        ensure_outside_runtime()?;
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| Error::Config(format!("could not start the blocking runtime: {e}")))?;
        Ok(Arc::new(Runtime { rt: Some(rt) }))
    }

    fn block_on<F: std::future::Future>(&self, future: F) -> Result<F::Output, Error> {
        ensure_outside_runtime()?;
        match &self.rt {
            Some(rt) => Ok(rt.block_on(future)),
            None => Err(Error::Config("the blocking runtime is shut down".into())),
        }
    }
}

impl Drop for Runtime {
    fn drop(&mut self) {
        // A plain drop blocks, and panics when the last clone is dropped inside
        // another runtime; every call has completed by now, so nothing is lost.
        if let Some(rt) = self.rt.take() {
            rt.shutdown_background();
        }
    }
}

fn ensure_outside_runtime() -> Result<(), Error> {
    if tokio::runtime::Handle::try_current().is_ok() {
        return Err(Error::Config(IN_RUNTIME.into()));
    }
    Ok(())
}

/// The blocking Twelve Labs client. Cheap to clone; clones share one runtime and
/// one connection pool.
#[derive(Clone, Debug)]
pub struct TwelveLabs {
    inner: crate::TwelveLabs,
    rt: Arc<Runtime>,
}

impl TwelveLabs {
    /// A client for the production API (v1.2) with this key.
    pub fn new(api_key: impl AsRef<str>) -> Result<Self, Error> {
        Self::from_client(crate::TwelveLabs::new(api_key)?)
    }

    /// A client configured from the environment (`TWELVELABS_API_KEY`,
    /// `TWELVELABS_BASE_URL`).
    pub fn from_env() -> Result<Self, Error> {
        Self::from_client(crate::TwelveLabs::from_env()?)
    }

    /// The blocking face of an async client built with
    /// [`crate::TwelveLabs::builder`] (any version, timeout, retry or transport).
    pub fn from_client(client: crate::TwelveLabs) -> Result<Self, Error> {
        Ok(TwelveLabs {
            inner: client,
            rt: Runtime::new()?,
        })
    }

    /// The Task resource.
    pub fn task(&self) -> Tasks {
        Tasks::new(self.inner.task(), self.rt.clone())
    }

    /// The Index resource; its videos are under `client.index().video()`.
    pub fn index(&self) -> Indexes {
        Indexes::new(self.inner.index(), self.rt.clone())
    }

    /// The async client underneath.
    pub fn as_async(&self) -> &crate::TwelveLabs {
        &self.inner
    }

    /// Runs any builder or future of the async API to completion, for what the
    /// blocking resources do not wrap (such as `handle.wait_for_done()`).
    pub fn block_on<F, T>(&self, future: F) -> Result<T, Error>
    where
        F: IntoFuture<Output = Result<T, Error>>,
    {
        self.rt.block_on(future.into_future())?
    }
}

/// One call of the blocking API: the async builder `B` and the runtime to run it on.
#[must_use = "a call does nothing until it is sent"]
#[derive(Debug, Clone)]
pub struct Call<B> {
    builder: B,
    rt: Arc<Runtime>,
}

impl<B> Call<B> {
    fn new(builder: B, rt: Arc<Runtime>) -> Self {
        Call { builder, rt }
    }

    /// Configures the call with the async builder's own methods:
    /// `.with(|b| b.language("en"))`.
    pub fn with(mut self, configure: impl FnOnce(B) -> B) -> Self {
        self.builder = configure(self.builder);
        self
    }

    /// The async builder, as configured so far.
    pub fn builder(&self) -> &B {
        &self.builder
    }
}

impl<B, T> Call<B>
where
    B: IntoFuture<Output = Result<T, Error>>,
{
    /// Runs the call and waits for its result.
    pub fn send(self) -> Result<T, Error> {
        self.rt.block_on(self.builder.into_future())?
    }
}

macro_rules! impl_iter {
    ($($builder:ty => $item:ty),* $(,)?) => {$(
        impl Call<$builder> {
            /// Every item across pages, fetching each page when the previous one
            /// is used up. An error ends the iteration after it is yielded.
            pub fn iter(self) -> Iter<$item> {
                Iter {
                    stream: Some(self.builder.into_stream()),
                    rt: self.rt,
                }
            }
        }
    )*};
}

impl_iter!(
    twelvelabs_tasks::ListTasks => crate::Task,
    twelvelabs_indexes::ListIndexes => crate::Index,
    twelvelabs_indexes::ListVideos => crate::Video,
);

type ItemStream<T> = Pin<Box<dyn Stream<Item = Result<T, Error>> + Send + 'static>>;

/// An iterator over every item of a listing ([`Call::iter`]).
pub struct Iter<T> {
    stream: Option<ItemStream<T>>,
    rt: Arc<Runtime>,
}

impl<T> std::fmt::Debug for Iter<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Iter")
            .field("done", &self.stream.is_none())
            .finish_non_exhaustive()
    }
}

impl<T> Iterator for Iter<T> {
    type Item = Result<T, Error>;

    fn next(&mut self) -> Option<Self::Item> {
        let stream = self.stream.as_mut()?;
        let item = match self.rt.block_on(stream.next()) {
            Ok(item) => item,
            Err(e) => Some(Err(e)),
        };
        // Stop after the end or an error, so a caller looping on errors cannot spin.
        if !matches!(item, Some(Ok(_))) {
            self.stream = None;
        }
        item
    }
}
