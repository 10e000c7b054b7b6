//! The one error type of `paperbrief-search`.

use std::path::PathBuf;

/// What stops a search. Each variant names the directory, file or query it failed on.
#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    /// The reports directory or a report could not be read.
    #[error(transparent)]
    Report(#[from] paperbrief_report::ReportError),
    /// The index could not be opened, written or searched.
    #[error("search index {}: {source} (it is rebuilt from the reports when deleted)", dir.display())]
    Index {
        /// The index directory (`{cache.dir}/search`), or `(memory)`.
        dir: PathBuf,
        /// What tantivy said.
        #[source]
        source: tantivy::TantivyError,
    },
    /// The index's record of which report it holds could not be written.
    #[error("cannot write {}", path.display())]
    Manifest {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The query has no word to search for.
    #[error(
        "the query {query:?} has no word to search for: give a word, e.g. 推测解码 or \"speculative decoding\""
    )]
    EmptyQuery {
        /// The query as given.
        query: String,
    },
}
