//! The one error type of `paperbrief-orchestrator`: what stops a whole command. A single
//! paper's trouble is never one of these; it becomes that paper's [`crate::report::Failure`].

use std::path::PathBuf;

use paperbrief_core::ReportDate;

use crate::llm::LlmError;

/// What ends a run, a regeneration or a check before it can do its work.
#[derive(Debug, thiserror::Error)]
pub enum OrchestratorError {
    /// The configuration or the environment cannot be used.
    #[error("{0}")]
    Setup(String),
    /// The Hugging Face list could not be read (after retries) and no earlier copy is stored.
    #[error("cannot read the Hugging Face list for {date}: {source}")]
    HfList {
        /// The day.
        date: ReportDate,
        /// Why.
        #[source]
        source: paperbrief_fetch::FetchError,
    },
    /// The LLM endpoint cannot be used.
    #[error("the LLM endpoint cannot be used: {0}")]
    Endpoint(#[source] LlmError),
    /// The endpoint lists no model and `llm.model` is empty.
    #[error("{url} lists no models; set llm.model (or PAPERBRIEF_LLM_MODEL)")]
    NoModel {
        /// The models URL.
        url: String,
    },
    /// A paper asked for by id is not in the day's list.
    #[error("{id} is not in the Hugging Face list for {date}")]
    NotInList {
        /// The paper.
        id: String,
        /// The day.
        date: ReportDate,
    },
    /// The prompt template cannot be used.
    #[error(transparent)]
    Template(#[from] paperbrief_prompt::PromptError),
    /// A file could not be read or written.
    #[error("{}: {message}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// What went wrong.
        message: String,
    },
}
