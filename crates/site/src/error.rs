//! The one error type of `paperbrief-site`.

use std::path::PathBuf;

/// What stops a site build. Each variant names the file or template.
#[derive(Debug, thiserror::Error)]
pub enum SiteError {
    /// A report could not be read.
    #[error(transparent)]
    Report(#[from] paperbrief_report::ReportError),
    /// A template does not parse or render.
    #[error("site template {name}: {message}")]
    Template {
        /// The template.
        name: String,
        /// What MiniJinja said.
        message: String,
    },
    /// A template file could not be read.
    #[error("cannot read the site template {} ([site] templates)", path.display())]
    TemplateFile {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The search index could not be made.
    #[error(
        "cannot make the site's search index (Pagefind): {message}; `[site] search = false` builds the site without it"
    )]
    Search {
        /// What Pagefind said.
        message: String,
    },
    /// A page could not be written.
    #[error("cannot write {}", path.display())]
    Write {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
}
