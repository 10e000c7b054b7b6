//! The one error type of `paperbrief-orchestrator`: what stops a whole command. A single
//! paper's trouble is never one of these; it becomes that paper's [`Failure`] entry.
//!
//! Each variant's message says what failed and names the thing; the cause is kept as its
//! `#[source]`, so a printed chain says it once.
//!
//! [`Failure`]: paperbrief_report::Failure

use std::path::PathBuf;

use paperbrief_core::{ArxivId, ReportDate};

use paperbrief_llm::LlmError;

/// What ends a run, a regeneration or a check before it can do its work.
#[derive(Debug, thiserror::Error)]
pub enum OrchestratorError {
    /// There is no cache directory to keep finished work in.
    #[error("no cache directory: set [cache] dir (or --cache-dir)")]
    NoCacheDir,
    /// The HTTP clients could not be built (the TLS backend failed to start).
    #[error("cannot build the HTTP clients")]
    Client(#[source] paperbrief_fetch::FetchError),
    /// The Hugging Face list could not be read (after retries) and no earlier copy is stored.
    #[error(
        "cannot read the Hugging Face list for {date} (where huggingface.co cannot be reached, \
         point sources.hf_endpoint or HF_ENDPOINT at a mirror, e.g. https://hf-mirror.com)"
    )]
    HfList {
        /// The day.
        date: ReportDate,
        /// Why.
        #[source]
        source: paperbrief_fetch::FetchError,
    },
    /// An HTTP client could not be built (the TLS backend failed to start).
    #[error("cannot build an HTTP client")]
    Http(#[source] paperbrief_http::HttpError),
    /// A reader profile's library cannot be read.
    #[error("cannot read the [[interests]] libraries")]
    Interests(#[from] paperbrief_interests::InterestsError),
    /// The LLM endpoint cannot be used.
    #[error("the LLM endpoint cannot be used")]
    Endpoint(#[source] LlmError),
    /// The base URL answers 404 for `/models`, with `/v1` too: it is not an API root.
    #[error(
        "{url} is not an OpenAI-compatible API root: {url}/models answers 404 (so does /v1/models); \
         set llm.base_url (or --base-url) to the server's API root, e.g. http://localhost:8000/v1"
    )]
    NotAnApiRoot {
        /// The base URL, without its password.
        url: String,
    },
    /// The endpoint lists no model and `llm.model` is empty.
    #[error("{url} lists no models; set llm.model (or PAPERBRIEF_LLM_MODEL)")]
    NoModel {
        /// The models URL.
        url: String,
    },
    /// `llm.model` names a model the endpoint does not serve.
    #[error("model `{model}` is not served by {url}; it serves: {}; set llm.model to one of them", served.join(", "))]
    ModelNotServed {
        /// The configured model.
        model: String,
        /// The models URL.
        url: String,
        /// What it serves.
        served: Vec<String>,
    },
    /// A paper asked for by id is not in the day's list.
    #[error("{id} is not in the Hugging Face list for {date}")]
    NotInList {
        /// The paper.
        id: ArxivId,
        /// The day.
        date: ReportDate,
    },
    /// A paper's prompt could not be planned (its text could not be read, or does not fit).
    #[error("cannot plan the prompt of {id}")]
    Unplannable {
        /// The paper.
        id: ArxivId,
        /// Why.
        #[source]
        reason: PlanError,
    },
    /// `rank` or `interests check` without `[[interests]]`.
    #[error("no reader profiles: add an [[interests]] table to the configuration (see the README)")]
    NoProfiles,
    /// A profile name that is not configured.
    #[error("no profile named `{name}`; the profiles are: {}", known.join(", "))]
    NoSuchProfile {
        /// What was asked for.
        name: String,
        /// The configured ones.
        known: Vec<String>,
    },
    /// A command that works on a day's report, for a day without one.
    #[error("no report for {date}: run `paperbrief run --date {date}` first")]
    NoReport {
        /// The day.
        date: ReportDate,
    },
    /// `batch import` for a day with no export.
    #[error("no batch export for {date}: run `paperbrief batch export --date {date}` first")]
    NoExport {
        /// The day.
        date: ReportDate,
    },
    /// `batch status`/`collect` for a day never submitted.
    #[error("no batch submitted for {date}: run `paperbrief batch submit --date {date}` first")]
    NoBatch {
        /// The day.
        date: ReportDate,
    },
    /// The prompt template file cannot be read.
    #[error("cannot read the prompt template {} (prompt.dir / prompt.template)", path.display())]
    TemplateFile {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The prompt template cannot be used.
    #[error(transparent)]
    Template(#[from] paperbrief_prompt::PromptError),
    /// A report file cannot be read or written.
    #[error(transparent)]
    Report(#[from] paperbrief_report::ReportError),
    /// A file of the store cannot be written.
    #[error("cannot write {}", path.display())]
    Store {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
}

/// An error and its causes, in one line.
pub(crate) fn error_chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut cause = e.source();
    while let Some(c) = cause {
        text.push_str(": ");
        text.push_str(&c.to_string());
        cause = c.source();
    }
    text
}

/// Why a paper's first request could not be planned.
#[derive(Debug, thiserror::Error)]
pub enum PlanError {
    /// Its text could not be read.
    #[error(transparent)]
    Read(#[from] paperbrief_fetch::FetchError),
    /// Its prompt does not render or fit.
    #[error(transparent)]
    Prompt(#[from] paperbrief_prompt::PromptError),
}
