//! What every request builder of the resource crates shares: the `with_*`
//! per-call option setters (the Python SDK's `**kwargs`, named so they never
//! collide with API fields), `IntoFuture` so `builder.await` works, and the id
//! check every call makes before any I/O.

use crate::Error;

/// Implements the `with_*` option setters for a builder with an
/// `options: RequestOptions` field.
#[macro_export]
macro_rules! impl_request_options {
    ($ty:ident $(<$($lt:lifetime),*>)?) => {
        impl $(<$($lt),*>)? $ty $(<$($lt),*>)? {
            /// Adds a header to this call.
            pub fn with_header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
                self.options = self.options.with_header(name, value);
                self
            }

            /// Adds a header whose value is a secret to this call: sent, never printed.
            pub fn with_sensitive_header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
                self.options = self.options.with_sensitive_header(name, value);
                self
            }

            /// Adds a query parameter to this call.
            pub fn with_query(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
                self.options = self.options.with_query(name, value);
                self
            }

            /// Overrides the time each attempt of this call may take.
            pub fn with_attempt_timeout(mut self, timeout: std::time::Duration) -> Self {
                self.options = self.options.with_attempt_timeout(timeout);
                self
            }

            /// Bounds this whole call, retries and waits included (see
            /// [`RequestOptions::with_deadline`]($crate::RequestOptions::with_deadline)).
            pub fn with_deadline(mut self, deadline: std::time::Duration) -> Self {
                self.options = self.options.with_deadline(deadline);
                self
            }

            /// Overrides the retry policy of this call.
            pub fn with_retry(mut self, retry: $crate::RetryPolicy) -> Self {
                self.options = self.options.with_retry(retry);
                self
            }

            /// Replaces all per-call options at once.
            pub fn with_options(mut self, options: $crate::RequestOptions) -> Self {
                self.options = options;
                self
            }
        }
    };
}

/// Implements `IntoFuture` for a builder with an `async fn send(self)`, so that
/// `builder.await` and `builder.send().await` are the same.
#[macro_export]
macro_rules! impl_into_future {
    ($ty:ident => $out:ty) => {
        impl std::future::IntoFuture for $ty {
            type Output = Result<$out, $crate::Error>;
            type IntoFuture =
                std::pin::Pin<Box<dyn std::future::Future<Output = Self::Output> + Send>>;
            fn into_future(self) -> Self::IntoFuture {
                Box::pin(self.send())
            }
        }
    };
}

/// Checks an id argument before any request: not empty or blank. Other
/// characters are percent-encoded by the executor, so they can never reach
/// another endpoint.
pub fn check_id(field: &str, value: &str) -> Result<(), Error> {
    if value.trim().is_empty() {
        return Err(Error::invalid_input(field, "must not be empty"));
    }
    Ok(())
}
