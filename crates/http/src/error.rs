//! The crate's one error type.

/// What can fail while setting up HTTP.
#[derive(Debug, thiserror::Error)]
pub enum HttpError {
    /// The TLS backend or the client's settings were refused by reqwest.
    #[error("cannot build the HTTP client: {source}")]
    Build {
        /// reqwest's reason.
        #[source]
        source: reqwest::Error,
    },
}
