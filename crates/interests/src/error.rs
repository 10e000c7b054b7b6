//! The one error type of `paperbrief-interests`: what stops profiles from being read. A library
//! item without a title is not an error (it is counted and skipped).

use std::path::PathBuf;

/// Why a profile's library, the Zotero API or the vector cache failed.
#[derive(Debug, thiserror::Error)]
pub enum InterestsError {
    /// A library file cannot be read.
    #[error("cannot read the library {} (the profile's `library`)", path.display())]
    LibraryFile {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// A library file does not parse.
    #[error("the library {} does not parse at line {line}: {message}", path.display())]
    Malformed {
        /// The file.
        path: PathBuf,
        /// The line (from 1).
        line: usize,
        /// What the parser said.
        message: String,
    },
    /// The Zotero API key variable is not set.
    #[error("{var} is not set (the profile's zotero.api_key_env); set it to a Zotero API key")]
    NoZoteroKey {
        /// The variable.
        var: String,
    },
    /// The Zotero API failed after retries.
    #[error("Zotero API {url}: {message}")]
    Zotero {
        /// The URL, without the key.
        url: String,
        /// What happened.
        message: String,
        /// Whether trying again later may work.
        transient: bool,
        /// How long the API asked to wait (`Backoff`/`Retry-After`).
        retry_after: Option<std::time::Duration>,
    },
    /// The vector cache cannot be written.
    #[error("cannot write the embeddings cache {}", path.display())]
    Cache {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
}

impl paperbrief_http::Transient for InterestsError {
    fn is_transient(&self) -> bool {
        matches!(
            self,
            Self::Zotero {
                transient: true,
                ..
            }
        )
    }
    fn retry_after(&self) -> Option<std::time::Duration> {
        match self {
            Self::Zotero { retry_after, .. } => *retry_after,
            _ => None,
        }
    }
}
